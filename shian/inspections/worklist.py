"""Routine inspections' work-list items (shian.core.worklist)."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core import rules
from shian.core.jurisdiction import narrow_to, scope_queryset
from shian.core.worklist import DUE_SOON_RULE, INFO, OVERDUE, ROUTINE, SOON, Item, Provider, register

from .models import InspectionPlan


# -- stations, yearly plans, random draws --
def planning_items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    """Draws whose results are due for publication soon or overdue (docs/inspections.md §4), and the shortfall
    of this year's plans (docs/inspections.md §3)."""
    from .selectors.draws import publication_counts

    if getattr(user, "role", "") not in ADMIN_ROLES | {Role.STATION_STAFF, Role.AUDITOR}:
        return []
    soon_days = rules.value(DUE_SOON_RULE, region_code or user.region_id or "", today)
    counts = publication_counts(user=user, region_code=region_code, today=today, soon_days=soon_days)
    plans = narrow_to(scope_queryset(InspectionPlan.objects.filter(year=today.year), user), region_code)
    shortfall = sum(len(p.shortfall) for p in plans.exclude(summary__has_key="replaced_by").only("shortfall")[:50])
    draws = reverse("inspections:draws")
    readonly = user.role == Role.AUDITOR
    return [
        Item("draws.publish_overdue", _("逾期未公示的双随机抽查结果"), counts["overdue"], draws,
             INFO if readonly else OVERDUE),
        Item("draws.publish_soon", _("临近公示期限的双随机抽查结果"), counts["soon"], draws, INFO if readonly else SOON),
        Item("plans.shortfall", _("本年度检查计划的人力缺口（所·月）"), shortfall, reverse("inspections:plans"),
             INFO if readonly else ROUTINE),
    ]  # fmt: skip


register(Provider("inspections.planning", planning_items))
