"""Risk early warnings (docs/warnings.md): each rule kind raises on a crafted burst and not below its threshold;
routing to the township's station or the county desk; merging inside the window; escalation of an overdue step;
jurisdiction; bad rule input refused; the steps; the CLI's JSON line; pages and API."""

import datetime
import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.http import Http404
from django.utils import timezone

from shian.accounts.models import Role
from shian.core.models import AuditEntry, Notification
from shian.emergency.models import Opinion
from shian.entities.models import Entity, License
from shian.inspections.models import InspectionTask, Outcome, Station
from shian.warnings.models import RiskWarning, WarningRule
from shian.warnings.selectors import warnings as selectors
from shian.warnings.services import rules as rule_services
from shian.warnings.services import steps
from shian.warnings.services.run import run
from tests.credit.credit_world import failed_sample, penalty, upheld_report
from tests.inspections.grading_world import give_band, inspect, make_entity

pytestmark = pytest.mark.django_db

VILLAGE, OTHER_VILLAGE = "370725001001", "370725107201"


@pytest.fixture
def ww(make_user):
    station_user = make_user(Role.STATION_STAFF, "370725001", username="station")
    station = Station.objects.create(code="S1", name="宝都所", region_id="370725")
    station.townships.add("370725001")
    station.inspectors.add(station_user)
    return {
        "station": station, "station_user": station_user,
        "qiaoguan": make_user(Role.STATION_STAFF, "370725107", username="qiaoguan"),
        "county": make_user(Role.COUNTY_ADMIN, "370725", username="county"),
        "city": make_user(Role.CITY_ADMIN, "3707", username="city"),
        "outsider": make_user(Role.COUNTY_ADMIN, "370304", username="outsider"),
        "shop": make_entity("老张饭店"), "neighbour": make_entity("老李饭店"), "far": make_entity("乔官小吃", OTHER_VILLAGE),
    }  # fmt: skip


def only(rule_code: str) -> None:
    """Switch off every rule but one, so a test sees one kind at a time."""
    WarningRule.objects.exclude(code=rule_code).update(active=False)


def test_failed_samples_of_one_category_in_one_township_raise_and_route_to_the_station(ww):
    only("samples_fail_cluster")
    failed_sample(ww["shop"], days_ago=3)
    failed_sample(ww["far"], days_ago=2)  # another township
    failed_sample(ww["neighbour"], days_ago=40)  # outside the 30-day window
    assert run()["raised"] == 0
    failed_sample(ww["neighbour"], days_ago=1)
    counts = run()
    assert counts["raised"] == 1
    w = RiskWarning.objects.get()
    assert w.scope_key == "township:370725001:condiment" and w.level == "orange" and len(w.evidence) == 2
    assert w.station == ww["station"] and w.office_id == "370725001" and w.rule.version == 1
    assert set(Notification.objects.filter(kind="warnings.raised").values_list("user__username", flat=True)) == {
        "station"
    }
    assert run() == {"rules": 1, "raised": 0, "merged": 0, "escalated": 0}  # idempotent


def test_a_third_failure_inside_the_window_merges_into_the_open_warning(ww):
    only("samples_fail_cluster")
    failed_sample(ww["shop"], days_ago=3)
    failed_sample(ww["neighbour"], days_ago=2)
    run()
    failed_sample(ww["shop"], days_ago=0)
    assert run()["merged"] == 1
    w = RiskWarning.objects.get()
    assert w.hits == 2 and len(w.evidence) == 3
    assert AuditEntry.objects.filter(action="warnings.merge", object_id=str(w.pk)).count() == 1


def test_a_failed_sample_runs_the_sample_rules_on_commit(ww, django_capture_on_commit_callbacks):
    only("samples_fail_cluster")
    failed_sample(ww["shop"], days_ago=1)
    with django_capture_on_commit_callbacks(execute=True):
        failed_sample(ww["neighbour"], days_ago=0)
    assert RiskWarning.objects.filter(rule_code="samples_fail_cluster").count() == 1


def test_complaints_above_the_entity_baseline_raise_and_not_at_its_usual_rate(ww):
    only("complaints_above_baseline")
    for days in (40, 70, 100, 130, 160, 190):  # the neighbour's usual rate: one a month
        upheld_report(ww["neighbour"], days_ago=days)
    for days in (2, 9, 20):  # three this month: usual for the neighbour
        upheld_report(ww["neighbour"], days_ago=days)
    for days in (1, 3):
        upheld_report(ww["shop"], days_ago=days)
    assert run()["raised"] == 0  # two for the shop: below min_count
    upheld_report(ww["shop"], days_ago=0)
    assert run()["raised"] == 1
    w = RiskWarning.objects.get()
    assert w.entity == ww["shop"] and w.scope_key == f"entity:{ww['shop'].pk}" and len(w.evidence) == 3


def test_repeat_violation_counts_nonconforming_inspections_and_cases(ww):
    only("repeat_violation")
    inspect(ww["shop"], Outcome.NONCONFORM, days_ago=100)
    inspect(ww["neighbour"], Outcome.BASIC, days_ago=10)
    inspect(ww["neighbour"], Outcome.NONCONFORM, days_ago=10)
    assert run()["raised"] == 0
    penalty(ww["shop"], days_ago=5)
    assert run()["raised"] == 1
    assert {e["model"] for e in RiskWarning.objects.get().evidence} == {"inspections.inspection", "cases.case"}


def test_high_risk_entity_with_an_overdue_inspection_task_raises(ww):
    only("high_risk_overdue")
    give_band(ww["shop"], "D")
    give_band(ww["neighbour"], "B")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for entity in (ww["shop"], ww["neighbour"]):
        InspectionTask.objects.create(entity=entity, region_id=entity.region_id, due_on=yesterday)
    InspectionTask.objects.create(entity=ww["shop"], region_id=VILLAGE, due_on=timezone.localdate())  # not overdue
    assert run()["raised"] == 1
    w = RiskWarning.objects.get()
    assert w.entity == ww["shop"] and w.level == "red" and len(w.evidence) == 1


def test_licence_expired_while_operating_raises_and_a_renewal_clears_it(ww):
    only("licence_expired")
    today = timezone.localdate()
    License.objects.create(entity=ww["shop"], kind="JY", number="JY1", expires_on=today - datetime.timedelta(days=5))
    License.objects.create(
        entity=ww["neighbour"], kind="JY", number="JY2", expires_on=today - datetime.timedelta(days=5)
    )
    License.objects.create(
        entity=ww["neighbour"], kind="JY", number="JY3", expires_on=today + datetime.timedelta(days=300)
    )
    closed = make_entity("已注销饭店", status=Entity.Status.DEREGISTERED)
    License.objects.create(entity=closed, kind="JY", number="JY4", expires_on=today - datetime.timedelta(days=5))
    assert run()["raised"] == 1
    assert RiskWarning.objects.get().entity == ww["shop"]


def test_a_burst_of_opinion_items_naming_one_entity_raises(ww):
    only("opinion_burst")
    now = timezone.now()
    for n in range(3):
        entity = ww["shop"] if n < 2 else ww["neighbour"]
        Opinion.objects.create(number=f"YQ{n}", region_id=VILLAGE, entity=entity, source_url="https://example.com/p",
                               title="网帖", summary="吃坏肚子", found_at=now - datetime.timedelta(days=1),
                               feedback_due=now, created_by=ww["county"])  # fmt: skip
    assert run()["raised"] == 0
    Opinion.objects.create(number="YQ9", region_id=VILLAGE, entity=ww["shop"], source_url="https://example.com/p",
                           title="网帖", summary="又吃坏", found_at=now, feedback_due=now, created_by=ww["county"])  # fmt: skip
    assert run()["raised"] == 1


def test_without_a_station_the_warning_goes_to_the_county_desk(ww):
    only("samples_fail_cluster")
    failed_sample(ww["far"], days_ago=2)
    failed_sample(ww["far"], days_ago=1)
    run()
    w = RiskWarning.objects.get()
    assert w.station is None and w.office_id == "370725"
    assert set(Notification.objects.filter(kind="warnings.raised").values_list("user__username", flat=True)) == {
        "county"
    }


def test_an_overdue_step_escalates_once_to_the_level_above_and_a_step_restarts_the_clock(ww):
    only("samples_fail_cluster")
    failed_sample(ww["shop"], days_ago=2)
    failed_sample(ww["neighbour"], days_ago=1)
    run()
    w = RiskWarning.objects.get()
    later = w.step_due + datetime.timedelta(minutes=1)
    assert run(at=later)["escalated"] == 1
    assert run(at=later)["escalated"] == 0
    w.refresh_from_db()
    assert w.overdue_at is not None and w.escalated_to == "370725"
    assert Notification.objects.filter(kind="warnings.escalated", user=ww["county"]).exists()
    w = steps.acknowledge(actor=ww["station_user"], warning=w)
    assert w.overdue_at is None and w.step_due > later
    assert run(at=w.step_due + datetime.timedelta(minutes=1))["escalated"] == 1


def test_the_steps_in_order_with_links_and_a_finding(ww):
    only("samples_fail_cluster")
    sample = failed_sample(ww["shop"], days_ago=2)
    failed_sample(ww["neighbour"], days_ago=1)
    run()
    w = RiskWarning.objects.get()
    with pytest.raises(ValidationError):
        steps.investigate(actor=ww["station_user"], warning=w)  # not acknowledged yet
    with pytest.raises(Http404):
        steps.acknowledge(actor=ww["qiaoguan"], warning=w)  # another township
    assert w.ack_due == w.step_due is not None  # each step keeps its own deadline (the figures of a past day)
    w = steps.acknowledge(actor=ww["station_user"], warning=w)
    assert w.investigate_due == w.step_due > w.ack_due
    w = steps.investigate(actor=ww["station_user"], warning=w)
    assert w.close_due == w.step_due
    with pytest.raises(ValidationError, match="关联记录类型"):
        steps.link(actor=ww["station_user"], warning=w, kind="nonsense", pk=1)
    steps.link(actor=ww["station_user"], warning=w, kind="sample", pk=sample.pk)
    with pytest.raises(ValidationError, match="核查结论"):
        steps.close(actor=ww["station_user"], warning=w, finding=" ")
    w = steps.close(actor=ww["station_user"], warning=w, finding="两批次辣椒酱同一供货商，已立案")
    assert w.state == "closed" and w.step_due is None and w.links[0]["pk"] == sample.pk
    assert AuditEntry.objects.filter(action="warnings.step", object_id=str(w.pk)).count() == 4
    failed_sample(ww["shop"], days_ago=0)
    assert run()["raised"] == 1  # new evidence after closing: a new warning, not a merge


def test_jurisdiction_scopes_reads(ww):
    only("samples_fail_cluster")
    failed_sample(ww["shop"], days_ago=2)
    failed_sample(ww["neighbour"], days_ago=1)
    run()
    w = RiskWarning.objects.get()
    assert selectors.warning_list(user=ww["county"]).count() == 1
    assert selectors.warning_list(user=ww["qiaoguan"]).count() == 0
    with pytest.raises(Http404):
        selectors.warning_get(user=ww["outsider"], pk=w.pk)
    counts = selectors.level_counts(user=ww["county"])
    assert counts["total"]["orange"] == 1 and counts["regions"][0][0] == "370725001"


def test_editing_a_rule_makes_a_version_and_warnings_keep_theirs(ww):
    only("samples_fail_cluster")
    failed_sample(ww["shop"], days_ago=2)
    failed_sample(ww["neighbour"], days_ago=1)
    run()
    new = rule_services.edit_rule(actor=ww["county"], code="samples_fail_cluster",
                                  changes={"params": {"min_count": 5}, "level": "red"})  # fmt: skip
    assert new.version == 2 and WarningRule.objects.filter(code="samples_fail_cluster", is_current=True).get() == new
    assert RiskWarning.objects.get().rule.version == 1
    assert AuditEntry.objects.filter(action="warnings.rule").count() == 1
    failed_sample(ww["far"], days_ago=1)
    failed_sample(ww["far"], days_ago=1)
    assert run()["raised"] == 0  # the new version needs five


@pytest.mark.parametrize("changes, message", [
    ({"params": {"min_count": 2, "colour": 1}}, "不是“failed_samples”类规则的字段"),
    ({"window_days": 0}, "时间窗“0”无效"),
    ({"window_days": "abc"}, "时间窗“abc”不是整数"),
    ({"params": {"min_count": -1}}, "“min_count”的值“-1”无效"),
    ({"level": "purple"}, "预警等级“purple”无效"),
    ({"scope": "county"}, "没有字段“scope”"),
])  # fmt: skip
def test_bad_rule_input_is_refused_with_a_clear_message(ww, changes, message):
    with pytest.raises(ValidationError) as exc:
        rule_services.edit_rule(actor=ww["county"], code="samples_fail_cluster", changes=changes)
    assert message in " ".join(exc.value.messages)
    assert WarningRule.objects.filter(code="samples_fail_cluster").count() == 1


def test_only_county_administrators_and_above_edit_rules(ww):
    with pytest.raises(PermissionDenied):
        rule_services.edit_rule(actor=ww["station_user"], code="samples_fail_cluster", changes={"window_days": 10})


def test_the_command_prints_the_counts_as_its_last_json_line(ww):
    only("samples_fail_cluster")
    failed_sample(ww["shop"], days_ago=2)
    failed_sample(ww["neighbour"], days_ago=1)
    out = StringIO()
    call_command("run_warnings", "--json", stdout=out)
    assert json.loads(out.getvalue().strip().splitlines()[-1]) == {"rules": 1, "raised": 1, "merged": 0,
                                                                   "escalated": 0}  # fmt: skip
    due = RiskWarning.objects.get().step_due + datetime.timedelta(days=1)
    out = StringIO()
    call_command("run_warnings", "--json", "--at", due.isoformat(), stdout=out)
    assert json.loads(out.getvalue().strip().splitlines()[-1])["escalated"] == 1
    with pytest.raises(CommandError, match="--at 时刻格式不正确"):
        call_command("run_warnings", "--at", "yesterday")


def test_pages_and_api(ww, client):
    only("samples_fail_cluster")
    failed_sample(ww["shop"], days_ago=2)
    failed_sample(ww["neighbour"], days_ago=1)
    run()
    w = RiskWarning.objects.get()
    client.force_login(ww["station_user"])
    page = client.get("/warnings/")
    assert page.status_code == 200 and f'data-testid="warning-{w.pk}"' in page.content.decode()
    detail = client.get(f"/warnings/{w.pk}/").content.decode()
    assert "辣椒酱" in detail and 'data-testid="acknowledge"' in detail
    assert client.post(f"/warnings/{w.pk}/step/", {"action": "acknowledge"}).status_code == 302
    w.refresh_from_db()
    assert w.state == "acknowledged"
    answer = client.post(f"/api/v1/warnings/warnings/{w.pk}/steps", {"action": "investigate"},
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 200 and answer.json()["state"] == "investigating"
    listed = client.get("/api/v1/warnings/warnings").json()
    assert listed["items"][0]["evidence"][0]["model"] == "sampling.sample"
    assert client.get("/api/v1/warnings/summary").json()["total"]["orange"] == 1
    client.force_login(ww["county"])
    bad = client.post("/api/v1/warnings/rules/samples_fail_cluster", {"params": {"nope": 1}},
                      content_type="application/json")  # fmt: skip
    assert bad.status_code in (400, 422) and "nope" in bad.content.decode()


def test_the_demo_burst_raises_warnings_in_several_states_once(ww):
    from shian.demo.warnings import load_warnings
    from shian.regions.models import Region

    county = Region.objects.get(code="370725")
    made = load_warnings(county=county, seed=7, today=timezone.localdate())
    assert made["raised"] >= 2 and made["handled"] >= 2
    assert {"samples_fail_cluster", "complaints_above_baseline"} <= set(
        RiskWarning.objects.values_list("rule_code", flat=True))  # fmt: skip
    assert len(set(RiskWarning.objects.values_list("state", flat=True))) >= 2
    assert load_warnings(county=county, seed=7, today=timezone.localdate()) == {}


def test_the_work_list_counts_open_and_overdue_warnings_by_level(ww):
    from shian.core.worklist import items_for

    only("samples_fail_cluster")
    failed_sample(ww["shop"], days_ago=2)
    failed_sample(ww["neighbour"], days_ago=1)
    run()
    run(at=RiskWarning.objects.get().step_due + datetime.timedelta(minutes=1))
    got = {i.key: i for i in items_for(ww["station_user"], None)}
    assert got["warnings.open"].count == 1 and "橙色 1" in got["warnings.open"].note
    assert got["warnings.overdue"].count == 1
    assert not any(i.key.startswith("warnings.") and i.count for i in items_for(ww["qiaoguan"], None))


def test_the_rule_page_refuses_bad_input_and_saves_a_version(ww, client):
    client.force_login(ww["county"])
    url = "/warnings/rules/samples_fail_cluster/"
    bad = client.post(
        url, {"level": "orange", "window_days": "30", "params": '{"min_count": 2, "x": 1}', "active": "1"}
    )
    assert bad.status_code == 422 and "不是“failed_samples”类规则的字段" in bad.content.decode()
    assert (
        client.post(url, {"level": "orange", "window_days": "30", "params": "{oops", "active": "1"}).status_code == 422
    )
    good = client.post(url, {"level": "red", "window_days": "20", "params": '{"min_count": 3}', "active": "1"})
    assert good.status_code == 302
    assert WarningRule.objects.get(code="samples_fail_cluster", is_current=True).window_days == 20
    client.force_login(ww["station_user"])
    assert 'name="window_days"' not in client.get(url).content.decode()  # no edit form for the station


def _outcome(at, batch: bool):
    """The counts and every row a run writes (warnings, their audit entries, the offices' notifications), with
    primary keys replaced by scope keys, rolled back afterwards."""
    from django.db import transaction

    with transaction.atomic():
        counts = run(at=at, batch=batch)
        keys = {str(w.pk): w.scope_key for w in RiskWarning.objects.all()}
        warnings = sorted(
            (w.rule_code, w.level, w.scope_key, w.label, w.region_id, w.office_id, w.station_id, w.entity_id,
             json.dumps(w.evidence, sort_keys=True), w.raised_at, w.step_due, w.state, w.hits)
            for w in RiskWarning.objects.all()
        )  # fmt: skip
        entries = sorted(
            (e.action, keys[e.object_id], e.object_repr, e.region_code, e.actor_name, json.dumps(e.after, sort_keys=True))
            for e in AuditEntry.objects.filter(action__startswith="warnings.")
        )  # fmt: skip
        sent = sorted(
            (n.user.username, n.text, n.kind, n.group_key, n.group_text, n.group_url, keys[n.url.rstrip("/").split("/")[-1]])
            for n in Notification.objects.filter(kind="warnings.raised")
        )  # fmt: skip
        transaction.set_rollback(True)
    return counts, warnings, entries, sent


def test_a_batched_run_writes_what_the_per_warning_run_writes(ww):
    failed_sample(ww["shop"], days_ago=3)
    failed_sample(ww["neighbour"], days_ago=2)  # a cluster in the station's township
    failed_sample(ww["far"], days_ago=2)
    failed_sample(ww["far"], days_ago=1)  # a cluster in 乔官 (no station: the county desk)
    today = timezone.localdate()
    for n, entity in enumerate((ww["shop"], ww["far"])):
        License.objects.create(entity=entity, kind="JY", number=f"JY{n}", expires_on=today - datetime.timedelta(days=5))
    at = timezone.now()
    one_by_one, batched = _outcome(at, batch=False), _outcome(at, batch=True)
    assert one_by_one[0]["raised"] == 4 and one_by_one[1]  # the world raises, so the comparison is not empty
    assert {w[5] for w in one_by_one[1]} == {"370725001", "370725"}  # both routes taken
    assert batched == one_by_one
    assert run(at=at) == {**one_by_one[0], "raised": 4}
    assert run(at=at)["raised"] == 0  # idempotent after a batched run
    failed_sample(ww["shop"], days_ago=0)
    assert run()["merged"] == 1  # a hit with an open warning still merges


def test_a_burst_of_opinion_items_naming_one_product_raises_per_county(ww, client):
    from shian.emergency.services.opinions import create_opinion

    only("opinion_product_burst")
    now = timezone.now()

    def opinion(product, region, entity=None):
        return create_opinion(actor=ww["county"], region_code=region, entity_id=entity.pk if entity else None,
                              source_url="https://example.com/p", title="网帖", summary="喝了拉肚子",
                              found_at=now - datetime.timedelta(hours=1), product=product)  # fmt: skip

    opinion("某某 Milk", VILLAGE, ww["shop"])
    opinion("某某  milk", OTHER_VILLAGE)  # another township, no entity; spacing and case ignored
    opinion("", VILLAGE, ww["neighbour"])  # names no product
    opinion("辣条", VILLAGE)
    assert run()["raised"] == 0
    third = opinion("某某 MILK", VILLAGE, ww["neighbour"])
    assert third.product == "某某 MILK"
    assert run()["raised"] == 1
    w = RiskWarning.objects.get()
    assert w.scope_key == "product:370725:某某 milk" and w.office_id == "370725" and w.station is None
    assert len(w.evidence) == 3 and w.rule.kind == "opinion_product"
    client.force_login(ww["county"])
    got = client.get(f"/api/v1/emergency/opinions/{third.pk}").json()
    assert got["product"] == "某某 MILK"
    # the threshold is rule data: a new version asking for four leaves the raised warning as it is
    rule_services.edit_rule(actor=ww["county"], code="opinion_product_burst", changes={"params": {"min_count": 4}})
    assert run() == {"rules": 1, "raised": 0, "merged": 0, "escalated": 0}
