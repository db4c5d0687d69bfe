"""Personal data (PIPL): ID and phone numbers are shown masked unless the user may and asks; unmasking is audited."""

from . import audit
from .permissions import require_perm


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


def unmask(*, user, obj, fields: dict[str, str], region_code: str = "") -> dict[str, str]:
    """Return the clear values of `fields` (name -> value) after checking the right and auditing the view."""
    require_perm(user, "accounts.unmask_pii", obj)
    audit.record(
        actor=user,
        action="pii.unmask",
        obj=obj,
        region_code=region_code,
        after={"fields": sorted(fields)},
    )
    return fields
