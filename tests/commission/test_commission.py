"""The commission's coordination (docs/commission.md): decisions become tracked tasks with working-day deadlines and
overdue alerts, department scoping of tasks and ledger lines, the assessment's maths and traceability, the sharing
package's contents, and bad input refused with a message and nothing written."""

import datetime
import hashlib
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from python_calamine import CalamineWorkbook

from shian.accounts.models import Role
from shian.commission import selectors
from shian.commission.models import AssessmentScore, Decision, KeyWork, Meeting, ScoringSheet, SharingPackage
from shian.commission.services import assessment, ledger, meetings, sharing, volunteers
from shian.core import rules
from shian.core.models import AuditEntry, Notification
from shian.core.workdays import add_working_days
from shian.notices.models import Notice

D = datetime.date


@pytest.fixture
def people(make_user):
    class P:
        county = make_user(Role.COUNTY_ADMIN, "370725", username="county")
        education = make_user(Role.DEPARTMENT_STAFF, "370725", username="edu", department_id="education")
        health = make_user(Role.DEPARTMENT_STAFF, "370725", username="health", department_id="health")
        baodu = make_user(Role.TOWNSHIP_ADMIN, "370725001", username="baodu")

    return P


def _rows(data: bytes, sheet: str) -> list:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet).to_python()


def _meeting(people, held_on=None):
    return meetings.create_meeting(actor=people.county, region_code="370725", kind="plenary", title="县食安委全体会议",
                                   held_on=held_on or D(2026, 3, 2), agenda="部署年度工作", attendees=["education", "health"])  # fmt: skip


# -- meetings and decisions ------------------------------------------------------------------------------------


def test_a_decision_becomes_a_task_with_the_rule_deadline_and_alerts_its_department_once_overdue(people):
    meeting = _meeting(people)
    task = meetings.add_decision(actor=people.county, meeting=meeting, text="开展校园食品安全专项检查",
                                 department_code="education")  # fmt: skip
    days = rules.value("commission.decision_days", "370725")
    assert task.deadline == add_working_days(meeting.held_on, days)
    assert task.due_rule["code"] == "commission.decision_days"
    assert set(meeting.attendees.values_list("code", flat=True)) == {"education", "health"}
    later = timezone.make_aware(datetime.datetime.combine(task.deadline + datetime.timedelta(days=1),
                                                          datetime.time(9)))  # fmt: skip
    assert meetings.check_deadlines(later).overdue == 1
    assert meetings.check_deadlines(later).overdue == 0  # marked once
    assert Notification.objects.filter(user=people.education).count() == 1
    assert not Notification.objects.filter(user=people.health).exists()


def test_the_lead_department_completes_its_task_and_another_department_is_refused(people):
    task = meetings.add_decision(actor=people.county, meeting=_meeting(people), text="规范学校食堂",
                                 department_code="education", deadline=D(2026, 4, 30))  # fmt: skip
    with pytest.raises(PermissionDenied, match="其他部门"):
        meetings.update_decision(actor=people.health, decision=task, status="done", note="代办")
    task.refresh_from_db()
    assert task.status == Decision.Status.PENDING
    meetings.update_decision(actor=people.education, decision=task, status="done", note="已完成检查",
                             evidence=ContentFile(b"%PDF-1.4", name="report.pdf"), on=D(2026, 4, 20))  # fmt: skip
    task.refresh_from_db()
    assert task.on_time() is True and task.notes.count() == 1 and task.evidence
    assert list(selectors.decisions_for(people.health)) == []
    assert list(selectors.decisions_for(people.education)) == [task]


def test_a_deadline_before_the_meeting_is_refused_and_nothing_is_written(people):
    meeting = _meeting(people)
    with pytest.raises(ValidationError) as exc:
        meetings.add_decision(actor=people.county, meeting=meeting, text="x", department_code="education",
                              deadline=D(2026, 3, 1))  # fmt: skip
    assert "不能早于会议日期" in str(exc.value)
    assert not Decision.objects.exists()


def test_only_the_commission_office_records_meetings(people):
    with pytest.raises(PermissionDenied):
        _meeting(type("P", (), {"county": people.education}))
    assert not Meeting.objects.exists()


# -- the key-work ledger ---------------------------------------------------------------------------------------


def test_department_users_see_and_update_their_own_ledger_lines_only_and_the_export_lists_them(people):
    edu = ledger.add_line(actor=people.county, region_code="370725", year=2026, project="学校食堂明厨亮灶全覆盖",
                          lead="education", deadline=D(2026, 9, 30), supporting=["market_regulation"])  # fmt: skip
    hea = ledger.add_line(actor=people.county, region_code="370725", year=2026, project="食源性疾病监测",
                          lead="health", deadline=D(2026, 12, 31))  # fmt: skip
    assert list(selectors.keywork_for(people.education)) == [edu]
    with pytest.raises(PermissionDenied, match="只能更新本部门牵头的事项"):
        ledger.update_line(actor=people.education, line=hea, status="done", progress="完成")
    hea.refresh_from_db()
    assert hea.status == KeyWork.Status.PENDING
    ledger.update_line(actor=people.education, line=edu, status="progress", progress="已完成 80%")
    out = io.BytesIO()
    assert ledger.export(selectors.keywork_for(people.county), out) == 2
    rows = _rows(out.getvalue(), "重点工作台账")
    assert rows[0][1] == "工作项目"
    assert {r[1] for r in rows[1:]} == {"学校食堂明厨亮灶全覆盖", "食源性疾病监测"}
    assert ("推进中", "已完成 80%") in {(r[5], r[7]) for r in rows[1:]}
    assert "市场监督管理局" in {r[3] for r in rows[1:]}


# -- assessment ------------------------------------------------------------------------------------------------


def _dept_sheet(people, weights=(40, 30, 30)):
    return assessment.create_sheet(actor=people.county, region_code="370725", name="2026年成员单位评议", target="department",
                                   criteria=[{"name": "议定事项按期完成", "weight": weights[0], "source": "decisions_on_time"},
                                             {"name": "重点工作完成", "weight": weights[1], "source": "keywork_done"},
                                             {"name": "日常工作", "weight": weights[2], "source": "manual"}])  # fmt: skip


def test_assessment_scores_each_department_from_its_sources_and_traces_every_point(people):
    meeting = _meeting(people)
    on_time = meetings.add_decision(actor=people.county, meeting=meeting, text="a", department_code="education",
                                    deadline=D(2026, 5, 29))  # fmt: skip
    meetings.add_decision(actor=people.county, meeting=meeting, text="b", department_code="education",
                          deadline=D(2026, 5, 29))  # fmt: skip  # never done: late
    meetings.update_decision(actor=people.education, decision=on_time, status="done", note="ok", on=D(2026, 5, 1))
    line = ledger.add_line(actor=people.county, region_code="370725", year=2026, project="p", lead="education",
                           deadline=D(2026, 6, 30))  # fmt: skip
    ledger.update_line(actor=people.education, line=line, status="done", progress="完成", on=D(2026, 6, 1))
    sheet = _dept_sheet(people)
    round_ = assessment.create_round(actor=people.county, sheet=sheet, start=D(2026, 1, 1), end=D(2026, 6, 30))
    manual = sheet.criteria.get(source="manual")
    assessment.give_points(actor=people.county, round=round_, criterion=manual, points="25.5", note="材料报送及时",
                           department="education")  # fmt: skip
    assessment.compute(actor=people.county, round=round_)
    score = AssessmentScore.objects.get(round=round_, department_id="education")
    # 40 × 1/2 + 30 × 1/1 + 25.5 manual
    assert str(score.total) == "75.50"
    assert score.rank == 1
    by_source = {line["source"]: line for line in score.lines}
    assert by_source["decisions_on_time"]["points"] == "20.00"
    assert [r["on_time"] for r in by_source["decisions_on_time"]["records"]] == [True, False]
    assert by_source["keywork_done"]["records"] == [{"keywork": line.pk, "done": True}]
    assert "材料报送及时" in by_source["manual"]["detail"]
    assert sum(float(x["points"]) for x in score.lines) == float(score.total)
    health = AssessmentScore.objects.get(round=round_, department_id="health")
    assert health.total == 0 and all("无" in x["detail"] or "尚未" in x["detail"] for x in health.lines)


def test_a_sheet_whose_weights_do_not_add_up_to_100_is_refused(people):
    with pytest.raises(ValidationError) as exc:
        _dept_sheet(people, weights=(40, 30, 25))
    assert "须为 100 分（现为 95 分）" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        assessment.create_sheet(actor=people.county, region_code="370725", name="x", target="township",
                                criteria=[{"name": "包保", "weight": 100, "source": "kpi", "param": "nope"}])  # fmt: skip
    assert "第 1 项" in str(exc.value) and "nope" in str(exc.value)
    assert not ScoringSheet.objects.exists()


def test_manual_points_above_the_weight_are_refused(people):
    sheet = _dept_sheet(people)
    round_ = assessment.create_round(actor=people.county, sheet=sheet, start=D(2026, 1, 1), end=D(2026, 6, 30))
    with pytest.raises(ValidationError, match="0 到 30 分"):
        assessment.give_points(actor=people.county, round=round_, criterion=sheet.criteria.get(source="manual"),
                               points="31", note="x", department="education")  # fmt: skip


def test_townships_are_scored_from_a_kpi_and_a_notice_follows_to_the_assessed(people):
    sheet = assessment.create_sheet(actor=people.county, region_code="370725", name="乡镇评议", target="township",
                                    criteria=[{"name": "包保落实", "weight": 60, "source": "kpi",
                                               "param": "baobao.assigned_rate"},
                                              {"name": "议定事项", "weight": 40, "source": "decisions_on_time"}])  # fmt: skip
    round_ = assessment.create_round(actor=people.county, sheet=sheet, start=D(2026, 1, 1), end=D(2026, 12, 31))
    scores = assessment.compute(actor=people.county, round=round_)
    assert {s.township_id for s in scores} == {"370725001", "370725107"}
    row = assessment.send_notice(actor=people.county, score=scores[0], kind="supervise", facts="考核得分偏低",
                                 requirement="限期整改")  # fmt: skip
    assert row.notice.status == Notice.Status.DELIVERED and row.notice.region_id == scores[0].township_id
    assert "督办" in row.notice.subject
    with pytest.raises(ValidationError, match="不能重新计算"):
        assessment.compute(actor=people.county, round=round_)


# -- data sharing ----------------------------------------------------------------------------------------------


def test_the_sharing_package_has_a_sheet_per_department_with_its_figures_and_is_archived(people):
    meeting = _meeting(people)
    task = meetings.add_decision(actor=people.county, meeting=meeting, text="a", department_code="education",
                                 deadline=D(2026, 5, 29))  # fmt: skip
    meetings.update_decision(actor=people.education, decision=task, status="done", note="ok", on=D(2026, 5, 1))
    out = io.StringIO()
    call_command("build_sharing_package", region="370725", year=2026, half=1, actor="county", json=True, stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    package = SharingPackage.objects.get(pk=result["package"])
    data = package.file.read()
    assert hashlib.sha256(data).hexdigest() == package.sha256 == result["sha256"]
    assert {"教育局", "市场监督管理局"} <= set(CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names)
    edu = {(r[0], r[1]): r[2] for r in _rows(data, "教育局")[1:]}
    assert edu[("会议议定事项", "期内到期事项")] == 1 and edu[("会议议定事项", "按期完成")] == 1
    market = [r[0] for r in _rows(data, "市场监督管理局")[1:]]
    assert "监测指标" in market
    again = sharing.build(actor=people.county, region_code="370725", year=2026, half=1)
    assert again.version == 2 and AuditEntry.objects.filter(action="commission.sharing").count() == 2


def test_a_department_user_cannot_build_a_package(people):
    with pytest.raises(PermissionDenied):
        sharing.build(actor=people.education, region_code="370725", year=2026, half=1)


# -- volunteers ------------------------------------------------------------------------------------------------


def test_volunteers_are_counted_per_township_and_their_phone_is_masked_in_the_audit(people):
    one = volunteers.register(actor=people.county, township_code="370725001", name="张三丰", phone="13812345678",
                              joined_on=D(2026, 1, 5))  # fmt: skip
    volunteers.add_task(actor=people.baodu, volunteer=one, kind="report", title="反映无证摊贩", on=D(2026, 2, 1),
                        completed=True, reference="TS2026-1")  # fmt: skip
    volunteers.add_task(actor=people.county, volunteer=one, kind="activity", title="进社区宣传", on=D(2026, 3, 1))
    rows = volunteers.counts_by_township(selectors.volunteers_for(people.county))
    assert rows == [{"township_id": "370725001", "township__name": "宝都街道", "volunteers": 1, "reports": 1,
                     "activities": 0}]  # fmt: skip
    entry = AuditEntry.objects.get(action="commission.volunteer")
    assert "13812345678" not in json.dumps(entry.after, ensure_ascii=False)
    assert entry.after["name"] == "张**"
    with pytest.raises(ValidationError, match="手机号格式不正确"):
        volunteers.register(actor=people.county, township_code="370725001", name="李四", phone="12345",
                            joined_on=D(2026, 1, 5))  # fmt: skip


# -- demo ------------------------------------------------------------------------------------------------------


def test_the_demo_has_decisions_in_every_state_a_package_a_round_and_volunteers(make_user, regions):
    from shian.commission.models import AssessmentRound, Volunteer
    from shian.demo.commission import load_commission
    from shian.regions.models import Region

    make_user(Role.COUNTY_ADMIN, "370725", username="county")
    county = Region.objects.get(code="370725")
    made = load_commission(county=county, seed=7, today=D(2026, 11, 20))
    assert made["meetings"] == 4
    decisions = list(Decision.objects.all())
    assert {d.status for d in decisions} == set(Decision.Status.values)
    assert any(d.on_time() for d in decisions) and any(d.on_time() is False for d in decisions)
    assert any(d.overdue_at and d.status != "done" for d in decisions)
    assert SharingPackage.objects.count() == 1 and AssessmentRound.objects.get().scores.count() > 0
    assert Volunteer.objects.count() == 4
    assert load_commission(county=county, seed=7, today=D(2026, 11, 20)) == {"created": 0}
