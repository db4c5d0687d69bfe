"""Sampling's work-list items (shian.core.worklist); each part keeps its own block."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core.worklist import INFO, OVERDUE, ROUTINE, TODAY, Item, Provider, register

from .models import Sample
from .selectors import samples as sample_selectors

# -- samples: to send to the lab, overdue, reports overdue (docs/sampling.md §3) --


def _url(name: str, **params) -> str:
    return reverse(name) + ("?" + urlencode(params) if params else "")


def sample_items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    """For the station and administrators: samples still to send (due today, overdue) and reports overdue, in
    one grouped query over the user's jurisdiction; auditors see the overdue figures as information."""
    role = getattr(user, "role", "")
    if role not in ADMIN_ROLES | {Role.STATION_STAFF, Role.AUDITOR}:
        return []
    now = timezone.now()
    end_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time.max))
    unsent = Q(status=Sample.Status.SAMPLED)
    counts = (
        sample_selectors.sample_list(user=user, region_code=region_code)
        .order_by()
        .aggregate(
            to_send=Count("pk", filter=unsent & Q(to_lab_due__gte=now)),
            today=Count("pk", filter=unsent & Q(to_lab_due__gte=now, to_lab_due__lte=end_of_today)),
            overdue=Count("pk", filter=sample_selectors.overdue_q("to_lab", now)),
            report=Count("pk", filter=sample_selectors.overdue_q("report", now)),
        )
    )
    if role == Role.AUDITOR:
        return [
            Item("samples.overdue", _("逾期未送检的样品（只读）"), counts["overdue"],
                 _url("sampling:samples", overdue="to_lab"), INFO),
            Item("samples.report_overdue", _("逾期未出检验报告的样品（只读）"), counts["report"],
                 _url("sampling:samples", overdue="report"), INFO),
        ]  # fmt: skip
    return [
        Item("samples.overdue", _("逾期未送检的样品"), counts["overdue"], _url("sampling:samples", overdue="to_lab"),
             OVERDUE),
        Item("samples.today", _("今天须送达检验机构的样品"), counts["today"],
             _url("sampling:samples", status=Sample.Status.SAMPLED), TODAY),
        Item("samples.to_send", _("待送检的样品"), counts["to_send"], _url("sampling:samples", status=Sample.Status.SAMPLED),
             ROUTINE),
        Item("samples.report_overdue", _("逾期未出检验报告的样品"), counts["report"],
             _url("sampling:samples", overdue="report"), OVERDUE),
    ]  # fmt: skip


register(Provider("sampling.samples", sample_items))


# -- results: disposal cases near or past their deadline, notices to acknowledge (docs/sampling.md §4) --
from .models import CrossRegionNotice, Disposal  # noqa: E402
from .selectors import results as result_selectors  # noqa: E402


def disposal_items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    """For the station and administrators: open disposal cases past or near their deadline, and cross-region
    notices to their jurisdiction still to acknowledge; auditors see the overdue cases as information; an
    enterprise sees its own failed samples still under disposal."""
    role = getattr(user, "role", "")
    if role == Role.ENTERPRISE:  # its own failed samples under disposal (it reads, the station acts)
        own = result_selectors.disposal_list(user=user).exclude(status=Disposal.Status.CLOSED).count()
        return [Item("disposals.own_open", _("本单位抽检不合格、正在核查处置"), own,
                     _url("sampling:disposals", status=Disposal.Status.OPEN), TODAY)]  # fmt: skip
    if role not in ADMIN_ROLES | {Role.STATION_STAFF, Role.AUDITOR}:
        return []
    now = timezone.now()
    counts = (
        result_selectors.disposal_list(user=user, region_code=region_code)
        .order_by()
        .aggregate(
            overdue=Count("pk", filter=result_selectors.overdue_q(now)),
            near=Count("pk", filter=result_selectors.near_q(now, region_code or user.region_id or "")),
        )
    )
    overdue = Item("disposals.overdue", _("逾期未办结的核查处置"), counts["overdue"],
                   _url("sampling:disposals", overdue=1), INFO if role == Role.AUDITOR else OVERDUE)  # fmt: skip
    if role == Role.AUDITOR:
        return [overdue]
    notices = result_selectors.notice_list(user=user, pending="1").count()
    return [
        overdue,
        Item("disposals.near", _("临近办结期限的核查处置"), counts["near"], _url("sampling:disposals", near=1), TODAY),
        Item("notices.pending", _("待签收的跨区域协查通报"), notices, _url("sampling:notices", pending=1), TODAY),
    ]


register(Provider("sampling.disposals", disposal_items))
__all__ = ["CrossRegionNotice", "Disposal"]
