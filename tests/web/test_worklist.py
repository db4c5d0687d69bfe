"""The home page is the user's work list (工作台): for each role, what waits for that person, counted from the
records and linked to the filtered list, most urgent first, and never counting another township's work."""

import datetime
import re

import pytest
from django.utils import timezone

from shian.accounts.models import JoinedVia, Role
from shian.baobao.models import Change
from shian.core import worklist
from shian.entities.models import Entity, License
from shian.ledgers.models import ImportBatch
from shian.visits import services
from shian.visits.models import Problem, Visit
from shian.visits.selectors import current_quarter
from tests.visits.conftest import guarantee, sign, world  # noqa: F401  (the visit world fixture)

OTHER_VILLAGE = "370725107201"  # 乔官村, another township of the same county


def shown(client, user) -> dict[str, int]:
    """The work-list items the home page shows to `user`: key -> count."""
    client.force_login(user)
    body = client.get("/").content.decode()
    return {k: int(n) for k, n in re.findall(r'data-testid="work-([\w.]+)" data-count="(\d+)"', body)}


def overdue_problem_elsewhere(problem: Problem) -> Problem:
    """An overdue problem of an entity in another township (乔官镇)."""
    other = Entity.objects.create(name="乔官镇小卖部", region_id=OTHER_VILLAGE, business_type="sales")
    return Problem.objects.create(
        visit=problem.visit, item=problem.item, entity=other, cadre=problem.cadre, region_id=OTHER_VILLAGE,
        description="别处的问题", severity=problem.severity, found_on=problem.found_on,
        due_at=timezone.now() - datetime.timedelta(days=9), due_rule=problem.due_rule,
        escalation=Problem.Escalation.COUNTY,
    )  # fmt: skip


@pytest.fixture
def loop(world):  # noqa: F811
    """A signed visit with three problems: one past its deadline (escalated to the station), one with evidence
    submitted, one open; a second guaranteed entity nobody visited this quarter or the last."""
    visit, _created = sign(world, fail={1: "后厨地面积水", 2: "留样不全", 3: "消毒记录缺失"})
    late, submitted, _open = list(Problem.objects.filter(visit=visit).order_by("pk"))
    Problem.objects.filter(pk=late.pk).update(
        due_at=timezone.now() - datetime.timedelta(days=2), escalation=Problem.Escalation.STATION
    )
    services.submit_evidence(actor=world.enterprise, problem=submitted, note="已整改")
    unvisited = Entity.objects.create(name="站前便利店", region_id=world.entity.region_id, business_type="sales")
    guarantee(unvisited, world.cadre)
    return world


@pytest.mark.django_db
def test_cadre_sees_visits_due_and_problems_to_recheck(client, loop):
    """A cadre: entities not visited this quarter (overdue when the last quarter was missed too) and evidence to
    verify, counted as the records say."""
    quarter = current_quarter()
    guaranteed = set(loop.cadre.guarantees.values_list("entity_id", flat=True))
    visited = set(Visit.objects.filter(quarter=quarter).values_list("entity_id", flat=True))
    items = shown(client, loop.cadre_user)
    assert items["visits.overdue"] + items["visits.due"] == len(guaranteed - visited) == 1
    assert items["problems.recheck"] == Problem.objects.filter(
        cadre=loop.cadre, status=Problem.Status.SUBMITTED
    ).count() == 1  # fmt: skip


@pytest.mark.django_db
def test_enterprise_sees_its_open_problems_and_todays_self_check(client, loop):
    items = shown(client, loop.enterprise)
    mine = Problem.objects.filter(entity=loop.entity)
    assert items["problems.own_open"] == mine.filter(status=Problem.Status.OPEN).count() == 2
    assert items["problems.own_overdue"] == 1
    assert items["duties.daily"] == 1  # no 日管控 today
    assert items["entities.expiring"] == 0
    License.objects.create(
        entity=loop.entity, kind="business", number="JY0001", expires_on=timezone.localdate() + datetime.timedelta(5)
    )
    assert shown(client, loop.enterprise)["entities.expiring"] == 1


@pytest.mark.django_db
def test_township_counts_only_its_own_township(client, loop, make_user):
    """A township's overdue problems, unguaranteed entities and change reports; 乔官镇's never count for 宝都街道."""
    first = Problem.objects.filter(entity=loop.entity).first()
    overdue_problem_elsewhere(first)
    here = Entity.objects.create(name="无人包保甲", region_id=loop.entity.region_id, business_type="sales")
    there = Entity.objects.create(name="无人包保乙", region_id=OTHER_VILLAGE, business_type="sales")
    now = timezone.now()
    for kind, entity, report_due in (
        (Change.Kind.ENTITY_NEW, here, now - datetime.timedelta(days=1)),
        (Change.Kind.GRADE_CHANGED, here, now + datetime.timedelta(days=1)),
        (Change.Kind.ENTITY_NEW, there, now - datetime.timedelta(days=1)),
    ):
        Change.objects.create(
            kind=kind, entity=entity, region_id=entity.region_id, occurred_on=now.date(),
            recorded_at=now,
            report_due=report_due, report_rule={}, reassign_due=report_due, reassign_rule={},
        )  # fmt: skip
    township = "370725001"
    items = shown(client, loop.township_admin)
    unclosed = Problem.objects.exclude(status=Problem.Status.CLOSED)
    assert items["problems.overdue"] == unclosed.filter(region__code__startswith=township, due_at__lt=now).count() == 1
    assert items["problems.escalated"] == 1
    gaps = Entity.objects.filter(region__code__startswith=township, guarantee__isnull=True)
    assert items["baobao.unguaranteed"] == gaps.count() == 1
    assert items["baobao.report_overdue"] == 1
    assert items["baobao.report_soon"] == 1
    # the county sees both townships
    county = shown(client, loop.county_admin)
    assert county["problems.overdue"] == unclosed.filter(due_at__lt=now).count() == 2
    assert county["problems.escalated"] == 1  # only the one escalated to the county
    assert county["baobao.unguaranteed"] == Entity.objects.filter(guarantee__isnull=True).count() == 3
    assert county["baobao.reassign_overdue"] == 2
    assert "baobao.report_overdue" not in county
    # another county sees none of it
    outsider = shown(client, loop.outsider)
    assert outsider["problems.overdue"] == 0 and outsider["baobao.unguaranteed"] == 0


@pytest.mark.django_db
def test_county_sees_imports_to_confirm_and_lagging_townships(client, loop):
    ImportBatch.objects.create(
        kind="entities", mode=ImportBatch.Mode.DRY_RUN, status=ImportBatch.Status.VALIDATED, file_name="a.xlsx",
        file_hash="0" * 64, created_by=loop.county_admin, region_id="370725",
    )  # fmt: skip
    items = shown(client, loop.county_admin)
    assert items["ledgers.to_confirm"] == 1
    assert "dashboard.lagging" in items
    assert shown(client, loop.outsider)["ledgers.to_confirm"] == 0


@pytest.mark.django_db
def test_station_sees_escalations_and_self_registered_accounts(client, loop, make_user):
    make_user(Role.ENTERPRISE, loop.entity.region_id, joined_via=JoinedVia.SELF_REGISTRATION)
    make_user(Role.ENTERPRISE, OTHER_VILLAGE, joined_via=JoinedVia.SELF_REGISTRATION)
    items = shown(client, loop.station)
    assert items["problems.escalated"] == 1
    assert items["accounts.self_registered"] == 1


@pytest.mark.django_db
def test_auditor_gets_a_read_only_summary(client, loop, make_user):
    auditor = make_user(Role.AUDITOR, "370725")
    items = shown(client, auditor)
    assert set(items) >= {"problems.overdue", "audit.today", "accounts.visible"}
    assert "problems.escalated" not in items and "baobao.unguaranteed" not in items


@pytest.mark.django_db
def test_most_urgent_first_and_nothing_waiting_last(loop):
    items = worklist.items_for(loop.township_admin, None)
    waiting = [i for i in items if i.count]
    assert [i.urgency for i in waiting] == sorted(i.urgency for i in waiting)
    assert all(i.count for i in items[: len(waiting)])


@pytest.mark.django_db
def test_a_failing_provider_does_not_take_the_home_page_down(client, loop):
    def broken(**kwargs):
        raise RuntimeError("boom")

    worklist.register(worklist.Provider("broken", broken))
    try:
        assert shown(client, loop.township_admin)["problems.overdue"] == 1
    finally:
        worklist._PROVIDERS.pop("broken")


@pytest.mark.django_db
def test_home_page_queries_do_not_grow_with_records(client, loop, django_assert_max_num_queries):
    """Counts are grouped queries: more problems do not mean more queries."""
    client.force_login(loop.county_admin)
    client.get("/")
    first = Problem.objects.filter(entity=loop.entity).first()
    for _ in range(5):
        overdue_problem_elsewhere(first)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get("/")
    for _ in range(5):
        overdue_problem_elsewhere(first)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get("/")


@pytest.mark.django_db
def test_each_problem_item_links_to_a_list_of_exactly_its_records(client, loop):
    """Following an item's link shows as many problems as the item counts (the county's escalations are those
    escalated to the county, not every escalation)."""
    first = Problem.objects.filter(entity=loop.entity).first()
    overdue_problem_elsewhere(first)
    Problem.objects.filter(entity=loop.entity, status=Problem.Status.OPEN, due_at__gt=timezone.now()).update(
        due_at=timezone.now() + datetime.timedelta(days=1)
    )
    seen = set()
    for user in (loop.county_admin, loop.township_admin, loop.enterprise):
        client.force_login(user)
        for item in worklist.items_for(user, None):
            if item.key.startswith("problems.") and item.key != "problems.recheck":
                body = client.get(item.url).content.decode()
                listed = int(re.search(r'data-testid="problem-count">共 (\d+) 个问题', body).group(1))
                assert listed == item.count, (user.username, item.key)
                seen.add(item.key)
    assert seen >= {"problems.overdue", "problems.escalated", "problems.soon", "problems.own_open"}
    assert worklist.items_for(loop.township_admin, None)[0].count  # something waits, and it comes first
