"""Credit files (docs/credit.md §1): one entity's file built from its records, never typed in; the list of ratings;
the credit class as a risk factor of the inspections' grading.

    credit_file(user=, entity_id=, today=None) -> dict   every section of the file, each item with (kind, id)
    rating_list(user=, region_code=, band=, q=) -> QuerySet[CreditRating]
    credit_classes(entity_ids, since, prefix) -> {entity_id: band}   the `credit_class` risk factor

Staff see files within their jurisdiction (a file out of reach is a 404); an enterprise account sees its own
entity's file only. No person's name, phone or ID number appears in a file."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from shian.cases.selectors.cases import penalties_of
from shian.core import rules
from shian.core.jurisdiction import get_entity_row, narrow_to, scope_entity_rows
from shian.duties.models import DailyCheck, MonthlyMeeting, WeeklyReport
from shian.duties.selectors import monday
from shian.entities.models import Entity, License
from shian.inspections.models import CateringYearGrade, Inspection
from shian.lists.models import DishonestyEntry, Edition, EditionLine
from shian.lists.selectors.public import listings_of
from shian.sampling.models import Sample
from shian.visits.models import Problem

from ..models import CorrectionRequest, CreditRating, InsurancePolicy, ItemKind
from ..ruledefs import EVENT_RULES
from . import sources
from .public import under_review

RECENT = 20  # rows shown per section (the section links to the module's own list for more)
DUTY_DAYS = 30  # the duty-compliance window shown (days); the class itself does not score duties


def _window(kind: str, region_code: str, today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=rules.value(EVENT_RULES[kind][2].code, region_code, today))


def _entity(user, entity_id: int) -> Entity:
    return get_entity_row(Entity.objects.select_related("region"), user, entity_field="pk", pk=entity_id)


def _licences(entity: Entity, today: datetime.date) -> list[dict]:
    return [
        {"kind": ItemKind.LICENSE, "id": lic.pk, "title": lic.get_kind_display(), "number": lic.number,
         "issued_on": lic.issued_on, "expires_on": lic.expires_on,
         "valid": lic.expires_on is None or lic.expires_on >= today}
        for lic in License.objects.filter(entity=entity).order_by("kind", "-expires_on")
    ]  # fmt: skip


def _problems(entity: Entity, now) -> dict:
    qs = Problem.objects.filter(entity=entity)
    rows = [
        {"kind": ItemKind.PROBLEM, "id": p.pk, "title": p.description[:80], "found_on": p.found_on,
         "due_at": p.due_at, "closed_at": p.closed_at, "status": p.get_status_display(),
         "late": (p.closed_at or now) > p.due_at}
        for p in qs.order_by("-found_on", "-pk")[:RECENT]
    ]  # fmt: skip
    return {
        "rows": rows,
        "total": qs.count(),
        "open": qs.exclude(status=Problem.Status.CLOSED).count(),
        "closed_late": sources.late_problems().filter(entity=entity).count(),
    }


def _duties(entity: Entity, today: datetime.date) -> dict:
    since = today - datetime.timedelta(days=DUTY_DAYS - 1)
    week, month = monday(today), today.replace(day=1)
    return {
        "days": DUTY_DAYS,
        "daily": DailyCheck.objects.filter(entity=entity, day__gte=since, day__lte=today).count(),
        "weekly_this": WeeklyReport.objects.filter(entity=entity, week=week).exists(),
        "weekly_last": WeeklyReport.objects.filter(entity=entity, week=week - datetime.timedelta(days=7)).exists(),
        "monthly_this": MonthlyMeeting.objects.filter(entity=entity, month=month).exists(),
        "monthly_last": MonthlyMeeting.objects.filter(
            entity=entity, month=(month - datetime.timedelta(days=1)).replace(day=1)
        ).exists(),
    }


def _inspections(entity: Entity) -> dict:
    rows = [
        {"kind": ItemKind.INSPECTION, "id": i.pk, "title": i.get_kind_display(), "day": i.inspected_on,
         "outcome": i.outcome, "outcome_label": i.get_outcome_display(),
         "catering_level": i.get_catering_level_display() if i.catering_level else ""}
        for i in Inspection.objects.filter(entity=entity).order_by("-inspected_on", "-pk")[:RECENT]
    ]  # fmt: skip
    grade = CateringYearGrade.objects.filter(entity=entity).order_by("-year").first()
    return {"rows": rows, "catering_grade": grade}


def _samples(entity: Entity) -> list[dict]:
    failed = Sample.objects.filter(entity=entity, conclusion=Sample.Conclusion.FAIL).select_related("disposal")
    out = []
    for s in failed.order_by("-sampled_at", "-pk")[:RECENT]:
        disposal = getattr(s, "disposal", None)
        out.append({"kind": ItemKind.SAMPLE, "id": s.pk, "title": s.product, "number": s.number,
                    "day": timezone.localtime(s.sampled_at).date(),
                    "disposal": disposal.get_status_display() if disposal else "",
                    "disposal_on_time": disposal.on_time if disposal else None})  # fmt: skip
    return out


def _complaints(entity: Entity) -> list[dict]:
    return [
        {"kind": ItemKind.COMPLAINT, "id": c.pk, "title": c.get_category_display(), "number": c.number,
         "day": timezone.localtime(c.decided_at).date(), "case_number": c.case_number}
        for c in sources.upheld_complaints().filter(entity=entity).order_by("-decided_at")[:RECENT]
    ]  # fmt: skip


def _penalties(entity: Entity, today: datetime.date) -> list[dict]:
    since = _window("penalty", entity.region_id, today)
    return [
        {"kind": ItemKind.PENALTY, "id": p["case_id"], "title": p["title"], "number": p["decision_number"] or p["number"],
         "day": p["decided_on"], "penalties": p["penalties"], "fine_amount": p["fine_amount"]}
        for p in reversed(penalties_of([entity.pk], since).get(entity.pk, []))
    ]  # fmt: skip


def _listings(entity: Entity, today: datetime.date, *, staff: bool) -> dict:
    public = listings_of([entity.pk], today=today).get(entity.pk, [])
    entries = DishonestyEntry.objects.filter(entity=entity)
    if not staff:
        entries = entries.filter(status=DishonestyEntry.Status.LISTED)
    dishonesty = [
        {"kind": ItemKind.LISTING, "id": e.pk, "title": e.legal_basis, "listed_on": e.listed_on, "ends_on": e.ends_on,
         "status": e.get_status_display(), "current": e.status == DishonestyEntry.Status.LISTED and e.ends_on >= today,
         "removed_on": e.removed_on}
        for e in entries.order_by("-listed_on", "-pk")
    ]  # fmt: skip
    lines = EditionLine.objects.filter(entity=entity, edition__status=Edition.Status.PUBLISHED).select_related(
        "edition"
    )
    boards = [
        {"kind": ItemKind.LIST_LINE, "id": line.pk, "title": line.edition.title, "board": line.board,
         "board_label": line.get_board_display(), "reason": line.reason,
         "day": timezone.localtime(line.edition.published_at).date() if line.edition.published_at else None}
        for line in lines.order_by("-edition__published_at", "-pk")[:RECENT]
    ]  # fmt: skip
    return {"public": public, "dishonesty": dishonesty, "boards": boards}


def _insurance(entity: Entity, today: datetime.date) -> list[dict]:
    return [
        {"kind": ItemKind.INSURANCE, "id": p.pk, "title": p.insurer, "number": p.number, "starts_on": p.starts_on,
         "ends_on": p.ends_on, "cover": p.cover, "in_force": p.starts_on <= today <= p.ends_on}
        for p in InsurancePolicy.objects.filter(entity=entity).order_by("-ends_on", "-pk")
    ]  # fmt: skip


def is_staff_reader(user) -> bool:
    return bool(user.is_superuser or getattr(user, "role", None) != "enterprise")


def credit_file(*, user, entity_id: int, today: datetime.date | None = None) -> dict:
    """The credit file of one entity the user may see (Http404 otherwise)."""
    today = today or timezone.localdate()
    entity = _entity(user, entity_id)
    staff = is_staff_reader(user)
    sections = {
        "licences": _licences(entity, today),
        "problems": _problems(entity, timezone.now()),
        "duties": _duties(entity, today),
        "inspections": _inspections(entity),
        "samples": _samples(entity),
        "complaints": _complaints(entity),
        "penalties": _penalties(entity, today),
        "listings": _listings(entity, today, staff=staff),
        "insurance": _insurance(entity, today),
    }
    reviewing = under_review([entity.pk])
    for rows in _item_lists(sections):
        for row in rows:
            row["under_review"] = (row["kind"], row["id"]) in reviewing
    return {
        "entity": entity,
        "rating": CreditRating.objects.filter(entity=entity).first(),
        "today": today,
        "corrections": list(CorrectionRequest.objects.filter(entity=entity).order_by("-submitted_at")[:RECENT]),
        "staff": staff,
        **sections,
    }


def _item_lists(sections: dict):
    for key in ("licences", "samples", "complaints", "penalties", "insurance"):
        yield sections[key]
    yield sections["problems"]["rows"]
    yield sections["inspections"]["rows"]
    yield sections["listings"]["dishonesty"]
    yield sections["listings"]["boards"]


def item_of(*, entity_id: int, kind: str, record_id: int, today: datetime.date | None = None) -> dict | None:
    """The item (kind, id) of an entity's file, or None when the file has no such item (another entity's record)."""
    today = today or timezone.localdate()
    entity = Entity.objects.filter(pk=entity_id).select_related("region").first()
    if entity is None:
        return None
    finders = {
        ItemKind.LICENSE: lambda: _licences(entity, today),
        ItemKind.PROBLEM: lambda: _problems_by_id(entity, record_id),
        ItemKind.INSPECTION: lambda: _inspections_by_id(entity, record_id),
        ItemKind.SAMPLE: lambda: _samples(entity),
        ItemKind.COMPLAINT: lambda: _complaints(entity),
        ItemKind.PENALTY: lambda: _penalties(entity, today),
        ItemKind.LISTING: lambda: _listings(entity, today, staff=True)["dishonesty"],
        ItemKind.LIST_LINE: lambda: _listings(entity, today, staff=True)["boards"],
        ItemKind.INSURANCE: lambda: _insurance(entity, today),
    }
    if kind == ItemKind.RATING:
        rating = CreditRating.objects.filter(entity=entity).first()
        return {"kind": kind, "id": entity.pk, "title": rating.band} if rating and record_id == entity.pk else None
    if kind == ItemKind.DUTY or kind not in finders:
        return None
    return next((row for row in finders[kind]() if row["id"] == record_id), None)


def _problems_by_id(entity: Entity, pk: int) -> list[dict]:
    p = Problem.objects.filter(entity=entity, pk=pk).first()
    return [{"kind": ItemKind.PROBLEM, "id": p.pk, "title": p.description[:80]}] if p else []


def _inspections_by_id(entity: Entity, pk: int) -> list[dict]:
    i = Inspection.objects.filter(entity=entity, pk=pk).first()
    return (
        [{"kind": ItemKind.INSPECTION, "id": i.pk, "title": f"{i.inspected_on} {i.get_outcome_display()}"}] if i else []
    )


def rating_list(*, user, region_code: str | None = None, band: str = "", q: str = "") -> QuerySet[CreditRating]:
    """Ratings of the entities the user may see, lowest points first."""
    qs = scope_entity_rows(CreditRating.objects.select_related("entity", "entity__region"), user,
                           field="entity__region")  # fmt: skip
    qs = narrow_to(qs, region_code, "entity__region")
    if band:
        qs = qs.filter(band=band)
    if q:
        qs = qs.filter(entity__name__icontains=q)
    return qs.order_by("points", "entity_id")


def credit_classes(entity_ids, since: datetime.date, prefix: str = "") -> dict[int, str]:
    """The `credit_class` risk factor (shian.inspections.riskfactors): entity id -> its current credit band."""
    qs = CreditRating.objects.all()
    if entity_ids is not None:
        out: dict[int, str] = {}
        for chunk in sources.chunked(list(entity_ids)):
            out.update(qs.filter(entity_id__in=chunk).values_list("entity_id", "band"))
        return out
    if prefix:
        qs = narrow_to(qs, prefix, "entity__region")
    return dict(qs.values_list("entity_id", "band").iterator(chunk_size=20_000))
