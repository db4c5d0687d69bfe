"""The visit loop's reads: a cadre's own entities and their quarter state, scoping of visits, problems and
attachments, and the quarterly coverage figures (≥1 visit per entity per quarter, docs/domain.md §4.5, §15).

Visits in a past quarter are made the real way: the clock is set inside that quarter and the visit is signed
through the service. A visit's date and quarter derive from its start time, which must lie within 30 days of
signing, and a stored visit is locked (Visit.save refuses), so no row is back-dated by hand."""

import datetime
import io
import uuid
from zoneinfo import ZoneInfo

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from shian.accounts.models import Role
from shian.baobao import documents
from shian.baobao import selectors as baobao_selectors
from shian.baobao.models import Cadre, Guarantee
from shian.core.models import DeadlineRule
from shian.entities.models import Entity
from shian.visits import selectors, services
from shian.visits.models import Problem

from .conftest import VILLAGE, answers_for, guarantee, photo

CST = ZoneInfo("Asia/Shanghai")
OTHER_VILLAGE = "370725107201"  # 乔官镇乔官村: same county, another township
Q3, Q4 = 20263, 20264
IN_Q3 = datetime.datetime(2026, 8, 10, 10, 0, tzinfo=CST)
IN_Q4 = datetime.datetime(2026, 11, 10, 10, 0, tzinfo=CST)


@pytest.fixture
def clock(monkeypatch):
    def set_now(value: datetime.datetime):
        monkeypatch.setattr(timezone, "now", lambda: value)

    set_now(IN_Q4)
    return set_now


def visit(clock, entity, user, when, *, fail=None, minutes=20, attachments=None):
    """Sign a visit on `entity` by `user` (its cadre) at `when`, started `minutes` before."""
    clock(when)
    checklist = services.current_checklist(entity)
    cadre = Cadre.objects.get(user=user)
    signed, _created = services.sign_visit(
        actor=user, entity=entity, client_key=uuid.uuid4(), checklist_id=checklist.pk,
        answers=answers_for(checklist, fail, attachments), signer_name=cadre.name,
        started_at=when - datetime.timedelta(minutes=minutes),
    )  # fmt: skip
    clock(IN_Q4)
    return signed


def shop(name, region=VILLAGE, grade="D", **fields):
    return Entity.objects.create(
        name=name, region_id=region, business_type="sales", sub_type="small_shop", declared_grade=grade, **fields
    )


def cadre_with_login(make_user, name, region):
    user = make_user(Role.CADRE, region, name=name)
    return user, Cadre.objects.create(name=name, level="village", region_id=region, user=user)


# -- a cadre's own entities -----------------------------------------------------------------------------------


def test_my_entities_marks_each_entity_done_due_or_overdue(world, clock, make_user):
    visited_last_quarter = shop("站前便利店")
    new_this_quarter = shop("站前新开超市")
    other_user, other = cadre_with_login(make_user, "李卫东", VILLAGE)
    supported = shop("站前粮油店")
    guarantee(visited_last_quarter, world.cadre)
    guarantee(new_this_quarter, world.cadre, since=datetime.date(2026, 10, 15))
    supported_guarantee = guarantee(supported, other)
    supported_guarantee.supporter = world.cadre
    supported_guarantee.save()
    unrelated = shop("别人的店")
    guarantee(unrelated, other)
    visit(clock, visited_last_quarter, world.cadre_user, IN_Q3)
    visit(clock, world.entity, world.cadre_user, IN_Q4 - datetime.timedelta(days=2), fail={1: "未配备安全员"})

    rows = list(selectors.my_entities(user=world.cadre_user))
    states = {row.entity.name: row.state for row in rows}
    assert states == {
        "乔官镇老张饭店": "done",
        "站前便利店": "due",  # visited last quarter: this quarter's visit is simply due
        "站前新开超市": "due",  # guaranteed only since this quarter: nothing was missed yet
        "站前粮油店": "overdue",  # guaranteed all of last quarter and not visited then, nor yet now
    }
    # the overdue first, the done last
    assert [row.entity.name for row in rows] == ["站前粮油店", "站前便利店", "站前新开超市", "乔官镇老张饭店"]
    assert {row.entity.name: row.open_problems for row in rows}["乔官镇老张饭店"] is True
    assert {row.entity.name for row in rows if row.open_problems} == {"乔官镇老张饭店"}

    last_quarter = {row.entity.name: row.state for row in selectors.my_entities(user=world.cadre_user, quarter=Q3)}
    assert last_quarter["站前便利店"] == "done" and last_quarter["乔官镇老张饭店"] == "overdue"
    assert [r.entity.name for r in selectors.my_entities(user=world.cadre_user, q="便利")] == ["站前便利店"]
    assert {r.entity.name for r in selectors.my_entities(user=other_user)} == {"站前粮油店", "别人的店"}
    assert not selectors.my_entities(user=world.enterprise).exists()
    assert not selectors.my_entities(user=world.county_admin).exists()
    assert selectors.my_guarantee(user=world.cadre_user, entity_id=supported.pk).entity == supported
    with pytest.raises(Http404):
        selectors.my_guarantee(user=world.cadre_user, entity_id=unrelated.pk)


# -- scoping --------------------------------------------------------------------------------------------------


@pytest.fixture
def two_townships(world, clock, make_user):
    """world.entity (站前社区) and a shop in 乔官村, each with a visit in Q4 that found one key problem."""
    far_user, far_cadre = cadre_with_login(make_user, "王乔官", OTHER_VILLAGE)
    far_shop = shop("乔官村小卖部", OTHER_VILLAGE)
    guarantee(far_shop, far_cadre)
    here = visit(clock, world.entity, world.cadre_user, IN_Q4 - datetime.timedelta(days=30), fail={1: "无安全员"})
    there = visit(clock, far_shop, far_user, IN_Q4 - datetime.timedelta(days=1), fail={1: "无安全员"}, minutes=1)
    return here, there, far_user


def test_each_account_sees_the_visits_and_problems_it_should(world, two_townships, make_user):
    here, there, far_user = two_townships

    def seen(user):
        visits = set(selectors.visit_list(user=user).values_list("pk", flat=True))
        problems = set(selectors.problem_list(user=user).values_list("visit_id", flat=True))
        return visits, problems

    both = {here.pk, there.pk}
    assert seen(world.county_admin) == (both, both)
    assert seen(world.station) == ({here.pk}, {here.pk})  # its township only
    assert seen(world.enterprise) == ({here.pk}, {here.pk})  # its own entity only
    assert seen(far_user) == ({there.pk}, {there.pk})
    assert seen(world.outsider) == (set(), set())
    assert seen(make_user(Role.ENTERPRISE, VILLAGE)) == (set(), set())  # a neighbour in the same village
    problem = Problem.objects.get(visit=there)
    for user in (world.enterprise, world.outsider, world.station):
        with pytest.raises(Http404):
            selectors.visit_get(user=user, pk=there.pk)
        with pytest.raises(Http404):
            selectors.problem_get(user=user, pk=problem.pk)
    assert selectors.problem_get(user=world.county_admin, pk=problem.pk) == problem
    # narrowing to a region outside the jurisdiction shows nothing, never more
    assert not selectors.visit_list(user=world.station, region_code="370725107").exists()
    assert [v.pk for v in selectors.visit_list(user=world.county_admin, region_code="370725107")] == [there.pk]


def test_list_filters(world, two_townships, clock):
    here, there, _far_user = two_townships
    county = world.county_admin
    assert [v.pk for v in selectors.visit_list(user=county, needs_review=True)] == [there.pk]  # a 1-minute visit
    assert [v.pk for v in selectors.visit_list(user=county, entity_id=world.entity.pk)] == [here.pk]
    assert [v.pk for v in selectors.visit_list(user=county, cadre_id=world.cadre.pk)] == [here.pk]
    assert selectors.visit_list(user=county, quarter=Q3).count() == 0
    # here's key problem (5 working days from 2026-10-11) is overdue on 11-10, there's (from 11-09) is not
    overdue = selectors.problem_list(user=county, status="overdue")
    assert [p.visit_id for p in overdue] == [here.pk]
    assert selectors.problem_list(user=county, status="unclosed").count() == 2
    assert [p.visit_id for p in selectors.problem_list(user=world.cadre_user, mine=True)] == [here.pk]
    assert not selectors.problem_list(user=county, escalated=True).exists()
    services.escalate_overdue()
    assert [p.visit_id for p in selectors.problem_list(user=county, escalated=True)] == [here.pk]
    problem = Problem.objects.get(visit=here)
    services.submit_evidence(actor=world.enterprise, problem=problem, note="已整改")
    services.close_problem(actor=world.cadre_user, problem=problem)
    assert [p.visit_id for p in selectors.problem_list(user=county, status="closed")] == [here.pk]
    assert not selectors.problem_list(user=county, status="overdue").filter(visit=here).exists()


# -- coverage -------------------------------------------------------------------------------------------------


@pytest.fixture
def county(world, clock, make_user):
    """Guarantees across two townships of 昌乐县 and one in 博山区, with Q3 visits on some of them."""
    far_user, far_cadre = cadre_with_login(make_user, "王乔官", OTHER_VILLAGE)
    idle_user, idle_cadre = cadre_with_login(make_user, "赵闲", OTHER_VILLAGE)
    bs_user, bs_cadre = cadre_with_login(make_user, "孙博山", "370304001")
    b_shop = shop("站前超市", grade="B")
    c_shop = shop("乔官大市场", OTHER_VILLAGE, grade="C")
    ungraded = shop("乔官未分级店", OTHER_VILLAGE, grade="")
    newcomer = shop("乔官新店", OTHER_VILLAGE)
    boshan = shop("博山大酒店", "370304001", grade="A")
    guarantee(b_shop, world.cadre)
    guarantee(c_shop, far_cadre)
    guarantee(ungraded, idle_cadre)
    guarantee(newcomer, far_cadre, since=datetime.date(2026, 10, 1))  # after Q3: not due in Q3
    guarantee(boshan, bs_cadre)
    visit(clock, world.entity, world.cadre_user, IN_Q3)
    visit(clock, world.entity, world.cadre_user, IN_Q3 + datetime.timedelta(days=20), minutes=2)  # twice: counts once
    visit(clock, c_shop, far_user, IN_Q3)
    return {"far": far_cadre, "idle": idle_cadre, "boshan": bs_cadre}


def test_coverage_of_an_ended_quarter(world, county):
    report = selectors.coverage(user=world.county_admin, region_code="370725", quarter=Q3)
    assert report["ended"] is True
    assert report["total"] == {"due": 4, "visited": 2, "missed": 2, "overdue": 2, "rate": 50.0}
    assert report["areas"] == [
        {"code": "370725001", "due": 2, "visited": 1, "missed": 1, "overdue": 1, "rate": 50.0},
        {"code": "370725107", "due": 2, "visited": 1, "missed": 1, "overdue": 1, "rate": 50.0},
    ]
    grades = dict(report["grades"])
    assert list(grades) == ["B", "C", "D", ""]  # no A entity in the county; the ungraded last
    assert (grades["B"]["visited"], grades["C"]["visited"], grades["D"]["visited"], grades[""]["visited"]) == (
        0,
        1,
        1,
        0,
    )
    assert all(g["due"] == 1 for g in grades.values())
    assert (report["visits"], report["needs_review"]) == (3, 1)
    # one township: its villages
    township = selectors.coverage(user=world.county_admin, region_code="370725107", quarter=Q3)
    assert [(a["code"], a["due"], a["visited"]) for a in township["areas"]] == [("370725107201", 2, 1)]


def test_coverage_of_the_running_quarter_has_nothing_overdue_yet(world, county):
    report = selectors.coverage(user=world.county_admin, region_code="370725", quarter=Q4)
    assert report["ended"] is False
    assert report["total"] == {"due": 5, "visited": 0, "missed": 5, "overdue": 0, "rate": 0.0}
    assert report["visits"] == 0


def test_coverage_is_scoped(world, county, users_by_role):
    province = selectors.coverage(user=users_by_role[Role.PROVINCE_ADMIN], region_code="37", quarter=Q3)
    assert [(a["code"], a["due"], a["visited"]) for a in province["areas"]] == [("3703", 1, 0), ("3707", 4, 2)]
    assert dict(province["grades"])["A"]["due"] == 1
    station = selectors.coverage(user=world.station, region_code="370725001", quarter=Q3)
    assert station["total"]["due"] == 2
    # another county's administrator, or a region outside the user's own, sees nothing of 昌乐县
    assert selectors.coverage(user=world.outsider, region_code="370725", quarter=Q3)["total"]["due"] == 0
    assert selectors.coverage(user=world.station, region_code="370725107", quarter=Q3)["total"]["due"] == 0
    assert selectors.coverage(user=world.outsider, region_code="370304", quarter=Q3)["total"]["due"] == 1


def test_cadres_without_visits(world, county):
    idle = selectors.cadres_without_visits(user=world.county_admin, region_code="370725", quarter=Q3)
    assert list(idle) == [county["idle"]]
    running = selectors.cadres_without_visits(user=world.county_admin, region_code="370725", quarter=Q4)
    assert set(running) == {world.cadre, county["far"], county["idle"]}
    assert list(selectors.cadres_without_visits(user=world.outsider, region_code=None, quarter=Q3)) == [
        county["boshan"]
    ]
    rows = {
        r["cadre_id"]: r for r in selectors.cadre_coverage(user=world.county_admin, region_code="370725", quarter=Q3)
    }
    assert {k: (r["due"], r["visited"]) for k, r in rows.items()} == {
        world.cadre.pk: (2, 1),
        county["far"].pk: (1, 1),  # the newcomer (guaranteed from Q4) is not due in Q3
        county["idle"].pk: (1, 0),
    }
    idle_rows = selectors.cadre_coverage(user=world.county_admin, region_code="370725", quarter=Q3, idle_only=True)
    assert [r["cadre_id"] for r in idle_rows] == [county["idle"].pk]


def test_coverage_page_counts_once_a_while_and_a_signed_visit_shows_at_once(client, world, county, clock):
    """The page's figures come from the shared figures cache on a second look (and say when they were counted);
    a visit signed through the service drops them, so it counts at once."""
    client.force_login(world.county_admin)
    first = client.get(reverse("visits:coverage"), {"quarter": "2026Q4", "region": "370725"})
    assert first.context["total"]["visited"] == 0 and first.context["counted_at"] is None
    assert first.context["idle_count"] == 3 and len(first.context["cadres"]) == 3
    again = client.get(reverse("visits:coverage"), {"quarter": "2026Q4", "region": "370725"})
    assert again.context["counted_at"] is not None and "数据更新于" in again.content.decode()
    assert set(again.context["idle"]) == set(first.context["idle"]) == {world.cadre, county["far"], county["idle"]}
    visit(clock, world.entity, world.cadre_user, IN_Q4)
    after = client.get(reverse("visits:coverage"), {"quarter": "2026Q4", "region": "370725"})
    assert after.context["counted_at"] is None and after.context["total"]["visited"] == 1
    assert after.context["idle_count"] == 2 and after.context["visits"] == 1


# -- attachments ----------------------------------------------------------------------------------------------


def test_who_may_open_a_photo_and_its_original(world, clock, make_user):
    on_answer = services.store_attachment(actor=world.cadre_user, upload=photo())
    visit(clock, world.entity, world.cadre_user, IN_Q4, fail={1: "无安全员"}, attachments={1: [on_answer.pk]})
    pending = services.store_attachment(actor=world.cadre_user, upload=photo("later.jpg"))

    assert selectors.attachment_get(user=world.enterprise, pk=on_answer.pk) == on_answer
    with pytest.raises(Http404):  # the original keeps the GPS position: regulators only
        selectors.attachment_get(user=world.enterprise, pk=on_answer.pk, original=True)
    assert selectors.attachment_get(user=world.county_admin, pk=on_answer.pk, original=True) == on_answer
    assert selectors.attachment_get(user=world.station, pk=on_answer.pk) == on_answer
    for user in (world.outsider, make_user(Role.ENTERPRISE, VILLAGE)):
        with pytest.raises(Http404):
            selectors.attachment_get(user=user, pk=on_answer.pk)

    assert selectors.attachment_get(user=world.cadre_user, pk=pending.pk, original=True) == pending
    for user in (world.county_admin, world.station, world.enterprise):  # someone's pending upload is theirs alone
        with pytest.raises(Http404):
            selectors.attachment_get(user=user, pk=pending.pk)

    problem = Problem.objects.get()
    evidence = services.store_attachment(actor=world.enterprise, upload=photo("fixed.jpg"))
    services.submit_evidence(actor=world.enterprise, problem=problem, note="已整改", attachment_ids=[evidence.pk])
    assert selectors.attachment_get(user=world.cadre_user, pk=evidence.pk) == evidence
    assert selectors.attachment_get(user=world.enterprise, pk=evidence.pk) == evidence
    with pytest.raises(Http404):
        selectors.attachment_get(user=world.enterprise, pk=evidence.pk, original=True)
    with pytest.raises(Http404):
        selectors.attachment_get(user=world.outsider, pk=evidence.pk)
    with pytest.raises(Http404):
        selectors.attachment_get(user=world.cadre_user, pk=evidence.pk + 1000)


def test_a_pdf_has_no_original_to_open(world):
    pdf = SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    stored = services.store_attachment(actor=world.enterprise, upload=pdf, allow_pdf=True)
    assert stored.content_type == "application/pdf" and not stored.original
    assert selectors.attachment_get(user=world.enterprise, pk=stored.pk) == stored
    with pytest.raises(Http404):
        selectors.attachment_get(user=world.enterprise, pk=stored.pk, original=True)


def test_a_regional_visit_frequency_changes_the_clock_and_the_commitment_letter_alike(world, county, clock):
    """乔官镇 asks for two visits a quarter (the rule store); its shop visited once in Q3 is not covered, and its
    cadre's papers print two, while 宝都街道 keeps the default of one."""
    DeadlineRule.objects.create(
        code="baobao.visits_per_quarter", name="乔官镇督导频次", region_prefix="370725107", version=1,
        unit="n", amount=2, valid_from=datetime.date(2026, 1, 1), source="测试",
    )  # fmt: skip
    report = selectors.coverage(user=world.county_admin, region_code="370725", quarter=Q3)
    assert report["total"]["visited"] == 1
    assert [(a["code"], a["due"], a["visited"]) for a in report["areas"]] == [
        ("370725001", 2, 1),  # world.entity, visited twice: covered under the default too
        ("370725107", 2, 0),  # the shop visited once falls short of two
    ]
    far_user = county["far"].user
    states = {r.entity.name: r.state for r in selectors.my_entities(user=far_user, quarter=Q3)}
    assert states["乔官大市场"] == "overdue"  # one visit in Q3 is not done under the rule; Q2 was missed too
    assert {r.entity.name: r.state for r in selectors.my_entities(user=world.cadre_user, quarter=Q3)}[
        "乔官镇老张饭店"
    ] == "done"

    def letter(cadre):
        guarantees = baobao_selectors.cadre_guarantees(user=world.county_admin, cadre=cadre)
        _name, data = documents.build(cadre, guarantees, None, fmt="docx", year=2026)
        document = docx.Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        parts += [cell.text for table in document.tables for r in table.rows for cell in r.cells]
        return "\n".join(parts)

    far_letter = letter(county["far"])
    assert "至少督导2次" in far_letter and "督导≥2次" in far_letter and "督导≥1次" not in far_letter
    assert "至少督导1次" in letter(world.cadre)


def test_a_cadre_across_two_townships_gets_each_entitys_own_frequency_on_paper(world, county, clock):
    """The letter follows the clock entity by entity: the task list prints each entity's own region's rule, and the
    pledge the most any of them asks (never less than the clock will count)."""
    DeadlineRule.objects.create(
        code="baobao.visits_per_quarter", name="乔官镇督导频次", region_prefix="370725107", version=1,
        unit="n", amount=2, valid_from=datetime.date(2026, 1, 1), source="测试",
    )  # fmt: skip
    far = county["far"]
    before = baobao_selectors.cadre_guarantees(user=world.county_admin, cadre=far)
    assert {g.entity.region_id[:9] for g in before} == {"370725107"}
    Guarantee.objects.filter(entity=world.entity).update(cadre=far)  # a 宝都街道 shop joins the 乔官镇 cadre's list
    guarantees = baobao_selectors.cadre_guarantees(user=world.county_admin, cadre=far)
    numbers = documents.rule_numbers(far, guarantees, 2026)
    assert numbers["per_entity"] == {
        g.entity_id: (2 if g.entity.region_id.startswith("370725107") else 1) for g in guarantees
    }
    assert numbers["visits"] == 2
    _name, data = documents.build(far, guarantees, None, fmt="docx", year=2026)
    document = docx.Document(io.BytesIO(data))
    cells = "\n".join(cell.text for table in document.tables for r in table.rows for cell in r.cells)
    assert "督导≥2次" in cells and "督导≥1次" in cells
    assert "至少督导2次" in "\n".join(p.text for p in document.paragraphs)


def test_the_dashboard_counts_visits_against_the_same_frequency_rule(world, county):
    from shian.core.kpis import Grouping
    from shian.visits.kpis import count_visits

    as_of = datetime.date(2026, 9, 30)
    Entity.objects.update(created_at=datetime.datetime(2026, 1, 1, tzinfo=CST))  # registered before the quarter
    before = count_visits(prefix="370725", grouping=Grouping(9), as_of=as_of)
    DeadlineRule.objects.create(
        code="baobao.visits_per_quarter", name="乔官镇督导频次", region_prefix="370725107", version=1,
        unit="n", amount=2, valid_from=datetime.date(2026, 1, 1), source="测试",
    )  # fmt: skip
    after = count_visits(prefix="370725", grouping=Grouping(9), as_of=as_of)
    assert before["370725107"]["visited_q"] == 1 and after["370725107"].get("visited_q", 0) == 0
    assert before["370725001"]["visited_q"] == after["370725001"]["visited_q"] == 1
    # the quarter after: the shop visited once in Q3 counts as overdue under the rule of two
    q4 = datetime.date(2026, 11, 10)
    assert count_visits(prefix="370725", grouping=Grouping(9), as_of=q4)["370725107"]["overdue_visits"] == 2
