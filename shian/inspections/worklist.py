"""Routine inspections' work-list items (shian.core.worklist)."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core import rules
from shian.core.jurisdiction import narrow_to, scope_queryset
from shian.core.worklist import DUE_SOON_RULE, INFO, OVERDUE, ROUTINE, SOON, TODAY, Item, Provider, register

from .models import InspectionPlan, InspectionTask, RectificationOrder
from .selectors.rectification import order_list
from .selectors.tasks import task_list


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


# -- tasks, inspections, rectification --


def _url(name: str, **params) -> str:
    return reverse(name) + ("?" + urlencode(params) if params else "")


def inspector_items(user, today: datetime.date) -> list[Item]:
    tasks = (
        task_list(user=user, mine=True)
        .order_by()
        .aggregate(overdue=Count("pk", filter=Q(due_on__lt=today)), today=Count("pk", filter=Q(due_on=today)))
    )
    recheck = order_list(user=user, status=RectificationOrder.Status.ANSWERED, inspector=user).count()
    return [
        Item("inspections.tasks_overdue", _("已超期的检查任务"), tasks["overdue"], _url("inspections:tasks"), OVERDUE),
        Item("inspections.tasks_today", _("今天到期的检查任务"), tasks["today"], _url("inspections:tasks"), TODAY),
        Item("inspections.orders_recheck", _("企业已反馈、待复查的整改通知"), recheck,
             _url("inspections:orders", status="answered"), TODAY),
    ]  # fmt: skip


def enterprise_items(user) -> list[Item]:
    counts = (
        order_list(user=user, status=RectificationOrder.Status.OPEN)
        .order_by()
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=timezone.now())))
    )
    return [
        Item("inspections.own_orders_overdue", _("已超过整改期限的监督检查整改通知"), counts["overdue"],
             _url("inspections:orders", status="overdue"), OVERDUE),
        Item("inspections.own_orders", _("待反馈的监督检查整改通知"), counts["open"],
             _url("inspections:orders", status="open"), TODAY),
    ]  # fmt: skip


def station_items(user, region_code: str | None) -> list[Item]:
    overdue = order_list(user=user, region_code=region_code, status="overdue").count()
    return [
        Item("inspections.orders_overdue", _("逾期未整改的监督检查整改通知"), overdue,
             _url("inspections:orders", status="overdue"), OVERDUE),
    ]  # fmt: skip


def inspecting_items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    role = getattr(user, "role", "")
    if role == Role.ENTERPRISE:
        return enterprise_items(user)
    items = []
    if user.inspection_stations.exists() or InspectionTask.objects.filter(inspectors=user).exists():
        items += inspector_items(user, today)
    if role in ADMIN_ROLES | {Role.STATION_STAFF}:
        items += station_items(user, region_code)
    return items


register(Provider("inspections.inspecting", inspecting_items))
