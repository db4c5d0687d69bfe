"""Automatic indicators (docs/evaluation.md §6): catalog keys refused when unknown, figures counted through the KPI
registry for the county on the score's day, threshold from the rule store (a county's override applies), points in
proportion or all-or-nothing, assigned points winning, a veto failed by its figure, and the page showing it all."""

import datetime
import io
import json
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from shian.accounts.models import Role
from shian.core import kpis as registry
from shian.core.models import DeadlineRule
from shian.dashboard import history
from shian.duties.models import TrainingRecord
from shian.emergency.models import Exercise, Grade, Incident
from shian.entities.models import Entity, KeyPerson
from shian.evaluation import indicators
from shian.evaluation.models import Result, SubItem
from shian.evaluation.services import catalog as catalogs
from shian.evaluation.services import score as scoring
from shian.evaluation.services import tasks as services
from shian.knowledge.models import Attempt, KnowledgeTest

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).parent / "catalog_small.toml"
TODAY = datetime.date(2026, 3, 10)


def _data() -> dict:
    data = tomllib.loads(FIXTURE.read_text("utf-8"))
    data["aspects"][0]["items"][0]["sub_items"][0]["indicator"] = "emergency.live_drill"  # (1), 2.5 points
    data["aspects"][1]["items"][1]["sub_items"][0]["indicator"] = "test.rate"  # (7), 5 points
    return data


@pytest.fixture
def fake_rate(monkeypatch):
    """A KPI "test.rate" whose parts the test sets (done of due, counted for the county asked) and its
    indicator, threshold the rule evaluation.kitchen_school_pct (100 %)."""
    state = {"t_done": 0, "t_due": 0}
    asked = []

    def count(*, prefix, grouping, as_of, series=False):
        asked.append((prefix, as_of))
        return {prefix: dict(state)} if prefix == "370725" else {}

    provider = registry.Provider("test", count, kpis=[
        registry.Kpi("test.rate", "测试达标率", "%", registry.ratio("t_done", "t_due"),
                     link=lambda code: f"/test/?region={code}")])  # fmt: skip
    monkeypatch.setitem(registry._providers, "test", provider)
    monkeypatch.setitem(indicators.INDICATORS, "test.rate", indicators.Indicator(
        "test.rate", "测试达标率", (indicators.Part("test.rate", "evaluation.kitchen_school_pct"),)))  # fmt: skip
    return {"state": state, "asked": asked}


@pytest.fixture
def world(make_user, fake_rate, settings):
    settings.SHIAN_FIGURES_CACHE_SECONDS = 0  # records below are written directly, not through services
    catalog = catalogs.load(_data())
    office = make_user(Role.COUNTY_ADMIN, "370725", name="食安办")
    evaluation = services.start_evaluation(actor=office, region_code="370725", catalog_version="test-1",
                                           started_on=TODAY)  # fmt: skip
    return {"catalog": catalog, "evaluation": evaluation, "office": office, "rate": fake_rate["state"],
            "asked": fake_rate["asked"]}  # fmt: skip


def _sub(world, no):
    return SubItem.objects.get(catalog=world["catalog"], no=no)


@pytest.mark.parametrize(
    "where, key, message",
    [
        (lambda d: d["aspects"][0]["items"][0]["sub_items"][1], "no.such", "第 2 小项：自动指标“no.such”不存在"),
        (lambda d: d["vetoes"][1], "surveys.awareness", "第 109 否决项：自动指标“surveys.awareness”不能用于否决项"),
        (
            lambda d: d["aspects"][0]["items"][1]["sub_items"][0],
            "incidents.major_2y",
            "第 3 小项：自动指标“incidents.major_2y”只能用于否决项",
        ),
    ],
)
def test_an_unknown_or_misplaced_indicator_is_refused_naming_the_sub_item(regions, where, key, message):
    data = tomllib.loads(FIXTURE.read_text("utf-8"))
    where(data)["indicator"] = key
    with pytest.raises(ValidationError) as exc:
        catalogs.load(data)
    assert any(message in m for m in exc.value.messages)
    assert not SubItem.objects.exists()


def test_the_shipped_catalog_uses_only_known_indicators():
    data = tomllib.loads(catalogs.SHIPPED.read_text("utf-8"))
    subs = [s for a in data["aspects"] for i in a["items"] for s in i["sub_items"]]
    keys = {s["no"]: s.get("indicator", "") for s in subs + data["vetoes"] if s.get("indicator")}
    assert {70, 71, 73, 28, 95, 109, 111} <= set(keys)
    assert (keys[53], keys[72], keys.get(52)) == ("duties.training_tests", "duties.staffing", None)
    for key in keys.values():
        indicator = indicators.INDICATORS[key]
        assert all(registry.kpi(p.kpi) for p in indicator.parts), key  # every KPI named exists in the registry


def test_points_follow_the_live_figure_in_proportion_and_assigned_points_win(world):
    ev = world["evaluation"]
    seven = _sub(world, 7)
    empty = scoring.load_rows(ev, TODAY)
    assert empty.indicator_points[seven.id] == 0 and empty.figures[seven.id].rows[0]["text"] == "—"  # nothing due
    world["rate"].update(t_done=3, t_due=4)  # 75 % against 100 %: 3/4 of 5 points
    rows = scoring.load_rows(ev, TODAY)
    assert rows.indicator_points[seven.id] == Decimal("3.8")  # 3.75 rounded to a tenth
    assert ("370725", TODAY) in world["asked"]  # the county, on the score's day
    figure = rows.figures[seven.id]
    assert figure.rows[0]["text"] == "75.0%" and figure.rows[0]["link"] == "/test/?region=370725"
    world["rate"].update(t_done=4, t_due=4)
    assert scoring.load_rows(ev, TODAY).indicator_points[seven.id] == 5
    before = scoring.score(ev, TODAY)["total"]
    services.assign_points(actor=world["office"], evaluation=ev, sub_item=seven, points="1")
    assert scoring.score(ev, TODAY)["total"] == pytest.approx(before - 4, abs=0.01)


def test_the_threshold_is_the_countys_rule(world):
    world["rate"].update(t_done=3, t_due=4)
    DeadlineRule.objects.create(code="evaluation.kitchen_school_pct", region_prefix="370725", amount=75, unit="n",
                                name="县级达标线", source="测试", valid_from=datetime.date(2000, 1, 1))  # fmt: skip
    rows = scoring.load_rows(world["evaluation"], TODAY)
    assert rows.indicator_points[_sub(world, 7).id] == 5
    assert rows.figures[_sub(world, 7).id].rows[0]["threshold_text"] == "75%"


def test_a_count_that_is_met_or_not_earns_all_or_nothing(world):
    one = _sub(world, 1)
    assert scoring.load_rows(world["evaluation"], TODAY).indicator_points[one.id] == 0
    Exercise.objects.create(region_id="370725", kind=Exercise.Kind.LIVE, title="实战演练",
                            held_on=TODAY - datetime.timedelta(days=100), created_by=world["office"])  # fmt: skip
    assert scoring.load_rows(world["evaluation"], TODAY).indicator_points[one.id] == 2.5


def test_a_major_incident_fails_the_veto_with_the_figure_as_reason(world, client):
    ev = world["evaluation"]
    assert scoring.score(ev, TODAY)["veto_failed"] == []
    at = timezone.make_aware(datetime.datetime(2025, 6, 1, 10))
    Incident.objects.create(number="SG-1", region_id="370725", title="重大事故", summary="测试", grade=Grade.II,
                            occurred_at=at, aware_at=at, first_report_due=at, created_by=world["office"])  # fmt: skip
    failed = scoring.score(ev, TODAY)["veto_failed"]
    assert [v["no"] for v in failed] == [108]
    assert "自动指标" in failed[0]["reason"] and "1起" in failed[0]["reason"]
    # the 食安办 deciding it passed does not lift it
    services.decide_veto(actor=world["office"], evaluation=ev, sub_item=_sub(world, 108), failed=False)
    assert [v["no"] for v in scoring.score(ev, TODAY)["veto_failed"]] == [108]
    client.force_login(world["office"])
    page = client.get(reverse("evaluation:evaluation_detail", args=[ev.pk])).content.decode()
    assert "未达标，一票否决" in page and 'data-testid="figure-7"' in page and "/test/?region=370725" in page


def test_a_past_day_is_read_from_the_kpi_history_with_the_figures_of_a_recount(world, monkeypatch):
    """Month and quarter ends the dashboard stored are read in one row, not recounted, and give the same figures."""
    monkeypatch.setitem(indicators.INDICATORS, "test.drills_month", indicators.Indicator(
        "test.drills_month", "上月末实战演练", (indicators.Part("emergency.live_drills", "evaluation.live_drills"),),
        mode=indicators.ALL_OR_NOTHING, on=indicators.MONTH_END))  # fmt: skip
    Exercise.objects.create(region_id="370725", kind=Exercise.Kind.LIVE, title="实战演练",
                            held_on=datetime.date(2025, 12, 10), created_by=world["office"])  # fmt: skip
    keys = {"test.drills_month", "baobao.coverage_visits", "lists.editions", "emergency.live_drill"}
    recount = indicators.evaluate("370725", TODAY, keys)
    assert recount["test.drills_month"].share == 1 and not any(f.stored for f in recount.values())
    for day in {f.on for f in recount.values()} - {TODAY}:
        history.record_day(day=day)
    emergency = registry._providers["emergency"]
    asked = []
    monkeypatch.setattr(emergency, "count", lambda *, as_of, **kw: asked.append(as_of) or {})
    read = indicators.evaluate("370725", TODAY, keys)
    assert {k for k, f in read.items() if f.stored} == {"test.drills_month", "baobao.coverage_visits", "lists.editions"}
    assert asked == [TODAY]  # the emergency provider counted only the day not stored
    for key in keys - {"emergency.live_drill"}:
        assert (read[key].rows, read[key].share, read[key].on) == (
            recount[key].rows,
            recount[key].share,
            recount[key].on,
        )


def test_every_point_of_the_score_is_traced_to_assigned_points_or_an_indicator(world, client):
    """Per aspect: the points the 食安办 assigned + the indicators' points in use = the aspect's score, in the API
    and in `evaluation_score --json` alike; each indicator names its KPIs, figures, thresholds and records."""
    ev, office = world["evaluation"], world["office"]
    world["rate"].update(t_done=3, t_due=4)  # (7): 75 % of 100 % -> 3.8 of 5
    Exercise.objects.create(region_id="370725", kind=Exercise.Kind.LIVE, title="实战演练",
                            held_on=TODAY - datetime.timedelta(days=30), created_by=office)  # fmt: skip
    for no, points in ((2, "1"), (3, "2"), (4, "1"), (8, "2")):
        services.assign_points(actor=office, evaluation=ev, sub_item=_sub(world, no), points=points)
    client.force_login(office)

    def traced(result):
        assigned = Result.objects.filter(evaluation=ev, points__isnull=False, not_applicable=False)
        for aspect, earned in result["by_aspect"].items():
            by_officer = sum(r.points for r in assigned.select_related("sub_item__item__aspect")
                             if r.sub_item.item.aspect.name == aspect)  # fmt: skip
            by_figure = sum(f["points"] for f in result["indicators"] if f["used"] and f["aspect"] == aspect)
            assert earned == pytest.approx(float(by_officer) + by_figure), aspect
        assert result["total"] == pytest.approx(sum(result["by_aspect"].values()))

    url = f"/api/v1/evaluation/evaluations/{ev.pk}/score"
    api = client.get(url).json()
    traced(api)
    figures = {f["no"]: f for f in api["indicators"]}
    assert set(figures) == {1, 7, 108}
    assert (figures[1]["points"], figures[7]["points"], figures[7]["used"]) == (2.5, 3.8, True)
    assert figures[7]["kpis"] == [{"key": "test.rate", "label": "测试达标率", "value": 75.0, "text": "75.0%",
                                   "threshold": 100.0, "link": "/test/?region=370725"}]  # fmt: skip
    assert (figures[108]["veto"], figures[108]["failed"], figures[108]["points"]) == (True, False, None)
    services.assign_points(actor=office, evaluation=ev, sub_item=_sub(world, 1), points="1")  # the 食安办's wins
    api = client.get(url).json()
    traced(api)
    assert [f["used"] for f in api["indicators"] if f["no"] == 1] == [False]
    out = io.StringIO()
    call_command("evaluation_score", "--region", "370725", "--json", stdout=out)
    cli = json.loads(out.getvalue().strip().splitlines()[-1])
    assert cli["indicators"] == api["indicators"]
    traced(cli)


def test_staffing_training_hours_and_test_pass_rates_are_counted_for_53_and_72(world, make_user):
    """(72) operating entities with a director or officer; (53) principals, directors and officers with the year's
    training hours (rule duties.training_hours) and the year's marked papers passed, against 100 % and 95 %."""
    today = timezone.localdate()
    office, now = world["office"], timezone.now()
    shops = [Entity.objects.create(name=f"饭店{n}", region_id="370725001001", business_type="catering")
             for n in range(3)]  # fmt: skip
    Entity.objects.create(name="注销店", region_id="370725001001", status=Entity.Status.DEREGISTERED)
    officer = KeyPerson.objects.create(entity=shops[0], role="safety_officer", name="甲安全员")
    boss = KeyPerson.objects.create(entity=shops[0], role="principal", name="甲老板")
    KeyPerson.objects.create(entity=shops[1], role="principal", name="乙老板")
    director = KeyPerson.objects.create(entity=shops[2], role="safety_director", name="丙总监")
    jan = today.replace(month=1, day=1)
    for person, day, hours in ((officer, jan, 25), (officer, today, 15), (boss, today, 39),
                               (director, jan - datetime.timedelta(days=1), 20), (director, today, 30)):  # fmt: skip
        TrainingRecord.objects.create(entity=person.entity, region_id="370725001001", person=person, day=day,
                                      hours=hours, topic="食品安全法", recorded_by=office)  # fmt: skip
    open_test, cancelled = (KnowledgeTest.objects.create(
        title=title, region_id="370725", opens_at=now - datetime.timedelta(hours=5), closes_at=now, duration_minutes=30,
        question_count=1, pass_mark=60, selection=KnowledgeTest.Selection.choices[0][0], created_by=office,
        cancelled_at=cancelled_at) for title, cancelled_at in (("抽考", None), ("已取消", now)))  # fmt: skip
    for test, passed in ((open_test, True), (open_test, True), (open_test, False), (open_test, None),
                         (cancelled, False)):  # fmt: skip
        Attempt.objects.create(test=test, user=make_user(Role.COUNTY_ADMIN), entity=shops[0], region_id="370725001001",
                               seed=1, paper=[], started_at=now - datetime.timedelta(hours=2), max_score=1,
                               deadline=now, submitted_at=None if passed is None else now - datetime.timedelta(hours=1),
                               passed=passed)  # fmt: skip
    figures = indicators.evaluate("370725", today, {"duties.staffing", "duties.training_tests"})
    staffing, training = figures["duties.staffing"], figures["duties.training_tests"]
    assert [r["value"] for r in staffing.rows] == [66.7]  # 2 of 3 operating shops have a director or officer
    assert staffing.points(Decimal(10)) == Decimal("6.7") and staffing.rows[0]["link"].startswith("/duties/oversight/")
    # 1 of 4 owes no hours (the officer's 40 this year; the boss 39, the director 30 this year); 2 of 3 papers
    assert [(r["key"], r["value"], r["threshold"]) for r in training.rows] == [
        ("duties.trained_rate", 25.0, 100), ("knowledge.pass_rate", 66.7, 95)]  # fmt: skip
    assert training.points(Decimal("0.8")) == Decimal("0.4")  # (0.25 + 66.7/95) / 2 of 0.8
    DeadlineRule.objects.create(code="duties.training_hours", region_prefix="370725001", amount=30, unit="ch",
                                name="乡镇学时", source="测试", valid_from=datetime.date(2000, 1, 1))  # fmt: skip
    figures = indicators.evaluate("370725", today, {"duties.training_tests"})
    assert figures["duties.training_tests"].rows[0]["value"] == 75.0  # 39 and 30 hours reach the town's 30
