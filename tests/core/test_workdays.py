"""Working-day clock against real State Council notices (seeded by migration from chinese-calendar)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from shian.accounts.models import Role
from shian.core import workdays
from shian.core.models import AuditEntry, DeadlineRule
from shian.regions.models import HolidayDay
from shian.regions.services import (
    clear_holiday_override,
    set_holiday_override,
    sync_holidays_from_chinese_calendar,
)

D = dt.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def at(y, m, d, h=10, mi=0):
    return timezone.make_aware(dt.datetime(y, m, d, h, mi))


@pytest.mark.django_db
def test_spring_festival_2025_and_its_make_up_days():
    # holiday 2025-01-28 .. 2025-02-04; make-up working days Sun 2025-01-26 and Sat 2025-02-08
    assert workdays.is_working_day(D(2025, 1, 26))
    assert not any(workdays.is_working_day(D(2025, 1, 28) + dt.timedelta(days=i)) for i in range(8))
    assert workdays.is_working_day(D(2025, 2, 8))
    assert workdays.add_working_days(D(2025, 1, 27), 1) == D(2025, 2, 5)
    assert workdays.add_working_days(D(2025, 1, 24), 1) == D(2025, 1, 26)  # Friday -> the make-up Sunday
    assert workdays.add_working_days(D(2025, 2, 7), 1) == D(2025, 2, 8)  # Friday -> the make-up Saturday


@pytest.mark.django_db
def test_national_day_2024():
    # holiday 2024-10-01 .. 07; make-up working days Sun 2024-09-29 and Sat 2024-10-12
    assert workdays.is_working_day(D(2024, 9, 29))
    assert workdays.add_working_days(D(2024, 9, 30), 1) == D(2024, 10, 8)
    assert workdays.is_working_day(D(2024, 10, 12))
    assert workdays.working_days_between(D(2024, 9, 27), D(2024, 10, 12)) == 1 + 1 + 5  # 29th, 30th, 8th-12th


@pytest.mark.django_db
def test_zero_and_negative():
    assert workdays.add_working_days(D(2024, 10, 3), 0) == D(2024, 10, 8)
    assert workdays.add_working_days(D(2024, 10, 8), 0) == D(2024, 10, 8)
    with pytest.raises(ValueError):
        workdays.add_working_days(D(2024, 10, 8), -1)


@pytest.mark.django_db
def test_working_day_deadline_is_end_of_day():
    due = workdays.compute_due(rule_code="baobao.reassign", start=at(2025, 1, 24, 16))
    # 7 WD after Fri 2025-01-24: 26(Sun make-up), 27, then holiday, 5, 6, 7, 8(Sat make-up), 10
    assert timezone.localtime(due.due_at) == at(2025, 2, 10, 23, 59).replace(second=59)
    assert due.rule == {
        "code": "baobao.reassign",
        "name": "包保干部调整重新包保",
        "unit": "WD",
        "amount": 7,
        "version": 1,
        "region_prefix": "",
    }


@pytest.mark.django_db
def test_calendar_day_deadline_landing_on_holiday_moves_to_next_working_day():
    # 90 CD after 2024-07-03 is 2024-10-01 (National Day) -> 2024-10-08
    due = workdays.compute_due(rule_code="sampling.disposal", start=at(2024, 7, 3))
    assert timezone.localtime(due.due_at).date() == D(2024, 10, 8)


@pytest.mark.django_db
def test_hour_deadline_runs_round_the_clock():
    due = workdays.compute_due(rule_code="incident.report", start=at(2024, 9, 30, 23, 30))
    assert timezone.localtime(due.due_at) == at(2024, 10, 1, 1, 30)


@pytest.mark.django_db
def test_region_rule_and_newer_version_win_and_snapshot_survives_changes():
    before = workdays.compute_due(rule_code="baobao.reassign", start=at(2024, 3, 4), region_code="370725001")
    DeadlineRule.objects.create(
        code="baobao.reassign",
        name="昌乐县重新包保",
        region_prefix="370725",
        version=1,
        unit="WD",
        amount=5,
        valid_from=D(2024, 1, 1),
    )
    DeadlineRule.objects.create(
        code="baobao.reassign",
        name="昌乐县重新包保",
        region_prefix="370725",
        version=2,
        unit="WD",
        amount=3,
        valid_from=D(2024, 1, 1),
    )
    local = workdays.compute_due(rule_code="baobao.reassign", start=at(2024, 3, 4), region_code="370725001")
    other = workdays.compute_due(rule_code="baobao.reassign", start=at(2024, 3, 4), region_code="370304")
    assert local.rule["amount"] == 3 and local.rule["version"] == 2
    assert other.rule["amount"] == 7
    assert before.rule["amount"] == 7  # the earlier deadline keeps its own copy of the rule
    assert timezone.localtime(local.due_at).date() == D(2024, 3, 7)


@pytest.mark.django_db
def test_unknown_rule_is_a_clear_error():
    with pytest.raises(ValueError, match="没有适用的时限规则"):
        workdays.compute_due(rule_code="nope", start=at(2024, 3, 4))


@pytest.mark.django_db
def test_override_changes_the_clock_and_survives_sync(make_user):
    admin = make_user(Role.COUNTY_ADMIN, "370725")
    monday = D(2024, 3, 4)
    assert workdays.is_working_day(monday)
    set_holiday_override(actor=admin, date=monday, is_working_day=False, name="本地停工")
    assert not workdays.is_working_day(monday)
    sync_holidays_from_chinese_calendar()
    assert HolidayDay.objects.get(date=monday).source == HolidayDay.Source.OVERRIDE
    assert not workdays.is_working_day(monday)


@pytest.mark.django_db
def test_only_admins_override(make_user):
    with pytest.raises(PermissionDenied):
        set_holiday_override(
            actor=make_user(Role.CADRE, "370725001001"), date=D(2024, 3, 4), is_working_day=False, name="x"
        )


@pytest.mark.django_db
def test_migration_seeded_real_notices_with_chinese_names():
    assert HolidayDay.objects.get(date=D(2025, 1, 28)).name == "春节"
    assert HolidayDay.objects.get(date=D(2024, 10, 1)).name == "国庆节"
    make_up = HolidayDay.objects.get(date=D(2024, 9, 29))
    assert make_up.is_working_day and make_up.name.startswith("国庆节")
    # only days that differ from Monday-Friday are stored
    assert not HolidayDay.objects.filter(date=D(2024, 10, 5)).exists()  # a Saturday inside the holiday
    assert not HolidayDay.objects.filter(date=D(2024, 10, 8)).exists()  # an ordinary Tuesday


@pytest.mark.django_db
def test_sync_restores_edited_statutory_rows_and_drops_stale_ones():
    HolidayDay.objects.filter(date=D(2025, 1, 28)).update(name="乱改", is_working_day=True)
    HolidayDay.objects.create(date=D(2025, 3, 3), is_working_day=False, name="不存在的假日")
    written = sync_holidays_from_chinese_calendar(years=[2025])
    assert 0 < written < 40
    assert HolidayDay.objects.get(date=D(2025, 1, 28)).name == "春节"
    assert not HolidayDay.objects.filter(date=D(2025, 3, 3)).exists()
    assert not workdays.is_working_day(D(2025, 1, 28))


@pytest.mark.django_db
def test_override_then_clear_brings_back_the_statutory_value(make_user):
    admin = make_user(Role.PROVINCE_ADMIN, "37")
    set_holiday_override(actor=admin, date=D(2024, 10, 12), is_working_day=False, name="取消调休")
    assert not workdays.is_working_day(D(2024, 10, 12))
    restored = clear_holiday_override(actor=admin, date=D(2024, 10, 12))
    assert restored.source == HolidayDay.Source.STATE_COUNCIL and restored.is_working_day
    assert workdays.is_working_day(D(2024, 10, 12))
    set_holiday_override(actor=admin, date=D(2024, 3, 4), is_working_day=False, name="本地停工")
    assert clear_holiday_override(actor=admin, date=D(2024, 3, 4)) is None
    assert workdays.is_working_day(D(2024, 3, 4))
    actions = list(AuditEntry.objects.filter(action__startswith="holiday.").values_list("action", flat=True))
    assert sorted(actions) == [
        "holiday.override",
        "holiday.override",
        "holiday.override_clear",
        "holiday.override_clear",
    ]


@pytest.mark.django_db
def test_direct_saves_invalidate_the_cache():
    """Admin or shell saves outside the services still drop the cached table (post_save/post_delete)."""
    monday = D(2024, 3, 4)
    assert workdays.is_working_day(monday)
    day = HolidayDay.objects.create(date=monday, is_working_day=False, name="临时", source=HolidayDay.Source.OVERRIDE)
    assert not workdays.is_working_day(monday)
    day.delete()
    assert workdays.is_working_day(monday)


@pytest.mark.django_db
def test_naive_start_is_local_time_and_deadline_is_aware():
    due = workdays.compute_due(rule_code="opinion.feedback", start=dt.datetime(2024, 9, 30, 12, 0))
    assert timezone.is_aware(due.due_at)
    assert timezone.localtime(due.due_at) == at(2024, 10, 1, 12)


@pytest.mark.django_db
def test_rule_not_yet_valid_is_ignored():
    DeadlineRule.objects.create(
        code="complaint.accept",
        name="受理",
        region_prefix="3707",
        version=1,
        unit="WD",
        amount=3,
        valid_from=D(2030, 1, 1),
    )
    due = workdays.compute_due(rule_code="complaint.accept", start=at(2024, 3, 4), region_code="370725")
    assert due.rule["amount"] == 7 and due.rule["region_prefix"] == ""


@pytest.mark.django_db
def test_all_default_rules_are_seeded():
    codes = set(DeadlineRule.objects.filter(region_prefix="", version=1).values_list("code", flat=True))
    assert {
        "baobao.status_report",
        "baobao.reassign",
        "inspection.publish",
        "sampling.to_lab",
        "sampling.report",
        "sampling.retest_apply",
        "sampling.disposal",
        "complaint.accept",
        "complaint.mediation",
        "report.check",
        "report.notify_informant",
        "case.decision",
        "incident.report",
        "opinion.feedback",
    } <= codes
