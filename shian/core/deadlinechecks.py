"""The statutory-clock registry: every module whose records carry deadlines (complaints, reports, cases, incidents,
public opinion) registers one checker here, and `check_deadlines` (docs/complaints.md; also a scheduled job) runs
them all at one instant. Core knows no domain app: an app registers from its `ready()`.

A checker is `check(now) -> Counts`: how many open steps it looked at, how many it found overdue (and marked, each
once, with an audit entry and an alert) and how many it escalated to the next level. Checkers must be idempotent:
running twice at the same instant alerts and escalates nothing the second time.

A run writes an audit entry per item it marks; the figures cache (shian/core/figcache.py) is invalidated once per
touched county at the end of the run (`figcache.deferred`), not once per entry."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from . import figcache


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
