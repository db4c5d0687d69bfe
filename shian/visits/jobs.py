"""The visit loop's recurring job (see core.schedule): overdue problems go up a level, once a day."""

from django.utils.translation import gettext_lazy as _

from shian.core.schedule import Job, daily, register

from . import services


def _escalate(now) -> str:
    counts = services.escalate_overdue(now=now)
    return f"station={counts['station']} county={counts['county']}"


register(
    Job("visits.escalate_problems", run=_escalate, timing=daily("visits.escalate_hour"), label=_("逾期问题逐级升级"))
)
