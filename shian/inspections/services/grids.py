"""Grids (docs/inspections.md §1): every entity in a 社区网格 of the 1+N+X model, derived from its village and
editable, and the grid workers' monthly 巡查 tasks.

    assign_grids(actor=, region_code=, replace=False) -> dict     derive Entity.grid for a region's entities
    set_entity_grid(actor=, entity_id=, grid_id=) -> Entity       one entity's grid by hand (None: none)
    create_patrol_tasks(actor=None, region_code=, month=) -> int  a 巡查 task per entity with a grid worker
"""

import calendar
import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.access import STATION
from shian.core import audit
from shian.core.bulk import chunked, insert_many
from shian.core.jurisdiction import in_scope, narrow_to, region_under, require_in_scope, scope_prefix
from shian.core.regioncodes import COUNTY, ancestor, prefixes
from shian.entities.models import Entity
from shian.regions.models import Grid

from ..models import InspectionTask
from ..selectors.grading import entity_for_grading
from ..selectors.stations import stations_for

UNASSIGNED_SHOWN = 200


def _require_station(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or not (actor.is_superuser or actor.role in STATION):
        raise PermissionDenied(_("只有市场监管部门人员可以维护网格。"))


def _region(actor, region_code: str | None) -> str:
    prefix = (region_code or "").strip() or (scope_prefix(actor) or "")
    require_in_scope(actor, prefix)
    return prefix


def grid_map(region_code: str) -> dict[str, int]:
    """region code -> the 社区网格 id of that region (the lowest grid code when a region has several), for the
    grids under `region_code` and those of the regions above it (one query)."""
    grids = Grid.objects.filter(kind=Grid.Kind.COMMUNITY).filter(
        region_under(Grid, "region", region_code) | Q(region_id__in=prefixes(region_code))
    )
    mapping: dict[str, int] = {}
    for region_id, pk in grids.order_by("-code").values_list("region_id", "pk"):
        mapping[region_id] = pk
    return mapping


def grid_for(region_code: str, mapping: dict[str, int]) -> int | None:
    """The grid of the region itself or of its nearest ancestor that has one."""
    for prefix in reversed(prefixes(region_code)):
        if prefix in mapping:
            return mapping[prefix]
    return None


@transaction.atomic
def assign_grids(*, actor, region_code: str | None = None, replace: bool = False) -> dict:
    """Put each operating entity of the region without a grid (every one with `replace`) in the 社区网格 of its
    village or nearest ancestor region. Returns {"assigned", "unassigned", "unassigned_ids"} (the first
    UNASSIGNED_SHOWN ids of the entities no grid covers). One audit entry."""
    _require_station(actor)
    prefix = _region(actor, region_code)
    mapping = grid_map(prefix)
    entities = narrow_to(Entity.objects.exclude(status=Entity.Status.DEREGISTERED), prefix)
    if not replace:
        entities = entities.filter(grid__isnull=True)
    by_grid: dict[int, list[int]] = defaultdict(list)
    missing: list[int] = []
    cache: dict[str, int | None] = {}
    for pk, region_id, current in entities.values_list("pk", "region_id", "grid_id").order_by("pk").iterator(5000):
        if region_id not in cache:
            cache[region_id] = grid_for(region_id, mapping)
        grid = cache[region_id]
        if grid is None:
            missing.append(pk)
        elif grid != current:
            by_grid[grid].append(pk)
    for grid, ids in by_grid.items():
        for chunk in chunked(ids):
            Entity.objects.filter(pk__in=chunk).update(grid_id=grid)
    result = {
        "assigned": sum(len(ids) for ids in by_grid.values()),
        "unassigned": len(missing),
        "unassigned_ids": missing[:UNASSIGNED_SHOWN],
    }
    audit.record(
        actor=actor, action="grid.assign", object_type="entities.entity", region_code=prefix,
        after={"assigned": result["assigned"], "unassigned": result["unassigned"], "replace": replace},
    )  # fmt: skip
    return result


@transaction.atomic
def set_entity_grid(*, actor, entity_id: int, grid_id: int | None) -> Entity:
    """Put one entity in a 社区网格 of its own county (or in none), by hand; audited."""
    _require_station(actor)
    entity = entity_for_grading(user=actor, entity_id=entity_id)
    require_in_scope(actor, entity.region_id)
    grid = None
    if grid_id:
        grid = Grid.objects.filter(pk=grid_id, kind=Grid.Kind.COMMUNITY).first()
        if grid is None or not in_scope(actor, grid.region_id):
            raise ValidationError({"grid": [_("网格不存在，或不是社区网格。")]})
        county = ancestor(entity.region_id, COUNTY)
        if not grid.region_id.startswith(county):
            raise ValidationError(
                {"grid": [_("网格“%(grid)s”不在该主体所在县（区），请选择本县（区）的网格。") % {"grid": grid.name}]}
            )
    before = {"grid": entity.grid_id}
    entity.grid = grid
    entity.save(update_fields=["grid", "updated_at"])
    audit.record(
        actor=actor, action="grid.set", obj=entity, region_code=entity.region_id,
        before=before, after={"grid": entity.grid_id},
    )  # fmt: skip
    return entity


def month_bounds(month: datetime.date | str | None) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of a month given as a date in it or "YYYY-MM"; None is this month."""
    if month is None:
        day = timezone.localdate()
    elif isinstance(month, str):
        try:
            day = datetime.datetime.strptime(month.strip(), "%Y-%m").date()
        except ValueError as exc:
            raise ValidationError({"month": [_("月份格式应为 YYYY-MM，例如 2026-12。")]}) from exc
    else:
        day = month
    first = day.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


@transaction.atomic
def create_patrol_tasks(*, actor=None, region_code: str | None = None, month=None) -> int:
    """One 网格巡查 task for the month, due at its end, for each operating entity in a grid with a worker, given to
    that worker; an entity with an open patrol task, or one already made for the month, gets none (so running it
    twice makes nothing new). No actor: the scheduler."""
    if actor is not None:
        _require_station(actor)
        prefix = _region(actor, region_code)
    else:
        prefix = (region_code or "").strip()
    first, last = month_bounds(month)
    entities = narrow_to(
        Entity.objects.filter(status=Entity.Status.OPERATING, grid__worker__isnull=False, grid__worker__is_active=True),
        prefix,
    )
    patrols = InspectionTask.objects.filter(kind=InspectionTask.Kind.PATROL)
    busy = patrols.filter(Q(status=InspectionTask.Status.OPEN) | Q(due_on__gte=first, due_on__lte=last))
    rows = list(
        entities.exclude(pk__in=narrow_to(busy, prefix).values("entity_id"))
        .values_list("pk", "region_id", "grid__worker_id")
        .order_by("pk")
    )
    if not rows:
        return 0
    stations = stations_for({region for _pk, region, _w in rows})
    created_by = actor if getattr(actor, "is_authenticated", False) else None
    note = _("%(y)d年%(m)d月网格巡查") % {"y": first.year, "m": first.month}
    tasks = [
        InspectionTask(
            entity_id=pk, region_id=region, station_id=stations.get(region), kind=InspectionTask.Kind.PATROL,
            status=InspectionTask.Status.OPEN, due_on=last, note=note, created_by=created_by,
            created_at=timezone.now(),
        )
        for pk, region, _worker in rows
    ]  # fmt: skip
    insert_many(InspectionTask, tasks)
    through = InspectionTask.inspectors.through
    insert_many(
        through,
        [
            through(inspectiontask_id=task.pk, user_id=worker)
            for task, (_pk, _r, worker) in zip(tasks, rows, strict=True)
        ],
    )
    audit.record(
        actor=actor, action="grid.patrol_tasks", object_type="inspections.inspectiontask", region_code=prefix,
        after={"month": first.isoformat(), "created": len(tasks)},
    )  # fmt: skip
    return len(tasks)
