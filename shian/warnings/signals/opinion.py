"""A burst of public-opinion items naming one entity: ≥ `min_count` items found within the window (docs/domain.md §10)."""

from django.db.models import Count

from shian.core.jurisdiction import region_under
from shian.emergency.models import Opinion

from .base import Hit, KindSpec, grouped_rows, item, register, window_start


def detect(rule, at, prefix: str = "") -> list[Hit]:
    qs = Opinion.objects.filter(region_under(Opinion, "region", prefix), entity__isnull=False, found_at__gt=window_start(rule, at), found_at__lte=at)  # fmt: skip
    keep = list(qs.values("entity_id").annotate(n=Count("id")).filter(n__gte=rule.params["min_count"])
                .order_by("entity_id").values_list("entity_id", flat=True))  # fmt: skip
    found = grouped_rows(qs.select_related("entity"), "entity_id", keep, ("found_at", "pk"))
    hits = []
    for eid in keep:
        rows = found[eid]
        hits.append(Hit(scope_key=f"entity:{eid}", region_code=rows[0].entity.region_id, entity_id=eid,
                        label=f"{rows[0].entity.name}：{rule.window_days} 天内舆情 {len(rows)} 条",
                        evidence=[item(o, f"舆情 {o.number} {o.title}") for o in rows]))  # fmt: skip
    return hits


register("opinion_burst", KindSpec(params={"min_count": (2, 1000, 3)}, scopes=("entity",), detect=detect))
