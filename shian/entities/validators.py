"""Identifier validators for market entities and people (docs/domain.md §3).

Every public function raises only :class:`django.core.exceptions.ValidationError` (with ``code`` set) for bad
input of any type — ``None``, numbers, very long strings, unicode junk — and returns the normalised value
on success. Codes used:

- ``format``   wrong length, unknown prefix, empty value, a field with an impossible fixed value;
- ``charset``  a character that may not appear at that position;
- ``region``   the region segment is not a valid region/province code;
- ``date``     the birth date of a resident ID does not exist or lies in the future;
- ``checksum`` the check character does not match.  For the USCC this is a *warning*
  (:class:`ChecksumWarning`, docs/domain.md §3.2: real codes fail the check and an authorised user may override);
  for organisation codes and resident IDs it is a plain, blocking error.

Masking of ID and phone numbers (PIPL) lives in shian.core.pii.
"""

from __future__ import annotations

import functools
import operator
import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

__all__ = [
    "USCC_CHARSET",
    "ChecksumWarning",
    "license_kind",
    "make_resident_id",
    "make_uscc",
    "normalize",
    "org_code_check_char",
    "resident_id_check_char",
    "uscc_check_char",
    "validate_license_number",
    "validate_org_code",
    "validate_phone",
    "validate_resident_id",
    "validate_uscc",
]

# Values longer than this are rejected as "format" before any further work (no identifier is this long).
MAX_RAW_LENGTH = 100

DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# GB 32100-2015
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I O S V Z; value = index
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]  # 3^(i-1) mod 31
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}

# GB 11714-1997 organisation code: 8 body chars (digits, A=10 ... Z=35) + check (0-9 or X)
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
_ORG_VALUE = {c: i for i, c in enumerate(DIGITS + UPPER)}

# GB 11643-1999 citizen identity number
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK_CHARS = "10X98765432"

# First two digits of GB/T 2260 region codes: provinces, Taiwan, Hong Kong, Macao (81/82), 83 and 91 as used
# on residence permits / historical documents.
PROVINCE_CODES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23"}
    | {str(n) for n in range(31, 38)}
    | {str(n) for n in range(41, 47)}
    | {str(n) for n in range(50, 55)}
    | {str(n) for n in range(61, 66)}
    | {"71", "81", "82", "83", "91"}
)


class ChecksumWarning(ValidationError):
    """A check-character mismatch that an authorised user may override with a reason (docs/domain.md §3.2)."""


# --------------------------------------------------------------------------------------------- normalisation

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}  # ！ … ～ -> ! … ~
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", UPPER)


def _to_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("无法识别的编码"), code="format") from exc
    try:
        return str(value)
    except Exception as exc:  # an arbitrary object whose __str__ fails
        raise ValidationError(_("无法识别的值"), code="format") from exc


def normalize(value) -> str:
    """Return ``value`` as text: trimmed, full-width ASCII to half-width, a-z upper-cased, all spaces removed.

    ``None`` gives ``""``. Only the full-width ASCII block (U+FF01–U+FF5E) and the ideographic space U+3000
    are folded — not the whole of NFKC — so that e.g. circled digits or Roman numerals are not silently
    turned into valid-looking identifiers. Only ASCII letters are upper-cased for the same reason.
    """
    text = _to_text(value)
    if text.isascii():  # the common case (an import checks 100,000 codes): split() drops what isspace() names
        if type(text) is str and text.isalnum() and (text.isupper() or text.isdigit()):
            return text  # already folded: the same text, not a copy kept beside the file's for every row
        return "".join(text.split()).translate(_ASCII_UPPER)
    text = text.translate(_FULLWIDTH).translate(_ASCII_UPPER)
    return "".join(c for c in text if not c.isspace())


def _prepare(value, label: str) -> str:
    text = _to_text(value)
    if len(text) > MAX_RAW_LENGTH:
        raise ValidationError(
            _("%(label)s过长（%(length)d 个字符）"), code="format", params={"label": label, "length": len(text)}
        )
    text = normalize(text)
    if not text:
        raise ValidationError(_("%(label)s不能为空"), code="format", params={"label": label})
    return text


@functools.cache
def _charset(allowed: str) -> frozenset:
    return frozenset(allowed)


def _first_bad(text: str, allowed: str, start: int = 0) -> int | None:
    if _charset(allowed).issuperset(text[start:] if start else text):
        return None
    for i in range(start, len(text)):
        if text[i] not in allowed:
            return i
    return None


def _charset_error(label: str, text: str, index: int, hint: str) -> ValidationError:
    return ValidationError(
        _("%(label)s第%(position)d位字符“%(char)s”不合法（%(hint)s）"),
        code="charset",
        params={"label": label, "position": index + 1, "char": text[index], "hint": hint},
    )


def _today(today: date | None) -> date:
    if today is not None:
        return today
    return timezone.localdate() if settings.USE_TZ else date.today()


# ------------------------------------------------------------------------------------- check-char helpers


def org_code_check_char(base8: str) -> str:
    """GB 11714 check char for 8 body chars (digits, A=10…Z=35): c = 11 − (Σ mod 11); 10→X, 11→0."""
    if len(base8) != len(ORG_WEIGHTS):
        raise ValueError(f"8 characters expected, got {len(base8)}")
    total = sum(map(operator.mul, map(_ORG_VALUE.__getitem__, base8), ORG_WEIGHTS))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc_check_char(prefix17: str) -> str:
    """GB 32100 check char for the first 17 chars: (31 − Σ value×weight mod 31) mod 31 → charset."""
    if len(prefix17) != len(USCC_WEIGHTS):
        raise ValueError(f"17 characters expected, got {len(prefix17)}")
    total = sum(map(operator.mul, map(_USCC_VALUE.__getitem__, prefix17), USCC_WEIGHTS))  # an import checks 100,000
    return USCC_CHARSET[(31 - total % 31) % 31]


def resident_id_check_char(body17: str) -> str:
    """GB 11643 check char for the first 17 digits: "10X98765432"[Σ digit×weight mod 11]."""
    return ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


# --------------------------------------------------------------------------------------------------- USCC

# Labels translated only when a message needs them (an import checks 100,000 valid codes).
_USCC_LABEL, _LICENSE_LABEL = gettext_lazy("统一社会信用代码"), gettext_lazy("许可证编号")
# A code as an import reads it: already folded, every character allowed at its place. Such a value needs none of
# the folding and per-position checks, whose messages are only for values that fail them.
_USCC_PLAIN = re.compile(r"[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}")
_LICENSE_PLAIN = re.compile(r"JY[1-9][0-9]{13}|SC[12][0-9]{13}")


def validate_uscc(value, *, allow_checksum_override: bool = False) -> str:
    """Validate a Unified Social Credit Code (GB 32100-2015) and return it normalised.

    Blocking errors: wrong length (``format``), a character outside ``USCC_CHARSET`` (``charset``), pos 3–8
    (region of the issuing authority) not six digits (``region``).

    Warnings (:class:`ChecksumWarning`, code ``checksum``; returned normalised when
    ``allow_checksum_override=True``):

    - pos 18 differs from the GB 32100 check char;
    - the embedded organisation code (pos 9–17, GB 11714) fails its own check: pos 17 differs from the
      check computed over pos 9–16. GB 11714 accepts every digit and letter in the body, and the USCC
      charset is a subset of those, so this check applies to every code that passed the charset test
      (all docs/domain.md §3.2 "valid" examples, including letter-bearing ones like ``MA5CJQ4N5``, satisfy it).

    A legacy 15-digit business registration number (注册号) is accepted with a format check only and
    returned as is; any other 15-character value is a ``format`` error.
    """
    if type(value) is str and _USCC_PLAIN.fullmatch(value):  # nothing to fold, every character in place
        return _uscc_check(value, allow_checksum_override)
    label = _USCC_LABEL
    text = _prepare(value, label)
    if len(text) == 15:
        if _first_bad(text, DIGITS) is not None:
            raise ValidationError(_("15 位注册号应全部为数字"), code="format")
        return text
    if len(text) != 18:
        raise ValidationError(
            _("统一社会信用代码应为 18 位（旧注册号为 15 位数字），实际为 %(length)d 位"),
            code="format",
            params={"length": len(text)},
        )
    bad = _first_bad(text, USCC_CHARSET)
    if bad is not None:
        raise _charset_error(label, text, bad, _("只能是数字和除 I、O、S、V、Z 以外的大写字母"))
    if _first_bad(text[2:8], DIGITS) is not None:
        raise ValidationError(
            _("统一社会信用代码第3–8位（登记管理机关行政区划码）应为 6 位数字，实际为 %(region)s"),
            code="region",
            params={"region": text[2:8]},
        )
    return _uscc_check(text, allow_checksum_override)


def _uscc_check(text: str, allow_checksum_override: bool) -> str:
    """The two check characters of an 18-character code whose characters are all in place."""
    problems = []
    params = {}
    expected = uscc_check_char(text[:17])
    if text[17] != expected:
        problems.append(_("统一社会信用代码第18位校验码应为 %(expected)s，实际为 %(actual)s"))
        params.update(expected=expected, actual=text[17])
    org_expected = org_code_check_char(text[8:16])
    if text[16] != org_expected:
        problems.append(_("第9–17位组织机构代码的校验码（第17位）应为 %(org_expected)s，实际为 %(org_actual)s"))
        params.update(org_expected=org_expected, org_actual=text[16])
    if problems and not allow_checksum_override:
        raise ChecksumWarning("；".join(problems), code="checksum", params=params)
    return text


def validate_org_code(value) -> str:
    """Validate a 9-char organisation code (GB 11714-1997) and return it without hyphen.

    The printed form with a hyphen before the check char (``77604965-3``) is accepted. Body chars are digits
    or upper-case letters (A=10…Z=35), the check char a digit or ``X``. Check mismatch is a blocking
    ``checksum`` error here (plain ValidationError).
    """
    label = gettext_lazy("组织机构代码")
    text = _prepare(value, label)
    if len(text) == 10 and text[8] == "-":
        text = text[:8] + text[9]
    if len(text) != 9:
        raise ValidationError(
            _("组织机构代码应为 9 位（可写作 8 位-1 位），实际为 %(length)d 位"),
            code="format",
            params={"length": len(text)},
        )
    bad = _first_bad(text[:8], DIGITS + UPPER)
    if bad is not None:
        raise _charset_error(label, text, bad, _("本体代码只能是数字或大写字母"))
    if text[8] not in DIGITS + "X":
        raise _charset_error(label, text, 8, _("校验码只能是数字或 X"))
    expected = org_code_check_char(text[:8])
    if text[8] != expected:
        raise ValidationError(
            _("组织机构代码第9位校验码应为 %(expected)s，实际为 %(actual)s"),
            code="checksum",
            params={"expected": expected, "actual": text[8]},
        )
    return text


# ----------------------------------------------------------------------------------------------- resident ID


def _check_birth(yyyymmdd: str, today: date | None) -> date:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError as exc:
        raise ValidationError(
            _("身份证号码中的出生日期 %(birth)s 不存在"), code="date", params={"birth": yyyymmdd}
        ) from exc
    if born > _today(today):
        raise ValidationError(_("身份证号码中的出生日期 %(birth)s 晚于今天"), code="date", params={"birth": yyyymmdd})
    return born


def validate_resident_id(value, *, today: date | None = None) -> str:
    """Validate a resident identity number (GB 11643-1999) and return the 18-char form.

    Order of checks: length (``format``), characters (``charset``: 17 digits then digit or X; lower-case x
    is folded), province of the region code (``region``), birth date exists and is not after ``today``
    (``date``), check char (``checksum``, blocking). The date is checked before the check char so that an
    impossible date is reported as such even when its check char is right (``320106199002300015``).

    A 15-digit legacy ID (6 region + YYMMDD + 3 sequence) is expanded: ``19`` is inserted before the
    year and the check char appended.
    """
    label = gettext_lazy("身份证号码")
    text = _prepare(value, label)
    if len(text) not in (15, 18):
        raise ValidationError(
            _("身份证号码应为 18 位（旧证 15 位），实际为 %(length)d 位"),
            code="format",
            params={"length": len(text)},
        )
    body_len = 15 if len(text) == 15 else 17
    bad = _first_bad(text[:body_len], DIGITS)
    if bad is not None:
        raise _charset_error(label, text, bad, _("前 %(n)d 位只能是数字") % {"n": body_len})
    if len(text) == 18 and text[17] not in DIGITS + "X":
        raise _charset_error(label, text, 17, _("校验码只能是数字或 X"))
    if text[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("身份证号码前两位 %(province)s 不是有效的省级行政区划代码"),
            code="region",
            params={"province": text[:2]},
        )
    if len(text) == 15:
        body = text[:6] + "19" + text[6:]
        _check_birth(body[6:14], today)
        return body + resident_id_check_char(body)
    _check_birth(text[6:14], today)
    expected = resident_id_check_char(text[:17])
    if text[17] != expected:
        raise ValidationError(
            _("身份证号码第18位校验码应为 %(expected)s，实际为 %(actual)s"),
            code="checksum",
            params={"expected": expected, "actual": text[17]},
        )
    return text


# ---------------------------------------------------------------------------------------------------- licences


def validate_license_number(value, *, today: date | None = None) -> str:
    """Validate a food business (``JY``) or food production (``SC``) licence number; return it normalised.

    ``JY`` + 14 digits: format code (1–9; 2015 codes 1 sales, 2 catering, 3 canteen — other non-zero
    digits are accepted because the 2023 rules may reuse them, docs/domain.md §3.4) + 6 region + 6 sequence + 1
    check. ``SC`` + 14 digits: 3 category digits (first 1 food, 2 additive) + 6 region + 4 sequence + 1
    check. The region's first two digits must be a province code (``region``). There is no public check
    algorithm, so the check digit is not verified. ``today`` is reserved for issue-date-dependent format
    rules (⚙) and currently unused.
    """
    del today
    if type(value) is str and _LICENSE_PLAIN.fullmatch(value):  # folded, every character in place
        region = value[3:5] if value[0] == "J" else value[5:7]
        if region in PROVINCE_CODES:
            return value
    label = _LICENSE_LABEL
    text = _prepare(value, label)
    kind = text[:2]
    if kind not in ("JY", "SC"):
        raise ValidationError(
            _("许可证编号应以 JY（食品经营）或 SC（食品生产）开头，实际为 %(prefix)s"),
            code="format",
            params={"prefix": kind},
        )
    if len(text) != 16:
        raise ValidationError(
            _("许可证编号应为 %(kind)s 加 14 位数字，实际为 %(length)d 位"),
            code="format",
            params={"kind": kind, "length": len(text)},
        )
    bad = _first_bad(text, DIGITS, start=2)
    if bad is not None:
        raise _charset_error(label, text, bad, _("前缀后只能是数字"))
    if kind == "JY":
        if text[2] == "0":
            raise ValidationError(_("食品经营许可证第3位主体业态代码不能为 0"), code="format")
        region = text[3:9]
    else:
        if text[2] not in "12":
            raise ValidationError(
                _("食品生产许可证第3位应为 1（食品）或 2（食品添加剂），实际为 %(digit)s"),
                code="format",
                params={"digit": text[2]},
            )
        region = text[5:11]
    if region[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("许可证编号中的行政区划码 %(region)s 不是有效的省级代码开头"),
            code="region",
            params={"region": region},
        )
    return text


def license_kind(value, *, today: date | None = None) -> str:
    """Return ``"JY"`` or ``"SC"`` for a valid licence number; raises ValidationError like the validator."""
    return validate_license_number(value, today=today)[:2]


# ----------------------------------------------------------------------------------------------- generators


def make_uscc(*, type_code: str = "91", region: str, org_base: str) -> str:
    """Build a valid USCC from its parts: 2-char authority/type, 6-digit region, 8-char organisation body.

    The organisation check char (pos 17) and the USCC check char (pos 18) are computed. ``org_base`` uses
    ``USCC_CHARSET`` (no I O S V Z). Bad parts raise ValidationError.
    """
    type_code, region, org_base = normalize(type_code), normalize(region), normalize(org_base)
    if len(type_code) != 2 or _first_bad(type_code, USCC_CHARSET) is not None:
        raise ValidationError(_("登记管理部门及机构类别代码应为 2 位合法字符"), code="format")
    if len(region) != 6 or _first_bad(region, DIGITS) is not None:
        raise ValidationError(_("行政区划码应为 6 位数字"), code="region")
    if len(org_base) != 8 or _first_bad(org_base, USCC_CHARSET) is not None:
        raise ValidationError(_("组织机构代码本体应为 8 位合法字符"), code="format")
    prefix = type_code + region + org_base + org_code_check_char(org_base)
    return prefix + uscc_check_char(prefix)


def make_resident_id(*, region: str, birth: date, seq: int) -> str:
    """Build a valid 18-char resident ID from a 6-digit region, a birth date and a sequence 0–999."""
    region = normalize(region)
    if len(region) != 6 or _first_bad(region, DIGITS) is not None:
        raise ValidationError(_("行政区划码应为 6 位数字"), code="region")
    if not isinstance(birth, date) or not 1 <= birth.year <= 9999:
        raise ValidationError(_("出生日期无效"), code="date")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= 999:
        raise ValidationError(_("顺序码应为 0–999 的整数"), code="format")
    body = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq:03d}"
    return body + resident_id_check_char(body)


_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE = re.compile(r"^0[1-9][0-9]{1,2}-?[1-9][0-9]{6,7}(-[0-9]{1,6})?$")


def validate_phone(value) -> str:
    """A mainland mobile (11 digits, 1[3-9]…) or landline with area code (0536-6212345); +86 is dropped."""
    text = _prepare(value, _("电话号码"))
    text = text.removeprefix("+86").removeprefix("0086")
    if text.isdigit() and len(text) == 11 and text.startswith("1"):
        if _MOBILE.match(text):
            return text
        raise ValidationError(_("手机号码第 2 位应为 3–9：%(value)s"), code="format", params={"value": text})
    if _LANDLINE.match(text):
        return text
    bad = _first_bad(text, DIGITS + "-")
    if bad is not None:
        raise _charset_error(_("电话号码"), text, bad, _("只能包含数字和连字符"))
    raise ValidationError(
        _("电话号码格式不正确（手机 11 位，固话如 0536-6212345）：%(value)s"), code="format", params={"value": text}
    )
