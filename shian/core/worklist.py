"""The work list (工作台) registry: what is waiting for a user, counted and linked, most urgent first.

Each app describes its own items in `<app>/worklist.py` with `register(Provider(key, items))`, where
`items(user=, region_code=, today=) -> list[Item]` returns the counted, linked items that app has for that user
(an empty list when it has nothing for the user's role). Counts come from the app's scoped selectors in a few
grouped queries, never a query per record. `CoreConfig.ready()` imports every installed app's `worklist`
module; the home page (`shian/web/views.py`) shows `items_for(user, region_code)` and needs no change when a
later module adds its items. Like the KPI registry (shian/core/kpis.py), core knows no domain app.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

log = logging.getLogger("shian.worklist")

# How urgent an item is: the work list is sorted by this, then by count (largest first).
OVERDUE = 0  # past a deadline
TODAY = 1  # due today
SOON = 2  # near a deadline
ROUTINE = 3  # to do this period
INFO = 4  # a read-only figure (auditors, a summary)

DUE_SOON_RULE = "worklist.due_soon_days"  # the rule: how many days ahead a deadline counts as near


@dataclass(frozen=True)
class Item:
    """One line of the work list: `count` records waiting, behind `url` (the filtered list of those records)."""

    key: str
    label: str
    count: int
    url: str
    urgency: int = ROUTINE
    note: str = ""  # a short detail under the label (e.g. which townships lag)

    @property
    def urgent(self) -> bool:
        return self.count > 0 and self.urgency <= TODAY


@dataclass(frozen=True)
class Provider:
    key: str
    items: Callable[..., list[Item]]  # (user=, region_code=, today=) -> items


_PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    _PROVIDERS[provider.key] = provider
    return provider


def providers() -> list[Provider]:
    return list(_PROVIDERS.values())


def items_for(user, region_code: str | None = None, today: datetime.date | None = None) -> list[Item]:
    """Every provider's items for `user` under `region_code`: waiting work first (most urgent, then largest),
    then the items with nothing waiting. A provider that fails is logged and left out, so one broken module
    does not take the home page down."""
    today = today or timezone.localdate()
    out: list[Item] = []
    for provider in _PROVIDERS.values():
        try:
            out.extend(provider.items(user=user, region_code=region_code, today=today))
        except Exception:  # a failing module must not hide the others' work
            log.exception("work-list provider %s failed", provider.key)
    return sorted(out, key=lambda i: (i.count == 0, i.urgency, -i.count, i.key))


def autodiscover() -> None:
    """Import every installed app's `worklist` module (called from CoreConfig.ready)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("worklist")
