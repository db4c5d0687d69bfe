"""Public opinion (docs/emergency.md §2): the 24-hour feedback clock from when an item was found, late feedback
flagged, verification linking the resulting complaint or case, closure, and the checker; the plan register and
the trainings and drills measured against their rules (§3)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from shian.cases.models import Case
from shian.core.models import AuditEntry, DeadlineRule, Notification
from shian.emergency.models import Exercise, Opinion
from shian.emergency.selectors import opinion_list, readiness
from shian.emergency.services import incidents as incident_services
from shian.emergency.services import opinions as services
from shian.emergency.services import plans as plan_services

from .emergency_setup import ago, incident_values, opinion_values, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _create(world, **changes) -> Opinion:
    return services.create_opinion(actor=world["station"], **opinion_values(world, **changes))


def test_feedback_is_due_24_hours_after_the_item_was_found_with_the_rule_kept(world):
    opinion = _create(world)
    assert opinion.feedback_due == opinion.found_at + datetime.timedelta(hours=24)
    assert opinion.due_rules["feedback"]["code"] == "opinion.feedback"
    assert opinion.number.startswith("YQ") and opinion.region_id == "370725001"
    assert AuditEntry.objects.filter(action="opinion.create", object_id=str(opinion.pk)).exists()


def test_feedback_after_the_deadline_is_flagged_late_and_given_only_once(world):
    on_time = _create(world)
    services.give_feedback(actor=world["station"], opinion=on_time, fed_back_at=ago(hours=1), feedback="已核查回应")
    late = _create(world, found_at=ago(hours=30))
    services.give_feedback(actor=world["station"], opinion=late, fed_back_at=ago(hours=2), feedback="已回应")
    on_time.refresh_from_db()
    late.refresh_from_db()
    assert not on_time.feedback_late and late.feedback_late
    assert list(opinion_list(user=world["county"], feedback="late")) == [late]
    with pytest.raises(ValidationError, match="已于"):
        services.give_feedback(actor=world["station"], opinion=late, fed_back_at=ago(hours=1), feedback="再次")


def test_a_source_that_is_not_a_web_address_is_refused_by_field(world):
    with pytest.raises(ValidationError) as exc:
        _create(world, source_url="javascript:alert(1)", title="", heat=-1)
    assert {"source_url", "title", "heat"} <= set(exc.value.message_dict)
    assert not Opinion.objects.exists()


def test_verification_links_the_case_it_led_to_and_closure_needs_feedback_and_verification(world):
    opinion = _create(world)
    case = Case.objects.create(number="AJ-9", region_id="370725001", title="食堂使用过期食材", opened_at=ago(hours=1), decision_due=ago(days=-89),
                               created_by=world["county"])  # fmt: skip
    far = Case.objects.create(number="AJ-10", region_id="370304", title="博山", opened_at=ago(hours=1), decision_due=ago(days=-89),
                              created_by=world["boshan"])  # fmt: skip
    with pytest.raises(ValidationError, match="尚未反馈、核实"):
        services.close(actor=world["station"], opinion=opinion)
    with pytest.raises(ValidationError) as exc:
        services.verify(actor=world["station"], opinion=opinion, verification="true", note="属实", case_id=far.pk)
    assert "case" in exc.value.message_dict
    services.verify(actor=world["station"], opinion=opinion, verification="partly", note="部分属实", case_id=case.pk)
    services.give_feedback(actor=world["station"], opinion=opinion, fed_back_at=ago(minutes=5), feedback="已回应")
    services.close(actor=world["station"], opinion=opinion)
    opinion.refresh_from_db()
    assert (opinion.case, opinion.verification, opinion.status) == (case, "partly", Opinion.Status.CLOSED)


def test_the_feedback_checker_flags_once_and_escalates_once(world):
    _create(world, found_at=ago(hours=25))
    _create(world, found_at=ago(hours=1))
    now = timezone.now()
    first = services.check(now)
    assert (first.checked, first.overdue, first.escalated) == (2, 1, 0)
    assert services.check(now).overdue == 0
    assert Notification.objects.filter(user=world["county"], kind="opinion.feedback_overdue").count() == 1
    assert services.check(now + datetime.timedelta(hours=24)).escalated == 1
    assert services.check(now + datetime.timedelta(hours=24)).escalated == 0
    assert Notification.objects.filter(user=world["city"], kind="opinion.escalated").count() == 1


def _exercise(world, kind, held_on, **changes):
    values = {"region_code": "370725", "kind": kind, "title": f"{kind} {held_on}", "held_on": held_on,
              "participants": 30}  # fmt: skip
    return plan_services.create_exercise(actor=world["county"], **(values | changes))


def test_readiness_needs_a_training_a_year_a_drill_and_a_live_drill_within_two_years(world):
    today = timezone.localdate()
    status = readiness("370725", today)
    assert not (status["trainings_ok"] or status["drills_ok"] or status["live_ok"] or status["veto"])
    _exercise(world, Exercise.Kind.TRAINING, today - datetime.timedelta(days=400))  # more than a year ago
    _exercise(world, Exercise.Kind.LIVE, today - datetime.timedelta(days=365 * 2 + 5))  # older than two years
    _exercise(world, Exercise.Kind.TABLETOP, today - datetime.timedelta(days=200))
    status = readiness("370725", today)
    assert (status["trainings_ok"], status["drills_ok"], status["live_ok"]) == (False, True, False)
    _exercise(world, Exercise.Kind.TRAINING, today - datetime.timedelta(days=10))
    _exercise(world, Exercise.Kind.LIVE, today - datetime.timedelta(days=300))
    status = readiness("370725", today)
    assert (status["trainings"], status["drills"], status["live_drills"]) == (1, 2, 1)
    assert status["trainings_ok"] and status["live_ok"]
    assert readiness("370304", today)["live_drills"] == 0  # another county's drills are its own
    assert readiness("370725001", today)["live_drills"] == 1  # the county's drill covers its townships


def test_a_region_may_require_more_trainings(world):
    today = timezone.localdate()
    _exercise(world, Exercise.Kind.TRAINING, today - datetime.timedelta(days=10))
    DeadlineRule.objects.create(code="emergency.plan_trainings_per_year", name="培训", region_prefix="370725",
                                version=2, unit="n", amount=2, valid_from=datetime.date(2020, 1, 1))  # fmt: skip
    assert readiness("370725", today)["trainings_ok"] is False


def test_readiness_shows_the_veto_of_a_grade_two_incident(world):
    incident_services.create_incident(actor=world["station"], **incident_values(world, affected=110, deaths=1))
    status = readiness("370725", timezone.localdate())
    assert status["veto"] and status["vetoes"][0].grade == "II"


def test_plans_are_versioned_with_a_checked_file_and_drills_refuse_bad_input(world):
    pdf = SimpleUploadedFile("预案.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    plan = plan_services.create_plan(actor=world["county"], region_code="370725", title="昌乐县食品安全事故应急预案",
                                     version="2025版", department="县市场监管局", approved_on=datetime.date(2025, 3, 1),
                                     upload=pdf)  # fmt: skip
    assert plan.file and plan.content_type == "application/pdf"
    with pytest.raises(ValidationError, match="已登记"):
        plan_services.create_plan(actor=world["county"], region_code="370725", title=plan.title, version="2025版",
                                  department="县局", approved_on=datetime.date(2025, 3, 1))  # fmt: skip
    bad = SimpleUploadedFile("x.exe", b"MZ....", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as exc:
        _exercise(world, "fire", timezone.localdate() + datetime.timedelta(days=1), participants=-1, upload=bad,
                  title="")  # fmt: skip
    assert {"kind", "held_on", "participants", "file", "title"} <= set(exc.value.message_dict)
    assert not Exercise.objects.exists()
    with pytest.raises(Http404):  # 博山区 is outside the county administrator's reach
        _exercise(world, "live", timezone.localdate(), region_code="370304")
