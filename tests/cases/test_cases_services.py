"""Cases (docs/cases.md §1-§3): a case opens from each source with one action and once only, runs on the 90-day
clock stored with its rule, is decided with a penalty that feeds the entity's risk score, extends only with an
approval and closes only after a decision; the checker marks and escalates overdue cases once."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from shian.cases.models import Case, LegalArticle
from shian.cases.selectors import cases as selectors
from shian.cases.services import cases as services
from shian.complaints.models import Complaint
from shian.core import deadlinechecks, workdays
from shian.core.models import AuditEntry, Notification
from shian.inspections.models import CaseReferral, RiskGrade
from shian.regions.models import HolidayDay
from shian.visits.models import Problem

from .cases_setup import disposal, overdue_problem, referral, report

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


@pytest.fixture(autouse=True)
def _fresh_holiday_table():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def _messages(exc) -> str:
    return " ".join(exc.value.messages)


def _decide(world, case, **changes):
    values = {"penalties": ["warning", "fine"], "fine_amount": "5000", "decision_number": "昌市监罚〔2026〕1号",
              "article_ids": [LegalArticle.objects.get(code="fsl-126").pk]}  # fmt: skip
    values.update(changes)
    return services.decide(actor=world.station, case=case, **values)


def test_an_overdue_baobao_problem_is_referred_to_a_case_that_ends_in_a_penalty(world, people):
    """The done-when path: the unresolved problem past its deadline opens a case with one action; the decision
    (a fine) is stored, the entity's risk grade counts it, penalties_of reports it, and the case closes."""
    problem = overdue_problem(world)
    assert problem in selectors.overdue_problems(user=world.station)
    case = services.open_from_problem(actor=world.station, problem=problem)
    assert case.source == Case.Source.PROBLEM and case.problem_id == problem.pk and case.entity_id == world.entity.pk
    assert case.number.startswith(f"AJ{timezone.localtime(case.opened_at).year}370725-")
    assert problem not in selectors.overdue_problems(user=world.station)  # listed once: it has its case
    services.update_investigation(actor=world.station, case=case, facts=case.facts, article_ids=[
        LegalArticle.objects.get(code="fsl-126").pk])  # fmt: skip
    decided = _decide(world, case)
    assert decided.status == Case.Status.DECIDED and decided.fine_amount == Decimal("5000.00")
    assert decided.decided_on_time is True
    grade = RiskGrade.objects.get(entity=world.entity, is_current=True)
    cases_factor = [f for f in grade.factors if f.get("code") == "cases"]
    assert cases_factor and float(cases_factor[0]["points"]) > 0, grade.factors
    since = timezone.localdate() - datetime.timedelta(days=30)
    [penalty] = selectors.penalties_of([world.entity.pk], since)[world.entity.pk]
    assert penalty["penalties"] == ["warning", "fine"] and penalty["decision_number"] == "昌市监罚〔2026〕1号"
    closed = services.close(actor=world.station, case=decided, note="罚款已缴纳")
    assert closed.status == Case.Status.CLOSED
    assert list(AuditEntry.objects.filter(object_id=str(case.pk), object_type="cases.case")
                .values_list("action", flat=True).order_by("pk")) == ["case.open", "case.update", "case.decide",
                                                                      "case.close"]  # fmt: skip


def test_a_problem_still_within_its_deadline_or_closed_cannot_be_referred(world):
    problem = overdue_problem(world, days=-2)  # due in two days
    with pytest.raises(ValidationError) as exc:
        services.open_from_problem(actor=world.station, problem=problem)
    assert "尚未届满" in _messages(exc)
    Problem.objects.filter(pk=problem.pk).update(due_at=timezone.now() - datetime.timedelta(days=1),
                                                 status=Problem.Status.CLOSED)  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.open_from_problem(actor=world.station, problem=problem)
    assert "已整改销号" in _messages(exc)
    assert not Case.objects.exists()


def test_each_source_opens_one_case_and_a_second_attempt_is_refused(world, make_user):
    ref = referral(world)
    case = services.open_from_referral(actor=world.station, referral=ref)
    ref.refresh_from_db()
    assert ref.status == CaseReferral.Status.TAKEN and case.source == Case.Source.INSPECTION
    assert case.title.startswith("监督检查不符合")
    with pytest.raises(ValidationError) as exc:
        services.open_from_referral(actor=world.station, referral=ref)
    assert case.number in _messages(exc)

    disp = disposal(world, make_user)
    assert disp in selectors.pending_disposals(user=world.station)
    from_sample = services.open_from_disposal(actor=world.station, disposal=disp)
    assert from_sample.source == Case.Source.DISPOSAL and "辣椒酱" in from_sample.title
    assert disp not in selectors.pending_disposals(user=world.station)
    with pytest.raises(ValidationError):
        services.open_from_disposal(actor=world.station, disposal=disp)

    clue = report(world)
    from_report = services.open_from_report(actor=world.station, complaint=clue)
    clue.refresh_from_db()
    assert from_report.complaint_id == clue.pk and from_report.facts == "饭店使用地沟油"
    assert clue.filed is True and clue.case_number == from_report.number  # the report's filing decision
    assert Case.objects.count() == 3
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert [n[-5:] for n in numbers] == ["00001", "00002", "00003"]


def test_a_complaint_is_not_a_case_source_only_a_report_is(world):
    dispute = report(world, number="TS2026-0001", kind=Complaint.Kind.COMPLAINT)
    with pytest.raises(ValidationError) as exc:
        services.open_from_report(actor=world.station, complaint=dispute)
    assert "只有举报" in _messages(exc)


def test_only_enforcement_staff_in_the_region_open_cases(world, people):
    problem = overdue_problem(world)
    with pytest.raises(PermissionDenied):
        services.open_from_problem(actor=world.cadre_user, problem=problem)
    with pytest.raises(Http404):
        services.open_from_problem(actor=world.outsider, problem=problem)
    with pytest.raises(Http404):
        services.open_from_problem(actor=people["other_station"], problem=problem)
    assert not Case.objects.exists()


def test_the_decision_deadline_is_90_calendar_days_with_its_rule_stored(world):
    opened = datetime.datetime(2026, 3, 2, 10, tzinfo=TZ)  # 2026-05-31 is a Sunday: the due rolls to Monday
    case = services.open_from_referral(actor=world.station, referral=referral(world), opened_at=opened)
    assert case.due_rules["decision"]["code"] == "case.decision" and case.due_rules["decision"]["amount"] == 90
    assert timezone.localtime(case.decision_due).date() == datetime.date(2026, 6, 1)


def test_a_decision_due_on_a_holiday_moves_to_the_next_working_day_and_a_make_up_saturday_counts(world):
    opened = datetime.datetime(2026, 7, 1, 10, tzinfo=TZ)  # +90 CD = 2026-09-29, a Tuesday
    HolidayDay.objects.update_or_create(
        date=datetime.date(2026, 9, 29), defaults={"is_working_day": False, "name": "测试假日"}
    )
    HolidayDay.objects.update_or_create(
        date=datetime.date(2026, 9, 30), defaults={"is_working_day": False, "name": "测试假日"}
    )
    HolidayDay.objects.update_or_create(
        date=datetime.date(2026, 10, 3), defaults={"is_working_day": True, "name": "调休上班"}
    )  # a Saturday
    HolidayDay.objects.update_or_create(
        date=datetime.date(2026, 10, 1), defaults={"is_working_day": False, "name": "国庆"}
    )
    HolidayDay.objects.update_or_create(
        date=datetime.date(2026, 10, 2), defaults={"is_working_day": False, "name": "国庆"}
    )
    workdays.clear_cache()
    case = services.open_from_referral(actor=world.station, referral=referral(world), opened_at=opened)
    assert timezone.localtime(case.decision_due).date() == datetime.date(2026, 10, 3)


def test_party_pii_is_checked_and_shown_masked(world):
    problem = overdue_problem(world)
    with pytest.raises(ValidationError) as exc:
        services.open_from_problem(actor=world.station, problem=problem,
                                   parties=[{"name": "张三", "id_number": "370725199001011234", "phone": "123"}])  # fmt: skip
    text = _messages(exc)
    assert "当事人第 1 行" in text and "身份证号码" in text and "联系电话" in text
    assert not Case.objects.exists()
    case = services.open_from_problem(actor=world.station, problem=problem,
                                      parties=[{"name": "张三", "id_number": "11010519491231002X",
                                                "phone": "13812345678"}])  # fmt: skip
    [shown] = selectors.masked_parties(case)
    assert shown["id_number"] == "1101**********002X" and shown["phone"] == "138****5678"
    entry = AuditEntry.objects.get(action="case.party_add")
    assert "13812345678" not in str(entry.after) and "11010519491231002X" not in str(entry.after)


def test_a_case_cannot_be_closed_without_a_decision(world):
    case = services.open_from_referral(actor=world.station, referral=referral(world))
    with pytest.raises(ValidationError) as exc:
        services.close(actor=world.station, case=case, note="结案")
    assert "尚未作出处理决定，不能结案" in _messages(exc)
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and case.closed_at is None


def test_a_decision_needs_consistent_penalties_amounts_number_and_legal_basis(world):
    case = services.open_from_referral(actor=world.station, referral=referral(world))
    with pytest.raises(ValidationError) as exc:
        services.decide(actor=world.station, case=case, penalties=["fine"], fine_amount="", decision_number="")
    errors = exc.value.message_dict
    assert "fine_amount" in errors and "decision_number" in errors and "legal_basis" in errors
    with pytest.raises(ValidationError) as exc:
        _decide(world, case, penalties=["none", "warning"], fine_amount="")
    assert "不能与其他处罚种类同时选择" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        _decide(world, case, penalties=["warning"], fine_amount="300")
    assert "罚款金额应为空" in _messages(exc)
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    no_penalty = _decide(world, case, penalties=["none"], fine_amount="")
    assert no_penalty.status == Case.Status.DECIDED
    assert selectors.penalties_of([world.entity.pk], timezone.localdate()) == {}  # 不予处罚 is not a penalty


def test_an_extension_without_approval_is_refused_and_with_one_adds_30_days_once(world, people):
    case = services.open_from_referral(actor=world.station, referral=referral(world))
    due = case.decision_due
    with pytest.raises(ValidationError) as exc:
        services.extend(actor=world.station, case=case, approver=None, approval_ref="", reason="需检验鉴定")
    assert "approver" in exc.value.message_dict and "extension_approval" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.extend(actor=world.station, case=case, approver=world.cadre_user, approval_ref="批字1号",
                        reason="需检验鉴定")  # fmt: skip
    assert "负责人" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.extend(actor=world.station, case=case, approver=world.outsider, approval_ref="批字1号",
                        reason="需检验鉴定")  # fmt: skip
    assert "不是该案承办区划" in _messages(exc)
    case.refresh_from_db()
    assert case.decision_due == due and case.extended_at is None
    extended = services.extend(actor=world.station, case=case, approver=people["deputy"], approval_ref="批字1号",
                               reason="需检验鉴定")  # fmt: skip
    added = timezone.localtime(extended.decision_due).date() - timezone.localtime(due).date()
    assert 30 <= added.days <= 33  # 30 CD, rolled to the next working day
    assert extended.due_rules["extensions"][0]["rule"]["code"] == "cases.extension"
    assert extended.due_rules["extensions"][0]["approver"] == people["deputy"].pk
    with pytest.raises(ValidationError) as exc:
        services.extend(actor=world.station, case=extended, approver=people["deputy"], approval_ref="批字2号",
                        reason="再延")  # fmt: skip
    assert "集体讨论" in _messages(exc)


def test_the_checker_marks_an_overdue_case_once_and_escalates_it_later(world):
    case = services.open_from_referral(actor=world.station, referral=referral(world))
    just_after = case.decision_due + datetime.timedelta(hours=1)
    total, each = deadlinechecks.run_all(just_after)
    assert each["cases"].checked == 1 and each["cases"].overdue == 1 and each["cases"].escalated == 0
    again = deadlinechecks.checkers()["cases"](just_after)
    assert again.overdue == 0 and again.escalated == 0
    case.refresh_from_db()
    assert case.overdue_at is not None
    assert Notification.objects.filter(kind="case.overdue", user=world.county_admin).count() == 1
    later = case.decision_due + datetime.timedelta(days=30)
    assert deadlinechecks.checkers()["cases"](later).escalated == 1
    assert deadlinechecks.checkers()["cases"](later).escalated == 0
    assert Notification.objects.filter(kind="case.escalated", user=world.county_admin).count() == 1
    assert AuditEntry.objects.filter(action="case.escalate", object_id=str(case.pk)).count() == 1


def test_penalties_of_reads_only_penalties_decided_since_the_date(world):
    case = services.open_from_referral(actor=world.station, referral=referral(world))
    _decide(world, case)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert selectors.penalties_of([world.entity.pk], tomorrow) == {}
    assert selectors.penalty_counts(None, timezone.localdate(), "370725") == {world.entity.pk: 1}
