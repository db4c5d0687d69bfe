"""The scheduler (shian.core.schedule): every app's recurring work in one place, each run recorded, a failure
recorded and told to the administrators without stopping the other jobs, one run at a time per job even with two
schedulers, and the operations page and API that show it all."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from shian.accounts.models import Role
from shian.core import schedule
from shian.core.models import DeadlineRule, JobLock, JobRun, Notification

CST = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour, minute), tzinfo=CST)


@pytest.fixture
def only(monkeypatch):
    """Replace the registry by the given jobs for one test."""

    def use(*jobs):
        monkeypatch.setattr(schedule, "_jobs", {j.name: j for j in jobs})

    return use


def test_every_periodic_chore_is_a_registered_job(db):
    """Escalation, 包保 changes, the three reminders, closing papers, the dashboard and the KPI history."""
    names = {j.name for j in schedule.jobs()}
    assert names >= {
        "visits.escalate_problems", "baobao.detect_changes", "duties.remind_daily", "duties.remind_weekly",
        "duties.remind_monthly", "knowledge.close_attempts", "dashboard.refresh", "dashboard.weekly_dispatch",
        "dashboard.kpi_history", "foodborne.cluster_sweep",
    }  # fmt: skip
    for job in schedule.jobs():
        assert job.label and job.schedule_text(), job.name


def test_the_old_three_field_job_still_registers(db, only):
    """`Job(name, due, run)` keeps working (the nightly backup registers that way); it is recorded like any."""
    job = schedule.Job("backup.nightly", lambda now: True, lambda now: "saved")
    only(job)
    assert schedule.run_due(at("2026-11-25", 3)) == ["backup.nightly"]
    run = JobRun.objects.get()
    assert (run.job, run.outcome, run.message) == ("backup.nightly", "ok", "saved")
    assert run.finished_at >= run.started_at and run.seconds is not None


@pytest.mark.django_db
def test_a_failing_job_is_recorded_notified_and_does_not_stop_the_others(make_user, superuser, only):
    top = make_user(Role.PROVINCE_ADMIN, "37")
    county = make_user(Role.COUNTY_ADMIN, "370725")

    def broken(now):
        raise RuntimeError("磁盘已满")

    only(
        schedule.Job("a.broken", lambda now: True, broken, label="坏任务"),
        schedule.Job("b.fine", lambda now: True, lambda now: "ok"),
    )
    assert schedule.run_due(at("2026-11-25", 3)) == ["a.broken", "b.fine"]
    failed = JobRun.objects.get(job="a.broken")
    assert failed.outcome == JobRun.Outcome.FAILED and "RuntimeError: 磁盘已满" in failed.message
    assert JobRun.objects.get(job="b.fine").outcome == JobRun.Outcome.OK
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {superuser.username, top.username} and county.username not in told
    note = Notification.objects.get(user=top)
    assert "坏任务" in note.text and "磁盘已满" in note.text and note.url == reverse("core:operations")


def test_a_job_whose_lease_is_held_does_not_run_twice(db, only):
    """Two schedulers: the one that holds the job's lease runs it; the other skips it until the lease ends."""
    ran = []
    job = schedule.Job("x.once", lambda now: True, lambda now: ran.append(now))
    only(job)
    assert schedule._claim("x.once", "other-scheduler")  # the other scheduler is running it now
    assert not schedule._claim("x.once", "third")
    assert schedule.run_due(at("2026-11-25", 3)) == [] and ran == []
    schedule._release("x.once", "other-scheduler")
    assert schedule.run_due(at("2026-11-25", 3)) == ["x.once"] and len(ran) == 1
    assert JobLock.objects.get(name="x.once").holder == ""


def test_a_daily_job_runs_once_a_day_from_its_hour_and_catches_up(db, only):
    """At the hour in the rule store; once per day; a day missed while the machine was off runs at start."""
    job = schedule.Job(
        "visits.escalate_problems", run=lambda now: "done", timing=schedule.daily("visits.escalate_hour")
    )
    only(job)
    assert job.schedule_text() == "每天 01:00"
    assert schedule.run_due(at("2026-11-25", 0, 30)) == ["visits.escalate_problems"]  # yesterday's 01:00 missed
    assert schedule.run_due(at("2026-11-25", 0, 59)) == []
    assert job.next_at(at("2026-11-25", 0, 59)) == at("2026-11-25", 1)
    assert schedule.run_due(at("2026-11-25", 1)) == ["visits.escalate_problems"]
    assert schedule.run_due(at("2026-11-25", 23)) == []
    # the hour is a rule number: a region's administrators move it in the rule store
    DeadlineRule.objects.create(code="visits.escalate_hour", name="升级", unit="h", amount=6, version=2,
                                valid_from=datetime.date(2026, 1, 1))  # fmt: skip
    assert job.schedule_text() == "每天 06:00"
    assert schedule.run_due(at("2026-11-25", 23)) == ["visits.escalate_problems"]  # today's 06:00 not run yet
    assert job.next_at(at("2026-11-26", 2)) == at("2026-11-26", 6)


def test_a_failed_daily_job_is_tried_again_after_the_retry_interval(db, only):
    calls = []

    def flaky(now):
        calls.append(now)
        if len(calls) == 1:
            raise ValueError("数据库忙")
        return "ok"

    only(schedule.Job("d.flaky", run=flaky, timing=schedule.daily("visits.escalate_hour")))
    assert schedule.run_due(at("2026-11-25", 1)) == ["d.flaky"]
    assert schedule.run_due(at("2026-11-25", 1, 30)) == []  # retry after schedule.retry_minutes (60)
    assert schedule.run_due(at("2026-11-25", 2)) == ["d.flaky"]
    assert list(JobRun.objects.order_by("started_at").values_list("outcome", flat=True)) == ["failed", "ok"]
    assert schedule.run_due(at("2026-11-25", 4)) == []


def test_weekday_and_day_of_month_timings(db):
    weekly = schedule.daily("duties.remind_weekly_hour", weekday="duties.remind_weekly_weekday")
    monthly = schedule.daily("duties.remind_monthly_hour", from_day="duties.remind_monthly_from_day")
    assert weekly.describe() == "每周五 10:00" and monthly.describe() == "每月 25 日起每天 10:00"
    assert weekly.next_slot(at("2026-11-25", 12)) == at("2026-11-27", 10)  # Wednesday -> Friday
    assert monthly.next_slot(at("2026-11-10", 12)) == at("2026-11-25", 10)
    assert monthly.next_slot(at("2026-11-25", 12)) == at("2026-11-26", 10)
    assert weekly.last_slot(at("2026-11-26", 23)) == at("2026-11-20", 10)
    assert monthly.last_slot(at("2026-11-10", 12)) == at("2026-10-31", 10)


def test_an_interval_job_runs_every_n_minutes(db, only):
    only(schedule.Job("k.close", run=lambda now: "0", timing=schedule.every("knowledge.close_attempts_minutes")))
    assert schedule.run_due(at("2026-11-25", 9)) == ["k.close"]
    assert schedule.run_due(at("2026-11-25", 9, 4)) == []
    assert schedule.run_due(at("2026-11-25", 9, 5)) == ["k.close"]
    assert schedule.job("k.close").next_at(at("2026-11-25", 9, 6)) == at("2026-11-25", 9, 10)


def test_run_schedule_list_prints_each_job_and_its_next_run(db, capsys):
    call_command("run_schedule", "--list")
    out = capsys.readouterr().out
    assert "visits.escalate_problems\t逾期问题逐级升级\t每天 01:00\t下次运行 " in out
    assert "knowledge.close_attempts" in out and "dashboard.kpi_history" in out


@pytest.mark.django_db
def test_operations_page_and_api_for_administrators_only(client, make_user, only):
    def broken(now):
        raise RuntimeError("连接被拒绝")

    only(
        schedule.Job("a.broken", lambda now: True, broken, label="坏任务", describe="每天"),
        schedule.Job(
            "b.fine", run=lambda now: "rows=3", timing=schedule.daily("dashboard.history_hour"), label="好任务"
        ),
    )
    schedule.run_due(at("2026-11-25", 3))
    admin = make_user(Role.COUNTY_ADMIN, "370725")
    client.force_login(admin)
    page = client.get(reverse("core:operations"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "坏任务" in html and "失败" in html and "连接被拒绝" in html and "好任务" in html and "rows=3" in html
    assert "每天 01:00" in html
    jobs = {j["name"]: j for j in client.get("/api/v1/operations/jobs").json()}
    assert jobs["a.broken"]["last_outcome"] == "failed" and jobs["b.fine"]["last_outcome"] == "ok"
    assert jobs["b.fine"]["schedule"] == "每天 01:00" and jobs["b.fine"]["next_run"]
    client.force_login(make_user(Role.CADRE, "370725001001"))
    assert client.get(reverse("core:operations")).status_code == 403
    assert client.get("/api/v1/operations/jobs").status_code == 403


def test_old_runs_are_pruned_after_the_retention_rule(db, only):
    only(schedule.Job("k.close", run=lambda now: "0", timing=schedule.every("knowledge.close_attempts_minutes")))
    JobRun.objects.create(job="k.close", started_at=at("2026-08-01", 9), outcome="ok")
    JobRun.objects.create(job="other", started_at=at("2026-08-01", 9), outcome="ok")
    JobRun.objects.create(job="k.close", started_at=at("2026-11-01", 9), outcome="ok")
    schedule.run_due(at("2026-11-25", 9))  # schedule.keep_runs_days: 90
    assert sorted(JobRun.objects.filter(job="k.close").values_list("started_at__month", flat=True)) == [11, 11]
    assert JobRun.objects.filter(job="other").exists()  # each job prunes its own


def test_a_reminder_missed_on_its_day_is_not_sent_the_next_day(db, only):
    """catch_up=False (the duty reminders): a slot is run late only on its own day."""
    only(
        schedule.Job("r.daily", run=lambda now: "1", timing=schedule.daily("duties.remind_daily_hour", catch_up=False))
    )
    assert schedule.run_due(at("2026-11-25", 14)) == []  # yesterday's 15:00 was missed: not now
    assert schedule.run_due(at("2026-11-25", 23)) == ["r.daily"]  # today's, late on the same day
    assert schedule.job("r.daily").next_at(at("2026-11-26", 9)) == at("2026-11-26", 15)
