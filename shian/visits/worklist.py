"""The visit loop's work-list items (shian.core.worklist): a cadre's visits due and problems to re-check, the
overdue and escalated problems of a region, an enterprise's open problems."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core import rules
from shian.core.worklist import DUE_SOON_RULE, INFO, OVERDUE, ROUTINE, SOON, TODAY, Item, Provider, register

from . import selectors
from .models import Problem


def _url(name: str, **params) -> str:
    return reverse(name) + ("?" + urlencode(params) if params else "")


def cadre_items(user) -> list[Item]:
    """Visits due this quarter (and overdue: missed last quarter too), evidence waiting for the cadre's check."""
    states = dict(
        selectors.my_entities(user=user)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    recheck = Problem.objects.filter(cadre__user=user, status=Problem.Status.SUBMITTED).count()
    return [
        Item("visits.overdue", _("上季度未走访、本季度仍待走访的主体"), states.get("overdue", 0),
             _url("visits:mine"), OVERDUE),
        Item("visits.due", _("本季度待走访的主体"), states.get("due", 0), _url("visits:mine"), ROUTINE),
        Item("problems.recheck", _("已提交整改材料、待核验销号的问题"), recheck,
             _url("visits:problems", status="submitted", mine="1"), TODAY),
    ]  # fmt: skip


def region_items(user, region_code: str | None, today: datetime.date) -> list[Item]:
    """Unclosed problems of the region in one grouped query: overdue, escalated to this user's level, near
    their deadline. Auditors see the overdue figure as information only."""
    now = timezone.now()
    soon = now + datetime.timedelta(days=rules.value(DUE_SOON_RULE, region_code or user.region_id or "", today))
    level = (
        Problem.Escalation.COUNTY if user.role in {Role.COUNTY_ADMIN, Role.CITY_ADMIN} else Problem.Escalation.STATION
    )
    counts = (
        selectors.problem_list(user=user, region_code=region_code, status="unclosed")
        .order_by()
        .aggregate(
            overdue=Count("pk", filter=Q(due_at__lt=now)),
            escalated=Count("pk", filter=Q(escalation__gte=level)),
            soon=Count("pk", filter=Q(due_at__gte=now, due_at__lt=soon)),
        )
    )
    if user.role == Role.AUDITOR:
        return [Item("problems.overdue", _("逾期未整改的问题（只读）"), counts["overdue"],
                     _url("visits:problems", status="overdue"), INFO)]  # fmt: skip
    items = [
        Item("problems.overdue", _("逾期未整改的问题"), counts["overdue"], _url("visits:problems", status="overdue"),
             OVERDUE),
        Item("problems.soon", _("临近整改期限的问题"), counts["soon"], _url("visits:problems", status="soon"), SOON),
    ]  # fmt: skip
    if user.role in ADMIN_ROLES | {Role.STATION_STAFF}:
        label = _("升级至县级督办的问题") if level == Problem.Escalation.COUNTY else _("升级至本级督办的问题")
        items.append(Item("problems.escalated", label, counts["escalated"],
                          _url("visits:problems", status="unclosed", escalated=str(level)), OVERDUE))  # fmt: skip
    return items


def enterprise_items(user) -> list[Item]:
    """The entity's own problems: open ones and those past their deadline."""
    counts = (
        selectors.problem_list(user=user, status="unclosed")
        .order_by()
        .aggregate(
            open=Count("pk", filter=Q(status=Problem.Status.OPEN)),
            overdue=Count("pk", filter=Q(status=Problem.Status.OPEN, due_at__lt=timezone.now())),
        )
    )
    return [
        Item("problems.own_overdue", _("已超过整改期限的问题"), counts["overdue"],
             _url("visits:problems", status="overdue"), OVERDUE),
        Item("problems.own_open", _("待整改的问题"), counts["open"], _url("visits:problems", status="open"), TODAY),
    ]  # fmt: skip


def items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    role = getattr(user, "role", "")
    if role == Role.CADRE:
        return cadre_items(user)
    if role == Role.ENTERPRISE:
        return enterprise_items(user)
    if role in ADMIN_ROLES | {Role.STATION_STAFF, Role.DEPARTMENT_STAFF, Role.AUDITOR}:
        return region_items(user, region_code, today)
    return []


register(Provider("visits", items))
