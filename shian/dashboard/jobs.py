"""The dashboard's recurring jobs (see core.schedule)."""

import datetime

from django.utils import timezone

from shian.core.schedule import Job, register

from . import services
from .models import DispatchReport, Snapshot

REFRESH_EVERY = datetime.timedelta(minutes=4)  # + a refresh of some 10 s at province scale: lag < 5 minutes
REPORT_HOUR = 8


def _refresh_due(now) -> bool:
    latest = Snapshot.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
    return (
        latest is None or now - latest >= REFRESH_EVERY or timezone.localtime(latest).date() != timezone.localdate(now)
    )


def _weekly_due(now) -> bool:
    """From Monday 08:00 on, while a region with entities still lacks last week's report."""
    local = timezone.localtime(now)
    if local.weekday() == 0 and local.hour < REPORT_HOUR:
        return False
    week = services.report_week(local.date())
    done = set(DispatchReport.objects.filter(week=week).values_list("region_id", flat=True))
    return any(region.code not in done for region in services.dispatch_regions())


register(Job("dashboard.refresh", _refresh_due, lambda now: services.refresh_snapshots()))
register(
    Job("dashboard.weekly_dispatch", _weekly_due, lambda now: services.generate_weekly(today=timezone.localdate(now)))
)
