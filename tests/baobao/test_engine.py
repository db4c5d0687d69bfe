"""Grading and assignment on a generated county: every hard constraint is checked on the published result."""

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from shian.baobao import matching, services
from shian.baobao.grading import evaluate, policy_for
from shian.baobao.models import REGION_LEVEL_OF, AssignmentRun, Cadre, EntityGrade, Guarantee
from shian.core.models import AuditEntry
from shian.entities.models import Entity, baobao_grade
from shian.entities.selectors import baobao_grades


def check_constraints(run: AssignmentRun) -> None:
    """The hard rules of docs/domain.md §4.4 on a run's assignments."""
    policy = policy_for("370725")
    loads = Counter()
    for a in run.assignments.select_related("entity", "cadre", "cadre__region"):
        entity, cadre = a.entity, a.cadre
        loads[cadre.pk] += 1
        assert entity.region_id.startswith(cadre.region_id), (entity, cadre)  # territorial
        wanted = policy.level_for_grade[a.grade]
        levels = list(REGION_LEVEL_OF)
        assert levels.index(cadre.level) <= levels.index(wanted)  # right level, or above only as a fallback
        department = policy.department_match.get(entity.sub_type)
        if department:
            assert cadre.department_id == department, (entity.sub_type, cadre.department_id)
        assert cadre.status == Cadre.Status.ACTIVE
        if a.supporter_id:
            assert a.supporter.is_regulator and entity.region_id.startswith(a.supporter.region_id)
    for cadre in Cadre.objects.filter(pk__in=loads):
        assert loads[cadre.pk] <= (cadre.capacity or policy.capacity[cadre.level])


def test_grade_then_assign_covers_every_entity_without_breaking_a_rule(county):
    stamps = dict(Entity.objects.values_list("pk", "updated_at"))
    counts = services.grade_entities(actor=county, region_code="370725")
    assert sum(counts.values()) == 1500 and counts["D"] > 0.85 * 1500 and counts["A"] + counts["B"] > 0
    graded = EntityGrade.objects.first()
    assert baobao_grades([graded.entity_id]) == {graded.entity_id: graded.grade}
    # the grade lives on the grading alone: a grading never rewrites the entity table (docs/performance.md)
    assert dict(Entity.objects.values_list("pk", "updated_at")) == stamps
    run = services.assign_cadres(actor=county, region_code="370725")
    assert run.status == "draft" and not Guarantee.objects.exists()  # nothing takes effect before review
    assert run.counts["assigned"] == 1500 and run.counts["unassigned"] == 0 and run.shortages == []
    check_constraints(run)
    services.publish_run(actor=county, run=run)
    assert Guarantee.objects.count() == 1500
    assert AuditEntry.objects.filter(action__in=["baobao.grade", "baobao.assign", "baobao.publish"]).count() == 3


def test_optimal_beats_greedy_and_balances(county, monkeypatch):
    services.grade_entities(actor=county, region_code="370725")
    items = [
        matching.Item(pk, g, r, None, float(x), float(y))
        for pk, g, r, x, y in Entity.objects.annotate(g=baobao_grade()).values_list(
            "pk", "g", "region_id", "longitude", "latitude"
        )
    ]
    seats = [
        matching.Seat(pk, level, region, None, 30 if level in ("township", "village") else 10)
        for pk, level, region in Cadre.objects.values_list("pk", "level", "region_id")
    ]
    problem = matching.Problem(items, seats, policy_for("370725").level_for_grade, {})
    best, greedy = problem.solve(), problem.greedy()
    assert not best.unassigned
    assert best.objective <= greedy.objective
    monkeypatch.setattr(matching, "GREEDY_CHUNK", 7)  # the arcs taken a few at a time: the same greedy result
    again = problem.greedy()
    assert len(problem.arc_item) > 7 and (again.chosen, again.costs) == (greedy.chosen, greedy.costs)
    loads = Counter(best.chosen.values())
    demand = Counter(i.region for i in items if i.grade == "D")
    cadres = Counter(s.region for s in seats if s.level == "village")
    for seat in (s for s in seats if s.level == "village"):  # nobody above the fair share of their village
        assert loads[seat.id] <= -(-demand[seat.region] // cadres[seat.region])


def test_shortage_is_named_with_region_and_size(county):
    services.grade_entities(actor=county, region_code="370725")
    Cadre.objects.filter(level="village").update(status=Cadre.Status.LEFT)
    Cadre.objects.filter(level="township").update(capacity=1)
    run = services.assign_cadres(actor=county, region_code="370725")
    assert run.counts["unassigned"] > 0
    messages = " ".join(row["message"] for row in run.shortages)
    assert "宝都街道" in messages and "缺口" in messages and "D 级" in messages
    assert sum(row["entities"] for row in run.shortages if row["reason"] != "fallback") == run.counts["unassigned"]


def test_incremental_keeps_what_is_still_valid(county):
    services.grade_entities(actor=county, region_code="370725")
    services.publish_run(actor=county, run=services.assign_cadres(actor=county, region_code="370725"))
    before = dict(Guarantee.objects.values_list("entity_id", "cadre_id"))
    leaving = Cadre.objects.filter(level="village", guarantees__isnull=False).first()
    Cadre.objects.filter(pk=leaving.pk).update(status=Cadre.Status.LEFT)
    run = services.assign_cadres(actor=county, region_code="370725", incremental=True)
    check_constraints(run)
    # an incremental run stores only the pairs that change: here exactly the leaving cadre's entities
    moved = dict(run.assignments.values_list("entity_id", "cadre_id"))
    assert set(moved) == {pk for pk, c in before.items() if c == leaving.pk}
    assert leaving.pk not in moved.values() and run.params["dropped"] == []
    assert run.counts["changed"] == len(moved) and run.counts["assigned"] == len(before)
    services.publish_run(actor=county, run=run)
    after = dict(Guarantee.objects.values_list("entity_id", "cadre_id"))
    assert after == {**before, **moved}


def test_override_needs_reason_and_survives_regrading(county):
    services.grade_entities(actor=county, region_code="370725")
    entity = Entity.objects.filter(grading__grade="D").first()
    with pytest.raises(ValidationError):
        services.override_grade(actor=county, entity=entity, grade="B", reason=" ")
    services.override_grade(actor=county, entity=entity, grade="B", reason="县领导联系企业（演示）")
    services.grade_entities(actor=county, region_code="370725")
    grading = EntityGrade.objects.get(entity=entity)
    assert grading.grade == "B" and grading.computed_grade == "D"
    assert AuditEntry.objects.filter(action="baobao.grade_override", object_id=str(entity.pk)).exists()


def test_rules_fire_by_type_scale_and_sales(db):
    rules = policy_for("370725").grade_rules
    assert evaluate(rules, {"sub_type": "school_canteen", "business_type": "canteen", "diners": 3500})[0] == "A"
    grade, fired = evaluate(rules, {"sub_type": "central_kitchen", "business_type": "catering", "sales_band": "lt1m"})
    assert grade == "B" and fired == ["中央厨房、集体用餐配送单位"]
    assert evaluate(rules, {"sub_type": "small_shop", "business_type": "sales"}) == ("D", [])


def test_cli_prints_the_figures_and_refuses_clearly(county, capsys):
    call_command("grade_entities", "--region", "370725", "--actor", county.username)
    call_command("assign_cadres", "--region", "370725", "--actor", county.username, "--json")
    import json

    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {"entities", "cadres", "assigned", "unassigned", "changed", "objective", "seconds"} <= set(figures)
    assert figures["assigned"] == 1500
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="无法匹配"):
        call_command("assign_cadres", "--region", "110105", "--actor", county.username)


def test_every_cadre_who_can_take_an_entity_gets_one():
    """Qingdao principle 1: continuity alone would leave B idle (moving costs more than overloading A)."""
    village = "370725001001"
    items = [matching.Item(n, "D", village, None, 118.80, 36.70) for n in (1, 2)]
    seats = [matching.Seat(id_, "village", village, None, 10) for id_ in (10, 11)]
    problem = matching.Problem(items, seats, {"D": "village"}, previous={1: 10, 2: 10})
    result = problem.solve()
    assert sorted(result.chosen.values()) == [10, 11]
    load = {10: 1, 11: 1}
    assert result.objective == problem.objective_of(result, load) == matching.CHANGE_COST


def test_incremental_drops_closed_entities_and_places_new_ones(county):
    services.grade_entities(actor=county, region_code="370725")
    services.publish_run(actor=county, run=services.assign_cadres(actor=county, region_code="370725"))
    closed = list(Entity.objects.order_by("pk").values_list("pk", flat=True)[:2])
    Entity.objects.filter(pk__in=closed).update(status=Entity.Status.DEREGISTERED)
    newcomer = Entity.objects.create(name="新开张饭店", region_id="370725001001", declared_grade="D")
    run = services.assign_cadres(actor=county, region_code="370725", incremental=True)
    assert sorted(run.params["dropped"]) == sorted(closed)
    assert list(run.assignments.values_list("entity_id", flat=True)) == [newcomer.pk]
    assert run.counts["changed"] == 3 and run.counts["unassigned"] == 0
    services.publish_run(actor=county, run=run)
    assert not Guarantee.objects.filter(entity_id__in=closed).exists()
    assert Guarantee.objects.get(entity=newcomer).cadre.region_id == "370725001001"
    assert Guarantee.objects.count() == Entity.objects.exclude(status=Entity.Status.DEREGISTERED).count()


def test_commands_without_region_run_over_every_region_the_database_holds(county, superuser, capsys):
    """grade_entities and assign_cadres without --region (a superuser, who has no region of its own) work on
    every region in the database, as docs/commands.md says, instead of refusing."""
    import json

    other = Entity.objects.create(name="博山区主体", region_id="370304001", sub_type="large_restaurant")
    call_command("grade_entities", "--actor", superuser.username, "--json")
    counts = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert sum(counts.values()) == Entity.objects.exclude(status="deregistered").count() == 1501
    assert EntityGrade.objects.get(entity=other).grade == "C"
    call_command("assign_cadres", "--actor", superuser.username, "--json")
    lines = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    runs = AssignmentRun.objects.filter(pk__in=[line["run"] for line in lines]).order_by("region_id")
    assert [run.region_id for run in runs] == ["11", "37"]  # one run per province of the database
    assert sum(line["entities"] for line in lines) == 1501 and sum(line["assigned"] for line in lines) == 1500


def test_regrading_writes_only_what_changed(county, django_assert_max_num_queries):
    """A re-grade of an unchanged county writes no grading; an entity whose fields changed gets its new grade,
    its rules and a new graded_at, and only it (docs/performance.md: the province path is set-based)."""
    services.grade_entities(actor=county, region_code="370725")
    stamps = dict(EntityGrade.objects.values_list("entity_id", "graded_at"))
    with django_assert_max_num_queries(12):  # one read, the policy lookups, the audit: no write per entity
        again = services.grade_entities(actor=county, region_code="370725")
    assert dict(EntityGrade.objects.values_list("entity_id", "graded_at")) == stamps
    shop = Entity.objects.filter(grading__grade="D", business_type="catering").first()
    Entity.objects.filter(pk=shop.pk).update(sub_type="school_canteen")
    services.grade_entities(actor=county, region_code="370725")
    shop.refresh_from_db()
    policy = policy_for(shop.region_id)
    grade, fired = evaluate(policy.grade_rules, {f: getattr(shop, f) for f in ("sub_type", "business_type", "diners",
                                                                            "floor_area", "sales_band")})  # fmt: skip
    grading = EntityGrade.objects.get(entity=shop)
    assert grade != "D" and grading.grade == grading.computed_grade == grade and grading.fired == fired
    moved = {pk for pk, when in EntityGrade.objects.values_list("entity_id", "graded_at") if stamps[pk] != when}
    assert moved == {shop.pk} and sum(again.values()) == len(stamps)


def test_arc_costs_keep_the_current_cadre_and_fall_back_one_level_up_at_a_price():
    """Three D-grade entities, one village cadre with room for one: the other two fall back to the township
    at FALLBACK_COST. The entity already with the township cadre stays there (moving costs CHANGE_COST), while
    the greedy baseline takes each entity's cheapest arc in turn."""
    village, township = "370725001001", "370725001"
    items = [matching.Item(n, "D", village, None, None, None) for n in (1, 2, 3)]
    seats = [matching.Seat(10, "village", village, None, 1), matching.Seat(20, "township", township, None, 5)]
    problem = matching.Problem(items, seats, {"D": "village"}, previous={1: 20})
    best = problem.solve()
    assert best.chosen[1] == 20 and best.costs[1] == matching.FALLBACK_COST
    assert sorted(best.costs[n] for n in (2, 3)) == [0, matching.FALLBACK_COST] and not best.unassigned
    greedy = problem.greedy()
    assert greedy.costs == {1: matching.CHANGE_COST, 2: matching.FALLBACK_COST, 3: matching.FALLBACK_COST}
    assert best.objective < greedy.objective == problem.objective_of(greedy, {10: 1, 20: 2})


def test_grading_at_and_around_every_threshold_matches_the_rules(county):
    """Grading memoises one outcome per band between the policy's diners and floor-area thresholds: an entity at a
    threshold, just under it, just over it or without the value is graded exactly as `evaluate` grades it alone."""
    from decimal import Decimal

    from shian.baobao.grading import thresholds

    policy = policy_for("370725")
    diners_at, area_at = thresholds(policy.grade_rules)
    assert diners_at and area_at  # the default policy has both kinds of threshold
    made = []
    for n, value in enumerate([None, *[t + d for t in diners_at for d in (-1, 0, 1)]]):
        made.append(Entity.objects.create(name=f"阈值食堂{n}", region_id="370725001001", business_type="canteen",
                                          sub_type="school_canteen", diners=value))  # fmt: skip
    for n, value in enumerate([None, *[Decimal(t) + d for t in area_at for d in (Decimal("-0.1"), 0, 1)]]):
        made.append(Entity.objects.create(name=f"阈值工厂{n}", region_id="370725001001", business_type="production",
                                          sub_type="food_producer", sales_band="gt100m", floor_area=value))  # fmt: skip
    services.grade_entities(actor=county, region_code="370725")
    fields = ("sub_type", "business_type", "diners", "floor_area", "sales_band")
    grades = dict(EntityGrade.objects.filter(entity__in=made).values_list("entity_id", "computed_grade"))
    stored = Entity.objects.filter(pk__in=[e.pk for e in made])
    expected = {e.pk: evaluate(policy.grade_rules, {f: getattr(e, f) for f in fields})[0] for e in stored}
    assert grades == expected and set(expected.values()) == {"A", "B", "C"}


def test_incremental_replaces_exactly_the_guarantees_a_change_made_stale(county):
    """Each reason of docs/domain.md §4.5 on its own entity: a grade that now calls for another level, a move out of
    the cadre's region, a sub-type that now needs another department. Those three guarantees are replaced and
    every other one is kept."""
    services.grade_entities(actor=county, region_code="370725")
    services.publish_run(actor=county, run=services.assign_cadres(actor=county, region_code="370725"))
    policy = policy_for("370725")
    plain = Guarantee.objects.filter(entity__grading__grade="D", cadre__level="village", cadre__department__isnull=True)
    plain = plain.exclude(entity__sub_type__in=list(policy.department_match)).order_by("entity_id")
    regraded, moved, canteen = (g.entity for g in plain[:3])
    EntityGrade.objects.filter(entity=regraded).update(grade="C", computed_grade="C")
    elsewhere = Cadre.objects.filter(level="village", region__code__startswith="370725").exclude(
        region__code__startswith=moved.region_id[:9]
    )
    Entity.objects.filter(pk=moved.pk).update(region_id=elsewhere.first().region_id)
    department_sub_type = next(iter(policy.department_match))
    Entity.objects.filter(pk=canteen.pk).update(sub_type=department_sub_type)

    run = services.assign_cadres(actor=county, region_code="370725", incremental=True)
    check_constraints(run)
    touched = set(run.assignments.values_list("entity_id", flat=True)) | set(run.params["dropped"])
    assert touched == {regraded.pk, moved.pk, canteen.pk}
    assert run.counts["assigned"] + run.counts["unassigned"] == Guarantee.objects.count()
