"""Where an assessment criterion's figure comes from (docs/commission.md §3): a small registry of source kinds, so a
later one (the evaluation tasks' on-time rate, say) is one `register` call in its own module.

A source turns (criterion, target, period) into a `Traced`: a rate 0–100 (the criterion earns weight × rate ÷ 100),
or points directly (manual), with the text and the record ids or link behind it; `rate` None means no data (no
points, and the line says so)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shian.core import kpis as registry

from .models import Decision, KeyWork, ManualPoints


@dataclass(frozen=True)
class Target:
    """An assessed township (`township` set) or member unit (`department` set) within `region`."""

    region: str
    name: str
    township: str = ""
    department: str = ""


@dataclass(frozen=True)
class Traced:
    rate: float | None
    detail: str
    records: list = field(default_factory=list)
    link: str = ""
    points: float | None = None  # set by sources that give points directly


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    round_id: int | None = None


@dataclass(frozen=True)
class Source:
    key: str
    label: object
    compute: Callable[[object, Target, Period], Traced]
    needs_param: bool = False


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    _SOURCES[source.key] = source
    return source


def sources() -> list[Source]:
    return list(_SOURCES.values())


def source(key: str) -> Source | None:
    return _SOURCES.get(key)


def scorable_kpis() -> list:
    """KPIs a criterion may use: percentages where higher is better."""
    return [k for k in registry.kpis() if k.unit == "%" and k.better == "high"]


# -- the built-in sources ---------------------------------------------------------------------------------------


def _kpi(criterion, target: Target, period: Period) -> Traced:
    kpi = registry.kpi(criterion.param)
    if kpi is None:
        return Traced(None, _("指标 %(k)s 不存在。") % {"k": criterion.param})
    if not target.township:
        return Traced(None, _("该指标按乡镇统计，不适用于成员单位。"))
    grouping = registry.Grouping(depth=len(target.township))
    parts = registry.total(
        p.count(prefix=target.township, grouping=grouping, as_of=period.end, series=False).get(target.township, {})
        for p in registry.providers()
    )
    value = kpi.value(parts)
    if value is None:
        return Traced(None, _("%(l)s：期内无应统计的记录。") % {"l": kpi.label})
    link = kpi.link(target.township) if kpi.link else ""
    return Traced(float(value), _("%(l)s %(v)s%%（截至 %(d)s）") % {"l": kpi.label, "v": value, "d": period.end},
                  link=link)  # fmt: skip


def _lead_filter(target: Target) -> dict:
    return {"lead_township_id": target.township} if target.township else {"lead_department_id": target.department}


def _decisions_on_time(criterion, target: Target, period: Period) -> Traced:
    rows = list(Decision.objects.filter(region_id=target.region, deadline__range=(period.start, period.end),
                                        **_lead_filter(target)).order_by("id"))  # fmt: skip
    if not rows:
        return Traced(None, _("期内无到期的会议议定事项。"))
    on_time = [d.pk for d in rows if d.on_time()]
    rate = round(100 * len(on_time) / len(rows), 1)
    late = [d.pk for d in rows if d.pk not in on_time]
    return Traced(rate, _("期内到期议定事项 %(n)d 项，按期完成 %(k)d 项（未按期：%(l)s）") % {
        "n": len(rows), "k": len(on_time), "l": "、".join(f"#{i}" for i in late) or _("无")},
        records=[{"decision": d.pk, "on_time": d.pk in on_time} for d in rows])  # fmt: skip


def _keywork_done(criterion, target: Target, period: Period) -> Traced:
    if not target.department:
        return Traced(None, _("重点工作台账按牵头部门统计，不适用于乡镇。"))
    rows = list(KeyWork.objects.filter(region_id=target.region, deadline__range=(period.start, period.end),
                                       lead_department_id=target.department).order_by("id"))  # fmt: skip
    if not rows:
        return Traced(None, _("期内无到期的重点工作。"))
    done = [k.pk for k in rows if k.status == KeyWork.Status.DONE and k.completed_on and k.completed_on <= k.deadline]
    rate = round(100 * len(done) / len(rows), 1)
    return Traced(rate, _("期内到期重点工作 %(n)d 项，按时完成 %(k)d 项") % {"n": len(rows), "k": len(done)},
                  records=[{"keywork": k.pk, "done": k.pk in done} for k in rows])  # fmt: skip


def _manual(criterion, target: Target, period: Period) -> Traced:
    row = ManualPoints.objects.filter(round_id=period.round_id, criterion=criterion, township_id=target.township or None,
                                      department_id=target.department or None).first()  # fmt: skip
    if row is None:
        return Traced(None, _("尚未人工评分。"))
    return Traced(None, _("人工评分：%(n)s") % {"n": row.note}, records=[{"manual": row.pk}], points=float(row.points))


KPI = register(Source("kpi", gettext_lazy("监测指标"), _kpi, needs_param=True))
DECISIONS = register(Source("decisions_on_time", gettext_lazy("会议议定事项按期完成率"), _decisions_on_time))
KEYWORK = register(Source("keywork_done", gettext_lazy("重点工作完成率"), _keywork_done))
MANUAL = register(Source("manual", gettext_lazy("人工评分"), _manual))
