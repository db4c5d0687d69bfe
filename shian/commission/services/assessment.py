"""Assessment (评议考核, docs/commission.md §3): a scoring sheet as data (criteria whose weights add up to 100, each
with a source from shian.commission.sources), computed per township or member unit for a period; every line of a
score keeps its source's figure, text and records, so each point can be traced. After a round the commission's
office sends 通报 / 交办 / 督办 to the assessed as 三书一函 notices (shian.notices: document, delivery, reply and
acceptance)."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import Department
from shian.core import audit
from shian.core.regioncodes import TOWNSHIP
from shian.notices.services import notices as notice_services
from shian.regions.models import Region

from .. import sources
from ..models import AssessmentNotice, AssessmentRound, AssessmentScore, Criterion, ManualPoints, ScoringSheet
from .common import clean_text, raise_if, require_admin

FULL = 100
CENT = Decimal("0.01")
# The notice type (shian.notices) each follow-up is sent as: 通报 and 交办 as the first two grades of 三书一函, 督办
# as 督办通知书; a region retitles those types on the notice-types page.
NOTICE_TYPES = {AssessmentNotice.Kind.BULLETIN: "reminder", AssessmentNotice.Kind.ASSIGN: "rectification",
                AssessmentNotice.Kind.SUPERVISE: "supervision"}  # fmt: skip


def create_sheet(*, actor, region_code: str, name: str, target: str, criteria: list[dict]) -> ScoringSheet:
    """A sheet and its criteria, all or nothing: each criterion needs a name, a whole-number weight and a known
    source (a KPI source names a percentage KPI); the weights must add up to 100."""
    require_admin(actor, region_code)
    errors: dict = {}
    name = clean_text(name, _("评分表名称"), 200, errors, "name")
    if target not in ScoringSheet.Target.values:
        errors["target"] = [_("请选择考核对象（乡镇或成员单位）。")]
    if not criteria:
        errors["criteria"] = [_("评分表至少需要一项考核内容。")]
    kpi_keys = {k.key for k in sources.scorable_kpis()}
    rows, total = [], 0
    for index, item in enumerate(criteria, start=1):
        where = _("第 %(n)d 项") % {"n": index}
        label = str(item.get("name") or "").strip()
        try:
            weight = int(str(item.get("weight")).strip())
        except (TypeError, ValueError):
            weight = -1
        source = sources.source(str(item.get("source") or ""))
        param = str(item.get("param") or "").strip()
        problems = []
        if not label or len(label) > 200:
            problems.append(_("考核内容须填写且不超过 200 字"))
        if weight <= 0:
            problems.append(_("分值须为正整数"))
        if source is None:
            problems.append(_("数据来源无效（%(s)s）") % {"s": item.get("source")})
        elif source.needs_param and param not in kpi_keys:
            problems.append(_("监测指标须为平台中的百分比指标（%(p)s 不可用）") % {"p": param or _("未填写")})
        if problems:
            errors[f"criteria.{index}"] = [f"{where}：{'；'.join(problems)}。"]
        total += max(weight, 0)
        rows.append(Criterion(seq=index, name=label, weight=weight, source=getattr(source, "key", ""),
                              param=param if source and source.needs_param else ""))  # fmt: skip
    if criteria and not any(k.startswith("criteria.") for k in errors) and total != FULL:
        errors["criteria"] = [_("各项分值之和须为 %(f)d 分（现为 %(t)d 分）。") % {"f": FULL, "t": total}]
    raise_if(errors)
    with transaction.atomic():
        sheet = ScoringSheet.objects.create(region_id=region_code, name=name, target=target)
        for row in rows:
            row.sheet = sheet
        Criterion.objects.bulk_create(rows)
        audit.record(actor=actor, action="commission.sheet", obj=sheet, region_code=region_code,
                     after={"name": name, "target": target,
                            "criteria": [[c.name, c.weight, c.source, c.param] for c in rows]})  # fmt: skip
    return sheet


def create_round(*, actor, sheet: ScoringSheet, start: datetime.date, end: datetime.date) -> AssessmentRound:
    require_admin(actor, sheet.region_id)
    if end < start:
        raise ValidationError({"period": [_("考核期止（%(e)s）不能早于考核期起（%(s)s）。") % {"e": end, "s": start}]})
    return AssessmentRound.objects.create(sheet=sheet, period_start=start, period_end=end)


def _target_of(sheet: ScoringSheet, township: str = "", department: str = "") -> sources.Target:
    if sheet.target == ScoringSheet.Target.TOWNSHIP:
        region = Region.objects.filter(code=township, level=TOWNSHIP, code__startswith=sheet.region_id).first()
        if region is None:
            raise ValidationError({"target": [_("考核对象须为本区划内的乡镇（街道）：%(c)s。") % {"c": township}]})
        return sources.Target(region=sheet.region_id, name=region.name, township=region.code)
    dept = Department.objects.filter(code=department).first()
    if dept is None:
        raise ValidationError({"target": [_("考核对象须为成员单位：%(c)s。") % {"c": department}]})
    return sources.Target(region=sheet.region_id, name=dept.name, department=dept.code)


def give_points(*, actor, round: AssessmentRound, criterion: Criterion, points, note: str, township: str = "",
                department: str = "") -> ManualPoints:  # fmt: skip
    """Manual points for one target on a `manual` criterion: between 0 and the criterion's weight, with a note."""
    require_admin(actor, round.sheet.region_id)
    errors: dict = {}
    if criterion.sheet_id != round.sheet_id or criterion.source != sources.MANUAL.key:
        errors["criterion"] = [_("只有“人工评分”类考核内容可以人工打分。")]
    try:
        value = Decimal(str(points).strip()).quantize(CENT)
    except Exception:
        value = Decimal(-1)
    if not Decimal(0) <= value <= criterion.weight:
        errors["points"] = [_("得分须在 0 到 %(w)d 分之间（%(c)s）。") % {"w": criterion.weight, "c": criterion.name}]
    note = clean_text(note, _("评分说明"), 500, errors, "note")
    raise_if(errors)
    target = _target_of(round.sheet, township, department)
    with transaction.atomic():
        row, _created = ManualPoints.objects.update_or_create(
            round=round, criterion=criterion, township_id=target.township or None,
            department_id=target.department or None, defaults={"points": value, "note": note, "given_by": actor},
        )  # fmt: skip
        audit.record(
            actor=actor,
            action="commission.manual_points",
            obj=round,
            region_code=round.sheet.region_id,
            after={"criterion": criterion.name, "target": target.name, "points": str(value), "note": note},
        )
    return row


def targets(sheet: ScoringSheet) -> list[sources.Target]:
    if sheet.target == ScoringSheet.Target.TOWNSHIP:
        rows = Region.objects.filter(level=TOWNSHIP, code__startswith=sheet.region_id, valid_to__isnull=True)
        return [sources.Target(region=sheet.region_id, name=r.name, township=r.code) for r in rows.order_by("code")]
    return [sources.Target(region=sheet.region_id, name=d.name, department=d.code) for d in Department.objects.all()]


def score_target(round: AssessmentRound, criteria: list[Criterion], target: sources.Target) -> tuple[Decimal, list]:
    """One target's total and lines: each line the criterion, its source, the figure, the points and what lies
    behind them."""
    period = sources.Period(round.period_start, round.period_end, round.pk)
    total, lines = Decimal(0), []
    for criterion in criteria:
        source = sources.source(criterion.source)
        traced = source.compute(criterion, target, period) if source else sources.Traced(None, _("数据来源已停用。"))
        if traced.points is not None:
            points = Decimal(str(traced.points))
        elif traced.rate is not None:
            points = Decimal(criterion.weight) * Decimal(str(traced.rate)) / FULL
        else:
            points = Decimal(0)
        points = min(points, Decimal(criterion.weight)).quantize(CENT, rounding=ROUND_HALF_UP)
        total += points
        lines.append({"criterion": criterion.pk, "name": criterion.name, "weight": criterion.weight,
                      "source": criterion.source, "source_label": str(source.label) if source else "",
                      "param": criterion.param, "rate": traced.rate, "points": str(points),
                      "detail": traced.detail, "records": traced.records, "link": traced.link})  # fmt: skip
    return total, lines


def compute(*, actor, round: AssessmentRound, now: datetime.datetime | None = None) -> list[AssessmentScore]:
    """(Re)compute every target's score of the round and rank them (ties share a rank)."""
    require_admin(actor, round.sheet.region_id)
    criteria = list(round.sheet.criteria.order_by("seq"))
    results = []
    for target in targets(round.sheet):
        total, lines = score_target(round, criteria, target)
        results.append(AssessmentScore(round=round, township_id=target.township or None,
                                       department_id=target.department or None, name=target.name, total=total,
                                       lines=lines))  # fmt: skip
    results.sort(key=lambda s: (-s.total, s.name))
    for index, score in enumerate(results):
        previous = results[index - 1] if index else None
        score.rank = previous.rank if previous and previous.total == score.total else index + 1
    with transaction.atomic():
        if round.scores.filter(notices__isnull=False).exists():
            raise ValidationError(_("本轮考核已据结果发出通报/交办/督办，不能重新计算；请新建一轮考核。"))
        round.scores.all().delete()
        AssessmentScore.objects.bulk_create(results)
        round.computed_at = now or timezone.now()
        round.save(update_fields=["computed_at"])
        audit.record(
            actor=actor,
            action="commission.assess",
            obj=round,
            region_code=round.sheet.region_id,
            after={"targets": len(results), "top": [[s.name, str(s.total)] for s in results[:3]]},
        )
    return list(round.scores.all())


def send_notice(*, actor, score: AssessmentScore, kind: str, facts: str, requirement: str) -> AssessmentNotice:
    """A 通报 / 交办 / 督办 to the assessed township or department, issued and delivered on the platform."""
    sheet = score.round.sheet
    require_admin(actor, sheet.region_id)
    if kind not in AssessmentNotice.Kind.values:
        raise ValidationError({"kind": [_("请选择通报、交办或督办。")]})
    if score.township_id:
        recipient = notice_services.resolve_recipient(actor=actor, kind="township", township_code=score.township_id)
    else:
        recipient = notice_services.resolve_recipient(actor=actor, kind="department",
                                                      department_code=score.department_id,
                                                      office_code=sheet.region_id)  # fmt: skip
    label = AssessmentNotice.Kind(kind).label
    with transaction.atomic():
        notice = notice_services.create_notice(
            actor=actor, type_code=NOTICE_TYPES[kind], recipient=recipient,
            subject=_("%(s)s评议考核%(k)s") % {"s": sheet.name, "k": label}, facts=facts, requirement=requirement,
        )  # fmt: skip
        row = AssessmentNotice.objects.create(score=score, kind=kind, notice=notice)
        audit.record(actor=actor, action="commission.assess_notice", obj=row, region_code=sheet.region_id,
                     after={"kind": kind, "target": score.name, "notice": notice.number})  # fmt: skip
    return row
