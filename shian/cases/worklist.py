"""Work-list items of cases (shian.core.worklist; docs/cases.md §5): for the handling office, cases past or near
their decision deadline, reports demanded by a supervising level, and the sources waiting for a case; for the
supervising level, the supervised cases with a report overdue."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core import rules
from shian.core.jurisdiction import narrow_to, scope_queryset
from shian.core.periods import day_end
from shian.core.worklist import DUE_SOON_RULE, OVERDUE, ROUTINE, SOON, TODAY, Item, Provider, register

from .models import Case, ReportRequest
from .selectors import cases as selectors


def _url(name: str, **params) -> str:
    return reverse(name) + ("?" + urlencode(params) if params else "")


def items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    if not (user.is_superuser or user.role in ADMIN_ROLES | {Role.STATION_STAFF}):
        return []
    now = timezone.now()
    soon_days = rules.value(DUE_SOON_RULE, region_code or user.region_id or "", today)
    soon = day_end(today + datetime.timedelta(days=soon_days))
    cases = narrow_to(scope_queryset(Case.objects.filter(status=Case.Status.OPEN), user), region_code)
    counts = cases.order_by().aggregate(
        overdue=Count("pk", filter=Q(decision_due__lt=now)),
        soon=Count("pk", filter=Q(decision_due__gte=now, decision_due__lt=soon)),
    )
    reports = narrow_to(
        scope_queryset(ReportRequest.objects.filter(answered_at__isnull=True), user, "supervision__case__region"),
        region_code, "supervision__case__region",
    ).count()  # fmt: skip
    problems = selectors.overdue_problems(user=user, region_code=region_code, now=now).count()
    referrals = selectors.pending_referrals(user=user, region_code=region_code).count()
    return [
        Item("cases.overdue", _("逾期未作出决定的案件"), counts["overdue"], _url("cases:case_list", overdue="1"),
             OVERDUE),
        Item("cases.due_soon", _("临近决定期限的案件"), counts["soon"], _url("cases:case_list", status="open"), SOON),
        Item("cases.reports", _("待报送的督办报告"), reports, _url("cases:case_list", supervised="1"), TODAY),
        Item("cases.problems", _("逾期未整改、待移送立案的包保问题"), problems,
             _url("cases:case_sources", kind="problem"), ROUTINE),
        Item("cases.referrals", _("待立案的案件移送"), referrals, _url("cases:case_sources", kind="referral"),
             ROUTINE),
    ]  # fmt: skip


register(Provider("cases", items))
