# ruff: noqa: F811  (the `pw` fixture is imported from planning_world)
"""双随机一公开 draws (docs/inspections.md §4): reproducible from the frozen lists, weighted towards high risk,
conflicts and the last pair excluded, clear refusals with nothing written, publication audited."""

import datetime
import io
import json
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from shian.accounts.models import Role
from shian.core.audit import AuditEntry
from shian.core.workdays import add_working_days
from shian.inspections.models import InspectionTask, InspectorConflict, RandomDraw
from shian.inspections.services import draws
from shian.inspections.services.draws import publish_draw, run_draw, set_task_inspectors, verify_draw

from .planning_world import QIAOGUAN, inspected, pw  # noqa: F401

pytestmark = pytest.mark.django_db


def crews(draw):
    return {r["entity"]: r["inspectors"] for r in draw.result}


def test_same_seed_same_result_and_verify_reproduces(pw):
    for _ in range(30):
        pw.entity()
    a = run_draw(actor=pw.county_admin, region_code="370725", count=8, seed="2027-spring")
    b = run_draw(actor=pw.county_admin, region_code="370725", count=8, seed="2027-spring")
    assert crews(a) == crews(b) and a.candidates_sha256 == b.candidates_sha256
    assert verify_draw(a.pk) == {"draw": a.pk, "algorithm": "sha256-sample-v1", "reproduced": True, "problems": []}
    c = run_draw(actor=pw.county_admin, region_code="370725", count=8, seed="another")
    assert list(crews(c)) != list(crews(a))
    assert a.algorithm == "sha256-sample-v1" and a.inspectors["min_inspectors"] == 2


def test_tampered_candidates_or_result_do_not_verify(pw):
    for _ in range(10):
        pw.entity()
    draw = run_draw(actor=pw.county_admin, region_code="370725", count=3, seed="s")
    RandomDraw.objects.filter(pk=draw.pk).update(candidates=draw.candidates[1:])
    assert verify_draw(draw.pk)["reproduced"] is False
    fresh = run_draw(actor=pw.county_admin, region_code="370725", count=3, seed="t")
    result = fresh.result
    result[0]["entity"], result[1]["entity"] = result[1]["entity"], result[0]["entity"]
    RandomDraw.objects.filter(pk=fresh.pk).update(result=result)
    assert verify_draw(fresh.pk)["reproduced"] is False


def test_the_order_of_candidates_does_not_change_who_is_drawn(pw):
    rows = [[n, f"U{n}", "", 1] for n in range(1, 200)]
    picked = draws.select_entities(rows, seed="x", count=20, weighted=False)
    assert draws.select_entities(list(reversed(rows)), seed="x", count=20, weighted=False) == picked


def test_weighted_draw_favours_band_d():
    rows = [[n, "", "AD"[n % 2], 1] for n in range(1, 4001)]
    counts = Counter(r[2] for r in draws.select_entities(rows, seed="w", count=500, weighted=True))
    assert counts["D"] > 2.5 * counts["A"]
    plain = Counter(r[2] for r in draws.select_entities(rows, seed="w", count=500, weighted=False))
    assert abs(plain["D"] - plain["A"]) < 100


def test_each_task_gets_two_inspectors_of_the_entitys_station_and_the_publication_deadline(pw):
    there = [pw.entity(region=QIAOGUAN) for _ in range(3)]
    draw = run_draw(actor=pw.county_admin, region_code="370725107", count=3, seed="q")
    qiaoguan = {u.pk for u in pw.inspectors["qiaoguan"]}
    assert {r["entity"] for r in draw.result} == {e.pk for e in there}
    for task in InspectionTask.objects.filter(draw=draw):
        assert set(task.inspectors.values_list("pk", flat=True)) == qiaoguan
        assert task.kind == "random" and task.station_id == pw.qiaoguan.pk
    assert draw.publish_due == add_working_days(timezone.localdate(draw.created_at), 20)  # the local day, not UTC
    assert AuditEntry.objects.filter(action="draw.run", object_id=str(draw.pk)).exists()


def test_declared_conflicts_and_the_last_pair_are_excluded(pw, make_user):
    a, b, c = pw.inspectors["baodu"]
    d = make_user(Role.STATION_STAFF, "370725001", username="baodu4")
    pw.baodu.inspectors.add(d)
    conflicted, revisited = pw.entity(), pw.entity()
    InspectorConflict.objects.create(inspector=a, entity=conflicted, reason="亲属")
    inspected(revisited, datetime.date(2026, 3, 1), [b, c])
    draw = run_draw(actor=pw.county_admin, region_code="370725001", count=2, seed="c")
    assert a.pk not in crews(draw)[conflicted.pk] and len(crews(draw)[conflicted.pk]) == 2
    assert set(crews(draw)[revisited.pk]) == {a.pk, d.pk}
    kinds = Counter(x["kind"] for x in draw.exclusions)
    assert kinds["conflict"] == 1 and kinds["last_pair"] == 1
    assert verify_draw(draw.pk)["reproduced"] is True


def test_a_station_short_of_eligible_inspectors_is_named_and_nothing_written(pw):
    entity = pw.entity(region=QIAOGUAN)
    InspectorConflict.objects.create(inspector=pw.inspectors["qiaoguan"][0], entity=entity, reason="曾任职")
    with pytest.raises(ValidationError, match="乔官市场监管所"):
        run_draw(actor=pw.county_admin, region_code="370725107", count=1, seed="z")
    assert not RandomDraw.objects.exists() and not InspectionTask.objects.exists()


def test_more_requested_than_candidates_names_both_numbers(pw, superuser):
    for _ in range(3):
        pw.entity()
    pw.entity(region="370304001")  # no station: excluded, not a candidate
    with pytest.raises(ValidationError) as err:
        run_draw(actor=superuser, region_code="37", count=5, seed="n")
    assert "5" in str(err.value) and "3" in str(err.value)
    assert not RandomDraw.objects.exists()


def test_entities_without_a_station_are_recorded_as_excluded(pw, superuser):
    pw.entity()
    lost = pw.entity(region="370304001")
    draw = run_draw(actor=superuser, region_code="37", count=1, seed="n")
    assert {"kind": "no_station", "entities": [lost.pk]} in draw.exclusions


def test_a_user_picking_inspectors_cannot_take_one_from_another_station(pw):
    pw.entity()
    draw = run_draw(actor=pw.county_admin, region_code="370725001", count=1, seed="p")
    task = InspectionTask.objects.get(draw=draw)
    foreign = pw.inspectors["qiaoguan"][0]
    with pytest.raises(ValidationError, match="不是本主体所属市场监管所的执法人员"):
        set_task_inspectors(actor=pw.county_admin, task=task, inspector_ids=[pw.inspectors["baodu"][0].pk, foreign.pk])
    assert foreign.pk not in task.inspectors.values_list("pk", flat=True)
    set_task_inspectors(actor=pw.county_admin, task=task, inspector_ids=[u.pk for u in pw.inspectors["baodu"][:2]])
    assert task.inspectors.count() == 2


def test_publish_is_once_and_audited(pw):
    pw.entity()
    draw = run_draw(actor=pw.county_admin, region_code="370725", count=1, seed="p")
    publish_draw(actor=pw.county_admin, draw=draw)
    assert RandomDraw.objects.get(pk=draw.pk).published_at is not None
    with pytest.raises(ValidationError, match="已于"):
        publish_draw(actor=pw.county_admin, draw=draw)
    assert AuditEntry.objects.filter(action="draw.publish").count() == 1


def test_cli_draw_and_verify_print_their_json_contract(pw, superuser):
    for _ in range(5):
        pw.entity()
    out = io.StringIO()
    args = ["--region", "370725", "--count", "2", "--seed", "cli", "--user", "root", "--json"]
    call_command("draw_inspections", *args, stdout=out)
    first = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(first) == {"draw", "seed", "candidates_sha256", "tasks", "algorithm", "model"} and first["seed"] == "cli"
    assert first["algorithm"] == "sha256-sample-v1" and first["model"] is None
    assert all(len(t["inspectors"]) == 2 and t["entity"].startswith("91370725") for t in first["tasks"])
    again = io.StringIO()
    call_command("draw_inspections", *args, stdout=again)
    assert json.loads(again.getvalue().strip().splitlines()[-1])["tasks"] == first["tasks"]
    verified = io.StringIO()
    call_command("verify_draw", str(first["draw"]), "--json", stdout=verified)
    assert json.loads(verified.getvalue().strip().splitlines()[-1]) == {
        "draw": first["draw"],
        "reproduced": True,
        "algorithm": "sha256-sample-v1",
    }


def test_five_thousand_of_a_hundred_thousand_are_distinct_and_the_same_on_rerun():
    # the time is measured by bench/bench_inspections.py, not here
    rows = [[n, f"U{n}", "ABCD"[n % 4], n % 7] for n in range(1, 100_001)]
    picked = draws.select_entities(rows, seed="bench", count=5000, weighted=True)
    assert len({row[0] for row in picked}) == 5000
    assert picked == draws.select_entities(rows, seed="bench", count=5000, weighted=True)
