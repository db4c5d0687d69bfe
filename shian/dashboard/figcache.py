"""A short shared cache of the figures counted live (a county and the townships and villages below it).

A county's figures take some 20 grouped queries over every record of the county (~150 ms on the demo county);
they are the same for everyone who may see the region, and a county's dashboard is opened far more often than its
records change. So the last count of a region (per statistics day, with or without the series) is kept for
settings.SHIAN_DASHBOARD_CACHE_SECONDS in the "figures" cache: files under $SHIAN_VAR_DIR/cache, shared by every
gunicorn worker, the task worker and the scheduler (no cache server needed), with the time it was counted, which
the page shows.

Every write through a service leaves an audit entry (docs/architecture.md §3.2), and the entry names its region:
saving one moves on the generation of its county, city, province and the country (a write with no region, or
above a county, moves every region's), and cached figures of an older generation are never read again. Writes
that leave no audit entry, and the passing of time itself (a deadline falling due), are bounded by the lifetime.
"""

import datetime
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_save
from django.utils import timezone

from shian.core.kpis import Parts

from .counting import LIVE_FROM

logger = logging.getLogger(__name__)

ALIAS = "figures"
_EVERYWHERE = "dashboard:gen"


def _lifetime() -> int:
    return settings.SHIAN_DASHBOARD_CACHE_SECONDS


def _generation_keys(code: str) -> list[str]:
    """The generations a region's figures depend on: every region's, and its county's (or its own, above a
    county)."""
    return [_EVERYWHERE, f"{_EVERYWHERE}:{code[:LIVE_FROM]}"]


def counted(
    *, code: str, as_of: datetime.date, series: bool, count: Callable[[], dict[str, Parts]]
) -> tuple[dict[str, Parts], datetime.datetime, bool]:
    """The groups of `code` on `as_of` with the time they were counted and whether they came from the cache:
    the cached count if one of the current generation is still within its lifetime, else `count()` now."""
    if _lifetime() <= 0:
        return count(), timezone.now(), False
    cache = caches[ALIAS]
    try:
        generations = cache.get_many(_generation_keys(code))
        key = ":".join(
            ["dashboard:figures", code or "-", as_of.isoformat(), "s" if series else "-"]
            + [str(generations.get(k, 0)) for k in _generation_keys(code)]
        )
        hit = cache.get(key)
    except OSError:  # an unwritable cache folder costs speed, never the page
        logger.warning("dashboard figures cache unreadable", exc_info=True)
        return count(), timezone.now(), False
    if hit is not None:
        return hit["groups"], hit["computed_at"], True
    computed_at = timezone.now()
    groups = count()
    try:
        cache.set(key, {"groups": groups, "computed_at": computed_at}, _lifetime())
    except OSError:
        logger.warning("dashboard figures cache unwritable", exc_info=True)
    return groups, computed_at, False


def invalidate(region_code: str = "") -> None:
    """Drop the cached figures that a write in `region_code` may change: those of its county and of the city,
    province and country above it; every region's when the write has no region or sits above a county."""
    if len(region_code) >= LIVE_FROM:
        keys = [f"{_EVERYWHERE}:{region_code[:n]}" for n in (0, 2, 4, LIVE_FROM)]
    else:
        keys = [_EVERYWHERE]
    try:
        caches[ALIAS].set_many(dict.fromkeys(keys, time.time_ns()), None)
    except OSError:  # the write itself must not fail for the cache: the lifetime bounds what is left
        logger.warning("dashboard figures cache not invalidated for %r", region_code, exc_info=True)


def _audited(sender, instance, created, **kwargs):
    if created:
        invalidate(instance.region_code or "")


post_save.connect(_audited, sender="core.AuditEntry", dispatch_uid="shian.dashboard.figcache.audited")
