"""Case pages and API (docs/cases.md §4-§5): the sources page opens a case from an overdue 包保 problem with one
button, the detail shows the clock and masked parties, the refusals (closure without a decision, an extension
without approval) come back as clear messages, 挂牌督办 by a higher level with its report requests, the API's
list/detail/open/decision/closure, the work list and the dashboard figures."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from shian.cases import kpis as case_kpis
from shian.cases.models import Case, LegalArticle, ReportRequest
from shian.cases.services import cases as services
from shian.core import deadlinechecks
from shian.core.kpis import Grouping
from shian.core.models import AuditEntry, Notification
from shian.core.worklist import items_for

from .cases_setup import overdue_problem, referral

pytestmark = pytest.mark.django_db
API = "/api/v1/cases"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def _open_case(world):
    return services.open_from_referral(actor=world.station, referral=referral(world))


def test_the_sources_page_lists_an_overdue_problem_and_one_button_opens_its_case(world):
    problem = overdue_problem(world)
    client = _client(world.station)
    page = client.get("/cases/sources/?kind=problem")
    assert page.status_code == 200 and f'data-testid="source-problem-{problem.pk}"' in page.content.decode()
    response = client.post("/cases/open/", {"source": "problem", "id": problem.pk}, follow=True)
    case = Case.objects.get(problem=problem)
    assert response.redirect_chain[-1][0] == f"/cases/{case.pk}/"
    body = response.content.decode()
    assert case.number in body and "包保问题逾期未整改" in body and "处理决定期限" in body
    again = client.post("/cases/open/", {"source": "problem", "id": problem.pk}, follow=True)
    assert "不能重复立案" in _messages(again) and Case.objects.count() == 1


def test_a_cadre_cannot_open_cases_and_an_outsider_sees_nothing(world):
    problem = overdue_problem(world)
    assert _client(world.cadre_user).post("/cases/open/", {"source": "problem", "id": problem.pk}).status_code == 403
    assert _client(world.outsider).post("/cases/open/", {"source": "problem", "id": problem.pk}).status_code == 404
    case = _open_case(world)
    assert _client(world.outsider).get(f"/cases/{case.pk}/").status_code == 404
    assert not Case.objects.filter(problem=problem).exists()


def test_closing_without_a_decision_and_extending_without_approval_show_messages_and_change_nothing(world):
    case = _open_case(world)
    client = _client(world.station)
    closed = client.post(f"/cases/{case.pk}/closure/", {"note": "结案"}, follow=True)
    assert "尚未作出处理决定，不能结案" in _messages(closed)
    extended = client.post(f"/cases/{case.pk}/extension/", {"approver": "", "approval_ref": "", "reason": "鉴定"},
                           follow=True)  # fmt: skip
    assert "延期须经负责人批准" in _messages(extended)
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and case.extended_at is None


def test_the_detail_page_decides_and_closes_and_shows_parties_masked(world):
    case = _open_case(world)
    client = _client(world.station)
    client.post(f"/cases/{case.pk}/parties/", {"kind": "legal_rep", "name": "王店主", "id_number": "11010519491231002X",
                                               "phone": "13812345678"})  # fmt: skip
    article = LegalArticle.objects.get(code="fsl-124")
    client.post(f"/cases/{case.pk}/investigation/", {"facts": "经营超范围使用添加剂的辣椒酱", "articles": [article.pk]})
    client.post(f"/cases/{case.pk}/decision/", {"penalties": ["fine", "confiscate_goods"], "fine_amount": "50000",
                                                "decision_number": "昌市监罚〔2026〕9号"})  # fmt: skip
    client.post(f"/cases/{case.pk}/closure/", {"note": "罚没款已缴清"})
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.penalties == ["fine", "confiscate_goods"]
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert "1101**********002X" in body and "138****5678" in body
    assert "11010519491231002X" not in body and "13812345678" not in body
    assert "罚款、没收违法食品及工具设备" in body and "50000.00" in body


def test_a_city_supervises_a_county_case_demands_a_report_and_the_station_answers(world, people):
    case = _open_case(world)
    county = _client(world.county_admin).post(f"/cases/{case.pk}/supervision/", {"reason": "重大案件"}, follow=True)
    assert "上级" in _messages(county) and not hasattr(Case.objects.get(pk=case.pk), "supervision")
    city = _client(people["city"])
    city.post(f"/cases/{case.pk}/supervision/", {"reason": "涉案金额大，社会关注"})
    case.refresh_from_db()
    assert case.supervision.level_id == "3707"
    city.post(f"/cases/{case.pk}/supervision/reports/", {"question": "报送调查进展"})
    req = ReportRequest.objects.get(supervision__case=case)
    assert req.due_rule["code"] == "cases.supervision_report" and req.due_at > timezone.now()
    listed = city.get("/cases/?supervised=1").content.decode()
    assert case.number in listed
    refused = _client(world.station).post(f"/cases/{case.pk}/supervision/reports/", {"question": "x"})
    assert refused.status_code == 403
    _client(world.station).post(f"/cases/reports/{req.pk}/answer/", {"answer": "已完成现场检查，待检验结果"})
    req.refresh_from_db()
    assert req.answered_at is not None and req.answer.startswith("已完成")
    assert Notification.objects.filter(user=people["city"], kind="case.report_answered").exists()


def test_an_unanswered_report_request_is_marked_overdue_once(world, people):
    case = _open_case(world)
    from shian.cases.services import supervision

    supervision.supervise(actor=people["city"], case=case, reason="督办")
    req = supervision.request_report(actor=people["city"], case=case, question="进展")
    later = req.due_at + datetime.timedelta(hours=1)
    first = deadlinechecks.checkers()["cases"](later)
    assert first.overdue == 1  # the report (the case itself is not yet due)
    assert deadlinechecks.checkers()["cases"](later).overdue == 0
    assert Notification.objects.filter(kind="case.report_overdue", user=people["city"]).count() == 1


def test_the_api_opens_decides_and_refuses_closure_without_a_decision(world):
    problem = overdue_problem(world)
    client = _client(world.station)
    created = client.post(f"{API}/cases", {"source": "problem", "source_id": problem.pk,
                                           "parties": [{"name": "王店主", "phone": "13812345678"}]},
                          content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["source"] == "problem" and body["parties"][0]["phone"] == "138****5678"
    assert body["due_rules"]["decision"]["code"] == "case.decision"
    pk = body["id"]
    refused = client.post(f"{API}/cases/{pk}/closure", {"note": "结案"}, content_type="application/json")
    assert refused.status_code == 422 and "不能结案" in refused.json()["message"]
    no_approval = client.post(f"{API}/cases/{pk}/extension", {"reason": "鉴定"}, content_type="application/json")
    assert no_approval.status_code == 422
    decided = client.post(f"{API}/cases/{pk}/decision", {"penalties": ["warning"], "decision_number": "昌罚1号",
                                                         "article_codes": ["fsl-126"]},
                          content_type="application/json")  # fmt: skip
    assert decided.status_code == 200 and decided.json()["status"] == "decided"
    listed = client.get(f"{API}/cases?status=decided").json()
    assert [c["id"] for c in listed["items"]] == [pk]
    assert _client(world.outsider).get(f"{API}/cases/{pk}").status_code == 404


def test_the_work_list_counts_overdue_cases_and_problems_waiting_for_a_case(world):
    overdue_problem(world)
    case = _open_case(world)
    Case.objects.filter(pk=case.pk).update(decision_due=timezone.now() - datetime.timedelta(days=1))
    shown = {i.key: i.count for i in items_for(world.station)}
    assert shown["cases.overdue"] == 1 and shown["cases.problems"] == 1


def test_the_dashboard_counts_filed_decided_and_on_time(world):
    late = _open_case(world)
    on_time = services.open_from_referral(actor=world.station, referral=referral(world))
    services.update_investigation(actor=world.station, case=on_time, facts="事实", legal_basis="食品安全法第126条")
    services.decide(actor=world.station, case=on_time, penalties=["warning"], decision_number="昌罚2号")
    Case.objects.filter(pk=late.pk).update(decision_due=timezone.now() - datetime.timedelta(hours=1))
    parts = case_kpis.count(prefix="370725", grouping=Grouping(6), as_of=timezone.localdate())["370725"]
    assert parts["cases_filed"] == 2 and parts["cases_decided"] == 1 and parts["cases_open_overdue"] == 1
    assert parts["cases_decided_on_time"] == 1 and parts["cases_due"] == 2
    assert parts["referrals_filed"] == 2 and parts["referrals_due"] == 2
    assert re.search(r"cases", str(case_kpis.TARGETS))


def test_the_visits_problem_list_links_enforcement_staff_to_the_referral_page(world):
    overdue_problem(world)
    assert 'href="/cases/sources/?kind=problem"' in _client(world.station).get("/visits/problems/").content.decode()
    assert "/cases/sources/" not in _client(world.cadre_user).get("/visits/problems/").content.decode()


def test_party_numbers_are_shown_in_clear_only_with_a_reason_and_the_view_is_audited(world):
    case = services.open_from_referral(actor=world.station, referral=referral(world),
                                       parties=[{"name": "王店主", "phone": "13812345678"}])  # fmt: skip
    admin = _client(world.county_admin)
    no_reason = admin.post(f"/cases/{case.pk}/", {"unmask": "1", "reason": ""})
    assert "13812345678" not in no_reason.content.decode() and "须填写事由" in _messages(no_reason)
    shown = admin.post(f"/cases/{case.pk}/", {"unmask": "1", "reason": "送达处罚决定书"}).content.decode()
    assert "13812345678" in shown
    entry = AuditEntry.objects.get(action="case.party_unmask")
    assert entry.after["reason"] == "送达处罚决定书" and entry.actor == world.county_admin
    station = _client(world.station).post(f"/cases/{case.pk}/", {"unmask": "1", "reason": "看看"})
    assert station.status_code == 403 and "13812345678" not in station.content.decode()


def test_the_api_supervises_demands_a_report_and_the_station_answers(world, people):
    case = _open_case(world)
    city = _client(people["city"])
    sup = city.post(f"{API}/cases/{case.pk}/supervision", {"reason": "重大案件"}, content_type="application/json")
    assert sup.status_code == 201 and sup.json()["supervision"]["level_code"] == "3707"
    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    req = city.post(f"{API}/cases/{case.pk}/supervision/reports", {"question": "报送进展", "due_on": due},
                    content_type="application/json")  # fmt: skip
    assert req.status_code == 201 and req.json()["due_at"].startswith(due)
    county = _client(world.county_admin).post(f"{API}/cases/{case.pk}/supervision/reports", {"question": "x"},
                                              content_type="application/json")  # fmt: skip
    assert county.status_code == 403
    answered = _client(world.station).post(f"{API}/reports/{req.json()['id']}/answer", {"answer": "调查中"},
                                           content_type="application/json")  # fmt: skip
    assert answered.status_code == 200 and answered.json()["answered_at"]
    detail = city.get(f"{API}/cases/{case.pk}").json()
    assert detail["supervised"] and detail["reports"][0]["answer"] == "调查中"


def test_a_referral_declined_with_a_reason_leaves_the_waiting_list(world):
    ref = referral(world)
    client = _client(world.station)
    empty = client.post("/cases/referrals/decline/", {"id": ref.pk, "reason": ""}, follow=True)
    assert "须填写理由" in _messages(empty)
    client.post("/cases/referrals/decline/", {"id": ref.pk, "reason": "经核查不属于违法行为"})
    ref.refresh_from_db()
    assert ref.status == "declined" and not Case.objects.exists()
    assert f"source-referral-{ref.pk}" not in client.get("/cases/sources/?kind=referral").content.decode()
    entry = AuditEntry.objects.get(action="case.referral_declined")
    assert entry.after["reason"] == "经核查不属于违法行为"


def test_the_detail_page_keeps_the_line_breaks_of_facts_basis_and_decision_without_inline_styles(world):
    """The pages are served with `style-src 'self'` (docs/security.md): an inline style attribute is blocked and
    logged as an error by the browser (found by tests/e2e/test_complaints.py), so line breaks are kept as <br>."""
    case = _open_case(world)
    client = _client(world.station)
    client.post(
        f"/cases/{case.pk}/investigation/", {"facts": "第一行事实\n第二行事实", "legal_basis": "依据甲\n依据乙"}
    )
    client.post(f"/cases/{case.pk}/decision/", {"penalties": ["warning"], "decision_number": "昌市监罚〔2026〕10号",
                                                "decision_text": "警告\n责令改正"})  # fmt: skip
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert "第一行事实<br>第二行事实" in body and "依据甲<br>依据乙" in body and "警告<br>责令改正" in body
    assert not re.search(r"<[^>]+\sstyle=", body)
