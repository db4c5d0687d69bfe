"""Rectification (issue 19 item 5, docs/inspections.md §5): the enterprise answers its own orders only, with
evidence; nothing is stored for a closed or escalated order; the inspector re-checks (pass closes, fail reopens
with the note); orders still open `inspections.escalate_after` working days past the deadline escalate into a
case referral with a notice to the station; work-list items count what waits."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from shian.core import worklist
from shian.core.models import AuditEntry, Notification
from shian.inspections.models import CaseReferral, InspectionPhoto, RectificationAnswer, RectificationOrder
from shian.inspections.selectors.rectification import order_list
from shian.inspections.services.rectification import (
    answer_order,
    escalate_overdue_orders,
    recheck_order,
    store_photo,
)

from .inspecting_world import iworld_fixture, sign  # noqa: F401

CST = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime.datetime(2026, 3, 6, 10, 0, tzinfo=CST)


@pytest.fixture
def clock(monkeypatch):
    def set_now(value):
        monkeypatch.setattr(timezone, "now", lambda: value)

    set_now(FRIDAY)
    return set_now


@pytest.fixture
def order(iworld, clock):
    inspection, _ = sign(iworld, fail={2: "公示牌缺失"})
    return inspection.order


def jpeg(name="fixed.jpg"):
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_the_enterprise_answers_its_own_order_with_photos(iworld, order):
    photo = store_photo(actor=iworld.enterprise, upload=jpeg())
    answer = answer_order(actor=iworld.enterprise, order=order, text="已重新张贴公示牌", photo_ids=[photo.pk])
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.ANSWERED
    assert list(answer.files.all()) == [photo]
    assert AuditEntry.objects.filter(action="order.answer", object_id=str(order.pk)).exists()
    assert Notification.objects.filter(user=iworld.a, kind="order.answered").exists()


def test_another_entity_cannot_see_or_answer_the_order(iworld, order):
    with pytest.raises(Http404):
        answer_order(actor=iworld.other_enterprise, order=order, text="不是我的")
    assert not RectificationAnswer.objects.exists()
    assert not order_list(user=iworld.other_enterprise).exists()
    assert list(order_list(user=iworld.enterprise)) == [order]


def test_a_regulator_does_not_answer_for_the_enterprise(iworld, order):
    with pytest.raises(PermissionDenied):
        answer_order(actor=iworld.a, order=order, text="代答")


def test_answering_a_closed_order_is_refused_and_nothing_stored(iworld, order):
    answer_order(actor=iworld.enterprise, order=order, text="已整改")
    recheck_order(actor=iworld.a, order=order, passed=True)
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.CLOSED and order.closed_at is not None
    photo = store_photo(actor=iworld.enterprise, upload=jpeg())
    with pytest.raises(ValidationError, match="已复查销号"):
        answer_order(actor=iworld.enterprise, order=order, text="再答一次", photo_ids=[photo.pk])
    assert RectificationAnswer.objects.count() == 1
    assert InspectionPhoto.objects.get(pk=photo.pk).answer_id is None


def test_a_failed_recheck_reopens_with_the_note(iworld, order):
    answer_order(actor=iworld.enterprise, order=order, text="已整改")
    with pytest.raises(ValidationError, match="复查意见"):
        recheck_order(actor=iworld.a, order=order, passed=False)
    recheck_order(actor=iworld.a, order=order, passed=False, note="公示牌仍是旧版")
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.OPEN
    assert order.rechecks.get().note == "公示牌仍是旧版"
    assert AuditEntry.objects.filter(action="order.recheck", object_id=str(order.pk)).count() == 1
    # the enterprise may answer again
    answer_order(actor=iworld.enterprise, order=order, text="已更换新版公示牌")


def test_only_answered_orders_are_rechecked(iworld, order):
    with pytest.raises(ValidationError, match="只有企业已反馈"):
        recheck_order(actor=iworld.a, order=order, passed=True)


def test_an_order_still_open_past_the_grace_escalates_once(iworld, order, clock):
    due = timezone.localtime(order.due_at).date()  # 27 March 2026 (15 working days)
    clock(datetime.datetime.combine(due + datetime.timedelta(days=3), datetime.time(9), tzinfo=CST))
    assert escalate_overdue_orders() == 0  # past the deadline, within the 5 working days' grace
    clock(datetime.datetime(2026, 4, 7, 9, 0, tzinfo=CST))  # more than 5 working days after 27 March
    assert escalate_overdue_orders() == 1
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.ESCALATED
    referral = CaseReferral.objects.get()
    assert referral.source == "rectification" and referral.order == order and order.number in referral.reason
    assert Notification.objects.filter(user=iworld.a, kind="order.escalated").exists()
    assert AuditEntry.objects.filter(action="order.escalate").count() == 1
    assert escalate_overdue_orders() == 0  # idempotent
    with pytest.raises(ValidationError, match="移送立案"):
        answer_order(actor=iworld.enterprise, order=order, text="迟到的整改")


def test_an_answered_order_is_not_escalated(iworld, order, clock):
    answer_order(actor=iworld.enterprise, order=order, text="已整改")
    clock(datetime.datetime(2026, 5, 6, 9, 0, tzinfo=CST))
    assert escalate_overdue_orders() == 0 and not CaseReferral.objects.exists()


def test_work_list_items(iworld, order, clock):
    today = FRIDAY.date()
    enterprise = {i.key: i.count for i in worklist.items_for(iworld.enterprise, today=today)}
    assert enterprise["inspections.own_orders"] == 1
    answer_order(actor=iworld.enterprise, order=order, text="已整改")
    inspector = {i.key: i.count for i in worklist.items_for(iworld.a, today=today)}
    assert inspector["inspections.orders_recheck"] == 1
    recheck_order(actor=iworld.a, order=order, passed=False, note="未整改到位")
    clock(datetime.datetime(2026, 4, 1, 9, 0, tzinfo=CST))
    station = {i.key: i.count for i in worklist.items_for(iworld.staff, region_code="370725001")}
    assert station["inspections.orders_overdue"] == 1


def test_order_pages_answer_and_recheck(iworld, order, client):
    client.force_login(iworld.enterprise)
    page = client.get(reverse("inspections:order_detail", args=[order.pk])).content.decode()
    assert order.number in page and "answer-form" in page
    client.post(reverse("inspections:order_answer", args=[order.pk]), {"text": "已整改", "files": [jpeg()]})
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.ANSWERED and order.answers.get().files.count() == 1
    client.force_login(iworld.other_enterprise)
    assert client.get(reverse("inspections:order_detail", args=[order.pk])).status_code == 404
    client.force_login(iworld.a)
    client.post(reverse("inspections:order_recheck", args=[order.pk]), {"passed": "1"})
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.CLOSED


def test_order_api(iworld, order, client):
    client.force_login(iworld.enterprise)
    assert client.get("/api/v1/inspections/orders").json()["count"] == 1
    answered = client.post(f"/api/v1/inspections/orders/{order.pk}/answer", {"text": "已整改"},
                           content_type="application/json")  # fmt: skip
    assert answered.status_code == 201 and answered.json()["status"] == "answered"
    again = client.post(f"/api/v1/inspections/orders/{order.pk}/answer", {"text": "再答"},
                        content_type="application/json")  # fmt: skip
    assert again.status_code == 422
    client.force_login(iworld.other_enterprise)
    assert client.get(f"/api/v1/inspections/orders/{order.pk}").status_code == 404


def test_the_daily_escalation_is_a_registered_job(db):
    from shian.core import schedule

    job = schedule.job("inspections.escalate_orders")
    assert job is not None and job.label and job.schedule_text()


def test_the_inspection_jobs_run_at_their_own_hour_rules_not_other_apps(db):
    """The nightly plan tasks and the escalation follow `inspections.*_hour`: moving the dashboard's or the
    visits' hour leaves them alone, moving their own moves them."""
    import datetime

    from shian.core import schedule
    from shian.core.models import DeadlineRule

    jobs = {"inspections.tasks_from_plan": "inspections.plan_tasks_hour",
            "inspections.escalate_orders": "inspections.escalate_hour"}  # fmt: skip
    before = {name: schedule.job(name).schedule_text() for name in jobs}
    for code in ("dashboard.history_hour", "visits.escalate_hour"):
        DeadlineRule.objects.create(code=code, name="他处", unit="h", amount=7, version=2,
                                    valid_from=datetime.date(2020, 1, 1))  # fmt: skip
    assert {name: schedule.job(name).schedule_text() for name in jobs} == before
    for name, code in jobs.items():
        DeadlineRule.objects.create(code=code, name="本处", unit="h", amount=5, version=2,
                                    valid_from=datetime.date(2020, 1, 1))  # fmt: skip
        assert schedule.job(name).schedule_text() == "每天 05:00"
