"""Repeat violation: ≥ `min_count` 不符合 inspections or filed cases of one entity within the window (docs/domain.md §6)."""

from collections import Counter

from django.db.models import Count
from django.utils import timezone

from shian.cases.models import Case
from shian.core.jurisdiction import region_under
from shian.entities.models import Entity
from shian.inspections.models import Inspection, Outcome

from .base import Hit, KindSpec, grouped_rows, item, register, window_start


def detect(rule, at, prefix: str = "") -> list[Hit]:
    start = window_start(rule, at)
    insp = Inspection.objects.filter(region_under(Inspection, "region", prefix), outcome=Outcome.NONCONFORM, inspected_on__gt=timezone.localdate(start),
                                     inspected_on__lte=timezone.localdate(at))  # fmt: skip
    cases = Case.objects.filter(region_under(Case, "region", prefix), entity__isnull=False, opened_at__gt=start, opened_at__lte=at)  # fmt: skip
    total = Counter()
    for qs in (insp, cases):
        total.update(dict(qs.values("entity_id").annotate(n=Count("id")).values_list("entity_id", "n")))
    keep = sorted(e for e, n in total.items() if n >= rule.params["min_count"])
    entities = Entity.objects.in_bulk(keep)
    found_insp, found_cases = grouped_rows(insp, "entity_id", keep), grouped_rows(cases, "entity_id", keep)
    hits = []
    for entity_id in keep:
        entity = entities[entity_id]
        evidence = [item(i, f"检查不符合 {i.inspected_on}") for i in found_insp.get(entity_id, [])]
        evidence += [item(c, f"立案 {c.number}") for c in found_cases.get(entity_id, [])]
        hits.append(Hit(scope_key=f"entity:{entity_id}", region_code=entity.region_id, entity_id=entity_id,
                        label=f"{entity.name}：{rule.window_days} 天内不符合或立案 {total[entity_id]} 次",
                        evidence=evidence))  # fmt: skip
    return hits


register("repeat_violation", KindSpec(params={"min_count": (2, 100, 2)}, scopes=("entity",), detect=detect))
