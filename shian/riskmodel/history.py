"""The records the features read (docs/riskmodel.md §1), loaded as columns for the entities under a region code:
one query per kind of record, dates as day ordinals (local dates for timestamps)."""

from django.db.models import Min
from django.utils import timezone

from shian.complaints.models import Complaint
from shian.core.jurisdiction import narrow_to
from shian.credit.models import CreditRating
from shian.duties.models import DailyCheck
from shian.entities.models import Entity, License
from shian.inspections.models import Inspection, RiskGrade
from shian.sampling.models import Sample
from shian.visits.models import Problem

from .features import BANDS, Events, History

CHUNK = 20_000


def _day(value) -> int:
    """A date or an aware datetime as the ordinal of its local date."""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return value.toordinal()


def _rows(qs, *fields):
    return qs.order_by().values_list(*fields).iterator(chunk_size=CHUNK)


def load(region_code: str = "") -> History:
    """Every record the features read for the entities under `region_code` ("" = all)."""
    entities = narrow_to(Entity.objects.all(), region_code)
    inspections = narrow_to(Inspection.objects.all(), region_code)
    h = History()
    h.entities = {pk: (bt, diners, sales) for pk, bt, diners, sales in
                  _rows(entities, "pk", "business_type", "diners", "sales_band")}  # fmt: skip
    h.inspections = Events.of(((e, _day(d), k) for e, d, k in _rows(inspections, "entity_id", "inspected_on",
                                                                      "key_failed")), with_value=True)  # fmt: skip
    samples = narrow_to(Sample.objects.filter(conclusion=Sample.Conclusion.FAIL, entity__isnull=False), region_code)
    h.failed_samples = Events.of((e, _day(d)) for e, d in _rows(samples, "entity_id", "sampled_at"))
    complaints = narrow_to(Complaint.objects.filter(entity__isnull=False, accepted_at__isnull=False), region_code)
    h.complaints = Events.of((e, _day(d)) for e, d in _rows(complaints, "entity_id", "accepted_at"))
    problems = list(_rows(narrow_to(Problem.objects.all(), region_code, "entity__region"),
                          "entity_id", "found_on", "due_at", "closed_at"))  # fmt: skip
    h.problems_found = Events.of((e, _day(f)) for e, f, _d, _c in problems)
    h.problems_closed = Events.of((e, _day(c)) for e, _f, _d, c in problems if c)
    h.problems_due = Events.of((e, _day(d)) for e, _f, d, _c in problems)
    h.problems_due_closed = Events.of((e, max(_day(d), _day(c))) for e, _f, d, c in problems if c)
    checks = narrow_to(DailyCheck.objects.all(), region_code)
    h.daily_checks = Events.of((e, _day(d)) for e, d in _rows(checks, "entity_id", "day"))
    licences = narrow_to(License.objects.filter(issued_on__isnull=False), region_code, "entity__region")
    h.licences = Events.of((e, _day(d)) for e, d in licences.order_by().values("entity_id")
                           .annotate(first=Min("issued_on")).values_list("entity_id", "first"))  # fmt: skip
    grades = narrow_to(RiskGrade.objects.all(), region_code, "entity__region")
    h.grades = Events.of(((e, _day(d), BANDS.get(b, 0)) for e, d, b in _rows(grades, "entity_id", "graded_at", "band")),
                         with_value=True)  # fmt: skip
    credit = narrow_to(CreditRating.objects.all(), region_code, "entity__region")
    h.credit = Events.of(((e, _day(d), BANDS.get(b, 0)) for e, d, b in _rows(credit, "entity_id", "computed_at",
                                                                              "band")), with_value=True)  # fmt: skip
    return h
