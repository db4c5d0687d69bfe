"""Supervision figures for the dashboard: this quarter's visits against guarantees in force, entities left
unvisited last quarter, and problems found, closed and overdue with the days they took to close."""

import datetime

from django.db.models import Count, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.baobao.kpis import guarantees_in_force
from shian.core.jurisdiction import narrow_to
from shian.core.kpis import (
    Kpi,
    Provider,
    Series,
    absorb,
    add,
    count_of,
    median_of,
    periodic,
    ratio,
    records_url,
    register,
)  # fmt: skip
from shian.core.periods import day_end, previous_quarter, quarter_bounds, quarter_of

from .models import Problem, Visit
from .selectors import visited_enough


def count_visits(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    """Guarantees in force and those visited in `as_of`'s quarter by `as_of`; guarantees in force at the end
    of the previous quarter with no visit in it (overdue)."""
    quarter, last = quarter_of(as_of), previous_quarter(quarter_of(as_of))
    last_end = quarter_bounds(last)[1]
    visited = Visit.objects.filter(entity=OuterRef("entity"), quarter=quarter, visited_on__lte=as_of)
    seen_last = Visit.objects.filter(entity=OuterRef("entity"), quarter=last)
    # as often as the visit-frequency rule asks (visits.selectors.visited_enough, a plain EXISTS for once)
    visited_q = visited_enough(visited, quarter, within=prefix)
    # the guarantees in force at the last quarter's end are a subset of those in force now: one pass counts both
    in_force_last = Q(~visited_enough(seen_last, last, within=prefix), since__lte=last_end,
                      entity__created_at__lt=day_end(last_end))  # fmt: skip
    out: dict = {}
    absorb(out, grouping.sums(
        guarantees_in_force(prefix, as_of), "entity__region_id", "entity_id",
        due_q=Count("pk"), visited_q=Count("pk", filter=visited_q),
        overdue_visits=Count("pk", filter=in_force_last),
    ))  # fmt: skip
    if series:
        visits = narrow_to(Visit.objects.all(), prefix)
        absorb(out, periodic(grouping, visits, "region_id", "entity_id", "visited_on", as_of=as_of,
                                     name="visits"))  # fmt: skip
    return out


def count_problems(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    """Problems found by `as_of`, closed by then (with the days each took), and open past their deadline."""
    end = day_end(as_of)
    instant = min(timezone.now(), end)
    found = narrow_to(Problem.objects.filter(found_on__lte=as_of), prefix)
    closed = found.filter(closed_at__lt=end)
    out: dict = {}
    absorb(out, grouping.sums(
        found, "region_id", "entity_id", found=Count("pk"), closed=Count("pk", filter=Q(closed_at__lt=end)),
        overdue=Count("pk", filter=Q(due_at__lt=instant) & (Q(closed_at__isnull=True) | Q(closed_at__gte=instant))),
    ))  # fmt: skip
    days = closed.annotate(k=grouping.key("region_id", "entity_id"), closed_on=TruncDate("closed_at"))
    for r in days.values("k", "found_on", "closed_on").order_by().annotate(n=Count("pk")):
        add(out, str(r["k"]), f"close_days:{max((r['closed_on'] - r['found_on']).days, 0)}", r["n"])
    if series:
        for name, qs, field in (("found", found, "found_on"), ("closed", closed, "closed_at")):
            absorb(out, periodic(grouping, qs, "region_id", "entity_id", field, as_of=as_of,
                                         name=name))  # fmt: skip
    return out


def overdue_problems(*, prefix: str, as_of: datetime.date, limit: int) -> tuple:
    """The problems open past their deadline at the end of `as_of`, longest overdue first."""
    instant = min(timezone.now(), day_end(as_of))
    qs = narrow_to(Problem.objects.filter(found_on__lte=as_of, due_at__lt=instant), prefix).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=instant)
    )
    rows = [
        (p.entity.name, p.region.name, p.description[:60], timezone.localtime(p.due_at).date().isoformat(),
         (timezone.localdate(instant) - timezone.localtime(p.due_at).date()).days, p.cadre.name)
        for p in qs.select_related("entity", "region", "cadre").order_by("due_at", "pk")[:limit]
    ]  # fmt: skip
    headers = (_("主体"), _("区划"), _("问题"), _("整改期限"), _("逾期天数"), _("督促干部"))
    return _("逾期未整改问题"), [str(h) for h in headers], rows, qs.count()


def _problems_url(status: str):
    return lambda code: records_url("visits:problems", code, status=status)


register(
    Provider(
        key="visits",
        count=count_visits,
        kpis=[
            Kpi(
                "visits.quarter_rate",
                _("本季度督导完成率"),
                "%",
                ratio("visited_q", "due_q"),
                link=lambda code: records_url("visits:coverage", code),
                better="high",
                doc=_(
                    "包保关系已生效的在册主体中，本季度（截至统计日）督导次数已达规定频次的比例；"
                    "规定频次为所在区划的督导频次规则，默认每个主体每季度至少督导一次。"
                ),
            ),
            Kpi(
                "visits.overdue",
                _("上季度逾期未督导"),
                _("户"),
                count_of("overdue_visits"),
                link=lambda code: records_url(
                    "visits:coverage", code, quarter=previous_quarter(quarter_of(timezone.localdate()))
                ),
                better="low",
                doc=_("上季度末包保关系已生效、但上季度没有任何督导记录的主体户数。"),
            ),
        ],
        series=[
            Series("visits_w", _("每周督导次数"), "visits_w", "week"),
            Series("visits_m", _("每月督导次数"), "visits_m", "month"),
        ],
    )
)
register(
    Provider(
        key="problems",
        count=count_problems,
        kpis=[
            Kpi("problems.found", _("发现问题"), _("个"), count_of("found"), link=_problems_url(""),
                doc=_("截至统计日督导发现的问题总数（不限年度）。")),
            Kpi("problems.closed", _("已整改销号"), _("个"), count_of("closed"), link=_problems_url("closed"),
                doc=_("截至统计日已核验销号的问题数。")),
            Kpi("problems.overdue", _("逾期未整改"), _("个"), count_of("overdue"), link=_problems_url("overdue"),
                better="low", doc=_("整改期限已过、统计时仍未销号的问题数。")),
            Kpi("problems.close_rate", _("整改销号率"), "%", ratio("closed", "found"), link=_problems_url(""),
                better="high", doc=_("已整改销号 ÷ 发现问题。")),
            Kpi("problems.median_days", _("整改用时中位数"), _("天"), median_of("close_days"),
                link=_problems_url("closed"), better="low",
                doc=_("已销号问题从发现日期到销号日期的自然日数的中位数。")),
        ],
        series=[Series("found_w", _("每周发现问题"), "found_w", "week"),
                Series("closed_w", _("每周整改销号"), "closed_w", "week"),
                Series("found_m", _("每月发现问题"), "found_m", "month"),
                Series("closed_m", _("每月整改销号"), "closed_m", "month")],
        overdue=overdue_problems,
    )
)  # fmt: skip
