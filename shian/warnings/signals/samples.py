"""Failed samples of one food category in one township ≥ `min_count` sampled within the window (docs/domain.md §8: multi-batch
failures are followed up as a cluster)."""

from django.db.models import Count
from django.db.models.functions import Length, Substr

from shian.core.jurisdiction import region_under
from shian.core.regioncodes import LEVEL_LENGTH, TOWNSHIP
from shian.sampling.models import Sample

from .base import Hit, KindSpec, grouped_rows, item, register, window_start


def detect(rule, at, prefix: str = "") -> list[Hit]:
    size = LEVEL_LENGTH[TOWNSHIP]
    qs = Sample.objects.filter(region_under(Sample, "region", prefix), conclusion=Sample.Conclusion.FAIL, sampled_at__gt=window_start(rule, at),
                               sampled_at__lte=at)  # fmt: skip
    qs = (
        qs.annotate(code_len=Length("region_id")).filter(code_len__gte=size).annotate(town=Substr("region_id", 1, size))
    )
    groups = (qs.values("town", "category").annotate(n=Count("id")).filter(n__gte=rule.params["min_count"])
              .order_by("town", "category"))  # fmt: skip
    groups = list(groups)
    pairs = {(g["town"], g["category"]) for g in groups}
    found: dict[tuple, list] = {}
    for town, rows in grouped_rows(qs, "town", {t for t, _c in pairs}, ("sampled_at", "pk")).items():
        for s in rows:
            if (town, s.category) in pairs:
                found.setdefault((town, s.category), []).append(s)
    hits = []
    for g in groups:
        rows = found[(g["town"], g["category"])]
        hits.append(Hit(
            scope_key=f"township:{g['town']}:{g['category']}", region_code=g["town"],
            label=f"{g['category']}：{rule.window_days} 天内抽检不合格 {g['n']} 批次",
            evidence=[item(s, f"抽检不合格 {s.number} {s.product}") for s in rows],
        ))  # fmt: skip
    return hits


register("failed_samples", KindSpec(params={"min_count": (1, 1000, 2)}, scopes=("township",), detect=detect,
                                    events=("sample",)))  # fmt: skip
