"""Configuration as data (docs/architecture.md §3.5): versioned rows per region, the most specific one applying."""

from django.db.models import Q, QuerySet


def region_prefixes(region_code: str) -> list[str]:
    """The codes of a region and every region above it (37, 3707, 370725, ...)."""
    return [region_code[:n] for n in (2, 4, 6, 9, 12) if len(region_code) >= n]


def most_specific(qs: QuerySet, region_code: str):
    """The newest version from the most specific region containing `region_code`; rows with no region are the
    defaults. `qs` rows need a nullable `region` and a `version`. None when nothing applies."""
    candidates = qs.filter(Q(region__isnull=True) | Q(region_id__in=region_prefixes(region_code or "")))
    return max(candidates, key=lambda row: (len(row.region_id or ""), row.version), default=None)
