"""Every recurring job of the platform, run by `manage.py run_schedule` beside the web server.

Each app registers its own jobs in `<app>/jobs.py`, imported from its `AppConfig.ready()` (core imports no domain
app)::

    from shian.core.schedule import Job, daily, every, register

    register(Job("visits.escalate", label=_("逾期问题逐级升级"), timing=daily("visits.escalate_hour"),
                 run=lambda now: services.escalate_overdue(now=now)))

A job is `Job(name, due, run)` with optional keyword fields (a later registration such as the nightly backup keeps
calling `register(Job(...))` unchanged):

- `due(now) -> bool` decides from the clock and the data whether the job is due, so a job missed while the
  machine was off runs as soon as the scheduler starts again; or, instead of `due`,
- `timing`: `every(rule)` (every N minutes, N a rule number) or `daily(hour_rule, weekday=, from_day=,
  catch_up=)` (once a day at an hour, optionally only on a weekday or from a day of the month on; `catch_up`
  False: a missed day is skipped rather than run late), read from the rule store and from the job's recorded
  runs: the schedule in words and the next run come with it;
- `run(now)` does the work and returns a short result for the log and the operations page; it must be
  idempotent (a second run in the same period changes nothing);
- `label` (the Chinese name on the operations page), `describe` (the schedule in words, a string or a callable,
  for jobs with their own `due`), `next_run(now) -> datetime | None`.

`run_due(now)` runs every due job: it takes the job's lease (one `JobLock` row per job, claimed by a conditional
UPDATE, so two schedulers started by mistake never run a job twice), checks `due` again under the lease, records
a `JobRun` (started, finished, duration, ok/failed, message; kept `schedule.keep_runs_days`) and releases the
lease. A job that raises is
recorded as failed with its message, the administrators are notified (`set_operators`: the accounts app says who
they are) and the other jobs still run.
"""

import datetime
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger("shian.schedule")

RETRY_RULE = "schedule.retry_minutes"  # a failed daily job is tried again after this many minutes
LEASE_RULE = "schedule.lease_minutes"  # how long a claim holds if its scheduler died mid-run
KEEP_RULE = "schedule.keep_runs_days"  # how long the runs of a job are kept


# -- timings ----------------------------------------------------------------------------------------------------


def _last_run(name: str):
    from .models import JobRun

    return JobRun.objects.filter(job=name).order_by("-started_at", "-id").first()


def _value(code: str) -> int:
    from . import rules

    return rules.value(code)


@dataclass(frozen=True)
class Every:
    """Every `rule` minutes, counted from the job's last start."""

    rule: str

    def interval(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=_value(self.rule))

    def next_run(self, name: str, now: datetime.datetime) -> datetime.datetime:
        last = _last_run(name)
        return now if last is None else max(now, last.started_at + self.interval())

    def due(self, name: str, now: datetime.datetime) -> bool:
        last = _last_run(name)
        return last is None or now - last.started_at >= self.interval()

    def describe(self) -> str:
        return _("每 %(n)s 分钟") % {"n": _value(self.rule)}


WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Daily:
    """Once a day at `hour` (a rule: the local hour, 0–23); only on ISO weekday `weekday` (a rule: 1 = Monday) or
    only from day `from_day` of the month on (a rule), when given. A run missed while the machine was off happens
    as soon as the scheduler starts (with `catch_up` False, only later on the same day: a reminder about today
    is not sent tomorrow); a failed run is tried again after `schedule.retry_minutes`."""

    hour: str
    weekday: str | None = None
    from_day: str | None = None
    catch_up: bool = True

    def _matches(self, day: datetime.date) -> bool:
        if self.weekday and day.isoweekday() != _value(self.weekday):
            return False
        return not (self.from_day and day.day < _value(self.from_day))

    def _slot(self, day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(_value(self.hour) % 24)))

    def last_slot(self, now: datetime.datetime) -> datetime.datetime | None:
        """The latest scheduled moment at or before `now` (within the last 31 days)."""
        today = timezone.localdate(now)
        for back in range(32):
            day = today - datetime.timedelta(days=back)
            if self._matches(day) and self._slot(day) <= now:
                return self._slot(day)
        return None

    def next_slot(self, now: datetime.datetime) -> datetime.datetime | None:
        today = timezone.localdate(now)
        for ahead in range(32):
            day = today + datetime.timedelta(days=ahead)
            if self._matches(day) and self._slot(day) > now:
                return self._slot(day)
        return None

    def due(self, name: str, now: datetime.datetime) -> bool:
        slot = self.last_slot(now)
        if slot is None or (not self.catch_up and timezone.localdate(slot) != timezone.localdate(now)):
            return False
        last = _last_run(name)
        if last is None or last.started_at < slot:
            return True
        from .models import JobRun

        retry = datetime.timedelta(minutes=_value(RETRY_RULE))
        return last.outcome == JobRun.Outcome.FAILED and now - last.started_at >= retry

    def next_run(self, name: str, now: datetime.datetime) -> datetime.datetime | None:
        return now if self.due(name, now) else self.next_slot(now)

    def describe(self) -> str:
        at = _("%(h)02d:00") % {"h": _value(self.hour) % 24}
        if self.weekday:
            return _("每周%(d)s %(at)s") % {"d": WEEKDAYS[(_value(self.weekday) - 1) % 7], "at": at}
        if self.from_day:
            return _("每月 %(d)s 日起每天 %(at)s") % {"d": _value(self.from_day), "at": at}
        return _("每天 %(at)s") % {"at": at}


def every(rule: str) -> Every:
    return Every(rule)


def daily(hour: str, *, weekday: str | None = None, from_day: str | None = None, catch_up: bool = True) -> Daily:
    return Daily(hour, weekday, from_day, catch_up)


# -- jobs -------------------------------------------------------------------------------------------------------


@dataclass
class Job:
    name: str
    due: Callable | None = None  # due(now: aware datetime) -> bool; or give `timing`
    run: Callable | None = None  # run(now) -> a short result for the log
    label: str = ""  # the name on the operations page
    timing: Every | Daily | None = None
    describe: str | Callable[[], str] = ""  # the schedule in words (for a job with its own `due`)
    next_run: Callable | None = None  # next_run(now) -> datetime | None
    extra: dict = field(default_factory=dict)  # anything a later job wants to keep beside it

    def __post_init__(self):
        if self.run is None or (self.due is None and self.timing is None):
            raise ValueError(f"job {self.name}: give run and either due or timing")

    def is_due(self, now) -> bool:
        return self.due(now) if self.due is not None else self.timing.due(self.name, now)

    def schedule_text(self) -> str:
        if self.timing is not None:
            return self.timing.describe()
        return str(self.describe() if callable(self.describe) else self.describe)

    def next_at(self, now) -> datetime.datetime | None:
        """When the job runs next: `now` when it is due, else the next scheduled moment (None: not known)."""
        if self.timing is not None:
            return self.timing.next_run(self.name, now)
        if self.next_run is not None:
            return self.next_run(now)
        return now if self.is_due(now) else None


_jobs: dict[str, Job] = {}


def register(job: Job) -> Job:
    _jobs[job.name] = job
    return job


def jobs() -> list[Job]:
    return list(_jobs.values())


def job(name: str) -> Job | None:
    return _jobs.get(name)


# -- who hears of a failure -------------------------------------------------------------------------------------


def _superusers():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_superuser=True, is_active=True)


_operators: Callable[[], Iterable] = _superusers


def set_operators(finder: Callable[[], Iterable]) -> None:
    """Who is told when a job fails (the accounts app registers its top-level administrators); superusers by
    default."""
    global _operators
    _operators = finder


def operators() -> list:
    return list(_operators())


def _notify_failure(job: Job, message: str) -> None:
    from django.urls import reverse

    from .notifiers import deliver

    text = _("定时任务“%(job)s”运行失败：%(msg)s") % {"job": job.label or job.name, "msg": message}
    try:
        deliver(users=operators(), text=text[:300], url=reverse("core:operations"))
    except Exception:  # a broken notifier must not stop the scheduler
        logger.exception("could not notify the failure of %s", job.name)


# -- leases and runs --------------------------------------------------------------------------------------------


def _claim(name: str, holder: str) -> bool:
    """Take the job's lease: one conditional UPDATE, true for exactly one of two schedulers racing for it. Leases
    follow the real clock, whatever moment the jobs are asked about."""
    from .models import JobLock

    now = timezone.now()
    past = now - datetime.timedelta(seconds=1)
    try:
        with transaction.atomic():
            JobLock.objects.get_or_create(name=name, defaults={"lease_until": past})
    except IntegrityError:  # the other scheduler created the row first
        pass
    until = now + datetime.timedelta(minutes=_value(LEASE_RULE))
    return JobLock.objects.filter(name=name, lease_until__lt=now).update(lease_until=until, holder=holder) == 1


def _release(name: str, holder: str) -> None:
    from .models import JobLock

    free = timezone.now() - datetime.timedelta(seconds=1)  # free at once, even on a clock that stands still
    JobLock.objects.filter(name=name, holder=holder).update(lease_until=free, holder="")


def run_job(job: Job, now) -> "object | None":
    """Run one job under its lease if it is (still) due; returns its JobRun, or None when it was not run."""
    from .models import JobRun

    holder = uuid.uuid4().hex
    if not _claim(job.name, holder):
        return None
    try:
        if not job.is_due(now):
            return None
        record = JobRun.objects.create(job=job.name, started_at=now)
        started = time.perf_counter()
        try:
            result = job.run(now)
        except Exception as exc:
            logger.exception("%s failed", job.name)
            record.outcome = JobRun.Outcome.FAILED
            record.message = f"{exc.__class__.__name__}: {exc}"[:2000]
        else:
            logger.info("%s: %s", job.name, result)
            record.outcome = JobRun.Outcome.OK
            record.message = "" if result is None else str(result)[:2000]
        record.seconds = round(time.perf_counter() - started, 3)
        record.finished_at = now + datetime.timedelta(seconds=record.seconds)
        record.save(update_fields=["outcome", "message", "finished_at", "seconds"])
        if record.outcome == JobRun.Outcome.FAILED:
            _notify_failure(job, record.message)
        keep = datetime.timedelta(days=_value(KEEP_RULE))
        JobRun.objects.filter(job=job.name, started_at__lt=now - keep).delete()
        return record
    finally:
        _release(job.name, holder)


def run_due(now) -> list[str]:
    """Run every job that is due now; a failing job is recorded, its failure notified, and the others still run.
    Returns the names of the jobs that ran."""
    ran = []
    for job in jobs():
        try:
            if job.is_due(now) and run_job(job, now) is not None:
                ran.append(job.name)
        except Exception:  # a broken `due` or database hiccup: logged, the next job still runs
            logger.exception("%s could not be scheduled", job.name)
    return ran
