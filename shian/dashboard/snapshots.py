"""Writing the snapshots of regions above county level, which the scheduler refreshes every 4 minutes."""

import datetime
import time

from django.db import transaction
from django.utils import timezone

from shian.core.regioncodes import child_length
from shian.regions.models import Region

from .counting import LIVE_FROM, child_depth, count, roll_up
from .models import Snapshot


def _save_snapshot(code: str, as_of: datetime.date, groups: dict, started: float) -> Snapshot:
    snap, _created = Snapshot.objects.update_or_create(
        region_code=code,
        defaults={"as_of": as_of, "computed_at": timezone.now(), "groups": groups,
                  "seconds": round(time.perf_counter() - started, 3)},
    )  # fmt: skip
    return snap


def refresh_region(*, code: str, as_of: datetime.date | None = None) -> Snapshot:
    """Recount one region above county level (the first read of a region with no snapshot yet)."""
    as_of = as_of or timezone.localdate()
    started = time.perf_counter()
    groups = count(prefix=code, depth=child_depth(code), as_of=as_of, series=True)
    return _save_snapshot(code, as_of, groups, started)


def refresh_snapshots(*, as_of: datetime.date | None = None) -> int:
    """Count everything once per county and roll it up into the country, every province and every city that
    has entities: one grouped query per figure, however many regions. Returns the snapshots written."""
    as_of = as_of or timezone.localdate()
    started = time.perf_counter()
    groups = count(prefix="", depth=LIVE_FROM, as_of=as_of, series=True)
    codes = {""} | {g[:n] for g in groups for n in (2, 4) if len(g) >= n}
    known = set(Region.objects.filter(code__in=codes).values_list("code", flat=True)) | {""}
    with transaction.atomic():
        for code in sorted(codes & known):
            _save_snapshot(code, as_of, roll_up(groups, prefix=code, depth=child_length(code)), started)
    return len(codes & known)
