"""Incidents (docs/emergency.md §1, §4): graded I-IV by the thresholds in the rule store, the first report timed
against the 2-hour clock from awareness and flagged when late, follow-up and final reports, links, closure, the
checker that flags and escalates a missed first report once, and the grade I/II veto within 2 years."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from shian.cases.models import Case
from shian.complaints.models import Complaint
from shian.core import deadlinechecks
from shian.core.models import AuditEntry, DeadlineRule, Notification
from shian.emergency.models import Grade, Incident
from shian.emergency.selectors import incident_list, veto_incidents
from shian.emergency.services import incidents as services

from .emergency_setup import ago, incident_values, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _create(world, actor=None, **changes) -> Incident:
    return services.create_incident(actor=actor or world["station"], **incident_values(world, **changes))


def _first(world, incident, when, actor=None, **changes):
    values = {"kind": "first", "reported_at": when, "recipient": "昌乐县人民政府", "content": "初步情况"}
    return services.add_report(actor=actor or world["station"], incident=incident, **(values | changes))


def _errors(exc) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def test_the_first_report_is_due_two_hours_after_awareness_with_the_rule_kept(world):
    incident = _create(world)
    assert incident.first_report_due == incident.aware_at + datetime.timedelta(hours=2)
    rule = incident.due_rules["first_report"]
    assert (rule["code"], rule["amount"], rule["unit"]) == ("incident.report", 2, "h")
    assert incident.number.startswith(f"SG{timezone.localtime(incident.aware_at).year}370725-")
    assert incident.region_id == "370725001001"  # the entity's region
    assert AuditEntry.objects.filter(action="incident.create", object_id=str(incident.pk)).exists()


def test_a_region_that_shortens_the_clock_gets_the_shorter_deadline(world):
    DeadlineRule.objects.create(code="incident.report", name="事故报告", region_prefix="370725", version=2,
                                unit="h", amount=1, valid_from=datetime.date(2020, 1, 1))  # fmt: skip
    incident = _create(world)
    assert incident.first_report_due == incident.aware_at + datetime.timedelta(hours=1)
    assert incident.due_rules["first_report"]["region_prefix"] == "370725"


def test_a_first_report_within_two_hours_is_on_time_and_one_after_is_flagged_late(world):
    on_time = _create(world, aware_at=ago(hours=3))
    _first(world, on_time, on_time.aware_at + datetime.timedelta(minutes=110))
    on_time.refresh_from_db()
    assert on_time.first_reported_at and not on_time.first_report_late
    late = _create(world, aware_at=ago(hours=3))
    report = _first(world, late, late.aware_at + datetime.timedelta(minutes=130))
    late.refresh_from_db()
    assert late.first_report_late and report.late
    assert list(incident_list(user=world["county"], report="late")) == [late]


def test_grades_follow_the_counts_and_the_regional_thresholds(world):
    assert _create(world, affected=12).grade == Grade.IV
    assert _create(world, affected=120).grade == Grade.III
    assert _create(world, affected=20, deaths=1).grade == Grade.III
    assert _create(world, affected=120, deaths=1).grade == Grade.II
    DeadlineRule.objects.create(code="emergency.grade3_affected", name="较大", region_prefix="37", version=2,
                                unit="n", amount=50, valid_from=datetime.date(2020, 1, 1))  # fmt: skip
    assert _create(world, affected=60).grade == Grade.III


def test_a_grade_milder_than_the_counts_is_refused_and_a_graver_one_is_kept_with_its_basis(world):
    with pytest.raises(ValidationError) as exc:
        _create(world, affected=150, grade=Grade.IV)
    assert "至少应为较大（III级）" in _errors(exc)
    declared = _create(world, affected=10, grade=Grade.I)
    assert declared.grade == Grade.I and "认定" in declared.grade_basis


def test_bad_input_is_named_by_field_and_nothing_is_stored(world):
    with pytest.raises(ValidationError) as exc:
        _create(world, title="", aware_at=ago(hours=5), occurred_at=ago(hours=1), affected=-3,
                hospitalized=2)  # fmt: skip
    errors = exc.value.message_dict
    assert {"title", "aware_at", "affected"} <= set(errors)
    assert "获知时间不能早于发生时间" in " ".join(errors["aware_at"])
    with pytest.raises(ValidationError) as exc:
        _create(world, aware_at=timezone.now() + datetime.timedelta(days=1))
    assert "不能晚于当前时间" in _errors(exc)
    assert not Incident.objects.exists()


def test_reports_come_in_order_first_then_follow_ups_then_one_final(world):
    incident = _create(world)
    with pytest.raises(ValidationError, match="请先报送首报"):
        _first(world, incident, ago(hours=2), kind="follow_up")
    _first(world, incident, ago(hours=2))
    with pytest.raises(ValidationError, match="首报已于"):
        _first(world, incident, ago(hours=1))
    with pytest.raises(ValidationError, match="不能早于上一次报告"):
        _first(world, incident, ago(hours=2, minutes=30), kind="follow_up")
    _first(world, incident, ago(hours=1), kind="follow_up", affected=140)
    _first(world, incident, ago(minutes=30), kind="final")
    with pytest.raises(ValidationError, match="已报送终报"):
        _first(world, incident, ago(minutes=10), kind="follow_up")
    incident.refresh_from_db()
    assert list(incident.reports.values_list("kind", flat=True)) == ["first", "follow_up", "final"]
    assert incident.affected == 140 and incident.grade == Grade.III  # raised by the follow-up's counts


def test_links_and_closure_stay_inside_the_jurisdiction(world):
    incident = _create(world)
    own = Complaint.objects.create(number="TS-1", kind="complaint", channel="hotline", region_id="370725001",
                                   facts="腹泻", received_at=ago(hours=2))  # fmt: skip
    far = Case.objects.create(number="AJ-1", region_id="370304", title="博山案", opened_at=ago(days=1), decision_due=ago(days=-89),
                              created_by=world["boshan"])  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.link_records(actor=world["station"], incident=incident, complaint_ids=[own.pk], case_ids=[far.pk])
    assert "不在您的管辖范围内" in _errors(exc)
    services.link_records(actor=world["station"], incident=incident, complaint_ids=[own.pk])
    assert list(incident.complaints.all()) == [own]
    with pytest.raises(ValidationError, match="尚未首报"):
        services.close_incident(actor=world["station"], incident=incident, closed_at=ago(minutes=5), closure="处置完毕")
    _first(world, incident, ago(hours=2))
    services.close_incident(actor=world["station"], incident=incident, closed_at=ago(minutes=5), closure="处置完毕")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED
    with pytest.raises(ValidationError, match="已结案"):
        _first(world, incident, ago(minutes=1), kind="follow_up")


def test_only_writers_inside_the_jurisdiction_record_incidents(world):
    with pytest.raises(PermissionDenied):
        _create(world, actor=world["grid"])
    with pytest.raises(PermissionDenied):
        _create(world, actor=world["auditor"])
    with pytest.raises(ValidationError) as exc:
        _create(world, actor=world["boshan"])  # the entity is in 昌乐县: not in 博山's reach
    assert "entity" in exc.value.message_dict
    incident = _create(world)
    with pytest.raises(Http404):
        _first(world, incident, ago(hours=2), actor=world["boshan"])
    assert incident_list(user=world["boshan"]).count() == 0


def test_the_checker_flags_a_missed_first_report_once_and_escalates_it_once(world):
    incident = _create(world, aware_at=ago(hours=3))  # due an hour ago
    _create(world, aware_at=ago(minutes=30))  # not yet due
    now = timezone.now()
    counts = services.check(now)
    assert (counts.checked, counts.overdue, counts.escalated) == (2, 1, 0)
    assert services.check(now) == deadlinechecks.Counts(2, 0, 0)
    assert Notification.objects.filter(user=world["county"], kind="incident.first_report_overdue").count() == 1
    later = now + datetime.timedelta(hours=2)  # two hours past the due time
    assert services.check(later).escalated == 1
    assert services.check(later).escalated == 0
    assert Notification.objects.filter(user=world["city"], kind="incident.escalated").count() == 1
    incident.refresh_from_db()
    assert incident.overdue_at and incident.escalated_at
    assert list(incident_list(user=world["county"], report="overdue")) == [incident]


def test_the_checker_writes_its_alerts_and_entries_per_chunk_not_per_record(world):
    """Many missed first reports: each is audited and alerted as one at a time would be (the muted kind left out,
    the county's figures invalidated), with a number of queries that does not grow with the records."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shian.core import figcache
    from shian.core.models import NotificationPreference

    NotificationPreference.objects.create(user=world["city"], muted_kinds=["incident.escalated"])

    def figures():
        return figcache.remember(kind="test", code="370725", key=(), compute=timezone.now)[2]

    def run(now, n):
        for i in range(n):
            _create(world, aware_at=ago(hours=3), title=f"事故{n}-{i}")
        figures()
        with CaptureQueriesContext(connection) as queries:
            counts = services.check(now)
        return counts, len(queries)

    few, few_queries = run(timezone.now(), 2)
    many, many_queries = run(timezone.now() + datetime.timedelta(seconds=1), 12)
    assert (few.overdue, many.overdue) == (2, 12) and many_queries == few_queries
    assert not figures()  # the entries invalidated the county's figures
    entries = AuditEntry.objects.filter(action="incident.first_report_overdue")
    assert entries.count() == 14 and {e.region_code for e in entries} == {"370725001001"}
    assert all(e.actor_name == "system" and e.after["due"] for e in entries)
    assert Notification.objects.filter(user=world["county"], kind="incident.first_report_overdue").count() == 14
    assert services.check(timezone.now() + datetime.timedelta(hours=3)).escalated == 14
    assert not Notification.objects.filter(user=world["city"], kind="incident.escalated").exists()  # muted


def test_the_checker_is_registered_for_check_deadlines(world):
    _create(world, aware_at=ago(hours=3))
    total, each = deadlinechecks.run_all(timezone.now())
    assert each["emergency.incident_first_report"].overdue == 1
    assert total.overdue >= 1


def test_a_grade_one_or_two_incident_within_two_years_is_the_veto(world):
    recent = _create(world, affected=120, deaths=1)
    _create(world, affected=200, deaths=2, suspected=True)  # suspected: no veto
    _create(world, affected=120)  # grade III: no veto
    old = _create(world, affected=150, deaths=12)
    Incident.objects.filter(pk=old.pk).update(occurred_at=ago(days=800), aware_at=ago(days=800))
    # the recent one occurred this very minute, so it is "today" in local time whatever the hour the test runs at
    Incident.objects.filter(pk=recent.pk).update(occurred_at=timezone.now(), aware_at=timezone.now())
    today = timezone.localdate()
    assert list(veto_incidents("370725", today)) == [recent]
    assert list(veto_incidents("370304", today)) == []
    day_before = timezone.localdate(recent.occurred_at) - datetime.timedelta(days=1)  # not `today`: 4 h ago
    assert list(veto_incidents("370725", day_before)) == []  # may be yesterday just after local midnight
    assert set(veto_incidents("370725", today + datetime.timedelta(days=3 * 365))) == set()


def test_a_grade_two_incident_is_told_at_once_to_the_county_and_the_city(world):
    _create(world, affected=40)
    assert not Notification.objects.filter(kind="incident.major").exists()
    major = _create(world, affected=130, deaths=1)
    told = set(Notification.objects.filter(kind="incident.major").values_list("user_id", flat=True))
    assert told == {world["county"].pk, world["city"].pk}
    assert major.number in Notification.objects.filter(kind="incident.major").first().text
    raised = _create(world, affected=40)
    _first(world, raised, ago(hours=2), affected=120, deaths=1)  # a report raises it to grade II
    assert Notification.objects.filter(kind="incident.major", user=world["city"]).count() == 2
