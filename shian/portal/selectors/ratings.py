"""The public rating of a business (docs/portal.md §1): its latest published inspection (结果已公示), shown as the
量化分级 face for catering (CateringLevel) or as the inspection outcome otherwise, and its latest annual grade
(CateringYearGrade). Read for a handful of businesses at a time, each on the (entity, inspected_on) index."""

from django.db.models import OuterRef, Subquery

from shian.inspections.models import CateringLevel, CateringYearGrade, Inspection, Outcome

FACES = {CateringLevel.EXCELLENT: "😄", CateringLevel.GOOD: "🙂", CateringLevel.AVERAGE: "😐"}
RATING_VALUES = tuple(CateringLevel.values) + tuple(Outcome.values)


def published_inspections(exclude_ids=frozenset()):
    """Inspections whose result is published (the public may see them), minus those under correction review."""
    qs = Inspection.objects.filter(published_at__isnull=False)
    if exclude_ids:
        qs = qs.exclude(pk__in=exclude_ids)
    return qs


def latest_of(entity_ids, *, exclude_ids=frozenset()) -> dict[int, dict]:
    """entity id -> its latest published inspection as public facts (no inspector, no signer, no remarks)."""
    out: dict[int, dict] = {}
    rows = (
        published_inspections(exclude_ids)
        .filter(entity_id__in=list(entity_ids))
        .order_by("entity_id", "-inspected_on", "-pk")
        .values("pk", "entity_id", "inspected_on", "outcome", "catering_level")
    )
    for row in rows:
        out.setdefault(row["entity_id"], public_inspection(row))
    return out


def public_inspection(row: dict) -> dict:
    level = row.get("catering_level") or ""
    return {
        "id": row["pk"],
        "inspected_on": row["inspected_on"],
        "outcome": row["outcome"],
        "outcome_label": str(Outcome(row["outcome"]).label) if row["outcome"] in Outcome.values else "",
        "level": level,
        "level_label": str(CateringLevel(level).label) if level else "",
        "face": FACES.get(level, ""),
        "rating": level or row["outcome"],
    }


def annual_grades_of(entity_ids) -> dict[int, dict]:
    out: dict[int, dict] = {}
    rows = CateringYearGrade.objects.filter(entity_id__in=list(entity_ids)).order_by("entity_id", "-year")
    for g in rows.values("entity_id", "year", "grade"):
        out.setdefault(g["entity_id"], {"year": g["year"], "grade": g["grade"],
                                        "label": str(CateringYearGrade.Grade(g["grade"]).label)})  # fmt: skip
    return out


def latest_rating_expression():
    """For a queryset of entities: the rating (level, else outcome) of each one's latest published inspection."""
    latest = published_inspections().filter(entity_id=OuterRef("pk")).order_by("-inspected_on", "-pk")
    return Subquery(latest.values("catering_level")[:1]), Subquery(latest.values("outcome")[:1])
