"""Figures of emergency for the dashboard (docs/emergency.md §5, docs/kpis.md), built from additive parts
(shian/core/kpis.py): first reports and opinion feedback on time this year, grade I/II incidents in the veto
window, trainings in the last year, drills and live drills within their windows (the windows are rules read at
the figure's region)."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.core import rules
from shian.core.jurisdiction import narrow_to
from shian.core.kpis import Kpi, Provider, absorb, count_of, ratio, records_url, register
from shian.core.periods import day_end

from .models import VETO_GRADES, Exercise, Incident, Opinion
from .ruledefs import DRILL_YEARS, LIVE_DRILL_YEARS
from .selectors import veto_window, years_before


def _year_start(as_of: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(as_of.replace(month=1, day=1), datetime.time.min))


def count_clocks(*, prefix: str, grouping, as_of: datetime.date) -> dict:
    """This year's incidents and opinion items whose clock had run out by the statistics instant, and those
    reported or fed back by their deadline; incidents this year."""
    instant = min(timezone.now(), day_end(as_of))
    start = _year_start(as_of)
    out: dict = {}
    incidents = narrow_to(Incident.objects.filter(aware_at__gte=start, aware_at__lt=instant), prefix)
    on_time = Q(first_reported_at__isnull=False, first_report_late=False, first_reported_at__lt=instant)
    absorb(out, grouping.sums(incidents, "region_id", "entity_id", inc_year=Count("pk"),
                              inc_due=Count("pk", filter=Q(first_report_due__lt=instant) | on_time),
                              inc_on_time=Count("pk", filter=on_time)))  # fmt: skip
    opinions = narrow_to(Opinion.objects.filter(found_at__gte=start, found_at__lt=instant), prefix)
    fed = Q(fed_back_at__isnull=False, feedback_late=False, fed_back_at__lt=instant)
    absorb(out, grouping.sums(opinions, "region_id", "entity_id", op_year=Count("pk"),
                              op_due=Count("pk", filter=Q(feedback_due__lt=instant) | fed),
                              op_on_time=Count("pk", filter=fed)))  # fmt: skip
    return out


def count_readiness(*, prefix: str, grouping, as_of: datetime.date) -> dict:
    """Grade I/II incidents (not suspected) in the veto window; trainings in the last year, drills and live
    drills within their windows. Exercises belong to regions, not entities: none on an entity grouping."""
    out: dict = {}
    start, _end = veto_window(prefix, as_of)
    veto = narrow_to(Incident.objects.filter(grade__in=VETO_GRADES, suspected=False, occurred_at__gte=day_end(start),
                                             occurred_at__lt=day_end(as_of)), prefix)  # fmt: skip
    absorb(out, grouping.sums(veto, "region_id", "entity_id", inc_veto=Count("pk")))
    if grouping.depth is None:
        return out
    drill_from = years_before(as_of, rules.value(DRILL_YEARS.code, prefix, as_of))
    live_from = years_before(as_of, rules.value(LIVE_DRILL_YEARS.code, prefix, as_of))
    held = narrow_to(Exercise.objects.filter(held_on__lte=as_of, held_on__gt=min(drill_from, live_from,
                                                                                 years_before(as_of, 1))), prefix)  # fmt: skip
    training, live = Q(kind=Exercise.Kind.TRAINING), Q(kind=Exercise.Kind.LIVE)
    absorb(out, grouping.sums(
        held, "region_id", "region_id",
        ex_trainings=Count("pk", filter=training & Q(held_on__gt=years_before(as_of, 1))),
        ex_drills=Count("pk", filter=~training & Q(held_on__gt=drill_from)),
        ex_live=Count("pk", filter=live & Q(held_on__gt=live_from)),
    ))  # fmt: skip
    return out


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    out: dict = {}
    absorb(out, count_clocks(prefix=prefix, grouping=grouping, as_of=as_of))
    absorb(out, count_readiness(prefix=prefix, grouping=grouping, as_of=as_of))
    return out


def _incidents(code: str) -> str:
    return records_url("emergency:incidents", code)


def _opinions(code: str) -> str:
    return records_url("emergency:opinions", code)


def _readiness(code: str) -> str:
    return records_url("emergency:readiness", code)


def _exercises(code: str) -> str:
    return records_url("emergency:exercises", code)


register(
    Provider(
        "emergency",
        count,
        kpis=[
            Kpi("emergency.incidents", _("本年度食品安全事故"), _("起"), count_of("inc_year"), link=_incidents,
                doc=_("本年度（截至统计时刻）获知的食品安全事故（含疑似）起数。")),
            Kpi("emergency.first_report_on_time", _("事故首报及时率"), "%", ratio("inc_on_time", "inc_due"),
                link=_incidents, better="high",
                doc=_("本年度获知、首报期限已到或已按时首报的事故中，在首报期限（规则 incident.report）内首报的比例。")),
            Kpi("emergency.veto_incidents", _("重大及以上事故（一票否决）"), _("起"), count_of("inc_veto"),
                link=_readiness, better="low",
                doc=_("统计日前 emergency.veto_years 年内发生的 I、II 级（非疑似）事故起数；任一起即为示范创建否决项。")),
            Kpi("emergency.feedback_on_time", _("舆情反馈及时率"), "%", ratio("op_on_time", "op_due"),
                link=_opinions, better="high",
                doc=_("本年度发现、反馈期限已到或已按时反馈的舆情中，在反馈期限（规则 opinion.feedback）内反馈的比例。")),
            Kpi("emergency.trainings", _("近一年应急预案培训"), _("次"), count_of("ex_trainings"), link=_exercises,
                better="high", doc=_("统计日前一年内的应急预案培训次数；目标为规则 emergency.plan_trainings_per_year。")),
            Kpi("emergency.drills", _("应急演练（含桌面推演）"), _("次"), count_of("ex_drills"), link=_exercises,
                better="high", doc=_("统计日前 emergency.drill_every_years 年内的桌面推演和实战演练次数；至少 1 次为达标。")),
            Kpi("emergency.live_drills", _("实战演练"), _("次"), count_of("ex_live"), link=_exercises,
                better="high", doc=_("统计日前 emergency.live_drill_years 年内的实战演练次数；至少 1 次为达标。")),
        ],
    )
)  # fmt: skip
