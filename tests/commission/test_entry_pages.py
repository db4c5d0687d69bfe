"""The commission's entry pages (docs/commission.md §5): the 食安办 records a meeting and hands its decisions to a
department or a township, adds ledger lines, registers volunteers and their tasks, and builds a scoring sheet with
its round, each through the service that checks and audits it; bad input answers with a message naming the field
and writes nothing; department users cannot reach the forms."""

import pytest
from django.test import Client

from shian.accounts.models import Role
from shian.commission.models import AssessmentRound, Decision, KeyWork, Meeting, ScoringSheet, Volunteer, VolunteerTask
from shian.core.models import AuditEntry


@pytest.fixture
def office(make_user):
    client = Client()
    client.force_login(make_user(Role.COUNTY_ADMIN, "370725", username="county"))
    return client


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_a_meeting_is_recorded_and_its_decisions_handed_to_a_department_and_a_township(office, regions):
    answer = office.post("/commission/meetings/new/", {
        "kind": "plenary", "title": "县食安委第一次全体会议", "held_on": "2026-03-02", "agenda": "部署年度重点工作",
        "attendees": ["education", "health"], "minutes": "会议议定三项工作",
    })  # fmt: skip
    meeting = Meeting.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/commission/meetings/{meeting.pk}/"
    assert set(meeting.attendees.values_list("code", flat=True)) == {"education", "health"}
    assert AuditEntry.objects.filter(action="commission.meeting").count() == 1
    office.post(f"/commission/meetings/{meeting.pk}/", {"text": "开展校园食品安全专项检查", "lead": "d:education",
                                                         "deadline": "2026-04-30"})  # fmt: skip
    office.post(f"/commission/meetings/{meeting.pk}/", {"text": "农村集体聚餐指导全覆盖", "lead": "t:370725001"})
    decisions = list(meeting.decisions.order_by("seq"))
    assert [(d.seq, d.lead_department_id, d.lead_township_id) for d in decisions] == [
        (1, "education", None), (2, None, "370725001")]  # fmt: skip
    assert decisions[1].due_rule["code"] == "commission.decision_days"  # no deadline typed: the rule's days
    page = office.get(f"/commission/meetings/{meeting.pk}/")
    assert "开展校园食品安全专项检查" in page.content.decode() and "农村集体聚餐指导全覆盖" in page.content.decode()


def test_a_meeting_with_a_malformed_date_is_refused_by_name_and_nothing_is_written(office, regions):
    answer = office.post("/commission/meetings/new/", {"kind": "plenary", "title": "专题会", "held_on": "2026-13-40",
                                                        "agenda": "议程"})  # fmt: skip
    assert answer.status_code == 422
    assert "会议日期不是有效日期" in _messages(answer) and "2026-13-40" in _messages(answer)
    assert not Meeting.objects.exists()


def test_a_decision_with_no_lead_is_refused_and_nothing_is_added(office, regions):
    office.post(
        "/commission/meetings/new/", {"kind": "topic", "title": "专题会", "held_on": "2026-03-02", "agenda": "x"}
    )
    meeting = Meeting.objects.get()
    answer = office.post(f"/commission/meetings/{meeting.pk}/", {"text": "某事项", "lead": ""}, follow=True)
    assert "请选择牵头部门或牵头乡镇" in _messages(answer)
    assert not Decision.objects.exists()


def test_ledger_lines_volunteers_and_their_tasks_are_added_from_the_pages(office, regions):
    office.post("/commission/ledger/new/", {"year": "2026", "project": "创建省级食品安全示范县", "lead": "education",
                                             "supporting": ["health"], "deadline": "2026-11-30"})  # fmt: skip
    line = KeyWork.objects.get()
    assert (line.project, line.lead_department_id, list(line.supporting.values_list("code", flat=True))) == (
        "创建省级食品安全示范县", "education", ["health"])  # fmt: skip
    office.post("/commission/volunteers/new/", {"township": "370725001", "name": "王小明", "phone": "13912345678",
                                                 "joined_on": "2026-02-01"})  # fmt: skip
    volunteer = Volunteer.objects.get()
    page = office.get("/commission/volunteers/").content.decode()
    assert "13912345678" not in page and "王小明" not in page  # masked on the page
    office.post("/commission/volunteers/tasks/new/", {"volunteer": volunteer.pk, "kind": "report",
                                                       "title": "反映某餐馆后厨卫生问题", "on": "2026-03-05",
                                                       "completed": "1"})  # fmt: skip
    task = VolunteerTask.objects.get()
    assert (task.volunteer_id, task.completed) == (volunteer.pk, True)


def test_a_bad_phone_or_an_unknown_lead_is_named_and_nothing_is_written(office, regions):
    answer = office.post("/commission/volunteers/new/", {"township": "370725001", "name": "李四", "phone": "1391234"},
                         follow=True)  # fmt: skip
    assert "手机号格式不正确" in _messages(answer)
    answer = office.post("/commission/ledger/new/", {"year": "2026", "project": "某项目", "lead": "nosuch",
                                                      "deadline": "2026-11-30"}, follow=True)  # fmt: skip
    assert "牵头部门不存在：nosuch" in _messages(answer)
    assert not Volunteer.objects.exists() and not KeyWork.objects.exists()


def test_a_scoring_sheet_and_its_round_are_created_together_or_not_at_all(office, regions):
    rows = {"name_1": "议定事项按期完成", "weight_1": "60", "source_1": "decisions_on_time",
            "name_2": "重点工作完成", "weight_2": "40", "source_2": "keywork_done"}  # fmt: skip
    base = {"name": "成员单位年度考核", "target": "department", "start": "2026-01-01"}
    refused = office.post("/commission/assessments/sheets/new/", {**base, **rows, "end": "2025-12-31"})
    assert refused.status_code == 422 and "考核期止" in _messages(refused)
    assert not ScoringSheet.objects.exists()  # the sheet was not kept without its round
    short = office.post("/commission/assessments/sheets/new/", {**base, **rows, "weight_2": "30", "end": "2026-06-30"})
    assert short.status_code == 422 and "现为 90 分" in _messages(short)
    office.post("/commission/assessments/sheets/new/", {**base, **rows, "end": "2026-06-30"})
    sheet = ScoringSheet.objects.get()
    assert [(c.name, c.weight) for c in sheet.criteria.order_by("seq")] == [
        ("议定事项按期完成", 60),
        ("重点工作完成", 40),
    ]
    assert AssessmentRound.objects.filter(sheet=sheet, period_end="2026-06-30").exists()


@pytest.mark.parametrize("path", ["/commission/meetings/new/", "/commission/assessments/sheets/new/"])
def test_department_users_cannot_reach_the_forms(make_user, path, regions):
    client = Client()
    client.force_login(make_user(Role.DEPARTMENT_STAFF, "370725", username="edu", department_id="education"))
    assert client.get(path).status_code == 403
    assert client.post("/commission/ledger/new/", {"project": "x"}).status_code == 403
