"""Rapid-test rooms (快检室, docs/sampling.md §5): station staff register a room per station (create, edit,
deactivate) and keep its daily rapid tests (product, item, result, optionally the business), counted apart from
lab results. Every write is scoped to the station's county and audited."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core import audit
from shian.core.jurisdiction import in_scope, require_in_scope
from shian.entities.models import Entity
from shian.inspections.models import Station

from ..models import RapidTest, RapidTestRoom

STAFF_ROLES = ADMIN_ROLES | {Role.STATION_STAFF}
ROOM_FIELDS = ["station_id", "name", "since", "active"]


def _require_staff(actor, region_code: str | None) -> None:
    if not (actor.is_superuser or actor.role in STAFF_ROLES):
        raise PermissionDenied(_("只有市场监管所工作人员和管理员可以登记快检。"))
    require_in_scope(actor, region_code)


def _room_errors(name: str, since) -> dict:
    errors = {}
    if not (name or "").strip():
        errors["name"] = [_("请填写快检室名称。")]
    if since is None:
        errors["since"] = [_("请填写建成日期（年-月-日）。")]
    elif since > timezone.localdate():
        errors["since"] = [_("建成日期不能晚于今天。")]
    return errors


@transaction.atomic
def create_room(*, actor, station: Station, name: str, since: datetime.date | None) -> RapidTestRoom:
    _require_staff(actor, station.region_id)
    errors = _room_errors(name, since)
    if errors:
        raise ValidationError(errors)
    room = RapidTestRoom.objects.create(station=station, name=name.strip()[:100], since=since)
    audit.record(actor=actor, action="rapid.room_create", obj=room, region_code=station.region_id,
                 after=audit.snapshot(room, ROOM_FIELDS))  # fmt: skip
    return room


@transaction.atomic
def update_room(*, actor, room: RapidTestRoom, name: str, since: datetime.date | None, active: bool) -> RapidTestRoom:
    _require_staff(actor, room.station.region_id)
    errors = _room_errors(name, since)
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(room, ROOM_FIELDS)
    room.name, room.since, room.active = name.strip()[:100], since, bool(active)
    room.save(update_fields=["name", "since", "active"])
    after = audit.snapshot(room, ROOM_FIELDS)
    action = "rapid.room_deactivate" if before["active"] and not room.active else "rapid.room_update"
    audit.record(actor=actor, action=action, obj=room, region_code=room.station.region_id, before=before,
                 after=audit.changed(before, after))  # fmt: skip
    return room


@transaction.atomic
def record_test(*, actor, room: RapidTestRoom, day: datetime.date | None, product: str, item: str, result: str,
                entity_id: int | None = None) -> RapidTest:  # fmt: skip
    """One rapid test of the day in an active room; the business, when named, must be in the actor's reach."""
    _require_staff(actor, room.station.region_id)
    errors: dict = {}
    if not room.active:
        errors["room"] = [_("快检室“%(n)s”已停用，不能登记快检。") % {"n": room.name}]
    if day is None:
        errors["day"] = [_("请填写检测日期（年-月-日）。")]
    elif day > timezone.localdate():
        errors["day"] = [_("检测日期不能晚于今天。")]
    elif day < room.since:
        errors["day"] = [_("检测日期不能早于快检室建成日期（%(d)s）。") % {"d": room.since}]
    if not (product or "").strip():
        errors["product"] = [_("请填写样品名称。")]
    if not (item or "").strip():
        errors["item"] = [_("请填写检测项目。")]
    if result not in RapidTest.Result.values:
        errors["result"] = [_("请选择检测结果（阴性或阳性）。")]
    entity = None
    if entity_id:
        entity = Entity.objects.filter(pk=entity_id).first()
        if entity is None or not in_scope(actor, entity.region_id):
            errors["entity"] = [_("未找到该主体，或不在您的管辖范围内。")]
    if errors:
        raise ValidationError(errors)
    test = RapidTest.objects.create(room=room, day=day, entity=entity, product=product.strip()[:100],
                                    item=item.strip()[:100], result=result, tester=actor)  # fmt: skip
    audit.record(actor=actor, action="rapid.test", obj=test, region_code=room.station.region_id,
                 after={"room": room.pk, "day": day.isoformat(), "product": test.product, "item": test.item,
                        "result": result, "entity": entity.pk if entity else None})  # fmt: skip
    return test
