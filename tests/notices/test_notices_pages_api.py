"""Pages and API of notices (docs/notices.md §4): the issue form's messages name the field at fault, the detail shows
the clock, the recipient replies through its form, downloads, the types page, the API's scoping and refusals, the
work list and the KPIs."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shian.core.kpis import Grouping
from shian.core.worklist import items_for
from shian.notices import kpis
from shian.notices.models import Notice, NoticeType

from .helpers import issue

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_issue_form_issues_and_delivers_a_notice_to_an_entity_found_by_its_uscc(people):
    client = _client(people.county)
    page = client.get(reverse("notices:notice_new"))
    assert page.status_code == 200 and "宝都街道" in page.content.decode() and "教育局" in page.content.decode()
    response = client.post(reverse("notices:notice_new"), {
        "type_code": "reminder", "recipient_kind": "entity", "entity": people.entity.uscc, "subject": "进货查验",
        "facts": "未建立进货查验记录", "requirement": "建立台账", "delivery": "system"})  # fmt: skip
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("notices:notice_detail", args=[notice.pk])
    assert notice.entity == people.entity and notice.status == Notice.Status.DELIVERED


def test_the_issue_form_names_each_field_at_fault_and_refuses_a_recipient_outside(people):
    client = _client(people.county)
    response = client.post(reverse("notices:notice_new"), {"type_code": "reminder", "recipient_kind": "township",
                                                           "township_code": "370725001", "subject": "",
                                                           "facts": "", "requirement": "要求"})  # fmt: skip
    text = response.content.decode()
    assert response.status_code == 422 and "请填写事由" in text and "请填写发现的问题" in text
    response = client.post(reverse("notices:notice_new"), {"type_code": "reminder", "recipient_kind": "entity",
                                                           "entity": "朝阳饭店", "subject": "事由", "facts": "问题",
                                                           "requirement": "要求"})  # fmt: skip
    assert response.status_code == 422 and "未找到该主体" in response.content.decode()
    response = client.post(reverse("notices:notice_new"), {"type_code": "reminder", "recipient_kind": "township",
                                                           "township_code": "370304001", "subject": "事由",
                                                           "facts": "问题", "requirement": "要求"})  # fmt: skip
    assert response.status_code == 422 and "管辖范围" in response.content.decode()
    assert not Notice.objects.exists()


def test_the_detail_shows_the_clock_and_the_recipient_replies_through_its_form(people):
    notice = issue(people.county, kind="township")
    page = _client(people.county).get(reverse("notices:notice_detail", args=[notice.pk])).content.decode()
    assert notice.number in page and timezone.localtime(notice.reply_due).strftime("%Y-%m-%d") in page
    assert "提醒敦促函答复期限" in page
    client = _client(people.township)
    assert 'data-testid="reply-link"' in client.get(reverse("notices:notice_detail", args=[notice.pk])).content.decode()
    response = client.post(reverse("notices:notice_reply", args=[notice.pk]), {"reply_text": ""})
    assert response.status_code == 422 and "请填写答复内容" in response.content.decode()
    response = client.post(reverse("notices:notice_reply", args=[notice.pk]), {"reply_text": "已整改完毕"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == Notice.Status.REPLIED and notice.replied_by == people.township


def test_someone_who_is_not_the_recipient_cannot_reply_through_the_page(people):
    notice = issue(people.county, kind="entity", entity=people.entity)
    assert _client(people.other_enterprise).post(reverse("notices:notice_reply", args=[notice.pk]),
                                                 {"reply_text": "x"}).status_code == 404  # fmt: skip
    assert _client(people.township).post(reverse("notices:notice_reply", args=[notice.pk]),
                                         {"reply_text": "x"}).status_code == 403  # fmt: skip
    notice.refresh_from_db()
    assert notice.replied_at is None


def test_the_documents_download_as_docx_and_pdf(people):
    notice = issue(people.county, kind="department")
    client = _client(people.education)
    docx = client.get(reverse("notices:notice_document", args=[notice.pk]) + "?fmt=docx")
    assert docx.status_code == 200 and b"".join(docx.streaming_content).startswith(b"PK")
    pdf = client.get(reverse("notices:notice_document", args=[notice.pk]) + "?fmt=pdf")
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("notices:notice_document", args=[notice.pk]) + "?fmt=exe").status_code == 404
    assert _client(people.health).get(reverse("notices:notice_document", args=[notice.pk])).status_code == 404


def test_the_list_filters_by_type_status_and_overdue(people):
    reminder = issue(people.county)
    interview = issue(people.county, kind="department", type_code="interview")
    Notice.objects.filter(pk=interview.pk).update(reply_due=timezone.now() - datetime.timedelta(days=1))
    client = _client(people.county)
    page = client.get(reverse("notices:notice_list"), {"type": "reminder"}).content.decode()
    assert f'data-testid="notice-{reminder.pk}"' in page and f'data-testid="notice-{interview.pk}"' not in page
    page = client.get(reverse("notices:notice_list"), {"overdue": "1"}).content.decode()
    assert f'data-testid="notice-{interview.pk}"' in page and f'data-testid="notice-{reminder.pk}"' not in page
    page = client.get(reverse("notices:notice_list"), {"status": "accepted"}).content.decode()
    assert "notice-" + str(reminder.pk) not in page


def test_the_types_page_saves_a_change_for_the_region_and_names_a_bad_field(people):
    client = _client(people.county)
    assert "督办通知书" in client.get(reverse("notices:type_list")).content.decode()
    response = client.post(reverse("notices:type_list"), {"code": "interview", "title": "约谈通知书", "grade": "3",
                                                          "reply_days": "abc", "doc_prefix": "食安办约"})  # fmt: skip
    assert response.status_code == 422 and "答复期限（工作日）须为整数" in response.content.decode()
    response = client.post(reverse("notices:type_list"), {"code": "interview", "title": "约谈通知书", "grade": "3",
                                                          "reply_days": "8", "doc_prefix": "食安办约", "active": "1"})  # fmt: skip
    assert response.status_code == 302
    assert NoticeType.objects.get(region_prefix="370725", code="interview").reply_days == 8
    assert _client(people.township).get(reverse("notices:type_list")).status_code == 403


# -- API --------------------------------------------------------------------------------------------------------


def test_the_api_issues_lists_in_scope_and_refuses_a_reply_by_another(people):
    client = _client(people.county)
    response = client.post("/api/v1/notices/notices", {
        "type_code": "reminder", "recipient_kind": "entity", "entity_id": people.entity.pk, "subject": "事由",
        "facts": "问题", "requirement": "要求"}, content_type="application/json")  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "delivered" and body["number"].startswith("食安办函") and body["due_rule"]["unit"] == "WD"
    far = client.post("/api/v1/notices/notices", {
        "type_code": "reminder", "recipient_kind": "entity", "entity_id": people.far_entity.pk, "subject": "事由",
        "facts": "问题", "requirement": "要求"}, content_type="application/json")  # fmt: skip
    assert far.status_code == 404
    assert [n["id"] for n in _client(people.enterprise).get("/api/v1/notices/notices").json()["items"]] == [body["id"]]
    assert _client(people.other_enterprise).get("/api/v1/notices/notices").json()["items"] == []
    url = f"/api/v1/notices/notices/{body['id']}/reply"
    assert _client(people.other_enterprise).post(url, {"text": "x"}, content_type="application/json").status_code == 404
    assert _client(people.township).post(url, {"text": "x"}, content_type="application/json").status_code == 403
    ok = _client(people.enterprise).post(url, {"text": "已整改"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "replied"
    review = client.post(f"/api/v1/notices/notices/{body['id']}/review", {"accept": True},
                         content_type="application/json")  # fmt: skip
    assert review.json()["status"] == "accepted"
    assert [t["code"] for t in client.get("/api/v1/notices/types").json()][0] == "reminder"


# -- work list and KPIs -----------------------------------------------------------------------------------------


def _counts(user) -> dict:
    return {i.key: i.count for i in items_for(user) if i.key.startswith("notices.")}


def test_the_work_list_shows_replies_due_to_recipients_and_replies_to_review_to_issuers(people):
    waiting = issue(people.county, kind="township")
    replied = issue(people.county, kind="township")
    Notice.objects.filter(pk=waiting.pk).update(reply_due=timezone.now() - datetime.timedelta(hours=1))
    from shian.notices.services import notices as services

    services.reply(actor=people.township, notice=replied, text="已整改")
    assert _counts(people.township)["notices.reply_overdue"] == 1
    issuer = _counts(people.county)
    assert issuer["notices.to_review"] == 1 and issuer["notices.overdue"] == 1
    assert sum(_counts(people.other_township).values()) == 0


def test_the_kpis_count_issued_and_replied_on_time_by_the_recipients_region(people):
    on_time = issue(people.county)
    issue(people.county, kind="department")
    late = issue(people.county)
    from shian.notices.services import notices as services

    services.reply(actor=people.township, notice=on_time, text="已整改")
    Notice.objects.filter(pk=late.pk).update(reply_due=timezone.now() - datetime.timedelta(hours=1))
    parts = kpis.count(prefix="370725", grouping=Grouping(9), as_of=timezone.localdate())
    township = parts["370725001"]
    assert township["notices_issued"] == 2 and township["notices_replied_on_time"] == 1
    assert township["notices_due"] == 2 and township["notices_overdue"] == 1
    assert parts["370725"]["notices_issued"] == 1


def test_an_overdue_notice_escalated_to_the_next_grade_leaves_the_work_list_for_the_next_one(people):
    from shian.notices.services import notices as services
    from shian.notices.services.deadlines import check_deadlines

    notice = issue(people.county)
    check_deadlines(notice.reply_due + datetime.timedelta(days=1))
    assert _counts(people.county)["notices.drafts"] == 1
    Notice.objects.filter(pk=notice.pk).update(reply_due=timezone.now() - datetime.timedelta(days=1))
    assert _counts(people.county)["notices.overdue"] == 0 and _counts(people.township)["notices.reply_overdue"] == 0
    services.issue_notice(actor=people.county, notice=Notice.objects.get(previous=notice),
                          delivery_method=Notice.Delivery.SYSTEM)  # fmt: skip
    assert _counts(people.township)["notices.reply_waiting"] == 1
