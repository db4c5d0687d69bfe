"""Work-list items of complaints (shian.core.worklist): items to accept or decide, transfers to receive, fuzzy
entity matches to confirm, and items near or past their deadline, in one grouped query (docs/complaints.md §5)."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core import rules
from shian.core.worklist import DUE_SOON_RULE, INFO, OVERDUE, ROUTINE, SOON, Item, Provider, register

from .models import Complaint
from .selectors import complaints as selectors

# -- complaints: to accept, near and over deadline (docs/complaints.md §5) --


def _url(**params) -> str:
    return reverse("complaints:list") + ("?" + urlencode(params) if params else "")


def complaint_items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    role = getattr(user, "role", "")
    if not (user.is_superuser or role in ADMIN_ROLES | {Role.STATION_STAFF, Role.AUDITOR}):
        return []
    now = timezone.now()
    days = rules.value(DUE_SOON_RULE, user.region_id or "", today)
    counts = (
        selectors.complaint_list(user=user, region_code=region_code)
        .order_by()
        .aggregate(
            received=Count("pk", filter=Q(status=Complaint.Status.RECEIVED, in_transfer=False)),
            transfer=Count("pk", filter=Q(in_transfer=True)),
            fuzzy=Count("pk", filter=Q(match=Complaint.Match.FUZZY)),
            overdue=Count("pk", filter=selectors.overdue_q(now)),
            soon=Count("pk", filter=selectors.soon_q(today, days)),
        )
    )
    if role == Role.AUDITOR:
        return [Item("complaints.overdue", _("逾期未办的投诉举报（只读）"), counts["overdue"], _url(overdue="1"), INFO)]
    return [
        Item("complaints.overdue", _("逾期未办的投诉举报"), counts["overdue"], _url(overdue="1"), OVERDUE),
        Item("complaints.soon", _("临近期限的投诉举报"), counts["soon"], _url(overdue="soon"), SOON),
        Item("complaints.received", _("待受理、待作出处理决定的投诉举报"), counts["received"], _url(status="received"),
             ROUTINE),
        Item("complaints.transfer", _("待签收的转办件"), counts["transfer"], _url(status="transfer"), ROUTINE),
        Item("complaints.fuzzy", _("待确认被投诉举报主体"), counts["fuzzy"], _url(match="fuzzy"), ROUTINE),
    ]  # fmt: skip


register(Provider("complaints.complaints", complaint_items))
