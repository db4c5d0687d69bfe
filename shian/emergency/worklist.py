"""Work-list items of emergency (shian.core.worklist; docs/emergency.md §4): incidents whose first report is
overdue or still to make, public-opinion items whose feedback is overdue or still to give, in one grouped query
each over the user's jurisdiction; auditors see the overdue figures as information."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core.worklist import INFO, OVERDUE, TODAY, Item, Provider, register

from . import selectors
from .models import Incident, Opinion


def _url(name: str, **params) -> str:
    return reverse(name) + ("?" + urlencode(params) if params else "")


def items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    role = getattr(user, "role", "")
    if not (user.is_superuser or role in ADMIN_ROLES | {Role.STATION_STAFF, Role.AUDITOR}):
        return []
    now = timezone.now()
    incidents = selectors.incident_list(user=user, region_code=region_code).order_by().aggregate(
        overdue=Count("pk", filter=selectors.first_report_overdue_q(now)),
        pending=Count("pk", filter=Q(first_reported_at__isnull=True, first_report_due__gte=now,
                                     status=Incident.Status.OPEN)),
    )  # fmt: skip
    opinions = selectors.opinion_list(user=user, region_code=region_code).order_by().aggregate(
        overdue=Count("pk", filter=selectors.feedback_overdue_q(now)),
        pending=Count("pk", filter=Q(fed_back_at__isnull=True, feedback_due__gte=now, status=Opinion.Status.OPEN)),
    )  # fmt: skip
    if role == Role.AUDITOR:
        return [
            Item("emergency.first_report_overdue", _("首报逾期的食品安全事故（只读）"), incidents["overdue"],
                 _url("emergency:incidents", report="overdue"), INFO),
            Item("emergency.feedback_overdue", _("逾期未反馈的舆情（只读）"), opinions["overdue"],
                 _url("emergency:opinions", feedback="overdue"), INFO),
        ]  # fmt: skip
    return [
        Item("emergency.first_report_overdue", _("首报逾期的食品安全事故"), incidents["overdue"],
             _url("emergency:incidents", report="overdue"), OVERDUE),
        Item("emergency.first_report_pending", _("待首报的食品安全事故"), incidents["pending"],
             _url("emergency:incidents", status=Incident.Status.OPEN), TODAY),
        Item("emergency.feedback_overdue", _("逾期未反馈的舆情"), opinions["overdue"],
             _url("emergency:opinions", feedback="overdue"), OVERDUE),
        Item("emergency.feedback_pending", _("待反馈的舆情"), opinions["pending"],
             _url("emergency:opinions", status=Opinion.Status.OPEN), TODAY),
    ]  # fmt: skip


register(Provider("emergency.clocks", items))
