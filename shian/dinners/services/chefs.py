"""The 流动厨师 registry (docs/dinners.md §3): a chef registered with a checked ID and phone number and a health
certificate, the certificate renewed, trainings recorded, and the daily reminder before a certificate expires."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role, User
from shian.core import audit, rules
from shian.core.jurisdiction import require_in_scope
from shian.core.models import DeadlineRule
from shian.core.regioncodes import COUNTY, ancestor, level_of, prefixes
from shian.core.services import notify
from shian.entities.validators import validate_phone, validate_resident_id
from shian.regions.models import Region

from ..models import Chef, ChefTraining
from ..ruledefs import CERT_EXPIRY_DAYS

KEEPERS = ADMIN_ROLES | {Role.STATION_STAFF}
AUDITED = ["name", "id_number", "phone", "region_id", "cert_number", "cert_expires_on", "active"]


def can_keep(user) -> bool:
    return user.is_superuser or user.role in KEEPERS


def require_keeper(actor) -> None:
    if not can_keep(actor):
        raise PermissionDenied(_("只有管理员和市场监管所人员可以维护流动厨师名录。"))


def _text(value, field: str, label: str, limit: int, errors: dict, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[field] = [_("请填写%(f)s。") % {"f": label}]
    elif len(text) > limit:
        errors[field] = [_("%(f)s不能超过 %(n)d 字。") % {"f": label, "n": limit}]
    return text


def _day(value, field: str, label: str, errors: dict) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    errors[field] = [_("请填写%(f)s（日期，如 2026-12-31）。") % {"f": label}]
    return None


def add_chef(*, actor, region_code: str = "", name: str = "", id_number: str = "", phone: str = "",
             cert_number: str = "", cert_expires_on=None) -> Chef:  # fmt: skip
    """Register a chef in a region of the actor's jurisdiction; the ID number is checked (GB 11643) and unique."""
    require_keeper(actor)
    errors: dict = {}
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region is None:
        errors["region_code"] = [
            _("请选择登记区划。") if not region_code else _("区划“%(c)s”不存在。") % {"c": region_code}
        ]
    else:
        require_in_scope(actor, region.code)
    name = _text(name, "name", _("姓名"), 50, errors)
    try:
        id_number = validate_resident_id(id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    else:
        if Chef.objects.filter(id_number=id_number).exists():
            errors["id_number"] = [_("该身份证号码的厨师已登记。")]
    try:
        phone = validate_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    cert_number = _text(cert_number, "cert_number", _("健康证明编号"), 50, errors, required=False)
    expires = _day(cert_expires_on, "cert_expires_on", _("健康证明有效期"), errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        chef = Chef.objects.create(name=name, id_number=id_number, phone=phone, region=region,
                                   cert_number=cert_number, cert_expires_on=expires, created_by=actor)  # fmt: skip
        audit.record(actor=actor, action="dinners.chef_add", obj=chef, region_code=region.code,
                     after=audit.snapshot(chef, AUDITED))  # fmt: skip
    return chef


@transaction.atomic
def renew_certificate(*, actor, chef: Chef, cert_number: str = "", cert_expires_on=None) -> Chef:
    """A new health certificate: its number and expiry (a later date than the current one)."""
    require_keeper(actor)
    require_in_scope(actor, chef.region_id)
    errors: dict = {}
    cert_number = _text(cert_number, "cert_number", _("健康证明编号"), 50, errors, required=False)
    expires = _day(cert_expires_on, "cert_expires_on", _("健康证明有效期"), errors)
    if expires and expires <= chef.cert_expires_on:
        errors["cert_expires_on"] = [_("新的有效期应晚于现有有效期（%(d)s）。") % {"d": chef.cert_expires_on}]
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(chef, AUDITED)
    chef.cert_number, chef.cert_expires_on, chef.reminded_for = cert_number, expires, None
    chef.save(update_fields=["cert_number", "cert_expires_on", "reminded_for"])
    audit.record(actor=actor, action="dinners.chef_update", obj=chef, region_code=chef.region_id, before=before,
                 after=audit.snapshot(chef, AUDITED))  # fmt: skip
    return chef


@transaction.atomic
def add_training(*, actor, chef: Chef, held_on=None, title: str = "", hours=0) -> ChefTraining:
    require_keeper(actor)
    require_in_scope(actor, chef.region_id)
    errors: dict = {}
    held_on = _day(held_on, "held_on", _("培训日期"), errors)
    if held_on and held_on > timezone.localdate():
        errors["held_on"] = [_("培训日期不能晚于今天。")]
    title = _text(title, "title", _("培训内容"), 200, errors)
    try:
        hours = int(hours or 0)
    except (TypeError, ValueError):
        hours = -1
    if not 0 <= hours <= 200:
        errors["hours"] = [_("学时应为 0–200 的整数。")]
    if errors:
        raise ValidationError(errors)
    training = ChefTraining.objects.create(chef=chef, held_on=held_on, title=title, hours=hours, created_by=actor)
    audit.record(actor=actor, action="dinners.training_add", obj=chef, region_code=chef.region_id,
                 after={"held_on": held_on.isoformat(), "title": title, "hours": hours})  # fmt: skip
    return training


def expiring_horizon(region_code: str, today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=rules.value(CERT_EXPIRY_DAYS.code, region_code, today))


def remind_expiring(now: datetime.datetime) -> int:
    """Tell the station staff and administrators (county level and below) over each active chef whose certificate
    expires within `dinners.cert_expiry_days` (read in the chef's region), once per expiry date. Idempotent."""
    today = timezone.localdate(now)
    longest = DeadlineRule.objects.filter(code=CERT_EXPIRY_DAYS.code).aggregate(n=Max("amount"))["n"] or 0
    widest = today + datetime.timedelta(days=max(longest, rules.value(CERT_EXPIRY_DAYS.code, "", today)))
    candidates = [
        chef for chef in Chef.objects.filter(active=True, cert_expires_on__lte=widest)
        .exclude(reminded_for=F("cert_expires_on")).order_by("pk")
        if chef.cert_expires_on <= expiring_horizon(chef.region_id, today)
    ]  # fmt: skip
    above = {code for chef in candidates for code in prefixes(chef.region_id) if level_of(code) >= COUNTY}
    keepers: dict[str, list] = {}
    for user in User.objects.filter(is_active=True, role__in=KEEPERS, region_id__in=above):
        keepers.setdefault(user.region_id, []).append(user)
    for chef in candidates:
        users = [u for code in prefixes(chef.region_id) for u in keepers.get(code, [])]
        text = _("流动厨师 %(n)s 的健康证明%(w)s（有效期至 %(d)s），请提醒其及时办理。") % {
            "n": chef.name, "d": chef.cert_expires_on,
            "w": _("已过期") if chef.cert_expires_on < today else _("即将到期")}  # fmt: skip
        with transaction.atomic():
            notify(users=users, text=text, url=reverse("dinners:chef_detail", args=[chef.pk]),
                   kind="dinners.cert_expiring", group=ancestor(chef.region_id, COUNTY),
                   group_text=_("%(n)d 名厨师健康证明将到期"),
                   group_url=reverse("dinners:chef_list") + "?expiring=1")  # fmt: skip
            Chef.objects.filter(pk=chef.pk).update(reminded_for=chef.cert_expires_on)
    return len(candidates)
