"""The cases' deadline checker in chunks (docs/cases.md §2): many overdue cases are marked, audited and alerted
one each, as the one-at-a-time checker did, a second run adds nothing, and the queries of a run do not grow with
the number of cases."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shian.cases.models import Case, Supervision
from shian.cases.services.deadlines import check_deadlines
from shian.core import deadlinechecks, figcache, workdays
from shian.core.models import AuditEntry, Notification, NotificationPreference

from .cases_setup import VILLAGE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_holiday_table():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def _cases(world, n: int, *, due: datetime.datetime, tag: str) -> list[Case]:
    """`n` open cases of the world's village whose decision was due at `due`."""
    rows = [
        Case(number=f"AJ{tag}-{i:04d}", region_id=VILLAGE, title=f"案件{tag}{i}", opened_at=due - datetime.timedelta(days=90),
             created_by=world.station, decision_due=due)
        for i in range(n)
    ]  # fmt: skip
    return Case.objects.bulk_create(rows)


def _figures_cached() -> bool:
    return figcache.remember(kind="test", code="370725", key=(), compute=timezone.now)[2]


def test_a_chunk_of_many_overdue_cases_gives_one_alert_and_entry_per_case_and_a_second_run_nothing(
    world, people, monkeypatch
):
    monkeypatch.setattr(deadlinechecks, "CHUNK", 4)  # 10 cases: three chunks
    now = timezone.now()
    cases = _cases(world, 10, due=now - datetime.timedelta(hours=1), tag="A")
    Supervision.objects.create(case=cases[0], level_id="3707", reason="重大案件", started_at=now,
                               started_by=people["city"])  # fmt: skip
    _figures_cached()
    first = check_deadlines(now)
    assert (first.checked, first.overdue, first.escalated) == (10, 10, 0)
    assert not _figures_cached()  # the entries invalidated the county's figures
    alerts = Notification.objects.filter(kind="case.overdue", user=world.county_admin)
    assert sorted(a.url for a in alerts) == sorted(reverse("cases:case_detail", args=[c.pk]) for c in cases)
    assert {a.group_key for a in alerts} == {"case.overdue:region:370725001"}
    entries = AuditEntry.objects.filter(action="case.overdue")
    assert sorted(e.object_id for e in entries) == sorted(str(c.pk) for c in cases)
    entry = entries.get(object_id=str(cases[3].pk))
    assert (entry.actor_id, entry.actor_name, entry.object_type, entry.region_code) == (
        None, "system", "cases.case", VILLAGE)  # fmt: skip
    assert entry.object_repr == f"{cases[3].number} {cases[3].title}"
    assert entry.after == {"decision_due": cases[3].decision_due.isoformat()}

    second = check_deadlines(now)
    assert (second.overdue, second.escalated) == (0, 0)
    assert alerts.count() == 10
    assert AuditEntry.objects.filter(action="case.overdue").count() == 10

    NotificationPreference.objects.create(user=world.county_admin, muted_kinds=["case.escalated"])
    later = now + datetime.timedelta(days=30)  # past `cases.escalate_after` working days
    assert check_deadlines(later).escalated == 10
    assert check_deadlines(later).escalated == 0
    assert AuditEntry.objects.filter(action="case.escalate").count() == 10
    assert not Notification.objects.filter(kind="case.escalated", user=world.county_admin).exists()  # muted
    city = Notification.objects.filter(kind="case.escalated", user=people["city"])  # the supervising level
    assert [a.url for a in city] == [reverse("cases:case_detail", args=[cases[0].pk])]
    assert set(Case.objects.values_list("overdue_at", "escalated_at")) == {(now, later)}


def test_a_case_not_yet_due_for_escalation_is_left_for_a_later_run(world):
    now = timezone.now()
    _cases(world, 2, due=now - datetime.timedelta(hours=1), tag="B")
    assert check_deadlines(now + datetime.timedelta(days=1)).escalated == 0  # 5 working days not yet past
    assert Case.objects.filter(escalated_at__isnull=True).count() == 2
    assert check_deadlines(now + datetime.timedelta(days=20)).escalated == 2


def test_the_queries_of_a_run_do_not_grow_with_the_number_of_cases(world, people, django_assert_max_num_queries):
    now = timezone.now()

    few_cases = _cases(world, 3, due=now - datetime.timedelta(days=40), tag="F")
    Supervision.objects.create(case=few_cases[0], level_id="3707", reason="重大案件", started_at=now,
                               started_by=people["city"])  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        few = check_deadlines(now)
    few_queries = len(queries)
    cases = _cases(world, 40, due=now - datetime.timedelta(days=40), tag="M")
    Supervision.objects.create(case=cases[0], level_id="3707", reason="重大案件", started_at=now,
                               started_by=people["city"])  # fmt: skip
    with django_assert_max_num_queries(few_queries):
        many = check_deadlines(now + datetime.timedelta(seconds=1))
    assert (few.overdue, few.escalated) == (3, 3) and (many.overdue, many.escalated) == (40, 40)
    assert Notification.objects.filter(kind="case.escalated", user=people["city"]).count() == 2
