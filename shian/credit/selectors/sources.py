"""The events a credit class is scored from (docs/credit.md §2), read set-based from the modules below credit: one
grouped query per event kind for all the entities at once (by ids, or every entity under a region prefix).

    events(entity_ids, prefix, today, windows) -> {entity_id: [(kind, day, n), ...]}   decaying events
    states(entity_ids, prefix, today)          -> {entity_id: [(kind, n), ...]}        states that last

Each query groups by (entity, day), so a province reads one row per entity and day that had an event, never one per
record. What counts (docs/credit.md §2): failed samples (sampled day), penalty decisions (decision day; penalties
other than 不予处罚), reports found true and filed as a case (decision day), inspections 不符合 / 基本符合,
包保 problems closed after their deadline (closing day), lines of published 红黑榜 editions (publication day); and
while they last: a current serious-dishonesty entry, a licence kind whose every licence has expired, 包保 problems
open past their deadline, a liability-insurance policy in force."""

import datetime
from collections import defaultdict

from django.db.models import Count, F, Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from shian.cases.models import Case
from shian.complaints.models import Complaint
from shian.core.bulk import chunked
from shian.core.jurisdiction import narrow_to
from shian.core.periods import day_end
from shian.entities.models import License
from shian.inspections.models import Inspection, Outcome
from shian.lists.models import DishonestyEntry, Edition, EditionLine
from shian.sampling.models import Sample
from shian.visits.models import Problem

from ..models import InsurancePolicy


def _start(day: datetime.date) -> datetime.datetime:
    return day_end(day - datetime.timedelta(days=1))


def _scoped(qs, entity_ids, prefix: str, region_field: str | None):
    """`qs` for these entities (in chunks), else under the prefix through the row's own region (or the entity's)."""
    if entity_ids is not None:
        return [qs.filter(entity_id__in=chunk) for chunk in chunked(entity_ids)]
    if not prefix:
        return [qs]
    return [narrow_to(qs, prefix, region_field or "entity__region")]


def _grouped(out, kind: str, queries, day_expr) -> None:
    for qs in queries:
        rows = qs.annotate(d=day_expr).values_list("entity_id", "d").order_by().annotate(n=Count("pk"))
        for entity_id, day, n in rows.iterator(chunk_size=20_000):
            if isinstance(day, datetime.datetime):
                day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
            out[entity_id].append((kind, day, n))


def penalised_cases():
    """Cases decided with a penalty (the same cases as shian.cases.selectors `penalties_of`)."""
    return (
        Case.objects.filter(status__in=[Case.Status.DECIDED, Case.Status.CLOSED], entity__isnull=False,
                            decided_at__isnull=False)
        .exclude(penalties=[])
        .exclude(penalties=[Case.Penalty.NONE])
    )  # fmt: skip


def upheld_complaints():
    """Reports found true: decided and filed as a case (立案)."""
    return Complaint.objects.filter(kind=Complaint.Kind.REPORT, filed=True, entity__isnull=False,
                                    decided_at__isnull=False)  # fmt: skip


def late_problems():
    """包保 problems closed (销号) after their rectification deadline."""
    return Problem.objects.filter(status=Problem.Status.CLOSED, closed_at__gt=F("due_at"))


def events(entity_ids, prefix: str, today: datetime.date, windows: dict[str, int]) -> dict[int, list]:
    """{entity_id: [(kind, day, n)]} of the decaying events within each kind's window (days)."""
    out: dict[int, list] = defaultdict(list)

    def since(kind):
        return today - datetime.timedelta(days=windows[kind])

    upto = day_end(today)
    samples = Sample.objects.filter(conclusion=Sample.Conclusion.FAIL, sampled_at__gte=_start(since("sample_fail")),
                                    sampled_at__lt=upto)  # fmt: skip
    _grouped(out, "sample_fail", _scoped(samples, entity_ids, prefix, "region"), TruncDate("sampled_at"))
    cases = penalised_cases().filter(decided_at__gte=_start(since("penalty")), decided_at__lt=upto)
    _grouped(out, "penalty", _scoped(cases, entity_ids, prefix, "region"), TruncDate("decided_at"))
    reports = upheld_complaints().filter(decided_at__gte=_start(since("complaint")), decided_at__lt=upto)
    _grouped(out, "complaint", _scoped(reports, entity_ids, prefix, "region"), TruncDate("decided_at"))
    for kind, outcome in (("inspection_fail", Outcome.NONCONFORM), ("inspection_basic", Outcome.BASIC)):
        found = Inspection.objects.filter(outcome=outcome, inspected_on__gte=since(kind), inspected_on__lte=today)
        _grouped(out, kind, _scoped(found, entity_ids, prefix, "region"), F("inspected_on"))
    late = late_problems().filter(closed_at__gte=_start(since("problem_late")), closed_at__lt=upto)
    _grouped(out, "problem_late", _scoped(late, entity_ids, prefix, "region"), TruncDate("closed_at"))
    for kind, board in (("black_list", EditionLine.Board.BLACK), ("red_list", EditionLine.Board.RED)):
        lines = EditionLine.objects.filter(
            board=board, edition__status=Edition.Status.PUBLISHED,
            edition__published_at__gte=_start(since(kind)), edition__published_at__lt=upto,
        )  # fmt: skip
        _grouped(out, kind, _scoped(lines, entity_ids, prefix, None), TruncDate("edition__published_at"))
    return out


def states(entity_ids, prefix: str, today: datetime.date) -> dict[int, list]:
    """{entity_id: [(kind, n)]} of the states in force today."""
    now = timezone.now()
    out: dict[int, list] = defaultdict(list)
    listed = DishonestyEntry.objects.filter(status=DishonestyEntry.Status.LISTED, listed_on__lte=today,
                                            ends_on__gte=today)  # fmt: skip
    for qs in _scoped(listed, entity_ids, prefix, None):
        for entity_id, n in qs.values_list("entity_id").order_by().annotate(n=Count("pk")):
            out[entity_id].append(("dishonesty", n))
    open_late = Problem.objects.exclude(status=Problem.Status.CLOSED).filter(due_at__lt=now)
    for qs in _scoped(open_late, entity_ids, prefix, "region"):
        for entity_id, n in qs.values_list("entity_id").order_by().annotate(n=Count("pk")):
            out[entity_id].append(("problem_open", n))
    insured = InsurancePolicy.objects.filter(starts_on__lte=today, ends_on__gte=today)
    for qs in _scoped(insured, entity_ids, prefix, "region"):
        for entity_id in qs.values_list("entity_id", flat=True).order_by().distinct():
            out[entity_id].append(("insured", 1))
    for entity_id, n in expired_licence_kinds(entity_ids, prefix, today).items():
        out[entity_id].append(("license_expired", n))
    return out


def expired_licence_kinds(entity_ids, prefix: str, today: datetime.date) -> dict[int, int]:
    """entity id -> how many licence kinds it holds only expired licences of (every licence of the kind expired)."""
    expired: dict[tuple[int, str], datetime.date] = {}
    for qs in _scoped(License.objects.filter(expires_on__lt=today), entity_ids, prefix, None):
        for entity_id, kind, last in qs.values_list("entity_id", "kind").order_by().annotate(last=Max("expires_on")):
            expired[(entity_id, kind)] = last
    if not expired:
        return {}
    renewed = set()
    ids = sorted({entity_id for entity_id, _kind in expired})
    for chunk in chunked(ids):
        valid = License.objects.filter(entity_id__in=chunk).filter(
            Q(expires_on__gte=today) | Q(expires_on__isnull=True)
        )
        renewed.update(valid.values_list("entity_id", "kind").distinct())
    out: dict[int, int] = defaultdict(int)
    for key in expired:
        if key not in renewed:
            out[key[0]] += 1
    return dict(out)
