"""Enterprise duties: records kept by the right people once per period, documents, completion from records,
staffing rules, reminders."""

import datetime
import io
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from shian.accounts.models import Role
from shian.core.models import AuditEntry, DeadlineRule, Notification
from shian.duties import documents, selectors, services
from shian.duties.models import DailyCheck, MonthlyMeeting, RiskItem, TrainingRecord, WeeklyReport
from shian.entities.models import Entity, KeyPerson

TODAY = datetime.date(2026, 11, 25)  # a Wednesday
VILLAGE = "370725001001"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: TODAY)


@pytest.fixture
def shop(make_user):
    entity = Entity.objects.create(
        name="宝都超市", region_id=VILLAGE, business_type="sales", sub_type="supermarket", declared_grade="C"
    )
    return {
        "entity": entity,
        "officer": make_user(Role.ENTERPRISE, VILLAGE, entity=entity, entity_role="safety_officer", name="李安全"),
        "principal": make_user(Role.ENTERPRISE, VILLAGE, entity=entity, entity_role="principal", name="王老板"),
    }


def test_one_tap_daily_check_and_a_day_with_issues(shop):
    check = services.record_daily_check(actor=shop["officer"], entity=shop["entity"])
    assert check.all_clear and check.issues == [] and check.day == TODAY
    with pytest.raises(ValidationError, match="已填报"):
        services.record_daily_check(actor=shop["officer"], entity=shop["entity"])
    yesterday = services.record_daily_check(
        actor=shop["officer"], entity=shop["entity"], day=TODAY - datetime.timedelta(days=1),
        issues=[{"area": "临期过期", "issue": "两盒牛奶过期", "fix": "已下架销毁"}],
    )  # fmt: skip
    assert not yesterday.all_clear and yesterday.issues[0]["fix"] == "已下架销毁"
    with pytest.raises(ValidationError) as exc:
        services.record_daily_check(
            actor=shop["officer"], entity=shop["entity"], day=TODAY + datetime.timedelta(days=1)
        )
    assert "day" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.record_daily_check(
            actor=shop["officer"], entity=shop["entity"], day=TODAY - datetime.timedelta(days=2), issues=[{"area": "x"}]
        )
    assert "第 1 条问题" in exc.value.messages[0]
    assert AuditEntry.objects.filter(action="duties.daily").count() == 2


def test_only_the_entitys_own_staff_keep_its_records(shop, make_user):
    other = make_user(Role.ENTERPRISE, VILLAGE)  # another entity's account
    with pytest.raises(PermissionDenied):
        services.record_daily_check(actor=other, entity=shop["entity"])
    with pytest.raises(PermissionDenied):  # the principal holds the meeting, the officer reports the week
        services.submit_weekly_report(
            actor=shop["principal"], entity=shop["entity"], week=datetime.date(2026, 11, 23), conclusion="良好"
        )
    with pytest.raises(PermissionDenied):
        services.hold_monthly_meeting(
            actor=shop["officer"], entity=shop["entity"], held_on=TODAY, attendees="a", issues="b", decisions="c"
        )


def test_weekly_report_counts_the_weeks_daily_records(shop):
    week = datetime.date(2026, 11, 23)
    services.record_daily_check(actor=shop["officer"], entity=shop["entity"], day=week)
    services.record_daily_check(
        actor=shop["officer"], entity=shop["entity"], day=week + datetime.timedelta(days=1),
        issues=[{"area": "贮存条件", "issue": "冷柜温度偏高", "fix": "已报修"}],
    )  # fmt: skip
    report = services.submit_weekly_report(
        actor=shop["officer"], entity=shop["entity"], week=week, conclusion="总体良好"
    )
    assert (report.days_checked, report.issues_found) == (2, 1)
    with pytest.raises(ValidationError):
        services.submit_weekly_report(actor=shop["officer"], entity=shop["entity"], week=TODAY, conclusion="x")
    name, data = documents.build("weekly", report, "docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "每周食品安全排查治理报告" in text and "冷柜温度偏高" in text and name.endswith(".docx")
    name, data = documents.build("weekly", report, "pdf")
    assert data.startswith(b"%PDF")


def test_monthly_minutes_and_daily_document(shop):
    meeting = services.hold_monthly_meeting(
        actor=shop["principal"], entity=shop["entity"], held_on=TODAY, attendees="王老板、李安全",
        issues="冷柜老化", decisions="更换冷柜",
    )  # fmt: skip
    assert meeting.month == datetime.date(2026, 11, 1) and meeting.chair == "王老板"
    check = services.record_daily_check(
        actor=shop["officer"], entity=shop["entity"], issues=[{"area": "临期过期", "issue": "酸奶临期", "fix": "打折"}]
    )
    data = documents.build("daily", check, "docx")[1]
    cells = [c.text for t in Document(io.BytesIO(data)).tables for row in t.rows for c in row.cells]
    assert "酸奶临期" in cells and "进货查验" in cells  # the sales list's default items are the table's rows


def test_risk_list_is_defaults_then_own_items(shop):
    services.add_risk_item(actor=shop["officer"], entity=shop["entity"], area="熟食专柜", measure="每日两次测温")
    items = list(selectors.risk_list(shop["entity"]))
    assert items[0].area == "进货查验" and items[-1].area == "熟食专柜"
    assert RiskItem.objects.filter(entity__isnull=True, kind="catering").count() == 8


def test_director_rules_and_staffing_alerts(shop, make_user):
    county = make_user(Role.COUNTY_ADMIN, "370725")
    school = Entity.objects.create(
        name="实验小学食堂", region_id=VILLAGE, business_type="canteen", sub_type="school_canteen", diners=800
    )
    small = Entity.objects.create(
        name="小学食堂", region_id=VILLAGE, business_type="canteen", sub_type="school_canteen", diners=200
    )
    policy = selectors.staffing_policy(VILLAGE)
    assert selectors.needs_director(school, policy) == ["供餐 500 人以上的学校食堂"]
    assert selectors.needs_director(small, policy) == []
    assert list(selectors.missing_director(user=county, region_code="370725")) == [school]
    KeyPerson.objects.create(entity=school, role="safety_director", name="赵总监")
    assert not selectors.missing_director(user=county, region_code="370725").exists()
    assert set(selectors.missing_officer(user=county, region_code="370725")) == {shop["entity"], small}


def test_training_hours_against_the_yearly_requirement(shop):
    person = KeyPerson.objects.create(entity=shop["entity"], role="principal", name="王老板")
    services.record_training(actor=shop["officer"], person=person, day=TODAY, hours="16", topic="食品安全法")
    with pytest.raises(ValidationError) as exc:
        services.record_training(actor=shop["officer"], person=person, day=TODAY, hours="abc", topic="x")
    assert "hours" in exc.value.message_dict
    status = selectors.entity_status(entity=shop["entity"])
    assert status["training"] == [(person, 16.0)] and status["training_hours"] == 40


def test_completion_matches_the_records(shop, make_user):
    county = make_user(Role.COUNTY_ADMIN, "370725")
    idle = Entity.objects.create(
        name="空转小店", region_id="370725107201", business_type="sales", sub_type="small_shop"
    )
    for n in range(3):
        services.record_daily_check(
            actor=shop["officer"], entity=shop["entity"], day=TODAY - datetime.timedelta(days=n)
        )
    services.submit_weekly_report(
        actor=shop["officer"], entity=shop["entity"], week=datetime.date(2026, 11, 23), conclusion="好"
    )
    month = datetime.date(2026, 11, 1)
    figures = selectors.completion(user=county, region_code="370725", month=month)
    days, weeks = 25, 4  # Nov 1-25; Mondays 2, 9, 16, 23
    assert (figures["days"], figures["weeks"]) == (days, weeks)
    total = figures["total"]
    assert (total["entities"], total["daily"], total["weekly"], total["monthly"]) == (2, 3, 1, 0)
    assert total["daily_rate"] == round(100 * 3 / (2 * days), 1)
    areas = {a["key"]: a for a in figures["rows"]}
    assert areas["370725001"]["daily"] == 3 and areas["370725107"]["daily"] == 0
    by_grade = {
        r["key"]: (r["entities"], r["daily"])
        for r in selectors.completion(user=county, region_code="370725", month=month, by="grade")["rows"]
    }
    assert by_grade == {"C": (1, 3), "": (1, 0)}
    by_type = selectors.completion(user=county, region_code="370725", month=month, by="type")["rows"]
    assert [(r["key"], r["entities"], r["weekly"]) for r in by_type] == [("sales", 2, 1)]
    behind = list(selectors.gaps(user=county, region_code="370725", month=datetime.date(2026, 11, 1)))
    assert behind[0] == idle and shop["entity"] in behind  # 3 of 25 days is behind too
    assert (
        selectors.completion(user=make_user(Role.COUNTY_ADMIN, "370304"), region_code="370304", month=TODAY)["total"][
            "daily"
        ]
        == 0
    )


def test_reminders_reach_those_missing_the_period_and_log_backend(shop, settings, caplog):
    settings.SHIAN_NOTIFIERS = ["shian.core.notifiers.InAppNotifier", "shian.core.notifiers.LogNotifier"]
    with caplog.at_level(logging.INFO, logger="shian.notifiers"):
        assert services.send_reminders(kind="daily") == 2
    assert Notification.objects.filter(user=shop["officer"], text__contains="日管控").count() == 1
    assert "日管控" in caplog.text
    services.record_daily_check(actor=shop["officer"], entity=shop["entity"])
    assert services.send_reminders(kind="daily") == 0
    call_command("send_duty_reminders", "--kind", "monthly", stdout=io.StringIO())
    assert Notification.objects.filter(text__contains="月调度").count() == 2


def test_phone_pages(client, shop, make_user):
    client.force_login(shop["officer"])
    assert client.get(reverse("duties:home")).status_code == 200
    response = client.post(reverse("duties:daily_all_clear"))
    assert response.status_code == 302 and DailyCheck.objects.get().all_clear
    page = client.get(reverse("duties:home"))
    assert page.context["status"]["today"] is not None
    check = DailyCheck.objects.get()
    assert client.get(reverse("duties:document", args=["daily", check.pk, "pdf"])).status_code == 200
    client.force_login(shop["principal"])
    data = {"held_on": "2026-11-20", "chair": "王老板", "attendees": "全体", "issues": "无", "decisions": "继续"}
    assert client.post(reverse("duties:monthly_new"), data).status_code == 302
    assert MonthlyMeeting.objects.count() == 1
    bad = client.post(reverse("duties:monthly_new"), data)  # the month already has its minutes
    assert bad.status_code == 422 and "已提交" in bad.content.decode()
    client.force_login(make_user(Role.COUNTY_ADMIN, "370304"))
    assert client.get(reverse("duties:document", args=["daily", check.pk, "pdf"])).status_code == 404
    assert client.get(reverse("duties:oversight")).status_code == 200
    assert WeeklyReport.objects.count() == 0


def test_training_hours_and_backfill_days_follow_the_rule_store(shop, make_user):
    """The yearly hours and the backfill days are rules of the store: a township's override applies to its
    entities only, in the status, the list of the undertrained and the checks on a record."""
    for code, unit, amount in (("duties.training_hours", "ch", 12), ("duties.backfill_days", "CD", 1)):
        DeadlineRule.objects.create(
            code=code, name="宝都街道", region_prefix="370725001", version=1, unit=unit, amount=amount,
            valid_from=datetime.date(2026, 1, 1),
        )  # fmt: skip
    other = Entity.objects.create(name="乔官小店", region_id="370725107201", business_type="sales")
    here = KeyPerson.objects.create(entity=shop["entity"], role="principal", name="王老板")
    there = KeyPerson.objects.create(entity=other, role="principal", name="乔老板")
    services.record_training(actor=shop["officer"], person=here, day=TODAY, hours="12", topic="食品安全法")
    TrainingRecord.objects.create(
        entity=other, region_id=other.region_id, person=there, day=TODAY, hours=16, topic="食品安全法",
        recorded_by=shop["officer"],
    )  # fmt: skip
    assert selectors.entity_status(entity=shop["entity"])["training_hours"] == 12
    assert selectors.entity_status(entity=other)["training_hours"] == 40
    county = make_user(Role.COUNTY_ADMIN, "370725")
    assert list(selectors.undertrained(user=county, region_code="370725", year=2026)) == [there]
    with pytest.raises(ValidationError) as exc:  # one session never more than the year's requirement
        services.record_training(actor=shop["officer"], person=here, day=TODAY, hours="13", topic="x")
    assert "12" in exc.value.message_dict["hours"][0]
    with pytest.raises(ValidationError) as exc:
        services.record_daily_check(actor=shop["officer"], entity=shop["entity"], day=TODAY - datetime.timedelta(2))
    assert "1" in exc.value.message_dict["day"][0]
    services.record_daily_check(actor=shop["officer"], entity=shop["entity"], day=TODAY - datetime.timedelta(1))


def test_oversight_counts_once_a_while_and_a_record_shows_at_once(client, shop, make_user):
    """The page's completion tables come from the shared figures cache on a second look (and say when they were
    counted); a record kept through the service drops them, so it counts at once."""
    client.force_login(make_user(Role.COUNTY_ADMIN, "370725"))
    first = client.get(reverse("duties:oversight"), {"month": "2026-11"})
    assert first.context["total"]["daily"] == 0 and first.context["counted_at"] is None
    again = client.get(reverse("duties:oversight"), {"month": "2026-11"})
    assert again.context["counted_at"] is not None and "数据更新于" in again.content.decode()
    behind = [(e, e.daily, e.weekly, e.monthly) for e in again.context["behind"]]
    assert behind == [(shop["entity"], 0, 0, 0)] == [(e, e.daily, e.weekly, e.monthly) for e in first.context["behind"]]
    services.record_daily_check(actor=shop["officer"], entity=shop["entity"])
    after = client.get(reverse("duties:oversight"), {"month": "2026-11"})
    assert after.context["total"]["daily"] == 1 and after.context["counted_at"] is None
    assert [a["daily"] for a in after.context["areas"]] == [1]
