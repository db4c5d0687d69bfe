"""Entity-state rules: a high-risk entity (current band `min_band` or worse) whose inspection task is past its due
date or whose 包保 visit is overdue, and a licence expired (or expiring within `ahead_days`) while the entity is
registered as operating.

A 包保 visit is overdue as the cadre's own list says (shian.visits.selectors.my_entities): the entity was guaranteed
before the previous quarter ended, got fewer visits than `baobao.visits_per_quarter` asks in it, and has not had
them yet in the current quarter. Its evidence is the guarantee marked with the missed quarter, so a quarter missed
again after a warning was closed raises a new one."""

import datetime

from django.db.models import Max, OuterRef
from django.utils import timezone

from shian.baobao.models import Guarantee
from shian.core.jurisdiction import region_under
from shian.core.periods import previous_quarter, quarter_bounds, quarter_label, quarter_of
from shian.entities.models import Entity, License
from shian.inspections.models import InspectionTask, current_grade
from shian.visits.models import Visit
from shian.visits.selectors import visited_enough

from .base import Hit, KindSpec, item, register

BANDS = ("A", "B", "C", "D")


def overdue_guarantees(entities, at, prefix: str = "") -> list[Guarantee]:
    """The guarantees of `entities` (a queryset of entity pks) whose 包保 visit is overdue at `at`."""
    quarter = quarter_of(timezone.localdate(at))
    previous = previous_quarter(quarter)
    visits = Visit.objects.filter(entity=OuterRef("entity"))
    return list(
        Guarantee.objects.filter(entity__in=entities, since__lte=quarter_bounds(previous)[1])
        .annotate(now_done=visited_enough(visits.filter(quarter=quarter), quarter, within=prefix),
                  before_done=visited_enough(visits.filter(quarter=previous), previous, within=prefix))
        .filter(now_done=False, before_done=False)
        .select_related("entity", "cadre").order_by("entity_id")
    )  # fmt: skip


def guarantee_item(g: Guarantee, at) -> dict:
    """The evidence of an overdue visit: the guarantee, marked with the quarter missed."""
    previous = previous_quarter(quarter_of(timezone.localdate(at)))
    entry = item(g, f"包保督导逾期：{quarter_label(previous)}未按要求督导，本季度尚未督导（包保干部 {g.cadre.name}）")
    return entry | {"period": previous}


def detect_high_risk(rule, at, prefix: str = "") -> list[Hit]:
    """Bands are given as the lowest band that counts (`min_band`: 3 = C, 4 = D)."""
    bands = BANDS[rule.params["min_band"] - 1 :]
    risky = (Entity.objects.filter(region_under(Entity, "region", prefix), status=Entity.Status.OPERATING)
             .annotate(grade=current_grade()).filter(grade__band__in=bands))  # fmt: skip
    tasks = (InspectionTask.objects.filter(status=InspectionTask.Status.OPEN, due_on__lt=timezone.localdate(at),
                                           entity__in=risky.values("pk"))
             .select_related("entity").order_by("entity_id", "due_on", "pk"))  # fmt: skip
    by_entity: dict[int, list] = {}
    names: dict[int, tuple[str, str]] = {}
    for t in tasks:
        by_entity.setdefault(t.entity_id, []).append(item(t, f"检查任务逾期（期限 {t.due_on}）"))
        names[t.entity_id] = (t.entity.name, t.entity.region_id)
    late_tasks = {eid: len(rows) for eid, rows in by_entity.items()}
    for g in overdue_guarantees(risky.values("pk"), at, prefix):
        by_entity.setdefault(g.entity_id, []).append(guarantee_item(g, at))
        names[g.entity_id] = (g.entity.name, g.entity.region_id)
    band = dict(risky.filter(pk__in=by_entity).values_list("pk", "grade__band"))
    hits = []
    for eid in sorted(by_entity):
        name, region = names[eid]
        what = [f"检查任务逾期 {late_tasks[eid]} 项"] if eid in late_tasks else []
        what += ["包保督导逾期"] if len(by_entity[eid]) > late_tasks.get(eid, 0) else []
        hits.append(Hit(scope_key=f"entity:{eid}", region_code=region, entity_id=eid,
                        label=f"{name}：风险等级 {band.get(eid, '')}，{'、'.join(what)}", evidence=by_entity[eid]))  # fmt: skip
    return hits


def detect_licence(rule, at, prefix: str = "") -> list[Hit]:
    limit = timezone.localdate(at) + datetime.timedelta(days=rule.params["ahead_days"])
    last = (License.objects.filter(region_under(License, "entity__region", prefix), entity__status=Entity.Status.OPERATING, expires_on__isnull=False)
            .values("entity_id", "kind").annotate(last=Max("expires_on")).filter(last__lte=limit))  # fmt: skip
    pairs = {(r["entity_id"], r["kind"]) for r in last}
    if not pairs:
        return []
    rows = (License.objects.filter(entity_id__in={e for e, _k in pairs}).select_related("entity")
            .order_by("entity_id", "kind", "-expires_on", "pk"))  # fmt: skip
    by_entity: dict[int, list] = {}
    for lic in rows:
        key = (lic.entity_id, lic.kind)
        if key in pairs and not any(x.kind == lic.kind for x in by_entity.get(lic.entity_id, [])):
            by_entity.setdefault(lic.entity_id, []).append(lic)
    hits = []
    for eid, lics in sorted(by_entity.items()):
        expired = any(lic.expires_on < timezone.localdate(at) for lic in lics)
        hits.append(Hit(
            scope_key=f"entity:{eid}", region_code=lics[0].entity.region_id, entity_id=eid,
            label=f"{lics[0].entity.name}：许可证{'已过期' if expired else '即将到期'}仍在营",
            evidence=[item(lic, f"{lic.get_kind_display()} {lic.number} 有效期至 {lic.expires_on}") for lic in lics],
        ))  # fmt: skip
    return hits


register("high_risk_overdue", KindSpec(params={"min_band": (1, 4, 3)}, scopes=("entity",), detect=detect_high_risk))
register("licence_expired", KindSpec(params={"ahead_days": (0, 366, 0)}, scopes=("entity",), detect=detect_licence))
