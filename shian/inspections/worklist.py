"""Routine inspections' work-list items (shian.core.worklist). Each part keeps its own block.

Tasks and rectification (docs/inspections.md §5): an inspector's tasks due today or overdue and answered orders
to re-check; an enterprise's open orders to answer; a station's (and administrators') overdue orders."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core.worklist import OVERDUE, TODAY, Item, Provider, register

from .models import InspectionTask, RectificationOrder
from .selectors.rectification import order_list
from .selectors.tasks import task_list

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
