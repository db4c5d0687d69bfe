"""What the emergency services share (docs/emergency.md): who may write, the region a record lies in, times
that may not lie in the future, numbering per county and year, and whom an overdue clock is told."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role, User
from shian.core.jurisdiction import require_in_scope, scope_queryset
from shian.core.regioncodes import CITY, COUNTY, ancestor
from shian.entities.models import Entity
from shian.regions.models import Region

WRITER_ROLES = ADMIN_ROLES | {Role.STATION_STAFF}
CLOCK_SKEW = datetime.timedelta(minutes=10)  # a phone's clock may run a little ahead of the server's
NUMBER_TRIES = 5


def require_writer(actor) -> None:
    if not (actor.is_superuser or actor.role in WRITER_ROLES):
        raise PermissionDenied(_("只有管理员和市场监管所人员可以登记应急管理事项。"))


def place(actor, region_code: str, entity_id, errors: dict) -> tuple[Region | None, Entity | None]:
    """The region (and entity) a record is about: the entity's region when an entity is named, else the region
    picked; both inside the actor's jurisdiction (a 404 outside it)."""
    entity = None
    if entity_id not in (None, ""):
        entity = (
            scope_queryset(Entity.objects.all(), actor).filter(pk=entity_id).first()
            if str(entity_id).isdigit()
            else None
        )
        if entity is None:
            errors["entity"] = [_("主体不存在或不在您的管辖范围内。")]
            return None, None
        region_code = region_code or entity.region_id
        if not entity.region_id.startswith(region_code):
            errors["entity"] = [_("主体“%(name)s”不在所选区划内。") % {"name": entity.name}]
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region is None:
        errors["region"] = [_("请选择区划。") if not region_code else _("区划“%(c)s”不存在。") % {"c": region_code}]
        return None, entity
    require_in_scope(actor, region.code)
    return region, entity


def moment(value, field: str, label: str, errors: dict, *, required: bool = True) -> datetime.datetime | None:
    """An aware time not later than now (a little clock skew allowed), or an error naming the field."""
    if value is None or value == "":
        if required:
            errors[field] = [_("请填写%(field)s。") % {"field": label}]
        return None
    if not isinstance(value, datetime.datetime):
        errors[field] = [_("%(field)s格式无效。") % {"field": label}]
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + CLOCK_SKEW:
        errors[field] = [_("%(field)s不能晚于当前时间。") % {"field": label}]
    return value


def day(value, field: str, label: str, errors: dict) -> datetime.date | None:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        errors[field] = [_("请填写%(field)s。") % {"field": label}]
        return None
    if value > timezone.localdate():
        errors[field] = [_("%(field)s不能晚于今天。") % {"field": label}]
    return value


def text(values: dict, model, field: str, errors: dict, *, required: bool = False) -> str:
    value = str(values.get(field) or "").replace("\x00", "").strip()
    meta = model._meta.get_field(field)
    if required and not value:
        errors[field] = [_("请填写%(field)s。") % {"field": meta.verbose_name}]
    elif meta.max_length and len(value) > meta.max_length:
        errors[field] = [_("%(field)s不能超过 %(n)d 个字。") % {"field": meta.verbose_name, "n": meta.max_length}]
    return value


def count(value, field: str, label: str, errors: dict) -> int:
    try:
        n = int(value or 0)
    except (TypeError, ValueError):
        n = -1
    if n < 0:
        errors[field] = [_("%(field)s应为不小于 0 的整数。") % {"field": label}]
        return 0
    return n


def create_numbered(model, prefix_letters: str, region_code: str, when: datetime.datetime, **fields):
    """Create a row numbered `<letters><year><county>-<4-digit sequence>`, retrying when a concurrent write took
    the number first."""
    county = ancestor(region_code, COUNTY) or region_code
    prefix = f"{prefix_letters}{timezone.localtime(when).year}{county}-"
    for _attempt in range(NUMBER_TRIES):
        last = model.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
        last = last.first()
        seq = int(last[len(prefix) :]) + 1 if last else 1
        try:
            with transaction.atomic():
                return model.objects.create(number=f"{prefix}{seq:04d}", **fields)
        except IntegrityError:
            continue
    raise ValidationError(_("编号分配冲突，请稍后重试。"))


def admins_of(region_code: str, level: int) -> list[User]:
    """The active administrators sitting at the `level` region containing `region_code` (the county desk, or
    the city above it for an escalation)."""
    code = ancestor(region_code, level)
    if not code:
        return []
    return list(User.objects.filter(is_active=True, role__in=ADMIN_ROLES, region_id=code).order_by("pk"))


def county_and_city(region_code: str) -> tuple[list[User], list[User]]:
    return admins_of(region_code, COUNTY), admins_of(region_code, CITY)


class Admins:
    """`admins_of` remembered per region for one checker run (a few counties, many records)."""

    def __init__(self):
        self._seen: dict[tuple[str, int], list[User]] = {}

    def __call__(self, region_code: str, level: int) -> list[User]:
        key = (ancestor(region_code, level), level)
        if key not in self._seen:
            self._seen[key] = admins_of(region_code, level)
        return self._seen[key]


def local(moment_: datetime.datetime) -> str:
    return timezone.localtime(moment_).strftime("%Y-%m-%d %H:%M")
