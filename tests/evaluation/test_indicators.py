"""Automatic indicators (docs/evaluation.md §6): catalog keys refused when unknown, figures counted through the KPI
registry for the county on the score's day, threshold from the rule store (a county's override applies), points in
proportion or all-or-nothing, assigned points winning, a veto failed by its figure, and the page showing it all."""

import datetime
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shian.accounts.models import Role
from shian.core import kpis as registry
from shian.core.models import DeadlineRule
from shian.emergency.models import Exercise, Grade, Incident
from shian.evaluation import indicators
from shian.evaluation.models import SubItem
from shian.evaluation.services import catalog as catalogs
from shian.evaluation.services import score as scoring
from shian.evaluation.services import tasks as services

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
