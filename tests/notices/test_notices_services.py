"""Notices (docs/notices.md): the types as data, issuing to each kind of recipient inside the jurisdiction only, the
reply clock on the holiday table, the recipient's reply (and nobody else's), the review, and escalation (idempotent)."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from shian.core import workdays
from shian.core.deadlinechecks import checkers
from shian.core.models import AuditEntry, Notification
from shian.notices import documents
from shian.notices.models import Notice, NoticeType
from shian.notices.selectors import notices as selectors
from shian.notices.selectors.types import types_in_force
from shian.notices.services import notices as services
from shian.notices.services import types as type_services
from shian.notices.services.deadlines import check_deadlines
from shian.regions.models import HolidayDay

from .helpers import issue

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


def _at(y, m, d, h=10):
    return datetime.datetime(y, m, d, h, tzinfo=TZ)


# -- types ------------------------------------------------------------------------------------------------------


def test_the_four_example_types_are_seeded_in_escalating_order():
    rows = types_in_force("370725")
    assert [t.title for t in rows] == ["提醒敦促函", "整改建议书", "约谈通知书", "督办通知书"]
    assert [t.grade for t in rows] == sorted({t.grade for t in rows})
    assert all(t.reply_days > 0 and t.doc_prefix for t in rows)


def test_a_county_administrator_changes_a_type_for_its_county_only_and_the_change_is_audited(people):
    row = type_services.update_type(actor=people.county, code="reminder", title="提醒函", grade="1", reply_days="7",
                                    doc_prefix="昌食安函", template_text="请{收文单位}重视{事由}", active="1")  # fmt: skip
    assert row.region_prefix == "370725"
    assert {t.code: t.title for t in types_in_force("370725001")}["reminder"] == "提醒函"
    assert {t.code: t.title for t in types_in_force("370304")}["reminder"] == "提醒敦促函"
    assert NoticeType.objects.get(region_prefix="", code="reminder").reply_days == 10
    entry = AuditEntry.objects.get(action="notices.type_update")
    assert entry.before["title"] == "提醒敦促函" and entry.after["title"] == "提醒函"


def test_a_type_change_with_bad_numbers_names_the_fields_and_a_township_may_not_edit(people):
    with pytest.raises(ValidationError) as exc:
        type_services.update_type(actor=people.county, code="reminder", title="", grade="x", reply_days="0",
                                  doc_prefix="食安办函", template_text="", active="1")  # fmt: skip
    assert set(exc.value.message_dict) == {"title", "grade", "reply_days"}
    assert "答复期限（工作日）" in exc.value.message_dict["reply_days"][0]
    with pytest.raises(PermissionDenied):
        type_services.update_type(actor=people.township, code="reminder", title="提醒函", grade="1", reply_days="7",
                                  doc_prefix="食安办函", template_text="", active="1")  # fmt: skip
    assert not NoticeType.objects.exclude(region_prefix="").exists()


# -- issuing ----------------------------------------------------------------------------------------------------


def test_a_notice_to_each_kind_of_recipient_gets_a_number_of_its_office_and_year(people):
    first = issue(people.county, kind="township")
    second = issue(people.county, kind="department")
    third = issue(people.county, kind="entity", entity=people.entity, type_code="rectification")
    year = timezone.localdate().year
    assert first.number == f"食安办函〔{year}〕1号"
    assert second.number == f"食安办函〔{year}〕2号"
    assert third.number == f"食安办建〔{year}〕3号"
    assert (first.recipient_name, second.recipient_name, third.recipient_name) == (
        "宝都街道",
        "昌乐县教育局",
        "站前饭店",
    )
    assert {n.status for n in (first, second, third)} == {Notice.Status.DELIVERED}
    city = issue(people.city, kind="township")
    assert city.number == f"食安办函〔{year}〕1号" and city.issuer_region_id == "3707"


def test_a_recipient_outside_the_issuers_jurisdiction_is_refused_as_unknown(people):
    with pytest.raises(Http404):
        issue(people.county, kind="township", township_code="370304001")
    with pytest.raises(Http404):
        issue(people.county, kind="entity", entity=people.far_entity)
    with pytest.raises(Http404):
        issue(people.county, kind="department", office_code="370304")
    with pytest.raises(PermissionDenied):
        issue(people.township, kind="township")
    assert not Notice.objects.exists()


def test_missing_text_is_refused_naming_each_field_and_nothing_is_written(people):
    recipient = services.resolve_recipient(actor=people.county, kind="township", township_code="370725001")
    with pytest.raises(ValidationError) as exc:
        services.create_notice(actor=people.county, type_code="nope", recipient=recipient, subject=" ", facts="",
                               requirement="x" * 5001)  # fmt: skip
    errors = exc.value.message_dict
    assert set(errors) == {"type_code", "subject", "facts", "requirement"}
    assert "事由" in errors["subject"][0] and "5000" in errors["requirement"][0]
    assert not Notice.objects.exists() and not AuditEntry.objects.filter(action__startswith="notices.").exists()


def test_delivery_tells_the_recipients_users_and_shows_the_notice_in_their_list(people):
    notice = issue(people.county, kind="department")
    assert Notification.objects.filter(user=people.education, kind="notices.delivered").count() == 1
    assert not Notification.objects.filter(user=people.health).exists()
    assert list(selectors.notice_list(user=people.education, mine=True)) == [notice]
    assert not selectors.notice_list(user=people.health).exists()
    assert not selectors.notice_list(user=people.enterprise).exists()


# -- the clock --------------------------------------------------------------------------------------------------


def test_the_reply_due_counts_working_days_across_a_holiday_and_a_make_up_saturday(people):
    for day in range(1, 8):
        HolidayDay.objects.update_or_create(date=datetime.date(2026, 10, day),
                                            defaults={"is_working_day": False, "name": "国庆节"})  # fmt: skip
    HolidayDay.objects.update_or_create(date=datetime.date(2026, 10, 10),
                                        defaults={"is_working_day": True, "name": "调休上班"})  # fmt: skip
    workdays.clear_cache()
    notice = issue(people.county, delivery="", now=_at(2026, 9, 28))
    notice = services.deliver(actor=people.county, notice=notice, method=Notice.Delivery.HAND,
                              delivered_at=_at(2026, 9, 28))  # fmt: skip
    # 10 working days from Monday 28 Sep: 29, 30 Sep; 8, 9, 10 (make-up Saturday), 12-16 Oct
    assert notice.due_rule["amount"] == 10 and notice.due_rule["unit"] == "WD"
    assert timezone.localtime(notice.reply_due).date() == datetime.date(2026, 10, 16)
    assert notice.due_rule["name"] == "提醒敦促函答复期限"


def test_the_due_is_kept_when_the_type_changes_later(people):
    notice = issue(people.county)
    due = notice.reply_due
    type_services.update_type(actor=people.county, code="reminder", title="提醒敦促函", grade="1", reply_days="3",
                              doc_prefix="食安办函", template_text="", active="1")  # fmt: skip
    notice.refresh_from_db()
    assert notice.reply_due == due and notice.due_rule["amount"] == 10


# -- reply and review -------------------------------------------------------------------------------------------


def test_the_recipient_replies_with_an_attachment_and_the_issuer_is_told(people):
    notice = issue(people.county, kind="entity", entity=people.entity)
    upload = SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    notice = services.reply(actor=people.enterprise, notice=notice, text="已建立陪餐制度", uploads=[upload])
    assert notice.status == Notice.Status.REPLIED and notice.replied_on_time is True
    assert [a.name for a in notice.attachments.all()] == ["整改报告.pdf"]
    assert Notification.objects.filter(user=people.county, kind="notices.replied").count() == 1


def test_a_reply_by_someone_who_is_not_the_recipient_is_refused(people):
    notice = issue(people.county, kind="township")
    with pytest.raises(PermissionDenied):
        services.reply(actor=people.county, notice=notice, text="代为答复")
    with pytest.raises(Http404):
        services.reply(actor=people.other_township, notice=notice, text="不是我")
    with pytest.raises(Http404):
        services.reply(actor=people.enterprise, notice=notice, text="不是我")
    to_entity = issue(people.county, kind="entity", entity=people.entity)
    with pytest.raises(Http404):
        services.reply(actor=people.other_enterprise, notice=to_entity, text="不是我")
    to_department = issue(people.county, kind="department")
    with pytest.raises(PermissionDenied):
        services.reply(actor=people.health, notice=to_department, text="不是我")
    assert not Notice.objects.filter(replied_at__isnull=False).exists()
    services.reply(actor=people.township, notice=notice, text="已整改")
    with pytest.raises(ValidationError):
        services.reply(actor=people.township, notice=notice, text="再答复一次")


def test_a_returned_reply_waits_for_a_new_one_on_a_new_due_and_acceptance_closes_it(people):
    notice = issue(people.county)
    notice = services.reply(actor=people.township, notice=notice, text="已整改")
    with pytest.raises(ValidationError) as exc:
        services.review(actor=people.county, notice=notice, accept=False, note="")
    assert "review_note" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.review(actor=people.city, notice=notice, accept=True)
    later = timezone.now() + datetime.timedelta(days=3)
    notice = services.review(actor=people.county, notice=notice, accept=False, note="未附整改照片", now=later)
    assert notice.status == Notice.Status.DELIVERED and notice.returned_count == 1
    assert notice.reply_due > later and notice.due_rule["returns"][0]["note"] == "未附整改照片"
    notice = services.reply(actor=people.township, notice=notice, text="已补充照片")
    notice = services.review(actor=people.county, notice=notice, accept=True)
    assert notice.status == Notice.Status.ACCEPTED
    assert set(AuditEntry.objects.filter(action__startswith="notices.").values_list("action", flat=True)) >= {
        "notices.draft",
        "notices.issue",
        "notices.deliver",
        "notices.reply",
        "notices.return",
        "notices.accept",
    }


# -- escalation -------------------------------------------------------------------------------------------------


def test_the_checker_is_registered_with_the_deadline_checks():
    assert checkers()["notices"] is check_deadlines


def test_an_overdue_notice_escalates_once_to_a_draft_of_the_next_grade(people):
    notice = issue(people.county, kind="department")
    after = notice.reply_due + datetime.timedelta(days=1)
    first = check_deadlines(after)
    second = check_deadlines(after + datetime.timedelta(hours=1))
    assert (first.overdue, first.escalated) == (1, 1)
    assert (second.overdue, second.escalated) == (0, 0)
    [draft] = Notice.objects.filter(previous=notice)
    assert draft.status == Notice.Status.DRAFT and draft.type_title == "整改建议书" and draft.grade > notice.grade
    assert (draft.department_id, draft.region_id, draft.subject) == ("education", "370725", notice.subject)
    assert notice.number in draft.facts
    assert AuditEntry.objects.filter(action="notices.escalate").count() == 1
    assert AuditEntry.objects.filter(action="notices.overdue").count() == 1
    assert Notification.objects.filter(user=people.county, kind="notices.escalated").count() == 1
    # the recipient does not see the draft until it is issued; the issuer signs it off
    assert not selectors.notice_list(user=people.education).filter(pk=draft.pk).exists()
    issued = services.issue_notice(actor=people.county, notice=draft, delivery_method=Notice.Delivery.SYSTEM)
    assert issued.number.startswith("食安办建") and issued.status == Notice.Status.DELIVERED


def test_a_notice_replied_in_time_or_not_yet_due_does_not_escalate(people):
    replied = issue(people.county)
    services.reply(actor=people.township, notice=replied, text="已整改")
    pending = issue(people.county, kind="department")
    counts = check_deadlines(pending.reply_due - datetime.timedelta(hours=1))
    assert counts.escalated == 0 and counts.overdue == 0
    assert not Notice.objects.filter(previous__isnull=False).exists()


def test_the_top_grade_escalates_to_the_level_above_once(people):
    notice = issue(people.county, kind="entity", entity=people.entity, type_code="supervision")
    after = notice.reply_due + datetime.timedelta(days=1)
    assert check_deadlines(after).escalated == 1
    assert check_deadlines(after).escalated == 0
    assert not Notice.objects.filter(previous=notice).exists()
    assert Notification.objects.filter(user=people.city, kind="notices.escalated").count() == 1
    assert AuditEntry.objects.filter(action="notices.escalate_above").count() == 1


# -- documents --------------------------------------------------------------------------------------------------


def test_the_document_is_generated_as_docx_and_pdf_with_its_red_heading_and_number(people):
    notice = issue(people.county, kind="entity", entity=people.entity)
    name, data = documents.render(notice, "docx")
    assert name.endswith(".docx") and notice.number in name
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "昌乐县食品安全委员会办公室" in body and notice.number in body and "E60012" in body
    assert "站前饭店" in body and "关于学校食堂食品安全管理的提醒敦促函" in body
    name, data = documents.render(notice, "pdf")
    assert name.endswith(".pdf") and data.startswith(b"%PDF")
    with pytest.raises(ValueError):
        documents.render(notice, "exe")


def test_a_notice_delivered_on_paper_starts_its_clock_when_the_delivery_is_recorded(people):
    notice = issue(people.county, delivery="")
    assert notice.status == Notice.Status.ISSUED and notice.reply_due is None
    assert not Notification.objects.filter(user=people.township).exists()
    with pytest.raises(ValidationError) as exc:
        services.deliver(actor=people.county, notice=notice, method=Notice.Delivery.HAND,
                         delivered_at=notice.issued_at - datetime.timedelta(days=2))  # fmt: skip
    assert "delivered_at" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.deliver(actor=people.township, notice=notice, method=Notice.Delivery.HAND)
    notice = services.deliver(actor=people.county, notice=notice, method=Notice.Delivery.MAIL, note="挂号信签收")
    assert notice.status == Notice.Status.DELIVERED and notice.reply_due > notice.delivered_at
    assert Notification.objects.filter(user=people.township, kind="notices.delivered").count() == 1
    with pytest.raises(ValidationError):
        services.deliver(actor=people.county, notice=notice, method=Notice.Delivery.MAIL)
