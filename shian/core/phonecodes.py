"""One-time codes texted to a phone, for any purpose (docs/security.md "Phone codes"): a public vote, later a
complaint or a portal sign-in. Lifted from self-registration (shian.accounts.registration), without the entity.

- `send_code(purpose, phone, text)`: refused with `TooManyCodes` when this phone or this client address (the real
  one, core.clientip through the audit context) has asked for `phonecodes.per_phone` / `phonecodes.per_address`
  codes within `phonecodes.window_minutes`; otherwise a six-digit code is stored (hashes only) and sent through
  core.sms. `text` is a template with `%(code)s` and `%(minutes)d`.
- `verify_code(purpose, phone, code)`: the newest unspent, unexpired code of that purpose and phone, with fewer
  than `phonecodes.tries` wrong tries, spent on success; returns `phone_digest(purpose, phone)` — the keyed hash a
  caller stores instead of the phone. A wrong code counts a try; neither step is atomic as a whole, so the count
  stays when the caller's transaction fails.

Only keyed hashes (HMAC with the secret key, per purpose) of phones, codes and addresses are kept.
"""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import context, rules, sms
from .models import PhoneCode

CODE_INVALID = gettext_lazy("验证码无效、已使用或已过期，请重新获取。")
CODE_WRONG = gettext_lazy("验证码不正确。")
THROTTLED = gettext_lazy("获取验证码过于频繁，请稍后再试。")


class TooManyCodes(ValidationError):
    """Refused because this phone or client address asked for too many codes (HTTP 429)."""


def _digest(kind: str, value: str) -> str:
    return salted_hmac(f"shian.phonecodes.{kind}", value, algorithm="sha256").hexdigest()


def phone_digest(purpose: str, phone: str) -> str:
    """The keyed hash of a phone for one purpose (a vote keeps this, never the phone)."""
    return _digest(f"phone.{purpose}", phone)


def _address_hash() -> str:
    ip = context.client_ip.get()
    return _digest("ip", ip) if ip else ""


def throttled(purpose: str, phone: str) -> bool:
    """Too many codes asked for this phone (this purpose) or from this client address within the window."""
    since = timezone.now() - datetime.timedelta(minutes=rules.value("phonecodes.window_minutes"))
    recent = PhoneCode.objects.filter(created_at__gte=since)
    if recent.filter(purpose=purpose, phone_hash=phone_digest(purpose, phone)).count() >= rules.value(
        "phonecodes.per_phone"
    ):
        return True
    ip_hash = _address_hash()
    return bool(ip_hash) and recent.filter(ip_hash=ip_hash).count() >= rules.value("phonecodes.per_address")


def send_code(*, purpose: str, phone: str, text: str) -> int:
    """Store and text a new code (see the module docstring); returns its validity in minutes."""
    if throttled(purpose, phone):
        raise TooManyCodes({"phone": [THROTTLED]}, code="throttled")
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = rules.value("phonecodes.minutes")
    PhoneCode.objects.create(
        purpose=purpose,
        phone_hash=phone_digest(purpose, phone),
        code_hash=_digest("code", code),
        ip_hash=_address_hash(),
        expires_at=timezone.now() + datetime.timedelta(minutes=minutes),
    )
    sms.send(phone, text % {"code": code, "minutes": minutes})
    return minutes


def verify_code(*, purpose: str, phone: str, code: str) -> str:
    """Spend the phone's code (see the module docstring); returns the phone's keyed hash, or raises
    ValidationError on the field `code`."""
    code = "".join((code or "").split())
    if not code:
        raise ValidationError({"code": [_("请填写短信验证码。")]}, code="code")
    phone_hash = phone_digest(purpose, phone)
    pending = (
        PhoneCode.objects.filter(
            purpose=purpose,
            phone_hash=phone_hash,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            tries__lt=rules.value("phonecodes.tries"),
        )
        .order_by("-created_at")
        .first()
    )
    if pending is None:
        raise ValidationError({"code": [CODE_INVALID]}, code="code")
    if not secrets.compare_digest(pending.code_hash, _digest("code", code)):
        PhoneCode.objects.filter(pk=pending.pk).update(tries=F("tries") + 1)
        raise ValidationError({"code": [CODE_WRONG]}, code="code")
    spent = PhoneCode.objects.filter(pk=pending.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not spent:  # a concurrent request spent it first
        raise ValidationError({"code": [CODE_INVALID]}, code="code")
    return phone_hash
