"""The dashboard's recurring jobs (see core.schedule): the snapshots every few minutes, the Monday dispatch reports
and the daily KPI history. Their times are rule numbers (shian/dashboard/ruledefs.py)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from shian.core import rules
from shian.core.schedule import Job, daily, register

from . import history, services
from .models import DispatchReport, Snapshot


def _refresh_every() -> datetime.timedelta:
    return datetime.timedelta(minutes=rules.value("dashboard.refresh_minutes"))


def _refresh_due(now) -> bool:
    latest = Snapshot.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
    return (
        latest is None
        or now - latest >= _refresh_every()
        or timezone.localtime(latest).date() != timezone.localdate(now)
    )


def _refresh_next(now):
    latest = Snapshot.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
    return now if _refresh_due(now) else latest + _refresh_every()


def _report_time(day: datetime.date) -> datetime.datetime:
    hour = rules.value("dashboard.report_hour") % 24
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _weekly_due(now) -> bool:
    """From Monday at the report hour on, while a region with entities still lacks last week's report."""
    local = timezone.localtime(now)
    if local.weekday() == 0 and now < _report_time(local.date()):
        return False
    week = services.report_week(local.date())
    done = set(DispatchReport.objects.filter(week=week).values_list("region_id", flat=True))
    return any(region.code not in done for region in services.dispatch_regions())


def _weekly_next(now):
    if _weekly_due(now):
        return now
    today = timezone.localdate(now)
    monday = today + datetime.timedelta(days=(7 - today.weekday()) % 7)
    at = _report_time(monday)
    return at if at > now else at + datetime.timedelta(weeks=1)


register(Job(
    "dashboard.refresh", _refresh_due, lambda now: f"regions={services.refresh_snapshots()}",
    label=_lazy("一张图预计算刷新"), next_run=_refresh_next,
    describe=lambda: _("每 %(n)s 分钟") % {"n": rules.value("dashboard.refresh_minutes")},
))  # fmt: skip
register(Job(
    "dashboard.weekly_dispatch", _weekly_due,
    lambda now: f"reports={services.generate_weekly(today=timezone.localdate(now))}",
    label=_lazy("调度周报"), next_run=_weekly_next,
    describe=lambda: _("每周一 %(h)02d:00 起") % {"h": rules.value("dashboard.report_hour") % 24},
))  # fmt: skip
register(Job(
    "dashboard.kpi_history",
    run=lambda now: f"rows={history.record_day(day=timezone.localdate(now) - datetime.timedelta(days=1))}",
    timing=daily("dashboard.history_hour"), label=_lazy("每日指标历史"),
))  # fmt: skip
