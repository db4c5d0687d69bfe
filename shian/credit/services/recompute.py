"""Recomputing credit classes (docs/credit.md §2), in bulk and for a few entities.

    recompute_region(actor=None, region_code=None, today=None) -> Run   every operating entity under a region
    recompute_entities(entity_ids, trigger=, actor=None) -> int         a few entities now (after an event)

Set-based, after shian/inspections/services/grading.py: the events of every kind are read in one grouped query each
for the whole region (shian/credit/selectors/sources.py), the entities' ids and regions page by page by key; the
scoring runs in Python once per distinct (ruleset, events, states) key, so a province of quiet businesses is a few
thousand computations; only ratings that changed are written (deleted, then inserted with `core.bulk.insert_rows`:
COPY on PostgreSQL). One audit entry per run (`credit.recompute`); a per-event recompute that changes nothing writes
nothing.

When it runs: on each event (receivers registered in CreditConfig.ready(), shian/credit/signals.py, recompute the
entity once the writing transaction commits), every night (the job `credit.recompute`, for time decay and for writes
that bypass model saves), and on demand (`manage.py recompute_credit`, the file page's 重新计算 button)."""

import datetime
import json
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.access import STATION
from shian.core import audit
from shian.core.bulk import chunked, insert_rows
from shian.core.jurisdiction import narrow_to, require_in_scope, scope_prefix
from shian.entities.models import Entity

from ..models import Band, CreditRating
from ..selectors import sources
from .scoring import Rulesets, score

CHUNK = 20_000
log = logging.getLogger(__name__)
_pending = threading.local()
COLUMNS = ["entity_id", "points", "band", "events", "rule_version", "computed_at"]


@dataclass
class Run:
    entities: int = 0
    changed: int = 0
    bands: dict = field(default_factory=lambda: {b: 0 for b in Band.values})
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"entities": self.entities, "changed": self.changed, "bands": self.bands, "seconds": self.seconds}


def can_recompute(actor) -> bool:
    return bool(actor.is_superuser or getattr(actor, "role", None) in STATION)


def _pages(entities):
    last = 0
    while True:
        page = list(entities.filter(pk__gt=last).order_by("pk").values_list("pk", "region_id")[:CHUNK])
        if not page:
            return
        yield page
        last = page[-1][0]


class _Memo:
    def __init__(self, today):
        self.today = today
        self.rulesets = Rulesets(today)
        self._scores: dict[tuple, tuple] = {}
        self._texts: dict[int, str] = {}
        self._parsed: dict[str, list] = {}

    def score(self, region_id: str, events, states) -> tuple:
        rs_key = self.rulesets.key(region_id)
        key = (rs_key, tuple(sorted(events)), tuple(sorted(states)))
        found = self._scores.get(key)
        if found is None:
            rs = self.rulesets.for_region(region_id)
            points, band, shown = score(rs, key[1], key[2], self.today)
            found = self._scores[key] = (points, band, shown, json.dumps(shown, ensure_ascii=False), rs.version)
        return found

    def stored(self, text) -> list:
        if not isinstance(text, str):
            return text
        if text not in self._parsed:
            self._parsed[text] = json.loads(text)
        return self._parsed[text]


def _compute(entities, *, entity_ids, prefix: str, today: datetime.date, run: Run) -> list[int]:
    """Score the entities of the queryset page by page and write what changed; returns the changed ids."""
    memo = _Memo(today)
    windows = memo.rulesets.windows()
    events = sources.events(entity_ids, prefix, today, windows)
    states = sources.states(entity_ids, prefix, today)
    computed_at = connection.ops.adapt_datetimefield_value(timezone.now())
    changed_ids: list[int] = []
    for page in _pages(entities):
        run.entities += len(page)
        first, last = page[0][0], page[-1][0]
        current = {
            row[0]: row
            for row in CreditRating.objects.filter(entity_id__gte=first, entity_id__lte=last)
            .annotate(events_text=Cast("events", TextField()))
            .values_list("entity_id", "points", "band", "events_text", "rule_version")
        }
        stale, rows = [], []
        for pk, region_id in page:
            points, band, shown, text, version = memo.score(region_id, events.get(pk, ()), states.get(pk, ()))
            run.bands[band] = run.bands.get(band, 0) + 1
            old = current.get(pk)
            if old is not None:
                if old[1] == points and old[2] == band and old[4] == version and memo.stored(old[3]) == shown:
                    continue
                stale.append(pk)
            rows.append((pk, points, band, text, version, computed_at))
        for chunk in chunked(stale):
            CreditRating.objects.filter(entity_id__in=chunk).delete()
        insert_rows(CreditRating, COLUMNS, rows)
        changed_ids += [row[0] for row in rows]
    run.changed += len(changed_ids)
    return changed_ids


def recompute_region(*, actor=None, region_code: str | None = None, today: datetime.date | None = None) -> Run:
    """Recompute every operating entity under `region_code` (an actor: inside its jurisdiction, station staff and
    administrators only; no actor: the system). One audit entry."""
    started = time.monotonic()
    prefix = (region_code or "").strip()
    if actor is not None:
        if not getattr(actor, "is_authenticated", False) or not can_recompute(actor):
            raise PermissionDenied(_("只有市场监管部门人员可以重新计算信用等级。"))
        prefix = prefix or scope_prefix(actor) or ""
        require_in_scope(actor, prefix)
    today = today or timezone.localdate()
    run = Run()
    entities = narrow_to(Entity.objects.filter(status=Entity.Status.OPERATING), prefix)
    with transaction.atomic():
        _compute(entities, entity_ids=None, prefix=prefix, today=today, run=run)
        run.seconds = round(time.monotonic() - started, 2)
        audit.record(actor=actor, action="credit.recompute", object_type="credit.creditrating", region_code=prefix,
                     after={**run.as_dict(), "today": today.isoformat()})  # fmt: skip
    return run


def recompute_entities(entity_ids, *, trigger: str = "event", actor=None, today: datetime.date | None = None) -> int:
    """Recompute these entities now; returns how many ratings changed (audited only then). Callers have checked who
    may act on the entities (the receivers run for the system)."""
    ids = sorted({int(pk) for pk in entity_ids if pk})
    if not ids:
        return 0
    run = Run()
    with transaction.atomic():
        entities = Entity.objects.filter(pk__in=ids, status=Entity.Status.OPERATING)
        changed = _compute(entities, entity_ids=ids, prefix="", today=today or timezone.localdate(), run=run)
        if changed:
            regions = defaultdict(list)
            for pk, region in Entity.objects.filter(pk__in=changed[:100]).values_list("pk", "region_id"):
                regions[region].append(pk)
            audit.record(
                actor=actor, action="credit.recompute", object_type="credit.creditrating",
                object_id=str(changed[0]) if len(changed) == 1 else "",
                region_code=next(iter(regions)) if len(regions) == 1 else "",
                after={"entities": changed[:100], "changed": len(changed), "trigger": trigger[:50]},
            )  # fmt: skip
    return len(changed)


# -- on each event (shian/credit/signals.py) -----------------------------------------------------------------------


def _flush() -> None:
    ids = getattr(_pending, "ids", set())
    _pending.ids = set()
    if not ids:
        return
    try:
        recompute_entities(ids, trigger="event")
    except Exception:  # a failure here must not break the module that wrote the record
        log.exception("credit recompute after an event failed for %s", sorted(ids)[:20])


def queue(entity_ids) -> None:
    """Recompute these entities after the current transaction commits (at once outside one). Every call registers
    a flush; the first flush after a commit takes every queued id, the later ones find nothing left."""
    ids = {int(pk) for pk in entity_ids if pk}
    if not ids:
        return
    _pending.ids = getattr(_pending, "ids", set()) | ids
    transaction.on_commit(_flush)
