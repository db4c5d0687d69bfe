"""Figures of complaints for the dashboard (docs/complaints.md, docs/kpis.md), built from additive parts (shian/core/kpis.py)."""

import datetime

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.core.jurisdiction import narrow_to
from shian.core.kpis import Kpi, Provider, absorb, count_of, ratio, records_url, register
from shian.core.periods import day_end

from .models import Complaint
from .ruledefs import ON_TIME_TARGET

# -- complaints: acceptance and closure on time, reports decided on time, overdue (docs/complaints.md §5) --

# KPI key -> the rule holding its target (a percentage), shown beside the figure
TARGETS = {"complaints.closed_on_time": ON_TIME_TARGET.code}

K, S = Complaint.Kind, Complaint.Status
# closed by its last step's due instant: refused by the acceptance due, mediated by the mediation due, an anonymous
# report decided by the check due, a named one's informant told by the notify due
CLOSED_ON_TIME = (
    Q(mediation_due__isnull=True, accept_due__isnull=False, closed_at__lte=F("accept_due"))
    | Q(mediation_due__isnull=False, closed_at__lte=F("mediation_due"))
    | Q(notify_due__isnull=True, check_due__isnull=False, closed_at__lte=F("check_due"))
    | Q(notify_due__isnull=False, closed_at__lte=F("notify_due"))
)


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    """Items of the year by `as_of` (duplicates left out): received, accepted (and on time), closed (and on time),
    reports decided (and on time), and those open past their deadline at the end of `as_of`."""
    start = timezone.make_aware(datetime.datetime.combine(as_of.replace(month=1, day=1), datetime.time.min))
    end = day_end(as_of)
    items = narrow_to(Complaint.objects.exclude(status=S.DUPLICATE), prefix)
    year = items.filter(received_at__gte=start, received_at__lt=end)
    out: dict = {}
    absorb(out, grouping.sums(
        year, "region_id", "entity_id",
        cmp_received=Count("pk"),
        cmp_platform=Count("pk", filter=Q(channel__in=[Complaint.Channel.P12315, Complaint.Channel.P12345])),
        cmp_accepted=Count("pk", filter=Q(kind=K.COMPLAINT, accepted_at__isnull=False, accepted_at__lt=end)),
        cmp_accepted_on_time=Count("pk", filter=Q(kind=K.COMPLAINT, accepted_at__lt=end,
                                                  accepted_at__lte=F("accept_due"))),
        cmp_closed=Count("pk", filter=Q(closed_at__isnull=False, closed_at__lt=end)),
        cmp_closed_on_time=Count("pk", filter=Q(closed_at__lt=end) & CLOSED_ON_TIME),
        rep_decided=Count("pk", filter=Q(kind=K.REPORT, decided_at__isnull=False, decided_at__lt=end)),
        rep_decided_on_time=Count("pk", filter=Q(kind=K.REPORT, decided_at__lt=end, decided_at__lte=F("check_due"))),
    ))  # fmt: skip
    absorb(out, grouping.sums(items.filter(due_at__lt=min(end, timezone.now())), "region_id", "entity_id",
                              cmp_overdue=Count("pk")))  # fmt: skip
    return out


def overdue_items(*, prefix: str, as_of: datetime.date, limit: int) -> tuple:
    """The items past their deadline now, longest overdue first (the weekly report's list)."""
    qs = narrow_to(Complaint.objects.filter(due_at__lt=timezone.now()), prefix)
    today = timezone.localdate()
    rows = [
        (c.number, c.get_kind_display(), c.entity_name or "—", c.region.name,
         timezone.localtime(c.due_at).date().isoformat(), (today - timezone.localtime(c.due_at).date()).days,
         c.get_status_display())
        for c in qs.select_related("region").order_by("due_at", "pk")[:limit]
    ]  # fmt: skip
    headers = (_("受理编号"), _("类型"), _("被投诉举报单位"), _("承办区划"), _("期限"), _("逾期天数"), _("状态"))
    return _("投诉举报逾期未办"), [str(h) for h in headers], rows, qs.count()


def _list(code: str) -> str:
    return records_url("complaints:list", code)


def _overdue(code: str) -> str:
    return records_url("complaints:list", code, overdue="1")


register(
    Provider(
        key="complaints",
        count=count,
        overdue=overdue_items,
        kpis=[
            Kpi(
                "complaints.received",
                _("本年度投诉举报"),
                _("件"),
                count_of("cmp_received"),
                link=_list,
                doc=_("本年度（截至统计日）收到的投诉举报件数，重复件不计。"),
            ),
            Kpi(
                "complaints.accept_on_time",
                _("投诉按时受理率"),
                "%",
                ratio("cmp_accepted_on_time", "cmp_accepted"),
                link=_list,
                better="high",
                doc=_("本年度已作出受理决定的投诉中，在受理期限（complaint.accept，7 个工作日）内受理的比例。"),
            ),
            Kpi(
                "complaints.closed_on_time",
                _("投诉举报按时办结率"),
                "%",
                ratio("cmp_closed_on_time", "cmp_closed"),
                link=_list,
                better="high",
                doc=_(
                    "本年度已办结的投诉举报中，最后一个环节在其期限内完成的比例；目标见规则 "
                    "complaints.closed_on_time_pct（98%）。"
                ),
            ),
            Kpi(
                "complaints.report_on_time",
                _("举报按时核查处理率"),
                "%",
                ratio("rep_decided_on_time", "rep_decided"),
                link=_list,
                better="high",
                doc=_("本年度已作出处理决定的举报中，在核查处理期限（含经批准的延期）内决定的比例。"),
            ),
            Kpi(
                "complaints.platform_share",
                _("12315/12345 转来占比"),
                "%",
                ratio("cmp_platform", "cmp_received"),
                link=_list,
                doc=_("本年度投诉举报中来自 12315 平台、12345 热线的比例（接通率需话务数据，平台暂无）。"),
            ),
            Kpi(
                "complaints.overdue",
                _("投诉举报逾期未办"),
                _("件"),
                count_of("cmp_overdue"),
                link=_overdue,
                better="low",
                doc=_("统计时刻办理环节已超过期限的件数。"),
            ),
        ],
    )
)
