"""Catering 量化分级 (docs/inspections.md §6): the dynamic level of one catering or canteen inspection (符合 →
优秀, 基本符合 → 良好, 不符合 → 一般) and the annual A/B/C from the year's levels, stored per entity and year."""

from django.utils import timezone

from ..models import CateringLevel, CateringYearGrade, Inspection, Outcome

LEVEL_OF_OUTCOME = {
    Outcome.CONFORM: CateringLevel.EXCELLENT,
    Outcome.BASIC: CateringLevel.GOOD,
    Outcome.NONCONFORM: CateringLevel.AVERAGE,
}


def catering_level(outcome: str) -> str:
    """The dynamic level (face) of one catering inspection."""
    return LEVEL_OF_OUTCOME[outcome]


def year_grade_of(levels: list[str]) -> str | None:
    """The annual grade of a year's dynamic levels (docs/inspections.md §6): C when any 一般; A when every level
    is 优秀, or all but one 优秀 (that one 良好) with at least two 优秀; B otherwise; None with no levels."""
    if not levels:
        return None
    average = levels.count(CateringLevel.AVERAGE)
    good = levels.count(CateringLevel.GOOD)
    excellent = levels.count(CateringLevel.EXCELLENT)
    if average:
        return CateringYearGrade.Grade.C
    if good == 0 or (good == 1 and excellent >= 2):
        return CateringYearGrade.Grade.A
    return CateringYearGrade.Grade.B


def catering_year_grade(entity_id: int, year: int) -> CateringYearGrade | None:
    """Recompute and store the entity's annual 量化分级 for `year` from its signed catering inspections of that
    year; returns the stored grade (None, and any stale row removed, when the year has no catering levels)."""
    rows = list(
        Inspection.objects.filter(entity_id=entity_id, inspected_on__year=year)
        .exclude(catering_level="")
        .order_by("inspected_on", "pk")
        .values_list("pk", "inspected_on", "catering_level")
    )
    levels = [level for _pk, _day, level in rows]
    grade = year_grade_of(levels)
    if grade is None:
        CateringYearGrade.objects.filter(entity_id=entity_id, year=year).delete()
        return None
    basis = {
        "levels": {level: levels.count(level) for level in CateringLevel.values},
        "inspections": [{"id": pk, "day": day.isoformat(), "level": level} for pk, day, level in rows],
        "computed": timezone.now().isoformat(),
    }
    row, _created = CateringYearGrade.objects.update_or_create(
        entity_id=entity_id, year=year, defaults={"grade": grade, "basis": basis}
    )
    return row
