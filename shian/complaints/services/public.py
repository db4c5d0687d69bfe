"""The public side (docs/complaints.md §2): the form anyone may send without an account (anonymous reports
allowed), limited per client address, with the phone number checked; and the lookup by 受理编号 and 查询码, which
shows the status only, never a name, a phone or the facts.

`verify_phone(phone=, code=)` is the phone check of a named informant: the format (entities.validators.validate_phone)
and the SMS one-time code `send_phone_code` texted to it (core.phonecodes, `PHONE_CHECK`, docs/complaints.md §2)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import context, phonecodes, rules
from shian.core.regioncodes import COUNTY, level_of
from shian.entities.validators import validate_phone
from shian.regions.models import Region

from ..models import Complaint
from ..ruledefs import PUBLIC_PER_WINDOW, PUBLIC_WINDOW
from .intake import build, clean, create_items
from .routing import Routing

PURPOSE = "complaint"  # the one-time codes of this form (shian/core/phonecodes.py keeps them apart per purpose)


def _code_check(phone: str, code: str) -> object:
    return phonecodes.verify_code(purpose=PURPOSE, phone=phone, code=code)


# The one-time-code check of a named informant's phone: a callable (phone, code) that raises ValidationError on a
# wrong, spent or expired code; None turns the check off (tests of the form's other fields).
PHONE_CHECK: Callable[[str, str], object] | None = _code_check


def send_phone_code(*, phone: str) -> int:
    """Text a one-time code to the informant's phone (limited per phone and per client address by
    core.phonecodes, `TooManyCodes`); returns its validity in minutes."""
    try:
        phone = validate_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    text = _("【食安】您正在提交食品安全投诉举报，验证码 %(code)s，%(minutes)d 分钟内有效。")
    return phonecodes.send_code(purpose=PURPOSE, phone=phone, text=text)


class TooManyItems(ValidationError):
    """Refused because this client address sent too many items within the window (HTTP 429)."""


def verify_phone(*, phone: str, code: str = "") -> str:
    """The informant's phone, checked: its format, then (when wired) the one-time code texted to it."""
    try:
        phone = validate_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    if PHONE_CHECK is not None:
        if not (code or "").strip():
            raise ValidationError({"code": [_("请填写短信验证码。")]})
        try:
            PHONE_CHECK(phone, code.strip())
        except ValidationError as exc:
            raise ValidationError({"code": exc.messages}) from exc
    return phone


def counties():
    """The counties a citizen may choose on the form: those with at least one 市场监管所."""
    from shian.inspections.models import Station

    codes = set(Station.objects.values_list("region_id", flat=True))
    return Region.objects.filter(code__in=codes, level=COUNTY).order_by("code")


def _throttled(ip: str | None, now: datetime.datetime) -> bool:
    if not ip:
        return False
    since = now - datetime.timedelta(minutes=rules.value(PUBLIC_WINDOW.code))
    sent = Complaint.objects.filter(client_ip=ip, created_at__gte=since, channel=Complaint.Channel.PORTAL).count()
    return sent >= rules.value(PUBLIC_PER_WINDOW.code)


@transaction.atomic
def submit_public(*, county: str, kind: str, facts: str, category: str, entity_name: str = "",
                  entity_address: str = "", anonymous: bool = False, informant_name: str = "", phone: str = "",
                  code: str = "", id_number: str = "") -> Complaint:  # fmt: skip
    """A citizen's item from the public form: routed inside the chosen county, received now."""
    now = timezone.now()
    ip = context.client_ip.get()
    if _throttled(ip, now):
        raise TooManyItems(_("提交过于频繁，请稍后再试或拨打 12315。"), code="throttled")
    errors = {}
    if level_of(county or "") != COUNTY or not counties().filter(code=county).exists():
        errors["county"] = [_("请选择所在县（市、区）。")]
    cleaned, more = clean({
        "kind": kind, "channel": Complaint.Channel.PORTAL, "facts": facts, "category": category,
        "entity_name": entity_name, "entity_address": entity_address, "anonymous": anonymous,
        "informant_name": informant_name, "phone": phone, "id_number": id_number, "received_at": now,
    }, now=now)  # fmt: skip
    errors.update(more)
    if not anonymous and "phone" not in errors:
        try:
            cleaned["phone"] = verify_phone(phone=cleaned["phone"], code=code)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    routing = Routing(within=county)
    routing.prepare([cleaned])
    route = routing.route(entity_name=cleaned["entity_name"], entity_address=cleaned["entity_address"])
    item = build(cleaned, route, client_ip=ip)
    create_items([item], actor=None, action="complaint.receive_public", region_code=route.region_code)
    return item
