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

A county's dashboard is kept in pieces (`remember_groups`): each township's groups under the township's own
generation, which only writes in that township move. A write in one township then costs the next reader a recount
of that township alone (a sixteenth of the county's rows), not of the whole county; a write at the county itself,
above it, or in many townships at once costs one count of the whole county, as before.

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

from .regioncodes import COUNTY, LEVEL_LENGTH, TOWNSHIP

logger = logging.getLogger(__name__)

ALIAS = "figures"
COUNTY_LENGTH = LEVEL_LENGTH[COUNTY]
TOWNSHIP_LENGTH = LEVEL_LENGTH[TOWNSHIP]
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


def _entry_name(cache, parts: list, generation_keys: list[str]) -> str:
    """The cache key of an entry: the app's version, what the figures are of, and the current value of every
    generation they depend on (an entry of an older generation is never read again)."""
    generations = cache.get_many(generation_keys)
    return ":".join(["figures", VERSION, *map(str, parts)] + [str(generations.get(k, 0)) for k in generation_keys])


def remember(*, kind: str, code: str, key: tuple, compute: Callable[[], T]) -> tuple[T, datetime.datetime, bool]:
    """The figures of `kind` for region `code` (and `key`: whatever else they depend on), the time they were
    counted and whether they came from the cache: the last count of the current generation while it is within
    its lifetime, else `compute()` now (and kept)."""
    if _lifetime() <= 0:
        return compute(), timezone.now(), False
    cache = caches[ALIAS]
    try:
        name = _entry_name(cache, [kind, code or "-", *key], _generation_keys(code))
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
        keys = [f"{_EVERYWHERE}:{region_code[:n]}" for n in (0, 2, 4, COUNTY_LENGTH)]
        # a write in a township moves that township's piece; one at the county itself, every piece of the county
        keys.append(_piece_generation(region_code[:TOWNSHIP_LENGTH]))
        return keys
    return [_EVERYWHERE]


def _piece_generation(code: str) -> str:
    """The generation of one piece of a county's groups: a township's, or (for the county's own code) the
    county's whole, which a write registered at the county itself moves."""
    return f"{_EVERYWHERE}:{code}:" + ("whole" if len(code) == COUNTY_LENGTH else "piece")


def _piece_of(group: str, county: str) -> str:
    return group[:TOWNSHIP_LENGTH] if len(group) >= TOWNSHIP_LENGTH else county


def remember_groups(
    *, kind: str, code: str, key: tuple, children: Callable[[], Iterable[str]], count: Callable[[str], dict[str, T]]
) -> tuple[dict[str, T], datetime.datetime, bool]:
    """The groups of county `code` (one per township, plus its rows registered at the county itself), kept per
    township: `count(prefix)` counts the groups under a prefix (the county, or one township), `children()` names
    the county's townships (read only when the county is counted whole). Returns the groups, when the oldest of
    them was counted, and whether any came from the cache.

    The township pieces whose generation moved since they were counted, or that are older than the lifetime, are
    counted again one by one; when the county's own piece is stale or more than a quarter of the townships are,
    the county is counted in one pass. Each piece's generation is read before it is counted, so a write that
    lands during a count leaves the piece stale for the next reader, never hidden.

    A township's count selects rows by the region its provider filters on (mostly the entity's) and groups them
    by the region it groups on (often the record's own); where the two differ, which only a record left behind
    by an entity moved to another township does, the groups of a piece differ from the whole count's until the
    next whole count, at most the lifetime later (a move itself makes the next reader count the county whole)."""
    if _lifetime() <= 0:
        return count(code), timezone.now(), False
    cache = caches[ALIAS]
    try:
        name = _entry_name(cache, [kind, code, "pieces", *key], [_EVERYWHERE, _piece_generation(code)])
        entry = cache.get(name)
        stamp = _stamps(cache, entry["stamps"] if entry else children())
    except OSError:  # an unreadable cache folder costs speed, never the page
        logger.warning("figures cache unreadable", exc_info=True)
        return count(code), timezone.now(), False
    now = timezone.now()
    lifetime = datetime.timedelta(seconds=_lifetime())
    stale = [] if entry is None else [
        p for p in stamp
        if p not in entry["stamps"] or entry["stamps"][p] != stamp[p] or now - entry["at"][p] >= lifetime
    ]  # fmt: skip
    if entry is not None and not stale and now - entry["at"][code] < lifetime:
        return entry["groups"], min(entry["at"].values()), True
    if entry is None or now - entry["at"][code] >= lifetime or 4 * len(stale) > len(stamp):
        groups = count(code)
        found = {_piece_of(g, code) for g in groups} - set(stamp) - {code}
        if found:  # a township missing from `children` (its region not loaded): its generation too
            try:
                stamp |= _stamps(cache, found)
            except OSError:
                stamp |= dict.fromkeys(found, 0)
        entry = {"groups": groups, "stamps": stamp, "at": dict.fromkeys([code, *stamp], now)}
        cached = False
    else:
        groups = {g: v for g, v in entry["groups"].items() if _piece_of(g, code) not in stale}
        for piece in stale:
            groups |= count(piece)
            entry["stamps"][piece], entry["at"][piece] = stamp[piece], now
        entry["groups"] = groups
        cached = True
    try:
        cache.set(name, entry, 2 * _lifetime())  # pieces older than the lifetime are recounted (above)
    except OSError:
        logger.warning("figures cache unwritable", exc_info=True)
    return entry["groups"], min(entry["at"].values()), cached


def _stamps(cache, pieces: Iterable[str]) -> dict[str, int]:
    pieces = sorted(pieces)
    found = cache.get_many([_piece_generation(p) for p in pieces])
    return {p: found.get(_piece_generation(p), 0) for p in pieces}


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
    """The generations of the write's region; for a record moved to another region (its snapshots' `region_id`
    differ), those of both counties whole: the records it left behind keep their own region, and only a whole
    count puts them in the township they name (see `remember_groups`)."""
    if created:
        moved = {snap.get("region_id") for snap in (instance.before, instance.after) if isinstance(snap, dict)}
        moved = {code for code in moved if isinstance(code, str) and code}
        with deferred():
            invalidate(instance.region_code or "")
            if len(moved) > 1:
                for code in moved:
                    invalidate(code[:COUNTY_LENGTH])


post_save.connect(_audited, sender="core.AuditEntry", dispatch_uid="shian.core.figcache.audited")
