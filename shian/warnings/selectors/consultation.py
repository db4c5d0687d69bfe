"""The figures of the quarterly risk consultation (季度风险会商, docs/warnings.md §5), read live for one county and one
quarter: warnings raised and closed by level and kind, their on-time acknowledgement and closure, where the quarter's
risk events concentrated (warnings, failed samples, upheld reports, inspections with a 重点项 failed) by township,
business type and food category, the model in use, and the recommended focus for the next quarter, each with the
figures that led to it (rules of the store, `warnings.focus_*`). A handful of grouped queries per county-quarter."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shian.complaints.models import Complaint
from shian.core import rules, workdays
from shian.core.jurisdiction import in_scope, region_under
from shian.core.periods import day_end, parse_quarter, previous_quarter, quarter_bounds, quarter_label, quarter_of
from shian.core.regioncodes import COUNTY, LEVEL_LENGTH, TOWNSHIP, is_region_code, level_of
from shian.credit.selectors.sources import upheld_complaints
from shian.entities.models import BusinessType
from shian.inspections.models import Inspection
from shian.regions.models import Region
from shian.riskmodel.selectors import ModelSummary, current_model
from shian.sampling.models import Sample
from shian.sampling.selectors.samples import categories

from ..models import LEVEL_ORDER, Kind, Level, RiskWarning
from ..ruledefs import ACK_DAYS, CLOSE_DAYS, FOCUS_MIN_FAILED, FOCUS_SHARE_PCT, ONTIME_TARGET_PCT, REPORT_TOP

# The risk events counted per township and business type, in the order the tables show them.
SOURCES = (
    ("warnings", gettext_lazy("风险预警")),
    ("samples", gettext_lazy("抽检不合格")),
    ("complaints", gettext_lazy("投诉举报属实")),
    ("key_failed", gettext_lazy("重点项不符合")),
)


@dataclass
class Row:
    """One line of a ranking: its key, its name and its count per source (`SOURCES`)."""

    key: str
    name: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[int]:
        return [self.counts.get(k, 0) for k, _label in SOURCES]

    def detail(self) -> str:
        return "、".join(f"{label} {self.counts.get(k, 0)}" for k, label in SOURCES if self.counts.get(k))


@dataclass
class OnTime:
    """Steps done by their deadline, done late or still late, and not yet due."""

    on_time: int = 0
    late: int = 0
    pending: int = 0

    @property
    def rate(self) -> float | None:
        done = self.on_time + self.late
        return round(100 * self.on_time / done, 1) if done else None


@dataclass(frozen=True)
class Focus:
    text: str
    reason: str


@dataclass
class Consultation:
    region_code: str
    region_name: str
    quarter: int
    start: datetime.date
    end: datetime.date  # the quarter's last day, or today while it runs
    complete: bool
    raised: dict[str, int]  # level -> n
    closed: dict[str, int]
    kinds: list[tuple[str, str, int, int]]  # (kind, label, raised, closed)
    previous_raised: int
    ack: OnTime
    closure: OnTime
    townships: list[Row]
    business_types: list[Row]
    food_categories: list[Row]  # counts: samples, warnings (clusters of the category)
    events: int  # risk events of the county in the quarter (all sources)
    model: ModelSummary | None
    focus: list[Focus]

    @property
    def label(self) -> str:
        return quarter_label(self.quarter)

    @property
    def levels(self) -> list[tuple[str, str, int, int]]:
        return [(lv, str(Level(lv).label), self.raised[lv], self.closed[lv]) for lv in LEVEL_ORDER]

    @property
    def quarter_text(self) -> str:
        year, q = divmod(self.quarter, 10)
        return f"{year}Q{q}"

    def headline(self) -> dict:
        """The headline counts (the command's JSON line, the API's figures)."""
        return {
            "region": self.region_code, "quarter": self.quarter_text,
            "raised": sum(self.raised.values()), "closed": sum(self.closed.values()),
            "raised_by_level": self.raised, "closed_by_level": self.closed,
            "ack_on_time_pct": self.ack.rate, "close_on_time_pct": self.closure.rate, "events": self.events,
            "top_township": self.townships[0].name if self.townships else None,
            "model": self.model.version if self.model else None, "focus": len(self.focus),
        }  # fmt: skip


def check_request(*, user, region_code: str, quarter: str, today: datetime.date | None = None) -> tuple[Region, int]:
    """The county and the quarter asked for, or ValidationError naming what is wrong. `user` None: the command
    line, which sees every region."""
    today = today or timezone.localdate()
    code = (region_code or "").strip()
    if not code:
        raise ValidationError(_("请选择县（区）。"))
    if not is_region_code(code):
        raise ValidationError(_("区划代码格式不正确：%(c)s") % {"c": code[:20]})
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError(_("没有代码为 %(c)s 的区划。") % {"c": code})
    if level_of(code) != COUNTY:
        raise ValidationError(
            _("季度风险会商报告按县（区）生成：%(n)s（%(c)s）不是县级区划。") % {"n": region.name, "c": code}
        )
    if user is not None and not in_scope(user, code):
        raise ValidationError(_("%(n)s（%(c)s）不在您的管辖范围内。") % {"n": region.name, "c": code})
    number = parse_quarter(quarter or "")
    if number > quarter_of(today):
        raise ValidationError(_("%(q)s 尚未开始，只能生成已开始的季度的报告。") % {"q": quarter_label(number)})
    return region, number


def _window(quarter: int, today: datetime.date) -> tuple[datetime.date, datetime.date, bool]:
    start, last = quarter_bounds(quarter)
    return start, min(last, today), last < today


def _town_rows(qs, source: str, rows: dict[str, Row]) -> None:
    size = LEVEL_LENGTH[TOWNSHIP]
    grouped = (qs.order_by().annotate(code_len=Length("region_id")).filter(code_len__gte=size)
               .annotate(town=Substr("region_id", 1, size)).values("town").annotate(n=Count("pk")))  # fmt: skip
    for g in grouped:
        rows.setdefault(g["town"], Row(g["town"], g["town"])).counts[source] = g["n"]


def _type_rows(qs, source: str, rows: dict[str, Row]) -> None:
    grouped = qs.order_by().filter(entity__isnull=False).values("entity__business_type").annotate(n=Count("pk"))
    for g in grouped:
        key = g["entity__business_type"]
        label = BusinessType(key).label if key in BusinessType.values else key
        rows.setdefault(key, Row(key, str(label))).counts[source] = g["n"]


def _ranked(rows: dict[str, Row], top: int) -> list[Row]:
    return sorted((r for r in rows.values() if r.total), key=lambda r: (-r.total, r.key))[:top]


def _on_time(warnings: list[RiskWarning], now: datetime.datetime) -> tuple[OnTime, OnTime]:
    """Acknowledged within `warnings.ack_days` of being raised; closed within `warnings.close_days` of the start of
    the investigation (each step's own clock, docs/warnings.md §2). A step not done by its passed deadline is late."""
    ack, closure = OnTime(), OnTime()
    for w in warnings:
        due = workdays.compute_due(rule_code=ACK_DAYS.code, start=w.raised_at, region_code=w.region_id).due_at
        _count(ack, w.acknowledged_at, due, now)
        if w.investigating_at is None:
            if w.state != RiskWarning.State.CLOSED:
                closure.pending += 1
            continue
        due = workdays.compute_due(rule_code=CLOSE_DAYS.code, start=w.investigating_at, region_code=w.region_id).due_at
        _count(closure, w.closed_at, due, now)
    return ack, closure


def _count(tally: OnTime, done_at, due, now) -> None:
    if done_at is not None:
        if done_at <= due:
            tally.on_time += 1
        else:
            tally.late += 1
    elif due < now:
        tally.late += 1
    else:
        tally.pending += 1


def consultation(*, user, region_code: str, quarter: str, today: datetime.date | None = None) -> Consultation:
    """The quarter's figures for one county (checked by `check_request`)."""
    today = today or timezone.localdate()
    region, number = check_request(user=user, region_code=region_code, quarter=quarter, today=today)
    code = region.code
    start, end, complete = _window(number, today)
    since, until = day_end(start - datetime.timedelta(days=1)), day_end(end)
    in_county = region_under(RiskWarning, "region", code)
    warnings = RiskWarning.objects.filter(in_county)
    raised_qs = warnings.filter(raised_at__gte=since, raised_at__lt=until)
    closed_qs = warnings.filter(closed_at__gte=since, closed_at__lt=until)

    def by(qs, key):
        return dict(qs.order_by().values_list(key).annotate(n=Count("pk")).values_list(key, "n"))

    raised_levels, closed_levels = by(raised_qs, "level"), by(closed_qs, "level")
    raised_kinds, closed_kinds = by(raised_qs, "rule__kind"), by(closed_qs, "rule__kind")
    kinds = [(k, str(label), raised_kinds.get(k, 0), closed_kinds.get(k, 0)) for k, label in Kind.choices]
    p_start, p_last = quarter_bounds(previous_quarter(number))
    previous = warnings.filter(raised_at__gte=day_end(p_start - datetime.timedelta(days=1)),
                               raised_at__lt=day_end(p_last)).count()  # fmt: skip
    ack, closure = _on_time(list(raised_qs.only(
        "raised_at", "acknowledged_at", "investigating_at", "closed_at", "region_id", "state")), timezone.now())  # fmt: skip

    samples = Sample.objects.filter(region_under(Sample, "region", code), conclusion=Sample.Conclusion.FAIL,
                                    sampled_at__gte=since, sampled_at__lt=until)  # fmt: skip
    reports = upheld_complaints().filter(region_under(Complaint, "region", code), decided_at__gte=since,
                                         decided_at__lt=until)  # fmt: skip
    key_failed = Inspection.objects.filter(region_under(Inspection, "region", code), key_failed__gt=0,
                                           inspected_on__gte=start, inspected_on__lte=end)  # fmt: skip
    sources = {"warnings": raised_qs, "samples": samples, "complaints": reports, "key_failed": key_failed}
    events = sum(qs.count() for qs in sources.values())
    top = rules.value(REPORT_TOP.code, code, end)

    towns: dict[str, Row] = {}
    types: dict[str, Row] = {}
    for source, qs in sources.items():
        _town_rows(qs, source, towns)
        _type_rows(qs, source, types)
    names = dict(Region.objects.filter(code__in=towns).values_list("code", "name"))
    for row in towns.values():
        row.name = names.get(row.key, row.key)

    food_names = dict(categories(code, end))
    foods: dict[str, Row] = {}
    for cat, n in by(samples, "category").items():
        foods[cat] = Row(cat, food_names.get(cat, cat), {"samples": n})
    for key in raised_qs.filter(rule__kind=Kind.FAILED_SAMPLES).values_list("scope_key", flat=True):
        cat = key.rsplit(":", 1)[-1]
        foods.setdefault(cat, Row(cat, food_names.get(cat, cat), {"samples": 0})).counts["warnings"] = (
            foods[cat].counts.get("warnings", 0) + 1
        )  # fmt: skip

    result = Consultation(
        region_code=code, region_name=region.name, quarter=number, start=start, end=end, complete=complete,
        raised={lv: raised_levels.get(lv, 0) for lv in LEVEL_ORDER},
        closed={lv: closed_levels.get(lv, 0) for lv in LEVEL_ORDER}, kinds=kinds, previous_raised=previous,
        ack=ack, closure=closure, townships=_ranked(towns, top), business_types=_ranked(types, top),
        food_categories=sorted(foods.values(), key=lambda r: (-r.counts.get("samples", 0), r.key))[:top],
        events=events, model=current_model(), focus=[],
    )  # fmt: skip
    result.focus = recommend(result, end)
    return result


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def recommend(c: Consultation, on: datetime.date) -> list[Focus]:
    """The next quarter's focus, each with the figures behind it: an area or business type holding at least
    `warnings.focus_share_pct` of the county's risk events, a food category failing at least
    `warnings.focus_min_failed` times, an on-time rate below `warnings.on_time_target_pct`, warnings rising on the
    previous quarter, and whether the model may weight the inspection plan."""
    share = rules.value(FOCUS_SHARE_PCT.code, c.region_code, on)
    min_failed = rules.value(FOCUS_MIN_FAILED.code, c.region_code, on)
    target = rules.value(ONTIME_TARGET_PCT.code, c.region_code, on)
    out: list[Focus] = []
    for rows, what in ((c.townships, _("将%(n)s列为下季度重点区域，增加监督检查和抽检频次")),
                       (c.business_types, _("将%(n)s业态列为下季度重点检查业态"))):  # fmt: skip
        for row in rows:
            p = _pct(row.total, c.events)
            if p >= share:
                out.append(Focus(what % {"n": row.name}, _(
                    "本季度风险事件 %(t)d 件（%(d)s），占全县 %(p)s%%，不低于 %(s)d%%") % {
                        "t": row.total, "d": row.detail(), "p": p, "s": share}))  # fmt: skip
    for row in c.food_categories:
        n = row.counts.get("samples", 0)
        if n >= min_failed:
            out.append(Focus(_("加大%(n)s的抽检批次，追溯不合格产品来源") % {"n": row.name},
                             _("本季度抽检不合格 %(k)d 批次，不少于 %(m)d 批次") % {"k": n, "m": min_failed}))  # fmt: skip
    for tally, step in ((c.ack, _("签收")), (c.closure, _("办结"))):
        if tally.rate is not None and tally.rate < target:
            out.append(Focus(_("压实风险预警%(s)s时限责任，逾期的逐条说明原因") % {"s": step},
                             _("按时%(s)s率 %(r)s%%（按时 %(o)d 条、逾期 %(l)d 条），低于目标 %(t)d%%") % {
                                 "s": step, "r": tally.rate, "o": tally.on_time, "l": tally.late, "t": target}))  # fmt: skip
    raised = sum(c.raised.values())
    if raised > c.previous_raised:
        out.append(Focus(_("研判预警上升的原因，对持续触发的规则开展专项检查"),
                         _("本季度发出预警 %(n)d 条，上季度 %(p)d 条") % {"n": raised, "p": c.previous_raised}))  # fmt: skip
    m = c.model
    if m is None:
        out.append(Focus(_("训练风险预测模型，为检查计划排序提供依据"),
                         _("尚未训练模型，检查仍按风险等级和到期日排序")))  # fmt: skip
    elif m.auc > m.baseline_auc:
        out.append(Focus(_("下季度检查计划和双随机抽取以模型评分为权重（不低于各风险等级的法定检查频次）"),
                         _("模型 %(v)s 留出期 AUC %(a).3f，高于现行排序 %(b).3f") % {
                             "v": m.version, "a": m.auc, "b": m.baseline_auc}))  # fmt: skip
    else:
        out.append(Focus(_("暂不以模型评分调整检查顺序，继续按风险等级和到期日安排"),
                         _("模型 %(v)s 留出期 AUC %(a).3f，未高于现行排序 %(b).3f") % {
                             "v": m.version, "a": m.auc, "b": m.baseline_auc}))  # fmt: skip
    if len(out) == 1:  # only the model's line: nothing concentrated
        top = c.townships[0] if c.townships else None
        out.insert(0, Focus(_("风险未见集中，按常规计划开展监督检查和抽检"), _(
            "最集中的乡镇占全县风险事件 %(p)s%%，低于 %(s)d%%") % {
                "p": _pct(top.total, c.events) if top else 0.0, "s": share}))  # fmt: skip
    return out
