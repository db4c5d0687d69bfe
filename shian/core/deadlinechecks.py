"""The statutory-clock registry: every module whose records carry deadlines (complaints, reports, cases, incidents,
public opinion) registers one checker here, and `check_deadlines` (docs/complaints.md; also a scheduled job) runs
them all at one instant. Core knows no domain app: an app registers from its `ready()`.

A checker is `check(now) -> Counts`: how many open steps it looked at, how many it found overdue (and marked, each
once, with an audit entry and an alert) and how many it escalated to the next level. Checkers must be idempotent:
running twice at the same instant alerts and escalates nothing the second time.

A run writes an audit entry per item it marks; the figures cache (shian/core/figcache.py) is invalidated once per
touched county at the end of the run (`figcache.deferred`), not once per entry. `mark_each` and `Told` are the
chunked way to do it (the emergency and cases checkers): each chunk's marks, alerts and audit entries written in
one transaction with a few queries, however many items the chunk holds."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from . import audit, context, figcache
from .models import AuditEntry, Notification, NotificationPreference

CHUNK = 500  # records marked per transaction by a checker


@dataclass(frozen=True)
class Counts:
    checked: int = 0
    overdue: int = 0
    escalated: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.checked + other.checked, self.overdue + other.overdue, self.escalated + other.escalated)


_CHECKERS: dict[str, Callable[[datetime.datetime], Counts]] = {}


def register(name: str, check: Callable[[datetime.datetime], Counts]) -> None:
    """Add (or replace, on a reload) the checker called `name`."""
    _CHECKERS[name] = check


def checkers() -> dict[str, Callable[[datetime.datetime], Counts]]:
    return dict(sorted(_CHECKERS.items()))


def run_all(now: datetime.datetime) -> tuple[Counts, dict[str, Counts]]:
    """Every registered checker at `now`, in name order: the total and each checker's own counts."""
    with figcache.deferred():  # one invalidation per touched county, also when a checker raises
        each = {name: check(now) for name, check in checkers().items()}
    return sum(each.values(), Counts()), each


class Told:
    """The alerts and audit entries of one chunk of a checker run, written together when the chunk ends: a few
    queries per chunk instead of three per record (who muted the kind, the alerts, the entry). The same rows as
    `core.services.notify` and `core.audit.record` write; the entries' counties' figures are invalidated once
    (a bulk insert sends no post_save; `check_deadlines` defers it to the end of the run)."""

    def __init__(self):
        self.alerts: list[tuple[list, dict]] = []
        self.entries: list[AuditEntry] = []

    def notify(self, *, users, text: str, url: str, kind: str, group: str = "", group_text: str = "",
               group_url: str = "") -> None:  # fmt: skip
        """As `core.services.notify`: without a `group` the alert stands alone (no group key)."""
        users = list({u.pk: u for u in users if u is not None and u.is_active}.values())
        if users:
            self.alerts.append((users, {"text": text[:300], "url": url, "kind": kind, "group_text": group_text[:300],
                                        "group_url": group_url,
                                        "group_key": f"{kind}:{group}"[:120] if group else ""}))  # fmt: skip

    def audit(self, *, action: str, obj, region_code: str, after: dict) -> None:
        self.entries.append(AuditEntry(
            actor=None, actor_name="system", action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk),
            object_repr=str(obj)[:200], region_code=region_code or "", before=None, after=audit.mask_pii(after),
            request_id=context.request_id.get(), ip=context.client_ip.get(),
        ))  # fmt: skip

    def flush(self) -> None:
        muted: dict[int, list] = {}
        if self.alerts:
            pks = {u.pk for users, _fields in self.alerts for u in users}
            muted = dict(NotificationPreference.objects.filter(user__in=pks).values_list("user_id", "muted_kinds"))
        Notification.objects.bulk_create([
            Notification(user=u, **fields) for users, fields in self.alerts for u in users
            if fields["kind"] not in (muted.get(u.pk) or [])
        ])  # fmt: skip
        AuditEntry.objects.bulk_create(self.entries)
        figcache.invalidate_many({e.region_code for e in self.entries})
        self.alerts, self.entries = [], []


def mark_each(qs, *, field: str, now: datetime.datetime, tell, ready=None, related=("created_by",)) -> int:
    """Mark every row of `qs` whose `field` is still empty with `now` and `tell(row, told)` it (an alert and an
    audit entry, kept in `told`: a `Told`, written with the chunk), CHUNK rows per transaction, each row once: a row
    marked meanwhile by a concurrent run is skipped. `ready(row)`, when given, keeps only the rows it accepts;
    `related` is read with each chunk (select_related) for `ready` and `tell`. Returns how many were marked."""
    qs = qs.filter(**{f"{field}__isnull": True})
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    marked = 0
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            chunk = qs.filter(pk__in=ids[start : start + CHUNK]).select_for_update(of=("self",)).order_by("pk")
            chunk = chunk.select_related(*related) if related else chunk
            rows = [row for row in chunk if ready is None or ready(row)]
            qs.model.objects.filter(pk__in=[row.pk for row in rows]).update(**{field: now})
            told = Told()
            for row in rows:
                setattr(row, field, now)
                tell(row, told)
            told.flush()
            marked += len(rows)
    return marked
