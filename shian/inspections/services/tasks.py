"""Inspection tasks made by hand (docs/inspections.md §5): a station user names the entity, the kind, the date
and at least `inspections.min_inspectors` inspectors of the entity's own station."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role, User
from shian.core import audit, rules
from shian.core.jurisdiction import require_in_scope

from ..models import InspectionTask, Station
from ..ruledefs import MIN_INSPECTORS
from ..selectors.stations import station_of

# the kinds a person creates by hand; routine, random and patrol tasks come from plans, draws and grids
MANUAL_KINDS = (
    InspectionTask.Kind.KEY,
    InspectionTask.Kind.FLYING,
    InspectionTask.Kind.TERM_START,
    InspectionTask.Kind.RECHECK,
)
CREATORS = ADMIN_ROLES | {Role.STATION_STAFF}


def entity_station(entity) -> Station:
    """The station that covers the entity, or a message saying none does."""
    station_id = station_of(entity.region_id)
    if station_id is None:
        raise ValidationError(_("主体“%(e)s”所在区划没有对应的市场监管所。") % {"e": entity.name})
    return Station.objects.get(pk=station_id)


def check_station_inspectors(station: Station, users) -> None:
    """Every user is an inspector of `station`; anyone else is named."""
    members = set(station.inspectors.values_list("pk", flat=True))
    strangers = [u.name or u.username for u in users if u.pk not in members]
    if strangers:
        raise ValidationError(
            {"inspectors": [_("%(names)s 不是%(station)s的执法人员，不能检查该主体。")
                            % {"names": "、".join(strangers), "station": station.name}]}
        )  # fmt: skip


@transaction.atomic
def create_task(
    *, actor, entity, kind: str, due_on: datetime.date | None, inspector_ids, note: str = ""
) -> InspectionTask:
    """A task by hand (重点、飞行、开学季、整改复查检查) with its inspectors, audited as `task.create`."""
    if not (actor.is_superuser or actor.role in CREATORS):
        raise PermissionDenied(_("只有市场监管所人员可以安排检查任务。"))
    require_in_scope(actor, entity.region_id)
    errors: dict[str, list[str]] = {}
    if kind not in MANUAL_KINDS:
        errors["kind"] = [_("检查类型无效：只能手工安排重点、飞行、开学季或整改复查检查。")]
    if due_on is None:
        errors["due_on"] = [_("请填写完成期限。")]
    station = entity_station(entity)
    try:
        wanted = sorted({int(i) for i in inspector_ids or ()})
    except (TypeError, ValueError):
        wanted = []
        errors["inspectors"] = [_("检查人员无效。")]
    users = list(User.objects.filter(pk__in=wanted, is_active=True).order_by("pk"))
    if len(users) != len(wanted):
        errors.setdefault("inspectors", []).append(_("所选检查人员不存在或已停用。"))
    minimum = rules.value(MIN_INSPECTORS.code, entity.region_id)
    if len(wanted) < minimum:
        errors.setdefault("inspectors", []).append(
            _("检查人员至少 %(n)d 名（当前 %(k)d 名）。") % {"n": minimum, "k": len(wanted)}
        )
    try:
        check_station_inspectors(station, users)
    except ValidationError as exc:
        errors.setdefault("inspectors", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    task = InspectionTask.objects.create(
        entity=entity, region_id=entity.region_id, station=station, kind=kind, due_on=due_on,
        note=(note or "").strip()[:200], created_by=actor,
    )  # fmt: skip
    task.inspectors.set(users)
    audit.record(
        actor=actor, action="task.create", obj=task, region_code=task.region_id,
        after={**audit.snapshot(task), "inspectors": [u.pk for u in users]},
    )  # fmt: skip
    return task
