"""Catering 量化分级 (issue 19 item 5, docs/inspections.md §6): each catering inspection's dynamic level from its
outcome, and the annual A/B/C from the year's levels, stored and recomputed."""

import datetime

import pytest

from shian.entities.models import Entity
from shian.inspections.models import CateringLevel, CateringYearGrade, Inspection, Outcome
from shian.inspections.services.catering import catering_level, catering_year_grade, year_grade_of

E, G, A = CateringLevel.EXCELLENT, CateringLevel.GOOD, CateringLevel.AVERAGE


def test_dynamic_level_follows_the_outcome():
    assert catering_level(Outcome.CONFORM) == E
    assert catering_level(Outcome.BASIC) == G
    assert catering_level(Outcome.NONCONFORM) == A


@pytest.mark.parametrize(
    ("levels", "grade"),
    [
        ([], None),
        ([E], "A"),
        ([E, E, E], "A"),
        ([E, E, G], "A"),  # all but one 优秀, at least two 优秀, none 一般
        ([E, G], "B"),  # one 优秀 is not enough to carry a 良好
        ([G], "B"),
        ([E, G, G], "B"),
        ([E, E, E, A], "C"),  # any 一般
        ([A], "C"),
    ],
)
def test_annual_grade_from_the_years_levels(levels, grade):
    assert year_grade_of(levels) == grade


def _inspection(entity, day, level, checklist, user, n):
    import uuid

    from django.utils import timezone

    return Inspection.objects.create(
        client_key=uuid.uuid4(), checklist=checklist, started_at=timezone.now(), signed_at=timezone.now(),
        signer_name="检", signed_by=user, entity=entity, region_id=entity.region_id, kind="routine",
        inspected_on=day, outcome=Outcome.CONFORM, catering_level=level,
    )  # fmt: skip


def test_the_grade_is_stored_per_year_and_recomputed(make_user):
    from shian.checklists.models import Checklist

    user = make_user("station_staff", "370725001")
    entity = Entity.objects.create(name="饭店", region_id="370725001001", business_type="catering")
    checklist = Checklist.objects.filter(kind="insp_catering").first()
    _inspection(entity, datetime.date(2025, 5, 1), A, checklist, user, 1)
    _inspection(entity, datetime.date(2026, 5, 1), E, checklist, user, 2)
    assert catering_year_grade(entity.pk, 2026).grade == "A"
    assert catering_year_grade(entity.pk, 2025).grade == "C"
    _inspection(entity, datetime.date(2026, 9, 1), G, checklist, user, 3)
    grade = catering_year_grade(entity.pk, 2026)
    assert grade.grade == "B" and grade.basis["levels"] == {"excellent": 1, "good": 1, "average": 0}
    assert CateringYearGrade.objects.filter(entity=entity).count() == 2
    assert catering_year_grade(entity.pk, 2024) is None
