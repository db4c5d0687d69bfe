"""A short shared cache of figures counted live from the records: a county's dashboard, its duty completion.

A county's figures take tens of grouped queries over every record of the county (~150 ms for the demo county's
dashboard); they are the same for everyone who sees the region, and they are opened far more often than the
records change. So `remember` keeps the last count of a region (under a kind and the rest of what the figures
depend on: the day, the month, the reader's scope) for settings.SHIAN_FIGURES_CACHE_SECONDS in the "figures"
cache: files under $SHIAN_VAR_DIR/cache, shared by every gunicorn worker, the task worker and the scheduler (no
cache server needed), together with the time it was counted, which the page shows.

Every write through a service leaves an audit entry (docs/architecture.md §3.2), and the entry names its region:
saving one moves on the generation of its county, city, province and the country (a write with no region, or
above a county, moves every region's), and counts of an older generation are never read again. Writes that leave
no audit entry, and the passing of time itself (a deadline falling due), are bounded by the lifetime.

A run that writes many audited rows (the deadline checkers, a bulk service) wraps its work in `deferred()`: the
invalidations inside the block are collected and each distinct generation is moved on once when the outermost
block ends, whether it ends normally or by an exception, and without waiting for a commit (tests and callers run
inside atomic blocks; a rolled-back write only costs one recount).
"""

import contextlib
import contextvars
import datetime
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_save
from django.utils import timezone

from .regioncodes import COUNTY, LEVEL_LENGTH

logger = logging.getLogger(__name__)

ALIAS = "figures"
COUNTY_LENGTH = LEVEL_LENGTH[COUNTY]
_EVERYWHERE = "figures:gen"

T = TypeVar("T")

# the generation keys collected by the outermost open `deferred()` block of this thread (or task); None outside
_pending: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("figcache_pending", default=None)


def _app_version() -> str:
    try:
        return metadata.version("shian")
    except metadata.PackageNotFoundError:
        return "unknown"


# in every key: an upgrade, whose figures may have another shape, never reads what the previous version kept
VERSION = _app_version()


def _lifetime() -> int:
    return settings.SHIAN_FIGURES_CACHE_SECONDS


def _generation_keys(code: str) -> list[str]:
    """The generations a region's figures depend on: every region's, and its county's (or its own, above a
    county)."""
    return [_EVERYWHERE, f"{_EVERYWHERE}:{code[:COUNTY_LENGTH]}"]


def remember(*, kind: str, code: str, key: tuple, compute: Callable[[], T]) -> tuple[T, datetime.datetime, bool]:
    """The figures of `kind` for region `code` (and `key`: whatever else they depend on), the time they were
    counted and whether they came from the cache: the last count of the current generation while it is within
    its lifetime, else `compute()` now (and kept)."""
    if _lifetime() <= 0:
        return compute(), timezone.now(), False
    cache = caches[ALIAS]
    try:
        generations = cache.get_many(_generation_keys(code))
        name = ":".join(
            ["figures", VERSION, kind, code or "-", *(str(part) for part in key)]
            + [str(generations.get(k, 0)) for k in _generation_keys(code)]
        )
        hit = cache.get(name)
    except OSError:  # an unreadable cache folder costs speed, never the page
        logger.warning("figures cache unreadable", exc_info=True)
        return compute(), timezone.now(), False
    if hit is not None:
        return hit["value"], hit["computed_at"], True
    computed_at = timezone.now()
    value = compute()
    try:
        cache.set(name, {"value": value, "computed_at": computed_at}, _lifetime())
    except OSError:
        logger.warning("figures cache unwritable", exc_info=True)
    return value, computed_at, False


def _invalidation_keys(region_code: str) -> list[str]:
    if len(region_code) >= COUNTY_LENGTH:
        return [f"{_EVERYWHERE}:{region_code[:n]}" for n in (0, 2, 4, COUNTY_LENGTH)]
    return [_EVERYWHERE]


def _move_on(keys: Iterable[str]) -> None:
    keys = sorted(set(keys))
    if not keys:
        return
    try:
        caches[ALIAS].set_many(dict.fromkeys(keys, time.time_ns()), None)
    except OSError:  # the write itself must not fail for the cache: the lifetime bounds what is left
        logger.warning("figures cache not invalidated for %r", keys, exc_info=True)


def invalidate(region_code: str = "") -> None:
    """Drop the cached figures that a write in `region_code` may change: those of its county and of the city,
    province and country above it; every region's when the write has no region or sits above a county. Inside
    a `deferred()` block this is only noted, and done when the block ends."""
    keys = _invalidation_keys(region_code or "")
    pending = _pending.get()
    if pending is not None:
        pending.update(keys)
        return
    _move_on(keys)


def invalidate_many(region_codes: Iterable[str]) -> None:
    """`invalidate` for each of `region_codes`, each distinct generation moved on once (for writes that leave
    their audit entries by bulk insert, which sends no signal)."""
    with deferred():
        for code in region_codes:
            invalidate(code)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Collect the invalidations of the block and move each distinct generation on once at its end (also when
    the block raises). Nested blocks hand theirs to the outermost one."""
    if _pending.get() is not None:
        yield
        return
    pending: set[str] = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
        _move_on(pending)


def _audited(sender, instance, created, **kwargs):
    if created:
        invalidate(instance.region_code or "")


post_save.connect(_audited, sender="core.AuditEntry", dispatch_uid="shian.core.figcache.audited")
