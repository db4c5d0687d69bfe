"""Stations and their inspectors (docs/inspections.md §1): which townships a 市场监管所 covers, who inspects for
it, and the conflicts of interest inspectors declare. County administrators and above keep stations; every change
is audited (`station.*`)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shian.accounts.models import Role, User
from shian.core import audit
from shian.core.jurisdiction import require_in_scope
from shian.core.regioncodes import level_of
from shian.entities.models import Entity
from shian.regions.models import Region

from ..models import InspectorConflict, Station

STATION_KEEPERS = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN})
COUNTY_LEVEL = 3
TOWNSHIP_LEVEL = 4


def _require_keeper(actor) -> None:
    if not (actor.is_superuser or actor.role in STATION_KEEPERS):
        raise PermissionDenied(_("只有县级及以上管理员可以维护市场监管所。"))


def _snapshot(station: Station) -> dict:
    return {
        "code": station.code,
        "name": station.name,
        "region": station.region_id,
        "townships": sorted(station.townships.values_list("code", flat=True)),
        "inspectors": sorted(station.inspectors.values_list("pk", flat=True)),
    }


@transaction.atomic
def create_station(*, actor, region_code: str, code: str, name: str) -> Station:
    """A new station of a county (no townships, no inspectors yet)."""
    _require_keeper(actor)
    require_in_scope(actor, region_code)
    code, name = (code or "").strip(), (name or "").strip()
    errors = {}
    if level_of(region_code) != COUNTY_LEVEL or not Region.objects.filter(code=region_code).exists():
        errors["region"] = [_("所属县区必须是一个县级区划。")]
    if not code:
        errors["code"] = [_("请填写所编码。")]
    elif Station.objects.filter(code=code).exists():
        errors["code"] = [_("所编码 %(code)s 已被使用。") % {"code": code}]
    if not name:
        errors["name"] = [_("请填写市场监管所名称。")]
    if errors:
        raise ValidationError(errors)
    station = Station.objects.create(code=code, name=name, region_id=region_code)
    audit.record(actor=actor, action="station.create", obj=station, region_code=region_code,
                 after=_snapshot(station))  # fmt: skip
    return station


@transaction.atomic
def update_station(*, actor, station: Station, name: str | None = None, township_codes, inspector_ids) -> Station:
    """Set the townships a station covers and its inspectors. A township lies in the station's county and
    belongs to at most one station; an inspector is an active 市场监管所人员 account of the county."""
    _require_keeper(actor)
    require_in_scope(actor, station.region_id)
    station = Station.objects.select_for_update().get(pk=station.pk)
    before = _snapshot(station)
    codes = sorted({c.strip() for c in township_codes if c and c.strip()})
    ids = sorted({int(i) for i in inspector_ids})
    errors: dict[str, list] = {}
    found = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    for code in codes:
        if code not in found:
            errors.setdefault("townships", []).append(_("乡镇（街道）%(code)s 不存在。") % {"code": code})
        elif level_of(code) != TOWNSHIP_LEVEL or not code.startswith(station.region_id):
            errors.setdefault("townships", []).append(
                _("%(name)s 不是 %(county)s 的乡镇（街道）。") % {"name": found[code], "county": station.region.name}
            )
    taken = Station.townships.through.objects.filter(region_id__in=codes).exclude(station_id=station.pk)
    for code, other in taken.values_list("region_id", "station__name"):
        errors.setdefault("townships", []).append(
            _("%(name)s 已属于 %(other)s，一个乡镇（街道）只能属于一个市场监管所。")
            % {"name": found.get(code, code), "other": other}
        )
    users = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    for pk in ids:
        user = users.get(pk)
        if user is None or not user.is_active:
            errors.setdefault("inspectors", []).append(_("账号 %(pk)s 不存在或已停用。") % {"pk": pk})
        elif user.role != Role.STATION_STAFF or not (user.region_id or "").startswith(station.region_id):
            errors.setdefault("inspectors", []).append(
                _("%(name)s 不是本县的市场监管所人员，不能作为执法人员。") % {"name": user.name or user.username}
            )
    if name is not None and not name.strip():
        errors["name"] = [_("请填写市场监管所名称。")]
    if errors:
        raise ValidationError(errors)
    if name is not None:
        station.name = name.strip()
        station.save(update_fields=["name"])
    station.townships.set(codes)
    station.inspectors.set(ids)
    after = _snapshot(station)
    audit.record(actor=actor, action="station.update", obj=station, region_code=station.region_id,
                 before=before, after=audit.changed(before, after))  # fmt: skip
    return station


@transaction.atomic
def declare_conflict(*, actor, entity_id: int, reason: str, inspector=None) -> InspectorConflict:
    """An inspector declares a conflict of interest with an entity (or an administrator records one for an
    inspector of the jurisdiction): the random draw never picks that inspector for that entity."""
    inspector = inspector or actor
    if inspector.role != Role.STATION_STAFF:
        raise ValidationError({"inspector": [_("只有市场监管所执法人员需要声明回避。")]})
    if inspector.pk != actor.pk:
        _require_keeper(actor)
        require_in_scope(actor, inspector.region_id)
    reason = (reason or "").strip()
    entity = Entity.objects.filter(pk=entity_id).first()
    if entity is None:
        raise ValidationError({"entity": [_("主体不存在。")]})
    require_in_scope(actor, entity.region_id)
    if not reason:
        raise ValidationError({"reason": [_("请填写回避原因。")]})
    conflict, created = InspectorConflict.objects.get_or_create(
        inspector=inspector, entity=entity, defaults={"reason": reason[:200]}
    )
    if not created:
        raise ValidationError({"entity": [_("已对 %(name)s 声明过回避。") % {"name": entity.name}]})
    audit.record(actor=actor, action="station.conflict", obj=conflict, region_code=entity.region_id,
                 object_repr=f"{inspector.username} ≠ {entity.name}"[:200],
                 after={"inspector": inspector.pk, "entity": entity.pk, "reason": conflict.reason})  # fmt: skip
    return conflict
