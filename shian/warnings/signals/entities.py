"""Entity-state rules: a high-risk entity (current band in `bands`) whose inspection task is past its due date, and
a licence expired (or expiring within `ahead_days`) while the entity is registered as operating."""

import datetime

from django.db.models import Max
from django.utils import timezone

from shian.core.jurisdiction import region_under
from shian.entities.models import Entity, License
from shian.inspections.models import InspectionTask, current_grade

from .base import Hit, KindSpec, item, register

BANDS = ("A", "B", "C", "D")


def detect_high_risk(rule, at, prefix: str = "") -> list[Hit]:
    """Bands are given as the lowest band that counts (`min_band`: 3 = C, 4 = D)."""
    bands = BANDS[rule.params["min_band"] - 1 :]
    risky = (Entity.objects.filter(region_under(Entity, "region", prefix), status=Entity.Status.OPERATING)
             .annotate(grade=current_grade()).filter(grade__band__in=bands))  # fmt: skip
    tasks = (InspectionTask.objects.filter(status=InspectionTask.Status.OPEN, due_on__lt=timezone.localdate(at),
                                           entity__in=risky.values("pk"))
             .select_related("entity").order_by("entity_id", "due_on", "pk"))  # fmt: skip
    by_entity: dict[int, list] = {}
    for t in tasks:
        by_entity.setdefault(t.entity_id, []).append(t)
    band = dict(risky.filter(pk__in=by_entity).values_list("pk", "grade__band"))
    return [
        Hit(scope_key=f"entity:{eid}", region_code=rows[0].entity.region_id, entity_id=eid,
            label=f"{rows[0].entity.name}：风险等级 {band.get(eid, '')}，检查任务逾期 {len(rows)} 项",
            evidence=[item(t, f"检查任务逾期（期限 {t.due_on}）") for t in rows])
        for eid, rows in by_entity.items()
    ]  # fmt: skip


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
