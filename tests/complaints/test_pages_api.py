"""The pages and API of complaints (docs/complaints.md §5): the clerk's entry routed to the station, the list's
filters, the detail's clock and actions, the informant masked (in clear only with a reason, audited), the public
form without login (anonymous reports, phone format, limited per address) and the lookup showing status only."""

import datetime
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shian.complaints.models import Complaint
from shian.complaints.services import intake
from shian.core.models import AuditEntry

from .complaints_world import county_fixture, item_values  # noqa: F401

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_a_clerk_types_in_a_hotline_complaint_and_it_reaches_the_right_station(county):
    received = timezone.localtime(timezone.now() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = _client(county["admin"]).post(reverse("complaints:new"), {
        "kind": "complaint", "channel": "hotline", "category": "catering", "received_at": received,
        "entity_name": "乔官老张家常菜馆", "entity_address": "乔官镇乔官村", "facts": "吃了凉菜后腹泻。",
        "informant_name": "李娜", "phone": "15966661234",
    })  # fmt: skip
    item = Complaint.objects.get()
    assert response.status_code == 302 and response.url == reverse("complaints:detail", args=[item.pk])
    assert item.station_id == county["qiaoguan"].pk and item.region_id == "370725107"


def test_the_entry_form_names_the_field_at_fault_and_stores_nothing(county):
    response = _client(county["admin"]).post(reverse("complaints:new"), {
        "kind": "complaint", "channel": "hotline", "category": "catering", "received_at": "2026-01-05T10:00",
        "entity_name": "乔官老张家常菜馆", "facts": "腹泻。", "informant_name": "李娜", "phone": "1596666",
    })  # fmt: skip
    assert response.status_code == 422 and "电话号码" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_the_list_filters_overdue_items_and_the_detail_shows_the_clock_with_its_rule(county):
    late = intake.receive(
        actor=county["zhang"], **item_values(received_at=timezone.now() - datetime.timedelta(days=30))
    )
    intake.receive(actor=county["zhang"], **item_values(facts="面包发霉。"))
    client = _client(county["zhang"])
    page = client.get(reverse("complaints:list"), {"overdue": "1"}).content.decode()
    assert late.number in page and len(re.findall(r'data-testid="complaint-\d+"', page)) == 1
    detail = client.get(reverse("complaints:detail", args=[late.pk])).content.decode()
    assert "投诉受理决定：7个工作日" in detail and "已逾期" in detail


def test_the_informant_is_masked_and_shown_in_clear_only_with_a_reason_that_is_audited(county):
    item = intake.receive(actor=county["admin"], **item_values())
    client = _client(county["admin"])
    detail = client.get(reverse("complaints:detail", args=[item.pk])).content.decode()
    assert "13805361234" not in detail and "138****1234" in detail and "王芳" not in detail
    shown = client.post(reverse("complaints:reveal", args=[item.pk]), {"reason": "回访投诉人"}).content.decode()
    assert "13805361234" in shown
    entry = AuditEntry.objects.get(action="pii.unmask", object_id=str(item.pk))
    assert entry.after["reason"] == "回访投诉人"


def test_actions_move_a_complaint_through_its_steps(county):
    item = intake.receive(actor=county["zhang"], **item_values())
    client = _client(county["zhang"])
    client.post(reverse("complaints:accept", args=[item.pk]), {})
    client.post(reverse("complaints:mediate", args=[item.pk]), {"result": "agreed", "note": "退款"})
    client.post(reverse("complaints:close", args=[item.pk]), {"result": "已退款，投诉人满意"})
    item.refresh_from_db()
    assert item.status == "closed" and item.mediation_result == "agreed" and item.result == "已退款，投诉人满意"


def test_an_extension_without_an_approver_is_refused_with_a_message(county):
    item = intake.receive(actor=county["zhang"], **item_values(kind="report"))
    response = _client(county["zhang"]).post(reverse("complaints:extend", args=[item.pk]), {"reason": "需检验"},
                                              follow=True)  # fmt: skip
    assert "延期须经负责人批准" in response.content.decode()
    item.refresh_from_db()
    assert item.extended_at is None


def test_the_public_form_takes_an_anonymous_report_without_login_and_gives_a_lookup_code(county):
    response = _client().post(reverse("complaints:public_new"), {
        "county": "370725", "kind": "report", "category": "catering", "entity_name": "乔官老张家常菜馆",
        "entity_address": "乔官镇乔官村", "facts": "后厨有老鼠。", "anonymous": "1",
    })  # fmt: skip
    item = Complaint.objects.get()
    assert response.status_code == 200 and item.lookup_code in response.content.decode()
    assert item.channel == "portal" and item.anonymous and item.station_id == county["qiaoguan"].pk
    status = _client().get(reverse("complaints:public_lookup"), {"number": item.number, "code": item.lookup_code})
    text = status.content.decode()
    assert status.status_code == 200 and "待受理" in text and "老鼠" not in text and "老张" not in text
    wrong = _client().get(reverse("complaints:public_lookup"), {"number": item.number, "code": "000000"})
    assert wrong.status_code == 404


def test_the_public_form_checks_the_phone_and_calls_the_phone_hook(county, monkeypatch):
    from shian.complaints.services import public

    values = {"county": "370725", "kind": "complaint", "category": "sale", "entity_name": "宝都鲜果超市有限公司",
              "facts": "牛奶过期。", "informant_name": "张伟", "phone": "2380536"}  # fmt: skip
    response = _client().post(reverse("complaints:public_new"), values)
    assert response.status_code == 422 and "电话号码" in response.content.decode()
    seen = []
    monkeypatch.setattr(public, "PHONE_CHECK", lambda phone, code: seen.append((phone, code)))
    response = _client().post(reverse("complaints:public_new"), {**values, "phone": "13905361111", "code": "123456"})
    assert response.status_code == 200 and seen == [("13905361111", "123456")]


def test_a_named_informant_gets_a_texted_code_and_the_item_is_stored_only_with_it(county):
    from shian.core import sms

    sms.outbox.clear()
    values = {"county": "370725", "kind": "complaint", "category": "sale", "entity_name": "宝都鲜果超市有限公司",
              "facts": "牛奶过期。", "informant_name": "张伟", "phone": "13905361111"}  # fmt: skip
    client = _client()
    refused = client.post(reverse("complaints:public_new"), {**values, "action": "submit"})
    assert refused.status_code == 422 and "请填写短信验证码" in refused.content.decode()
    sent = client.post(reverse("complaints:public_new"), {**values, "action": "code"})
    assert sent.status_code == 200 and "验证码已发送至 139****1111" in sent.content.decode()
    assert sms.outbox[-1][0] == "13905361111"
    code = re.search(r"\d{6}", sms.outbox[-1][1]).group(0)
    wrong = client.post(
        reverse("complaints:public_new"), {**values, "code": "000000" if code != "000000" else "111111"}
    )
    assert wrong.status_code == 422 and not Complaint.objects.exists()
    stored = client.post(reverse("complaints:public_new"), {**values, "code": code})
    assert stored.status_code == 200 and Complaint.objects.get().phone == "13905361111"
    again = client.post(reverse("complaints:public_new"), {**values, "code": code})  # a spent code
    assert again.status_code == 422 and Complaint.objects.count() == 1
    api = client.post("/api/v1/complaints/public/code", {"phone": "2380536"}, content_type="application/json")
    assert api.status_code == 422
    assert client.post("/api/v1/complaints/public/code", {"phone": "13905362222"},
                       content_type="application/json").json()["minutes"] > 0  # fmt: skip
    sms.outbox.clear()


def test_a_form_refused_for_another_field_keeps_the_texted_code_for_the_corrected_form(county):
    """The code is spent only when the item is stored (the refusal rolls the spending back): a citizen who forgot
    the category corrects it and submits with the same code."""
    from shian.core import sms

    sms.outbox.clear()
    values = {"county": "370725", "kind": "complaint", "category": "sale", "entity_name": "宝都鲜果超市有限公司",
              "facts": "牛奶过期。", "informant_name": "张伟", "phone": "13905363333"}  # fmt: skip
    client = _client()
    client.post(reverse("complaints:public_new"), {**values, "action": "code"})
    code = re.search(r"\d{6}", sms.outbox[-1][1]).group(0)
    refused = client.post(reverse("complaints:public_new"), {**values, "category": "", "code": code})
    assert refused.status_code == 422 and "请选择食品类别" in refused.content.decode()
    assert "验证码" not in refused.content.decode().split("form-errors")[1].split("</ul>")[0]
    no_code = client.post(reverse("complaints:public_new"), {**values, "category": "", "action": "submit"})
    assert no_code.status_code == 422 and "请填写短信验证码" in no_code.content.decode()  # both said at once
    stored = client.post(reverse("complaints:public_new"), {**values, "code": code})
    assert stored.status_code == 200 and Complaint.objects.get().phone == "13905363333"
    sms.outbox.clear()


def test_the_public_form_is_limited_per_client_address(county, settings):
    from shian.core.models import DeadlineRule

    DeadlineRule.objects.create(code="complaints.public_per_address", name="限次", region_prefix="", version=1,
                                unit="n", amount=2, valid_from=datetime.date(2000, 1, 2), source="测试")  # fmt: skip
    values = {"county": "370725", "kind": "report", "category": "sale", "facts": "销售过期食品。", "anonymous": "1",
              "entity_name": "宝都鲜果超市有限公司"}  # fmt: skip
    client = _client()
    codes = [
        client.post(reverse("complaints:public_new"), {**values, "facts": f"第{n}次"}).status_code for n in range(3)
    ]
    assert codes == [200, 200, 429] and Complaint.objects.count() == 2


def test_the_api_lists_masked_items_and_runs_a_step(county):
    item = intake.receive(actor=county["zhang"], **item_values())
    client = _client(county["zhang"])
    listed = client.get("/api/v1/complaints/items", {"overdue": "1"}).json()
    assert listed["count"] == 0
    detail = client.get(f"/api/v1/complaints/items/{item.pk}").json()
    assert detail["phone"] == "138****1234" and "13805361234" not in json.dumps(detail)
    accepted = client.post(f"/api/v1/complaints/items/{item.pk}/accept", {}, content_type="application/json").json()
    assert accepted["status"] == "accepted" and accepted["mediation_due"]
    refused = client.post(f"/api/v1/complaints/items/{item.pk}/transfer", {"to_region": "110105", "reason": "外省"},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 422


def test_the_api_public_lookup_shows_status_only(county):
    item = intake.receive(actor=county["zhang"], **item_values())
    found = _client().post("/api/v1/complaints/public/lookup", {"number": item.number, "code": item.lookup_code},
                           content_type="application/json")  # fmt: skip
    assert found.status_code == 200 and set(found.json()) == {"number", "kind", "received_on", "status",
                                                                "accepted_on", "decided_on", "closed_on"}  # fmt: skip


def test_an_enterprise_account_sees_no_complaint_about_its_business(county, make_user):
    from shian.accounts.models import Role

    intake.receive(actor=county["zhang"], **item_values())
    owner = make_user(Role.ENTERPRISE, "370725001001", entity=county["shop"])
    assert _client(owner).get(reverse("complaints:list")).status_code == 403


def test_the_import_page_lists_every_bad_cell_and_stores_nothing(county):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shian.complaints.testing import export_xlsx, platform_rows

    rows = platform_rows(3, entities=[{"name": county["shop"].name, "uscc": "", "address": county["shop"].address}],
                         seed=1, today=timezone.localdate(), unknown_share=0)  # fmt: skip
    rows[2]["phone"] = "12345"
    upload = SimpleUploadedFile("12315.xlsx", export_xlsx(rows))
    response = _client(county["admin"]).post(reverse("complaints:import"), {"file": upload})
    assert response.status_code == 422 and "第 5 行" in response.content.decode() and Complaint.objects.count() == 0
    upload = SimpleUploadedFile("12315.xlsx", export_xlsx(rows[:2]))
    response = _client(county["admin"]).post(reverse("complaints:import"), {"file": upload})
    assert response.status_code == 200 and Complaint.objects.count() == 2
