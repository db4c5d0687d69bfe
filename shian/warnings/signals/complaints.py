"""Complaints about one entity above its own baseline: the count in the window against a Poisson tail test on the
entity's rate over the `baseline_days` before the window (add-one smoothed, so a quiet entity has a small rate, not
none); fires when P(X ≥ count) < `p_permille`/1000 and count ≥ `min_count`."""

import datetime
import math

from django.db.models import Count

from shian.complaints.models import Complaint
from shian.core.jurisdiction import region_under

from .base import Hit, KindSpec, grouped_rows, item, register, window_start


def poisson_tail(k: int, lam: float) -> float:
    """P(X ≥ k) for X ~ Poisson(lam)."""
    if k <= 0:
        return 1.0
    term, below = math.exp(-lam), 0.0
    for i in range(k):
        below += term
        term *= lam / (i + 1)
    return max(0.0, 1.0 - below)


def detect(rule, at, prefix: str = "") -> list[Hit]:
    start = window_start(rule, at)
    p = rule.params
    base = Complaint.objects.filter(region_under(Complaint, "region", prefix), entity__isnull=False)
    now = (base.filter(received_at__gt=start, received_at__lte=at).values("entity_id").annotate(n=Count("id"))
           .filter(n__gte=p["min_count"]))  # fmt: skip
    counts = {r["entity_id"]: r["n"] for r in now}
    if not counts:
        return []
    before = start - datetime.timedelta(days=p["baseline_days"])
    past = dict(base.filter(entity_id__in=counts, received_at__gt=before, received_at__lte=start)
                .values("entity_id").annotate(n=Count("id")).values_list("entity_id", "n"))  # fmt: skip
    firing = {}
    for entity_id, n in sorted(counts.items()):
        lam = (past.get(entity_id, 0) + 1) * rule.window_days / p["baseline_days"]
        tail = poisson_tail(n, lam)
        if tail * 1000 < p["p_permille"]:
            firing[entity_id] = (n, lam, tail)
    found = grouped_rows(base.filter(received_at__gt=start, received_at__lte=at).select_related("entity"),
                         "entity_id", firing, ("received_at", "pk"))  # fmt: skip
    hits = []
    for entity_id, (n, lam, tail) in firing.items():
        rows = found[entity_id]
        hits.append(Hit(
            scope_key=f"entity:{entity_id}", region_code=rows[0].entity.region_id, entity_id=entity_id,
            label=f"{rows[0].entity.name}：{rule.window_days} 天内投诉举报 {n} 件，基线期望 {lam:.1f} 件（P={tail:.4f}）",
            evidence=[item(c, f"投诉举报 {c.number}") for c in rows],
        ))  # fmt: skip
    return hits


register("complaint_baseline", KindSpec(
    params={"min_count": (1, 1000, 3), "baseline_days": (7, 3660, 180), "p_permille": (1, 500, 10)},
    scopes=("entity",), detect=detect, events=("complaint",),
))  # fmt: skip
