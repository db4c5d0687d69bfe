"""Work-list items of risk warnings (shian.core.worklist; docs/warnings.md §4): for the station and administrators,
the open warnings in their jurisdiction, the overdue ones first, counted by level. One grouped query."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from shian.core.worklist import OVERDUE, ROUTINE, Item, Provider, register

from .models import LEVEL_ORDER, Level
from .selectors import warnings as selectors
from .services.steps import can_handle


def items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    if not can_handle(user):
        return []
    qs = selectors.warning_list(user=user, region_code=region_code, state="open").order_by()
    rows = {r["level"]: r for r in qs.values("level").annotate(n=Count("id"), late=Count("id", filter=Q(
        overdue_at__isnull=False)))}  # fmt: skip
    url = reverse("warnings:warning_list")
    late = sum(r["late"] for r in rows.values())
    note = "，".join(f"{Level(lv).label} {rows[lv]['n']}" for lv in LEVEL_ORDER if lv in rows)
    return [
        Item("warnings.overdue", _("逾期未处理的风险预警"), late, url, OVERDUE),
        Item("warnings.open", _("未办结的风险预警"), sum(r["n"] for r in rows.values()), url, ROUTINE, note),
    ]


register(Provider("warnings", items))
