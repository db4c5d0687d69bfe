"""A burst of public-opinion items naming one product: ≥ `min_count` items found within the window whose product
name (`emergency.Opinion.product`, case and spacing ignored) is the same, in one county or township (the rule's
scope), whichever entity they name, if any (docs/warnings.md §1, docs/domain.md §10)."""

from django.db.models import Count
from django.db.models.functions import Lower, Substr

from shian.core.jurisdiction import region_under
from shian.emergency.models import Opinion

from .base import CHUNK, Hit, KindSpec, item, register, window_start

LENGTH = {"county": 6, "township": 9}  # the region-code digits of the area the rule's scope groups by


def detect(rule, at, prefix: str = "") -> list[Hit]:
    qs = (Opinion.objects.filter(region_under(Opinion, "region", prefix), found_at__gt=window_start(rule, at),
                                 found_at__lte=at).exclude(product="")
          .annotate(area=Substr("region_id", 1, LENGTH[rule.scope]), name=Lower("product")))  # fmt: skip
    groups = list(qs.values("area", "name").annotate(n=Count("id")).filter(n__gte=rule.params["min_count"])
                  .order_by("area", "name").values_list("area", "name"))  # fmt: skip
    found: dict[tuple, list] = {}
    names = sorted({name for _area, name in groups})
    for i in range(0, len(names), CHUNK):
        for o in qs.filter(name__in=names[i : i + CHUNK]).order_by("area", "name", "found_at", "pk"):
            found.setdefault((o.area, o.name), []).append(o)
    hits = []
    for area, name in groups:
        rows = found[(area, name)]
        hits.append(Hit(scope_key=f"product:{area}:{name}"[:120], region_code=area,
                        label=f"“{rows[0].product}”：{rule.window_days} 天内舆情 {len(rows)} 条",
                        evidence=[item(o, f"舆情 {o.number} {o.title}") for o in rows]))  # fmt: skip
    return hits


register("opinion_product", KindSpec(params={"min_count": (2, 1000, 3)}, scopes=("county", "township"), detect=detect))
