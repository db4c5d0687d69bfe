"""The statutory clock of complaints and reports (docs/complaints.md §4; docs/domain.md §9, §15): each step's due
instant and rule, working days across a holiday with make-up days, extensions only with approval, transfers that
restart the clock at the receiving office, and the checker behind check_deadlines."""

import datetime
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from shian.complaints.models import Complaint
from shian.complaints.services import clock, intake
from shian.complaints.services.deadlines import check
from shian.core import figcache, workdays
from shian.core.models import AuditEntry, Notification
from shian.regions.models import HolidayDay

from .complaints_world import county_fixture, item_values  # noqa: F401

pytestmark = pytest.mark.django_db


def _local(y, m, d, h=10):
    return timezone.make_aware(datetime.datetime(y, m, d, h))


@pytest.fixture
def national_day_2025():
    """Oct 1-8 2025 off; Sunday 28 Sep and Saturday 11 Oct are make-up working days (State Council notice)."""
    for day in range(1, 9):
        HolidayDay.objects.update_or_create(date=datetime.date(2025, 10, day),
                                            defaults={"is_working_day": False, "name": "国庆节、中秋节"})  # fmt: skip
    for day in (datetime.date(2025, 9, 28), datetime.date(2025, 10, 11)):
        HolidayDay.objects.update_or_create(date=day, defaults={"is_working_day": True, "name": "调休上班"})
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def test_a_complaint_must_be_accepted_within_seven_working_days_counted_across_the_holiday(county, national_day_2025):
    item = intake.receive(actor=county["zhang"], **item_values(received_at=_local(2025, 9, 26)))
    # 28 Sep (make-up), 29, 30 Sep, 9, 10, 11 (make-up), 13 Oct
    assert timezone.localtime(item.accept_due).date() == datetime.date(2025, 10, 13)
    assert item.due_rules["accept"]["code"] == "complaint.accept" and item.due_rules["accept"]["amount"] == 7
    assert item.due_at == item.accept_due and item.status == "received"
    assert item.region_id == "370725001" and item.station_id == county["baodu"].pk


def test_acceptance_starts_mediation_and_a_late_step_is_remembered(county):
    item = intake.receive(
        actor=county["zhang"], **item_values(received_at=timezone.now() - datetime.timedelta(days=20))
    )
    item = clock.accept(actor=county["zhang"], complaint=item)
    assert item.status == "accepted" and item.late_steps == ["accept"]
    assert item.mediation_due == item.due_at and item.due_rules["mediation"]["amount"] == 45
    item = clock.mediate(actor=county["zhang"], complaint=item, result="agreed", note="退货退款")
    assert item.status == "mediated" and item.due_at is None
    assert AuditEntry.objects.filter(action="complaint.mediate", object_id=str(item.pk)).exists()


def test_a_complaint_cannot_be_anonymous_nor_refused_without_a_reason(county):
    with pytest.raises(ValidationError) as caught:
        intake.receive(actor=county["zhang"], **item_values(anonymous=True))
    assert "anonymous" in caught.value.message_dict
    item = intake.receive(actor=county["zhang"], **item_values())
    with pytest.raises(ValidationError) as caught:
        clock.refuse(actor=county["zhang"], complaint=item, reason=" ")
    assert "reason" in caught.value.message_dict


def test_a_named_reports_informant_is_due_to_be_told_within_five_working_days_of_the_decision(county):
    item = intake.receive(actor=county["zhang"], **item_values(kind="report"))
    assert item.check_due == item.due_at and item.due_rules["check"]["code"] == "report.check"
    item = clock.decide(actor=county["zhang"], complaint=item, filed=True, case_number="昌市监立〔2026〕1号")
    assert item.status == "decided" and item.notify_due == item.due_at
    expected = workdays.add_working_days(timezone.localtime(item.decided_at).date(), 5)
    assert timezone.localtime(item.notify_due).date() == expected
    item = clock.tell(actor=county["zhang"], complaint=item)
    assert item.status == "told" and item.due_at is None


def test_an_anonymous_report_is_closed_by_its_decision(county):
    item = intake.receive(actor=county["zhang"], **item_values(kind="report", anonymous=True, informant_name="",
                                                                phone=""))  # fmt: skip
    assert item.informant_name == "" and item.phone == ""
    item = clock.decide(actor=county["zhang"], complaint=item, filed=False, note="经核查，举报不实。")
    assert item.status == "closed" and item.due_at is None


def test_an_extension_needs_an_approver_and_adds_fifteen_working_days_once(county):
    item = intake.receive(actor=county["zhang"], **item_values(kind="report"))
    with pytest.raises(ValidationError) as caught:
        clock.extend(actor=county["zhang"], complaint=item, approver_id=None, reason="需检验")
    assert "approver" in caught.value.message_dict
    with pytest.raises(ValidationError):  # a station clerk is no approver
        clock.extend(actor=county["zhang"], complaint=item, approver_id=county["wang"].pk, reason="需检验")
    old = timezone.localtime(item.check_due).date()
    item = clock.extend(actor=county["zhang"], complaint=item, approver_id=county["admin"].pk, reason="需检验")
    assert timezone.localtime(item.check_due).date() == workdays.add_working_days(old, 15)
    assert item.extension_approver == county["admin"] and item.due_rules["extension"]["amount"] == 15
    with pytest.raises(ValidationError):
        clock.extend(actor=county["zhang"], complaint=item, approver_id=county["admin"].pk, reason="再延")


def test_a_transfer_stops_the_clock_and_the_receiving_office_starts_its_own(county):
    item = intake.receive(actor=county["zhang"], **item_values(received_at=timezone.now() - datetime.timedelta(days=9)))
    moved = clock.transfer(actor=county["zhang"], complaint=item, to_region="370725107", reason="经营地在乔官镇")
    item.refresh_from_db()
    assert item.in_transfer and item.due_at is None and item.region_id == "370725107"
    assert item.station_id == county["qiaoguan"].pk and moved.from_region_id == "370725001"
    with pytest.raises(ValidationError):
        clock.accept(actor=county["wang"], complaint=item)
    item = clock.receive_transfer(actor=county["wang"], complaint=item)
    assert item.clock_started_at == moved.__class__.objects.get().received_at
    assert item.accept_due > timezone.now() and item.due_at == item.accept_due


def test_a_transfer_outside_the_senders_province_is_refused_and_nothing_changes(county):
    item = intake.receive(actor=county["admin"], **item_values())
    with pytest.raises(ValidationError) as caught:
        clock.transfer(actor=county["admin"], complaint=item, to_region="110105", reason="外省")
    assert "to_region" in caught.value.message_dict
    item.refresh_from_db()
    assert not item.in_transfer and item.transfers.count() == 0 and item.region_id == "370725001"


def test_check_deadlines_marks_each_overdue_item_once_and_escalates_it_later(county):
    old = intake.receive(actor=county["zhang"], **item_values(received_at=timezone.now() - datetime.timedelta(days=30)))
    fresh = intake.receive(actor=county["zhang"], **item_values(facts="另一件：面包发霉。"))
    now = timezone.now()
    first = check(now)
    assert (first.checked, first.overdue) == (2, 1) and first.escalated == 1
    again = check(now)
    assert (again.overdue, again.escalated) == (0, 0)
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.overdue_at == now and old.escalated_at == now and fresh.overdue_at is None
    entries = AuditEntry.objects.filter(action="complaint.overdue")
    assert [[i["number"] for i in e.after["items"]] for e in entries] == [[old.number]]
    assert Notification.objects.filter(user=county["zhang"], kind="complaint.overdue").count() == 1
    assert Notification.objects.filter(user=county["admin"], kind="complaint.escalated").count() == 1


def test_an_item_just_past_due_is_overdue_but_not_yet_escalated(county):
    item = intake.receive(actor=county["zhang"], **item_values())
    at = item.due_at + datetime.timedelta(hours=1)
    counts = check(at)
    assert (counts.overdue, counts.escalated) == (1, 0)


def test_the_checker_drops_the_cached_figures_of_the_county_it_marked_items_in(county):
    """Its audit entries go in by bulk insert (no post_save): the checker invalidates their counties itself."""
    item = intake.receive(actor=county["zhang"], **item_values())
    counted = []

    def figures():
        return figcache.remember(kind="test", code="370725", key=(), compute=lambda: counted.append(1))[2]

    figures()
    assert figures()  # cached until something is written in the county
    check(item.due_at + datetime.timedelta(hours=1))
    assert not figures() and len(counted) == 2


def test_check_deadlines_command_prints_the_json_contract_last(county):
    intake.receive(actor=county["zhang"], **item_values(received_at=timezone.now() - datetime.timedelta(days=30)))
    out = StringIO()
    call_command("check_deadlines", "--json", "--at", timezone.now().isoformat(), stdout=out)
    last = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(last) == {"checked", "overdue", "escalated"} and last["overdue"] == 1


def test_the_cases_hook_records_the_filing_decision_of_a_report(county):
    item = intake.receive(actor=county["zhang"], **item_values(kind="report"))
    item = clock.mark_filed(county["zhang"], item, "昌市监立〔2026〕7号")
    assert item.filed is True and item.case_number == "昌市监立〔2026〕7号" and item.status == "decided"


def test_a_clerk_confirms_a_fuzzy_match_or_picks_another_entity(county):
    item = intake.receive(
        actor=county["admin"], **item_values(entity_name="宝都鲜果超市", entity_address="宝都街道宝都路")
    )
    assert item.match == "fuzzy" and item.entity_id == county["shop"].pk
    item = clock.confirm_match(actor=county["admin"], complaint=item, entity_id=county["inn"].pk)
    assert item.match == "matched" and item.region_id == "370725107" and item.station_id == county["qiaoguan"].pk


def test_staff_outside_the_items_region_cannot_touch_it(county):
    from django.http import Http404

    item = intake.receive(actor=county["zhang"], **item_values())
    with pytest.raises(Http404):
        clock.accept(actor=county["wang"], complaint=item)
    assert Complaint.objects.get().status == "received"


def test_the_daily_job_runs_every_registered_checker(county):
    from shian.core import schedule

    intake.receive(actor=county["zhang"], **item_values(received_at=timezone.now() - datetime.timedelta(days=30)))
    job = schedule.job("complaints.check_deadlines")
    assert "overdue=1" in job.run(timezone.now())


def test_rejecting_a_fuzzy_match_sends_the_item_back_to_the_county_desk(county):
    item = intake.receive(
        actor=county["admin"], **item_values(entity_name="宝都鲜果超市", entity_address="宝都街道宝都路")
    )
    item = clock.confirm_match(actor=county["admin"], complaint=item, entity_id=None)
    assert item.match == "none" and item.entity_id is None and item.region_id == "370725" and item.station_id is None


def test_the_audit_trail_keeps_no_informant_in_clear(county):
    item = intake.receive(actor=county["zhang"], **item_values(id_number="370725199003070013"))
    entry = AuditEntry.objects.get(action="complaint.receive", object_id=str(item.pk))
    text = json.dumps(entry.after, ensure_ascii=False)
    assert "13805361234" not in text and "王芳" not in text and "370725199003070013" not in text
