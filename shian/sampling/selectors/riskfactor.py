"""Failed samples as a dynamic risk factor of the inspections' grading (docs/inspections.md §2): registered with
`shian.inspections.riskfactors` from SamplingConfig.ready()."""

import datetime

from django.db.models import Count

from shian.core.jurisdiction import narrow_to
from shian.core.periods import day_end

from ..models import Sample


def failed_samples(entity_ids: list[int] | None, since: datetime.date, prefix: str = "") -> dict[int, int]:
    """Failed samples per entity sampled on or after `since`."""
    start = day_end(since - datetime.timedelta(days=1))
    qs = Sample.objects.filter(conclusion=Sample.Conclusion.FAIL, sampled_at__gte=start)
    if entity_ids is not None:
        qs = qs.filter(entity_id__in=entity_ids)
    elif prefix:
        qs = narrow_to(qs, prefix)
    return dict(qs.order_by().values_list("entity_id").annotate(n=Count("pk")).values_list("entity_id", "n"))
