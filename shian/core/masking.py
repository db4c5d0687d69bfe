"""Masked forms of personal data (PIPL): pure functions, used by lists, exports and the audit trail."""


def _text(value) -> str:
    try:
        if value is None:
            return ""
        if isinstance(value, bytes | bytearray):
            return bytes(value).decode("utf-8", "replace").strip()
        return str(value).strip()
    except Exception:  # a value whose str() fails is shown as nothing rather than crash a list page
        return ""


def mask_id_number(value) -> str:
    """`11010519491231002X` -> `1101**********002X`; values of 8 chars or fewer are fully masked."""
    text = _text(value)
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def mask_phone(value) -> str:
    """`13812345678` -> `138****5678`; values of 7 chars or fewer are fully masked."""
    text = _text(value)
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]
