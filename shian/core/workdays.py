"""The working-day clock: Chinese working days from the holiday table, and deadlines by rule.

Working days exclude weekends and statutory holidays and include make-up working days (调休).
Periods start the day after the trigger; a calendar-day period ending on a non-working day
moves to the next working day; hours run round the clock (docs/domain.md §15). A deadline keeps
a copy of the rule it was computed with, so later rule or holiday changes never rewrite it.
"""

import datetime
import threading
import time
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from . import rules

# The holiday table (a few hundred rows) is read once per process and kept in memory.
# It is dropped by `clear_cache()` (called by every service that writes HolidayDay), by
# the signals below (admin or shell saves in this process), and after settings.SHIAN_HOLIDAY_CACHE_SECONDS
# (60 by default) so that an override written by another worker process is seen within that time.
_cache: dict[datetime.date, bool] | None = None
_loaded_at = 0.0
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget the in-memory holiday table; the next lookup re-reads it."""
    global _cache
    _cache = None


def _invalidate(**kwargs) -> None:
    clear_cache()


# A string sender binds lazily once the regions app is loaded, so core does not import regions.
post_save.connect(_invalidate, sender="regions.HolidayDay", dispatch_uid="shian.core.workdays.holiday_saved")
post_delete.connect(_invalidate, sender="regions.HolidayDay", dispatch_uid="shian.core.workdays.holiday_deleted")


def _table() -> dict[datetime.date, bool]:
    global _cache, _loaded_at
    table = _cache
    if table is None or time.monotonic() - _loaded_at > settings.SHIAN_HOLIDAY_CACHE_SECONDS:
        with _lock:
            HolidayDay = apps.get_model("regions", "HolidayDay")
            table = dict(HolidayDay.objects.values_list("date", "is_working_day"))
            _cache, _loaded_at = table, time.monotonic()
    return table


def is_working_day(day: datetime.date) -> bool:
    """A holiday-table row decides when present, else Monday to Friday."""
    special = _table().get(day)
    return special if special is not None else day.weekday() < 5


def next_working_day(day: datetime.date) -> datetime.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `start` (the trigger day itself never counts)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    if n == 0:
        return next_working_day(start)
    day = start
    while n:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count


@dataclass(frozen=True)
class Deadline:
    """What a record stores: the rule as it was (code, name, unit, amount, version, region_prefix) and the due instant."""

    rule: dict
    due_at: datetime.datetime


def find_rule(rule_code: str, on: datetime.date, region_code: str = "") -> rules.Rule:
    """The rule in force (the rule store's resolver): the longest matching region prefix, then the highest
    version valid on `on`, else the rule's registered default."""
    return rules.rule(rule_code, region_code, on)


def _end_of_day(day: datetime.date) -> datetime.datetime:
    tz = timezone.get_default_timezone()
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=tz)


def _local(start: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(start) if timezone.is_aware(start) else timezone.make_aware(start)


def due_by(rule: rules.Rule, start: datetime.datetime) -> datetime.datetime:
    """The due instant of the resolved `rule` triggered at `start` (`compute_due` without the lookup, for a run
    that resolves its rules once: `rules.resolver`)."""
    local_start = _local(start)
    if rule.unit == "WD":
        return _end_of_day(add_working_days(local_start.date(), rule.amount))
    if rule.unit == "CD":
        return _end_of_day(next_working_day(local_start.date() + datetime.timedelta(days=rule.amount)))
    # Hours run round the clock: absolute arithmetic, shown in local time.
    return timezone.localtime(local_start + datetime.timedelta(hours=rule.amount))


def compute_due(*, rule_code: str, start: datetime.datetime, region_code: str = "") -> Deadline:
    """The due instant of `rule_code` triggered at `start` in `region_code`, with a copy of the rule used."""
    rule = find_rule(rule_code, _local(start).date(), region_code)
    return Deadline(rule=rule.snapshot(), due_at=due_by(rule, start))
