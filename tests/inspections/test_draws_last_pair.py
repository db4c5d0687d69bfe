# ruff: noqa: F811  (the `pw` fixture is imported from planning_world)
"""The pair that inspected an entity last is not drawn for it again (docs/inspections.md §4), also when the last
visit is a finished task without signed inspection, for each of several entities drawn at once."""

import datetime

import pytest
from django.utils import timezone

from shian.accounts.models import Role
from shian.inspections.models import InspectionTask
from shian.inspections.services.draws import run_draw, verify_draw

from .planning_world import pw  # noqa: F401

pytestmark = pytest.mark.django_db


def done_task(entity, crew, days_ago: int) -> InspectionTask:
    task = InspectionTask.objects.create(
        entity=entity, region_id=entity.region_id, due_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        status=InspectionTask.Status.DONE, note="上次检查",
    )  # fmt: skip
    task.inspectors.set(crew)
    return task


def test_the_crew_of_the_latest_done_task_is_excluded_for_each_entity(pw, make_user):
    a, b, c = pw.inspectors["baodu"]
    d = make_user(Role.STATION_STAFF, "370725001", username="baodu4")
    pw.baodu.inspectors.add(d)
    first, second = pw.entity(), pw.entity()
    done_task(first, [c, d], days_ago=200)  # an older visit: only the latest counts
    done_task(first, [a, b], days_ago=30)
    done_task(second, [c, d], days_ago=30)
    draw = run_draw(actor=pw.county_admin, region_code="370725001", count=2, seed="last")
    crews = {r["entity"]: set(r["inspectors"]) for r in draw.result}
    assert crews[first.pk] == {c.pk, d.pk}
    assert crews[second.pk] == {a.pk, b.pk}
    pairs = {x["entity"]: set(x["inspectors"]) for x in draw.exclusions if x["kind"] == "last_pair"}
    assert pairs == {first.pk: {a.pk, b.pk}, second.pk: {c.pk, d.pk}}
    assert verify_draw(draw.pk)["reproduced"] is True
