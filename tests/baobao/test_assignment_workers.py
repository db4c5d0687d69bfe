"""The province's cities solved in forked worker processes give exactly the run of the serial solve
(docs/performance.md, issue 25): the same pairs, costs, counts, shortages and objective."""

import pytest

from shian.accounts.models import Role
from shian.baobao import services
from shian.baobao.models import Cadre
from shian.baobao.services import assignment
from shian.entities.models import Entity

from .test_engine import check_constraints


@pytest.fixture
def province(county, make_user):
    """昌乐县 (city 3707) and a township of 博山区 (city 3703) with two cadres too few for its entities: two pieces,
    one with shortages and fallbacks."""
    for n in range(40):
        Entity.objects.create(name=f"博山主体{n}", region_id="370304001", declared_grade="CD"[n % 2],
                              longitude=117.86 + n / 1000, latitude=36.49)  # fmt: skip
    for n in range(2):
        Cadre.objects.create(name=f"城东干部{n}", level="township", region_id="370304001", capacity=15)
    admin = make_user(Role.PROVINCE_ADMIN, "37")
    services.grade_entities(actor=admin, region_code="37")
    return admin


def _run(actor, workers: int, settings, **kwargs):
    settings.SHIAN_SOLVE_WORKERS = workers
    run = services.assign_cadres(actor=actor, region_code="37", baseline=True, **kwargs)
    pairs = sorted(run.assignments.values_list("entity_id", "cadre_id", "supporter_id", "grade", "cost"))
    counts = {k: v for k, v in run.counts.items() if k != "solve_seconds"}
    return run, (pairs, counts, run.shortages, run.objective, run.params)


def test_workers_give_the_serial_run(province, settings, monkeypatch):
    monkeypatch.setattr(assignment, "PARALLEL_MIN_ROWS", 0)
    serial_run, serial = _run(province, 1, settings)
    parallel_run, parallel = _run(province, 2, settings)
    assert parallel == serial and serial_run.params["pieces"] == 2
    assert serial_run.counts["unassigned"] > 0 and serial_run.counts["fallback"] > 0
    assert {row["region_code"][:4] for row in serial_run.shortages} == {"3703"}
    check_constraints(parallel_run)
    services.publish_run(actor=province, run=parallel_run)
    Entity.objects.filter(pk__in=Entity.objects.order_by("pk").values("pk")[:30]).update(status="deregistered")
    _run_serial, serial = _run(province, 1, settings, incremental=True)
    _run_parallel, parallel = _run(province, 2, settings, incremental=True)
    assert parallel == serial and serial[1]["changed"] >= 30


def test_small_runs_stay_in_the_process(province, settings, monkeypatch):
    """Below PARALLEL_MIN_ROWS entities no process is forked."""
    settings.SHIAN_SOLVE_WORKERS = 2
    monkeypatch.setattr(assignment, "forked_map", None)  # would fail if called
    run = services.assign_cadres(actor=province, region_code="37")
    assert run.params["pieces"] == 2 and run.counts["entities"] == 1540


def test_rows_read_by_the_plain_cursor_are_the_querysets(province):
    """`_rows` reads the SQL of a values_list query itself: the same rows, columns in the same order."""
    entities = assignment._active("37").values_list(*assignment._ITEM_FIELDS).order_by("pk")
    assert list(assignment._rows(entities, chunk=7)) == list(entities)
    first = list(entities)[0]
    assert isinstance(first[4], float) and first[2].startswith("37") and first[1] in "ABCD"


def test_a_province_without_cities_gives_an_empty_run(regions, superuser):
    from shian.regions.models import Region

    Region.objects.create(code="12", name="天津市", level=Region.level_for_code("12"))
    run = services.assign_cadres(actor=superuser, region_code="12")
    assert run.params["pieces"] == 0 and run.counts["entities"] == 0 and run.objective == 0
