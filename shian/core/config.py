"""Configuration as data (ARCHITECTURE rule 5): versioned rows per region, the most specific one applying."""

import datetime

from django.db.models import QuerySet

from . import rules
from .regioncodes import prefixes


def region_prefixes(region_code: str) -> list[str]:
    """The codes of a region and every region above it (37, 3707, 370725, ...)."""
    return prefixes(region_code)


def most_specific(qs: QuerySet, region_code: str, on: datetime.date | None = None):
    """The newest version from the most specific region containing `region_code`; rows with no region are the
    defaults. `qs` rows need a nullable `region` and a `version`. None when nothing applies. The rule store's
    resolver (shian.core.rules.most_specific), so policy tables and rule numbers pick a version alike."""
    return rules.most_specific(qs, region_code, on)
