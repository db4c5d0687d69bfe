"""Candidate lines of a 红黑榜 edition, proposed from records (docs/lists.md §1): each names the record it comes from
(`source_kind`, `source_id`), so a published line can be traced back.

- 黑榜: case penalties decided in the window (fine at least `lists.black_min_fine`), failed samples reported in the
  window (not overturned by a passed re-test), and 包保 key-item problems past their deadline and not closed.
- 红榜: catering businesses with the year's 量化 A grade or an 优秀 inspection in the window, and nothing against them
  in the window: no penalty, no failed sample, no 包保 problem still open.

The window is `lists.window_days` up to the edition's window end; each board proposes at most `lists.candidates_max`
lines, newest records first."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from shian.cases.models import Case
from shian.core import rules
from shian.core.jurisdiction import region_under
from shian.core.periods import day_end
from shian.entities.models import Entity
from shian.inspections.models import CateringLevel, CateringYearGrade, Inspection
from shian.sampling.models import Sample
from shian.visits.models import Problem

from ..models import Edition, EditionLine
from ..ruledefs import BLACK_MIN_FINE, CANDIDATES_MAX

RED, BLACK = EditionLine.Board.RED, EditionLine.Board.BLACK
SOURCE_KINDS = {
    "cases.case": (Case, BLACK, "cases:case_detail"),
    "sampling.sample": (Sample, BLACK, "sampling:sample_detail"),
    "visits.problem": (Problem, BLACK, "visits:problem_detail"),
    "inspections.cateringyeargrade": (CateringYearGrade, RED, ""),
    "inspections.inspection": (Inspection, RED, "inspections:inspection_detail"),
}
SOURCE_LABELS = {
    "cases.case": _lazy("处罚案件"), "sampling.sample": _lazy("抽检不合格样品"), "visits.problem": _lazy("包保督导问题"),
    "inspections.cateringyeargrade": _lazy("年度量化分级"), "inspections.inspection": _lazy("监督检查记录"),
}  # fmt: skip


@dataclass(frozen=True)
class Candidate:
    board: str
    entity_id: int
    entity: str
    reason: str
    source_kind: str
    source_id: int
    on: datetime.date | None


def source_url(source_kind: str, source_id: int, entity_id: int | None = None) -> str:
    """The staff page of a line's record (a 量化 grade has none of its own: the business's page)."""
    _model, _board, name = SOURCE_KINDS.get(source_kind, (None, None, ""))
    if name:
        return reverse(name, args=[source_id])
    return reverse("entities:detail", args=[entity_id]) if entity_id else ""


def _bounds(edition: Edition) -> tuple[datetime.date, datetime.date, datetime.datetime, datetime.datetime]:
    end = edition.window_end or timezone.localdate()
    start = edition.window_start or end
    return start, end, day_end(start - datetime.timedelta(days=1)), day_end(end)


def _cases(prefix: str, start, end, since, until):
    return Case.objects.filter(
        region_under(Case, "region", prefix), status__in=[Case.Status.DECIDED, Case.Status.CLOSED],
        decided_at__gte=since, decided_at__lt=until, entity__isnull=False,
    ).exclude(penalties=[]).exclude(penalties=[Case.Penalty.NONE])  # fmt: skip


def _failed_samples(prefix: str, start, end, since, until):
    return Sample.objects.filter(
        region_under(Sample, "region", prefix), conclusion=Sample.Conclusion.FAIL, entity__isnull=False,
        report_date__gte=start, report_date__lte=end,
    ).exclude(disposal__retest_passed=True)  # fmt: skip


def _open_problems(prefix: str, until):
    return Problem.objects.filter(region_under(Problem, "region", prefix)).exclude(status=Problem.Status.CLOSED)


def black(edition: Edition, limit: int) -> list[Candidate]:
    prefix = edition.region_id
    start, end, since, until = _bounds(edition)
    min_fine = rules.value(BLACK_MIN_FINE.code, prefix, end)
    out: list[Candidate] = []
    cases = _cases(prefix, start, end, since, until).filter(fine_amount__gte=min_fine).select_related("entity")
    for case in cases.order_by("-decided_at", "-pk")[:limit]:
        what = "、".join(case.penalty_labels())
        out.append(Candidate(BLACK, case.entity_id, case.entity.name,
                             _("%(t)s，被处以%(p)s（%(n)s）") % {"t": case.title, "p": what, "n": case.decision_number},
                             "cases.case", case.pk, timezone.localtime(case.decided_at).date()))  # fmt: skip
    for sample in (
        _failed_samples(prefix, start, end, since, until)
        .select_related("entity")
        .order_by("-report_date", "-pk")[:limit]
    ):
        out.append(Candidate(BLACK, sample.entity_id, sample.entity.name,
                             _("%(p)s 经抽检不合格（抽样单 %(n)s）") % {"p": sample.product, "n": sample.number},
                             "sampling.sample", sample.pk, sample.report_date))  # fmt: skip
    problems = _open_problems(prefix, until).filter(severity="key", due_at__lt=until).select_related("entity")
    for problem in problems.order_by("-due_at", "-pk")[:limit]:
        out.append(Candidate(BLACK, problem.entity_id, problem.entity.name,
                             _("包保督导发现重点项问题逾期未整改：%(d)s") % {"d": problem.description[:100]},
                             "visits.problem", problem.pk, problem.found_on))  # fmt: skip
    return out


def _against(prefix: str, edition: Edition) -> set[int]:
    """Businesses with something against them in the window: they cannot be on the red board."""
    start, end, since, until = _bounds(edition)
    ids = set(_cases(prefix, start, end, since, until).values_list("entity_id", flat=True))
    ids |= set(_failed_samples(prefix, start, end, since, until).values_list("entity_id", flat=True))
    ids |= set(_open_problems(prefix, until).values_list("entity_id", flat=True))
    return ids


def red(edition: Edition, limit: int) -> list[Candidate]:
    prefix = edition.region_id
    start, end, _since, _until = _bounds(edition)
    against = _against(prefix, edition)
    out: list[Candidate] = []
    seen: set[int] = set()
    grades = CateringYearGrade.objects.filter(
        region_under(CateringYearGrade, "entity__region", prefix), grade=CateringYearGrade.Grade.A,
        year__in=[end.year, end.year - 1], entity__status=Entity.Status.OPERATING,
    ).select_related("entity")  # fmt: skip
    for grade in grades.order_by("-year", "-pk"):
        if grade.entity_id in against or grade.entity_id in seen:
            continue
        seen.add(grade.entity_id)
        out.append(Candidate(RED, grade.entity_id, grade.entity.name,
                             _("%(y)d 年度餐饮服务食品安全量化分级 A 级（优秀），期间内无处罚、无抽检不合格、包保问题均已销号")
                             % {"y": grade.year}, "inspections.cateringyeargrade", grade.pk, None))  # fmt: skip
        if len(out) >= limit:
            return out
    inspections = Inspection.objects.filter(
        region_under(Inspection, "region", prefix), catering_level=CateringLevel.EXCELLENT,
        inspected_on__gte=start, inspected_on__lte=end,
    ).select_related("entity")  # fmt: skip
    for insp in inspections.order_by("-inspected_on", "-pk"):
        if insp.entity_id in against or insp.entity_id in seen:
            continue
        seen.add(insp.entity_id)
        out.append(Candidate(RED, insp.entity_id, insp.entity.name,
                             _("%(d)s 监督检查动态等级为优秀，期间内无处罚、无抽检不合格、包保问题均已销号")
                             % {"d": insp.inspected_on.isoformat()}, "inspections.inspection", insp.pk,
                             insp.inspected_on))  # fmt: skip
        if len(out) >= limit:
            break
    return out


def propose(edition: Edition) -> dict[str, list[Candidate]]:
    """The candidates of both boards, one per business, without the businesses the edition already lists there."""
    limit = rules.value(CANDIDATES_MAX.code, edition.region_id)
    taken = set(EditionLine.objects.filter(edition=edition).values_list("board", "entity_id")) if edition.pk else set()
    out = {RED: red(edition, limit), BLACK: black(edition, limit)}
    proposed: dict[str, list[Candidate]] = {}
    for board, rows in out.items():
        seen = {entity_id for b, entity_id in taken if b == board}
        proposed[board] = []
        for c in rows:  # one record per business and board: the first (newest of its kind) found
            if c.entity_id not in seen:
                seen.add(c.entity_id)
                proposed[board].append(c)
    return proposed


def check_source(source_kind: str, source_id: int, prefix: str) -> tuple[str, int] | None:
    """(board, entity id) of a record that may back a line of an edition under `prefix`, or None."""
    found = SOURCE_KINDS.get(source_kind)
    if found is None:
        return None
    model, board, _name = found
    field = "entity__region" if model is CateringYearGrade else "region"
    row = model.objects.filter(region_under(model, field, prefix), pk=source_id).values_list("entity_id", flat=True)
    entity_id = row.first()
    return (board, entity_id) if entity_id else None
