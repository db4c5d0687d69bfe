"""The inspection figures (shian/inspections/kpis.py, docs/kpis.md) on the small world of overview_world.py: each
figure as its definition says, per county, township and village, on an earlier day, and as the records change."""

import pytest

from shian.core import kpis as registry
from shian.core.kpis import Grouping
from shian.core.models import DeadlineRule
from shian.inspections import kpis
from shian.inspections.models import Outcome, RectificationOrder

from .overview_world import COUNTY, T1, T2, V2, at, build, day, pin_clock


@pytest.fixture
def world(monkeypatch, make_user):
    pin_clock(monkeypatch)
    return build(make_user)


def figures(prefix=COUNTY, as_of="2026-11-25", depth=9) -> dict[str, dict]:
    """{group: {kpi key: value}} plus "" for the total, through the registry like the dashboard."""
    groups = kpis.count(prefix=prefix, grouping=Grouping(depth), as_of=day(as_of))
    out = {g: {k.key: k.value(parts) for k in registry.kpis() if k.key.startswith("inspections.")}
           for g, parts in groups.items()}  # fmt: skip
    total = registry.total(groups.values())
    out[""] = {k.key: k.value(total) for k in registry.kpis() if k.key.startswith("inspections.")}
    out[""]["_parts"] = total
    return out


def test_the_provider_is_registered_with_its_figures():
    keys = {k.key for k in registry.kpis() if k.key.startswith("inspections.")}
    assert keys == {
        "inspections.coverage", "inspections.coverage_floor", "inspections.on_plan", "inspections.done",
        "inspections.nonconform_rate", "inspections.basic_rate", "inspections.orders_open",
        "inspections.orders_overdue", "inspections.orders_escalated", "inspections.kitchen_school",
        "inspections.kitchen_hospital", "inspections.catering_floor",
    }  # fmt: skip
    assert {b.key for b in registry.breakdowns()} >= {"risk"}
    assert {s.key for s in registry.series()} >= {"insp_w", "insp_m"}


def test_county_figures(world):
    got = figures()[""]
    parts = got.pop("_parts")
    assert got == {
        "inspections.coverage": 57.1,  # 4 of 7 operating entities inspected in 2026 (a7 is suspended)
        "inspections.coverage_floor": 71.4,  # 5 of 7 since 2024-11-25 (a4 never, a8 in 2024-10)
        "inspections.on_plan": 50.0,  # March and April done; May late; October missed
        "inspections.done": 6,
        "inspections.nonconform_rate": 50.0,  # a2, a6 twice
        "inspections.basic_rate": 16.7,  # a3
        "inspections.orders_open": 2, "inspections.orders_overdue": 1, "inspections.orders_escalated": 1,
        "inspections.kitchen_school": 50.0,  # the school online, the elderly canteen offline
        "inspections.kitchen_hospital": 100.0,
        "inspections.catering_floor": 33.3,  # the hospital 优秀; the school 一般; the elderly canteen never graded
    }  # fmt: skip
    assert {k: v for k, v in parts.items() if k.startswith("risk:")} == {
        "risk:A": 1, "risk:B": 1, "risk:C": 1, "risk:D": 1, "risk:-": 3,
    }  # fmt: skip


def test_townships_add_up_to_the_county(world):
    got = figures()
    assert set(got) == {T1, T2, ""}
    assert got[T1]["inspections.coverage"] == 75.0 and got[T2]["inspections.coverage"] == 33.3
    assert got[T1]["inspections.orders_overdue"] == 1 and got[T2]["inspections.orders_open"] == 1
    assert got[T2]["inspections.orders_escalated"] == 1 and got[T1]["inspections.orders_escalated"] == 0
    assert got[T1]["inspections.kitchen_hospital"] is None  # nothing due: "—", never 0 % or 100 %


def test_a_village_is_counted_per_entity(world):
    got = figures(prefix=V2, depth=None)
    a6 = got[str(world.e["a6"].pk)]
    assert a6["inspections.done"] == 2 and a6["inspections.nonconform_rate"] == 100.0
    assert a6["inspections.coverage"] == 100.0 and a6["inspections.orders_open"] == 1
    assert got[str(world.e["a8"].pk)]["inspections.coverage_floor"] == 0.0
    assert str(world.e["b1"].pk) not in got


def test_another_county_never_counts(world):
    got = figures(prefix="370304", depth=9)[""]
    assert got["inspections.done"] == 1 and got["inspections.orders_overdue"] == 1
    assert got["inspections.on_plan"] == 0.0  # 博山's own plan: February, not done


def test_a_nonconforming_inspection_raises_the_nonconform_rate(world):
    before = figures()[""]["inspections.nonconform_rate"]
    world.builder.inspection(world.e["a4"], "2026-11-24", Outcome.NONCONFORM)
    after = figures()[""]
    assert before == 50.0 and after["inspections.nonconform_rate"] == 57.1  # 4 of 7
    assert after["inspections.coverage"] == 71.4  # and the elderly canteen is now covered


def test_an_overdue_open_order_counts_and_a_closed_one_does_not(world):
    assert figures()[""]["inspections.orders_overdue"] == 1
    new = world.builder.order(world.builder.inspection(world.e["a8"], "2026-11-02", Outcome.BASIC), due="2026-11-12")
    assert figures()[""]["inspections.orders_overdue"] == 2
    RectificationOrder.objects.filter(pk=new.pk).update(status=RectificationOrder.Status.CLOSED,
                                                        closed_at=at("2026-11-24"))  # fmt: skip
    got = figures()[""]
    assert got["inspections.orders_overdue"] == 1 and got["inspections.orders_open"] == 2


def test_an_answered_order_past_its_deadline_is_still_overdue(world):
    RectificationOrder.objects.filter(pk=world.orders["overdue"].pk).update(status=RectificationOrder.Status.ANSWERED)
    assert figures()[""]["inspections.orders_overdue"] == 1


def test_an_earlier_day_sees_the_records_as_they_were(world):
    got = figures(as_of="2026-06-20")[""]
    assert got["inspections.done"] == 4  # a7 02-01, a1 03-10, a6 04-01, a2 06-15
    assert got["inspections.nonconform_rate"] == 50.0
    assert got["inspections.coverage"] == 42.9  # a1, a2, a6 of 7
    # a2's order was open (closed on 06-24) and not yet due; a6's was escalated on 05-20
    assert got["inspections.orders_open"] == 1 and got["inspections.orders_overdue"] == 0
    assert got["inspections.orders_escalated"] == 1
    assert got["inspections.on_plan"] == 66.7  # March, April done; May not yet (a2 inspected in June)


def test_january_has_no_month_of_the_plan_over(world):
    assert figures(as_of="2026-01-20")[""]["inspections.on_plan"] is None


def test_the_coverage_floor_follows_the_rule_of_the_region(world):
    DeadlineRule.objects.create(code="inspections.coverage_years", name="全覆盖年数", region_prefix=COUNTY, version=2,
                                unit="n", amount=1, valid_from=day("2026-01-01"))  # fmt: skip
    assert figures()[""]["inspections.coverage_floor"] == 57.1  # a5's 2025-02 inspection no longer counts


def test_targets_come_from_the_rule_store(world):
    assert kpis.TARGETS["inspections.kitchen_school"] == "inspections.kitchen_school_pct"
    from shian.inspections.selectors.overview import targets

    assert targets(COUNTY, day("2026-11-25")) == {
        "inspections.kitchen_school": 95, "inspections.kitchen_hospital": 70, "inspections.catering_floor": 100,
    }  # fmt: skip
    DeadlineRule.objects.create(code="inspections.kitchen_hospital_pct", name="医院明厨亮灶", region_prefix=COUNTY,
                                version=2, unit="n", amount=80, valid_from=day("2026-01-01"))  # fmt: skip
    assert targets(COUNTY, day("2026-11-25"))["inspections.kitchen_hospital"] == 80
    assert targets("370304", day("2026-11-25"))["inspections.kitchen_hospital"] == 70


def test_series_count_inspections_per_month(world):
    parts = kpis.count(prefix=COUNTY, grouping=Grouping(6), as_of=day("2026-11-25"), series=True)[COUNTY]
    assert parts["insp_m:2026-11-01"] == 1 and parts["insp_m:2026-06-01"] == 1
    assert "insp_m:2026-05-01" not in parts  # 博山's May inspection is not 昌乐's


def test_the_weekly_report_lists_overdue_orders(world):
    title, headers, rows, total = kpis.overdue_orders(prefix=COUNTY, as_of=day("2026-11-25"), limit=10)
    assert total == 1 and rows[0][0] == "宝都中学食堂" and rows[0][4] == 66  # due 09-20
    assert len(headers) == len(rows[0])


def test_the_nightly_kpi_history_keeps_the_inspection_parts(world):
    from shian.dashboard import history

    history.record_day(day=day("2026-06-20"))
    parts = history.parts_on(COUNTY, day("2026-06-20"))
    got = {k.key: k.value(parts) for k in registry.kpis() if k.key.startswith("inspections.")}
    assert got["inspections.done"] == 4 and got["inspections.orders_open"] == 1
    assert got == {k: v for k, v in figures(as_of="2026-06-20")[""].items() if k != "_parts"}
