"""Figures of risk warnings for the dashboard (docs/kpis.md, docs/warnings.md §4), built from additive parts
(shian/core/kpis.py): open warnings by level, steps past their deadline, closures on time and warnings raised this
month, counted per area by the warning's region in a few grouped queries, with drill-down to the warnings list."""

import datetime

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.core.jurisdiction import narrow_to
from shian.core.kpis import Breakdown, Kpi, Provider, absorb, count_of, ratio, records_url, register
from shian.core.periods import day_end

from .models import LEVEL_ORDER, Level, RiskWarning

CLOSED = RiskWarning.State.CLOSED


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    """At the end of `as_of` (or now, if earlier): warnings raised and not yet closed, by level; open warnings whose
    current step is past its deadline; warnings closed this year (on time: by their closing step's deadline) plus
    those still open past that deadline; warnings raised this month."""
    end = day_end(as_of)
    instant = min(end, timezone.now())
    year = timezone.make_aware(datetime.datetime.combine(as_of.replace(month=1, day=1), datetime.time.min))
    month = timezone.make_aware(datetime.datetime.combine(as_of.replace(day=1), datetime.time.min))
    warnings = narrow_to(RiskWarning.objects.all(), prefix)
    if grouping.depth is None:  # a village's page lists entities: area-wide warnings have no row there
        warnings = warnings.filter(entity__isnull=False)
    open_then = Q(raised_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    out: dict = {}
    absorb(out, grouping.sums(
        warnings, "region_id", "entity_id",
        warn_open=Count("pk", filter=open_then),
        **{f"warn_level:{lv}": Count("pk", filter=open_then & Q(level=lv)) for lv in Level.values},
        warn_raised_month=Count("pk", filter=Q(raised_at__gte=month, raised_at__lt=end)),
        warn_closed=Count("pk", filter=Q(closed_at__gte=year, closed_at__lt=end, close_due__isnull=False)),
        warn_closed_on_time=Count("pk", filter=Q(closed_at__gte=year, closed_at__lt=end,
                                                 closed_at__lte=F("close_due"))),
        warn_close_late=Count("pk", filter=open_then & Q(close_due__lt=instant)),
    ))  # fmt: skip
    absorb(out, grouping.sums(warnings.filter(_overdue_at(instant)), "region_id", "entity_id",
                              warn_overdue=Count("pk")))  # fmt: skip
    for parts in out.values():
        parts["warn_close_due"] = parts.get("warn_closed", 0) + parts.pop("warn_close_late", 0)
        parts.pop("warn_closed", None)
    return {g: {k: v for k, v in p.items() if v} for g, p in out.items()}


def _overdue_at(t: datetime.datetime) -> Q:
    """Open at `t` and past the deadline of the step it was in at `t`: signing (签收) until acknowledged,
    investigating until the investigation started, closing after. Each step keeps its deadline on the warning
    (`ack_due`, `investigate_due`, `close_due`), so a past day counts what was late that day, not today's state."""
    signing = Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=t)
    investigating = Q(acknowledged_at__lt=t) & (Q(investigating_at__isnull=True) | Q(investigating_at__gte=t))
    closing = Q(investigating_at__lt=t)
    late = (signing & Q(ack_due__lt=t)) | (investigating & Q(investigate_due__lt=t)) | (closing & Q(close_due__lt=t))
    return Q(raised_at__lt=t) & (Q(closed_at__isnull=True) | Q(closed_at__gte=t)) & late


def overdue_items(*, prefix: str, as_of: datetime.date, limit: int) -> tuple:
    """Open warnings whose step is past its deadline now, longest overdue first (the weekly report's list)."""
    qs = narrow_to(RiskWarning.objects.exclude(state=CLOSED).filter(step_due__lt=timezone.now()), prefix)
    today = timezone.localdate()
    rows = [
        (w.get_level_display(), w.label, w.office.name, w.get_state_display(),
         timezone.localtime(w.step_due).date().isoformat(), (today - timezone.localtime(w.step_due).date()).days)
        for w in qs.select_related("office").order_by("step_due", "pk")[:limit]
    ]  # fmt: skip
    headers = (_("等级"), _("预警内容"), _("承办单位"), _("状态"), _("当前步骤期限"), _("逾期天数"))
    return _("风险预警逾期未处理"), [str(h) for h in headers], rows, qs.count()


def _list(code: str, **params) -> str:
    return records_url("warnings:warning_list", code, **params)


register(
    Provider(
        key="warnings",
        count=count,
        overdue=overdue_items,
        kpis=[
            Kpi(
                "warnings.open", _("未办结风险预警"), _("条"), count_of("warn_open"),
                link=lambda code: _list(code, state="open"),
                doc=_("统计日结束时已发出、尚未办结的风险预警条数（按等级的分布见“按预警等级”）。"),
            ),
            Kpi(
                "warnings.open_red", _("未办结红色预警"), _("条"), count_of(f"warn_level:{Level.RED}"),
                link=lambda code: _list(code, state="open", level=Level.RED), better="low",
                doc=_("其中等级为红色的条数。"),
            ),
            Kpi(
                "warnings.overdue", _("逾期未处理风险预警"), _("条"), count_of("warn_overdue"),
                link=lambda code: _list(code, state="overdue"), better="low",
                doc=_("未办结、当前步骤（签收、启动核查、办结）已过其工作日期限的预警条数。"),
            ),
            Kpi(
                "warnings.closed_on_time", _("风险预警按期办结率"), "%",
                ratio("warn_closed_on_time", "warn_close_due"),
                link=lambda code: _list(code, state=CLOSED), better="high",
                doc=_("本年度办结的预警中在办结期限（warnings.close_days，自启动核查起 15 个工作日）内办结的 ÷"
                      "（本年度办结的 + 统计时刻已过办结期限仍未办结的）。"),
            ),
            Kpi(
                "warnings.raised_month", _("本月发出风险预警"), _("条"), count_of("warn_raised_month"),
                link=lambda code: _list(code, state="all"),
                doc=_("统计日所在月 1 日至统计日发出的风险预警条数（合并到已有预警的不另计）。"),
            ),
        ],
        breakdowns=[
            Breakdown(
                "warn_level", _("未办结预警按等级"), "warn_level",
                labels=lambda: {lv: Level(lv).label for lv in LEVEL_ORDER},
                link=lambda code, key: _list(code, state="open", level=key),
            ),
        ],
    )
)  # fmt: skip
