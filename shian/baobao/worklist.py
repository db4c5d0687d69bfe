"""包保's work-list items (shian.core.worklist): entities nobody guarantees, change reports and reassignments near
or past their deadline."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core import rules
from shian.core.worklist import DUE_SOON_RULE, OVERDUE, ROUTINE, SOON, Item, Provider, register

from . import selectors


def _url(name: str, **params) -> str:
    return reverse(name) + ("?" + urlencode(params) if params else "")


def items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    role = getattr(user, "role", "")
    if role not in ADMIN_ROLES | {Role.STATION_STAFF}:
        return []
    now = timezone.now()
    soon = now + datetime.timedelta(days=rules.value(DUE_SOON_RULE, region_code or user.region_id or "", today))
    changes = (
        selectors.change_list(user=user, region_code=region_code)
        .order_by()
        .aggregate(
            report_overdue=Count("pk", filter=Q(report_due__lt=now)),
            report_soon=Count("pk", filter=Q(report_due__gte=now, report_due__lt=soon)),
            reassign_overdue=Count("pk", filter=Q(reassign_due__lt=now)),
            reassign_soon=Count("pk", filter=Q(reassign_due__gte=now, reassign_due__lt=soon)),
        )
    )
    out = [
        Item("baobao.unguaranteed", _("尚无包保干部的主体"),
             selectors.unguaranteed(user=user, region_code=region_code).count(), _url("baobao:overview"), ROUTINE),
    ]  # fmt: skip
    if role in {Role.TOWNSHIP_ADMIN, Role.STATION_STAFF}:
        out += [
            Item("baobao.report_overdue", _("已超过报告时限的包保变动"), changes["report_overdue"],
                 _url("baobao:changes", state="open"), OVERDUE),
            Item("baobao.report_soon", _("临近报告时限的包保变动"), changes["report_soon"],
                 _url("baobao:changes", state="open"), SOON),
        ]  # fmt: skip
    else:
        out += [
            Item("baobao.reassign_overdue", _("已超过调整时限、待重新分配的包保变动"), changes["reassign_overdue"],
                 _url("baobao:changes", state="overdue"), OVERDUE),
            Item("baobao.reassign_soon", _("临近调整时限、待重新分配的包保变动"), changes["reassign_soon"],
                 _url("baobao:changes", state="open"), SOON),
        ]  # fmt: skip
    return out


register(Provider("baobao", items))
