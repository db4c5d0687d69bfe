"""The enterprise duties' recurring jobs (see core.schedule): remind the accounts of entities that have not kept
today's check (every afternoon), this week's report (on a weekday) or this month's meeting (from a day on). A
reminder missed while the scheduler was down is not sent the next day (it would name the wrong day)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.core.schedule import Job, daily, register

from . import services


def _remind(kind: str):
    return lambda now: f"accounts={services.send_reminders(kind=kind, today=timezone.localdate(now))}"


register(Job("duties.remind_daily", run=_remind("daily"), timing=daily("duties.remind_daily_hour", catch_up=False),
             label=_("日管控提醒")))  # fmt: skip
register(Job("duties.remind_weekly", run=_remind("weekly"),
             timing=daily("duties.remind_weekly_hour", weekday="duties.remind_weekly_weekday", catch_up=False),
             label=_("周排查提醒")))  # fmt: skip
register(Job("duties.remind_monthly", run=_remind("monthly"),
             timing=daily("duties.remind_monthly_hour", from_day="duties.remind_monthly_from_day", catch_up=False),
             label=_("月调度提醒")))  # fmt: skip
