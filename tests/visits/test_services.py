"""The visit loop's writes (issue 7, docs/domain.md §4.5): versioned checklists, signed visits, problems to closure,
escalation of overdue problems and the daily command that runs it."""

import datetime
import io
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from shian.accounts.models import Role
from shian.baobao.models import Cadre, Guarantee
from shian.checklists.models import Checklist, Severity
from shian.core.models import AuditEntry, Notification
from shian.entities.models import Entity
from shian.visits import selectors, services
from shian.visits.checklists import DEFAULTS, kind_for
from shian.visits.models import (
    Addendum,
    Answer,
    Attachment,
    ChecklistKind,
    Problem,
    ProblemEvent,
    Visit,
)

from .conftest import VILLAGE, answers_for, guarantee, photo, sign

CST = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime.datetime(2026, 3, 6, 10, 0, tzinfo=CST)  # no holiday near: the weekday rule decides
KEY_NOTE, GENERAL_NOTE = "未配备食品安全员", "风险管控清单未公示"
# Catering list positions (the shared duties come first): 1 is a key item, 3 a general one.
KEY_POS, GENERAL_POS = 1, 3


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=CST)


def end_of(*args) -> datetime.datetime:
    return datetime.datetime(*args, 23, 59, 59, tzinfo=CST)


@pytest.fixture
def clock(monkeypatch):
    """Set "now" for services, deadlines and auto_now fields (timezone.now is looked up at each call)."""

    def set_now(value: datetime.datetime):
        monkeypatch.setattr(timezone, "now", lambda: value)

    set_now(FRIDAY)
    return set_now


def signed_with_problems(world):
    """A visit signed on Friday 2026-03-06 with one key and one general 不符合; returns (visit, key, general)."""
    visit, _created = sign(world, fail={KEY_POS: KEY_NOTE, GENERAL_POS: GENERAL_NOTE})
    problems = {p.severity: p for p in Problem.objects.filter(visit=visit)}
    return visit, problems[Severity.KEY], problems[Severity.GENERAL]


def other_cadre(make_user, region=VILLAGE, name="李卫东"):
    user = make_user(Role.CADRE, region, name=name)
    return user, Cadre.objects.create(name=name, level="village", region_id=region, user=user)


# -- checklists -----------------------------------------------------------------------------------------------


def test_migration_seeds_a_default_list_for_every_kind(db):
    for kind in ChecklistKind.values:
        checklist = Checklist.objects.get(kind=kind, region=None, version=1)
        title, items = DEFAULTS[kind]
        assert checklist.title == title
        assert checklist.items.count() == len(items) > 5
        positions = list(checklist.items.values_list("position", flat=True))
        assert positions == list(range(1, len(items) + 1))
        assert checklist.items.filter(severity=Severity.KEY).exists()


@pytest.mark.parametrize(
    ("business_type", "sub_type", "kind"),
    [
        ("canteen", "school_canteen", ChecklistKind.SCHOOL_CANTEEN),
        ("canteen", "kindergarten_canteen", ChecklistKind.SCHOOL_CANTEEN),
        ("canteen", "elderly_canteen", ChecklistKind.ELDERLY_CANTEEN),
        ("canteen", "office_canteen", ChecklistKind.CATERING),
        ("market", "", ChecklistKind.MARKET),
        ("production", "food_producer", ChecklistKind.PRODUCTION),
        ("small", "small_workshop", ChecklistKind.PRODUCTION),
        ("small", "small_eatery", ChecklistKind.CATERING),
        ("small", "stall", ChecklistKind.SALES),
        ("sales", "supermarket", ChecklistKind.SALES),
        ("special", "", ChecklistKind.SALES),
        ("catering", "small_restaurant", ChecklistKind.CATERING),
        ("", "", ChecklistKind.CATERING),
    ],
)
def test_kind_for_picks_the_list_family(business_type, sub_type, kind):
    assert kind_for(business_type, sub_type) == kind


ITEMS = [
    {"category": "主体责任", "text": "配备食品安全员", "severity": "key", "guidance": "查看任命文件"},
    {"category": "本县特色", "text": "农村集体聚餐申报备案", "severity": "general"},
]


def test_a_county_edit_is_a_new_version_and_the_default_stays(world, clock):
    v1 = services.current_checklist(world.entity)
    before = list(v1.items.values_list("text", flat=True))
    v2 = services.create_checklist_version(
        actor=world.county_admin, kind="catering", region_code="370725", title=" 昌乐县餐饮包保督导检查表 ",
        items=ITEMS, note="增加农村集体聚餐",
    )  # fmt: skip
    assert (v2.version, v2.region_id, v2.title) == (2, "370725", "昌乐县餐饮包保督导检查表")
    assert [(i.position, i.text, i.severity) for i in v2.items.all()] == [
        (1, "配备食品安全员", "key"),
        (2, "农村集体聚餐申报备案", "general"),
    ]
    v1.refresh_from_db()
    assert (v1.version, v1.region_id) == (1, None)
    assert list(v1.items.values_list("text", flat=True)) == before
    assert services.current_checklist(world.entity) == v2
    assert AuditEntry.objects.filter(action="checklist.version", object_id=str(v2.pk)).exists()


def test_current_checklist_prefers_the_most_specific_region_then_the_newest(world, superuser, make_user):
    county = services.create_checklist_version(
        actor=superuser, kind="catering", region_code="370725", title="县 v2", items=ITEMS
    )
    county3 = services.create_checklist_version(
        actor=superuser, kind="catering", region_code="370725", title="县 v3", items=ITEMS
    )
    assert (county.version, county3.version) == (2, 3)
    assert services.current_checklist(world.entity) == county3
    township = services.create_checklist_version(
        actor=superuser, kind="catering", region_code="370725001", title="街道", items=ITEMS
    )
    assert township.version == 4  # numbered on from the newest that applied there
    assert services.current_checklist(world.entity) == township
    # a newer province default does not override a region's own list
    default2 = services.create_checklist_version(
        actor=superuser, kind="catering", region_code=None, title="省", items=ITEMS
    )
    assert (default2.version, default2.region_id) == (2, None)
    assert services.current_checklist(world.entity) == township
    # elsewhere, and for another kind, the province list applies
    elsewhere = Entity.objects.create(name="博山饭店", region_id="370304001", business_type="catering")
    assert services.current_checklist(elsewhere) == default2
    school = Entity.objects.create(
        name="站前小学食堂", region_id=VILLAGE, business_type="canteen", sub_type="school_canteen"
    )
    assert services.current_checklist(school) == Checklist.objects.get(kind="school_canteen", region=None, version=1)


def test_a_visit_keeps_the_version_it_was_signed_on(world, clock):
    visit, _ = sign(world, fail={KEY_POS: KEY_NOTE})
    v1 = visit.checklist
    v2 = services.create_checklist_version(
        actor=world.county_admin, kind="catering", region_code="370725", title="县版", items=ITEMS
    )
    visit = Visit.objects.get(pk=visit.pk)
    assert visit.checklist == v1 != v2
    assert {a.item.checklist_id for a in visit.answers.all()} == {v1.pk}
    assert visit.answers.count() == v1.items.count()
    # a phone that loaded v1 before the edit may still sign on it
    clock(FRIDAY + datetime.timedelta(hours=1))
    later, created = services.sign_visit(
        actor=world.cadre_user, entity=world.entity, client_key=uuid.uuid4(), checklist_id=v1.pk,
        answers=answers_for(v1), signer_name="张建国", started_at=FRIDAY + datetime.timedelta(minutes=30),
    )  # fmt: skip
    assert created and later.checklist == v1


def test_checklist_edits_are_for_administrators_in_scope(world, users_by_role):
    with pytest.raises(PermissionDenied):
        services.create_checklist_version(
            actor=world.cadre_user, kind="catering", region_code="370725", title="x", items=ITEMS
        )
    with pytest.raises(PermissionDenied):
        services.create_checklist_version(
            actor=world.station, kind="catering", region_code="370725001", title="x", items=ITEMS
        )
    with pytest.raises(PermissionDenied):  # only a superuser edits the province defaults
        services.create_checklist_version(
            actor=users_by_role[Role.PROVINCE_ADMIN], kind="catering", region_code=None, title="x", items=ITEMS
        )
    with pytest.raises(Http404):
        services.create_checklist_version(
            actor=world.outsider, kind="catering", region_code="370725", title="x", items=ITEMS
        )
    assert not Checklist.objects.filter(region__isnull=False).exists()


def test_bad_items_are_refused_by_item_number(world):
    items = [
        ITEMS[0],
        {"category": "", "text": "没有类别"},
        {"category": "类别", "text": "类型不对", "severity": "urgent"},
        {"category": "类别", "text": "长" * 301},
    ]
    with pytest.raises(ValidationError) as exc:
        services.create_checklist_version(
            actor=world.county_admin, kind="catering", region_code="370725", title="县版", items=items
        )
    messages = exc.value.message_dict["items"]
    assert len(messages) == 3
    assert "第 2 项" in messages[0] and "第 3 项" in messages[1] and "第 4 项" in messages[2]
    with pytest.raises(ValidationError) as exc:
        services.create_checklist_version(
            actor=world.county_admin, kind="catering", region_code="370725", title="县版", items=[]
        )
    assert "items" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.create_checklist_version(
            actor=world.county_admin, kind="bakery", region_code="370725", title="县版", items=ITEMS
        )
    assert "kind" in exc.value.message_dict
    assert not Checklist.objects.filter(region__isnull=False).exists()


def test_who_reads_which_checklist_versions(world, superuser):
    county = services.create_checklist_version(
        actor=superuser, kind="catering", region_code="370725", title="昌乐县", items=ITEMS
    )
    boshan = services.create_checklist_version(
        actor=superuser, kind="catering", region_code="370304", title="博山区", items=ITEMS
    )
    # the 督导检查表 defaults only: the 监督检查要点表 belong to inspections
    visit_kinds = [str(k) for k in ChecklistKind]
    defaults = set(Checklist.objects.filter(region=None, kind__in=visit_kinds).values_list("pk", flat=True))

    def readable(user):
        return set(selectors.checklist_list(user=user).values_list("pk", flat=True))

    assert readable(world.county_admin) == defaults | {county.pk}
    assert readable(world.station) == defaults | {county.pk}  # the county's list applies in its townships
    assert readable(world.cadre_user) == defaults | {county.pk}
    assert readable(world.outsider) == defaults | {boshan.pk}
    assert readable(superuser) == defaults | {county.pk, boshan.pk}
    assert selectors.checklist_get(user=world.station, pk=county.pk).items.count() == 2
    with pytest.raises(Http404):
        selectors.checklist_get(user=world.station, pk=boshan.pk)


# -- signing a visit ------------------------------------------------------------------------------------------


def test_sign_stores_the_visit_and_opens_a_problem_per_failed_item(world, clock):
    visit, key, general = signed_with_problems(world)
    checklist = visit.checklist
    assert (visit.entity, visit.cadre, visit.region_id, visit.signed_by) == (
        world.entity,
        world.cadre,
        VILLAGE,
        world.cadre_user,
    )
    assert visit.visited_on == datetime.date(2026, 3, 6) and visit.quarter == 20261
    assert visit.signed_at == FRIDAY and visit.minutes == 20
    assert visit.problem_count == 2 and not visit.needs_review
    answers = {a.item.position: a for a in visit.answers.select_related("item")}
    assert len(answers) == checklist.items.count()
    assert answers[KEY_POS].result == Answer.Result.FAIL and answers[KEY_POS].note == KEY_NOTE
    assert answers[2].result == Answer.Result.PASS
    # key items 5 working days, general 15, counted by the working-day clock from the signing day (Friday):
    # the weekends in between do not count, the due instant is the end of the last day
    assert key.due_at == end_of(2026, 3, 13) and key.due_rule["code"] == "problem.rectify_key"
    assert general.due_at == end_of(2026, 3, 27) and general.due_rule["amount"] == 15
    assert key.description.startswith(answers[KEY_POS].item.text) and key.description.endswith(KEY_NOTE)
    assert (key.status, key.escalation, key.found_on) == (Problem.Status.OPEN, 0, datetime.date(2026, 3, 6))
    assert (key.entity, key.cadre, key.region_id) == (world.entity, world.cadre, VILLAGE)
    note = Notification.objects.get(user=world.enterprise)
    assert "2 个问题" in note.text and note.url.startswith(reverse("visits:problems"))
    assert not Notification.objects.exclude(user=world.enterprise).exists()
    entry = AuditEntry.objects.get(action="visit.sign", object_id=str(visit.pk))
    assert entry.actor == world.cadre_user and entry.region_code == VILLAGE
    assert sorted(entry.after["problems"]) == sorted([key.pk, general.pk])


def test_a_clean_visit_opens_nothing_and_tells_nobody(world, clock):
    visit, created = sign(world)
    assert created and visit.problem_count == 0
    assert not Problem.objects.exists() and not Notification.objects.exists()


def test_a_retry_with_the_same_key_returns_the_first_visit(world, clock):
    key = uuid.uuid4()
    first, created = sign(world, fail={KEY_POS: KEY_NOTE}, key=key)
    assert created
    clock(FRIDAY + datetime.timedelta(minutes=2))
    again, created = sign(world, fail={KEY_POS: KEY_NOTE, GENERAL_POS: GENERAL_NOTE}, key=str(key))
    assert (again, created) == (first, False)
    assert Visit.objects.count() == 1 and Problem.objects.count() == 1
    assert Answer.objects.count() == first.checklist.items.count()
    assert Notification.objects.count() == 1
    assert AuditEntry.objects.filter(action="visit.sign").count() == 1


def test_a_key_used_by_someone_else_is_refused(world, clock, make_user):
    key = uuid.uuid4()
    sign(world, key=key)
    user, cadre = other_cadre(make_user)
    world.entity.guarantee.delete()
    guarantee(world.entity, cadre)
    checklist = services.current_checklist(world.entity)
    with pytest.raises(ValidationError) as exc:
        services.sign_visit(
            actor=user, entity=world.entity, client_key=key, checklist_id=checklist.pk,
            answers=answers_for(checklist), signer_name="李卫东", started_at=FRIDAY - datetime.timedelta(minutes=30),
        )  # fmt: skip
    assert "client_key" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        sign(world, key="not-a-uuid")
    assert "client_key" in exc.value.message_dict
    assert Visit.objects.count() == 1


def test_only_the_guaranteeing_cadre_or_supporter_signs(world, clock, make_user):
    user, cadre = other_cadre(make_user)
    checklist = services.current_checklist(world.entity)

    def sign_as(actor, name):
        return services.sign_visit(
            actor=actor, entity=world.entity, client_key=uuid.uuid4(), checklist_id=checklist.pk,
            answers=answers_for(checklist), signer_name=name, started_at=FRIDAY - datetime.timedelta(minutes=30),
        )  # fmt: skip

    with pytest.raises(PermissionDenied):
        sign_as(user, "李卫东")  # a cadre, but not this entity's
    with pytest.raises(PermissionDenied):
        sign_as(world.station, "")  # no cadre record at all
    with pytest.raises(PermissionDenied):
        sign_as(world.enterprise, "")
    assert not Visit.objects.exists()
    Guarantee.objects.filter(entity=world.entity).update(supporter=cadre)
    visit, created = sign_as(user, "李卫东")
    assert created and visit.cadre == cadre


def test_a_cadre_outside_the_entitys_region_gets_404(world, clock, make_user):
    user, cadre = other_cadre(make_user, region="370304001", name="赵博山")
    world.entity.guarantee.delete()
    guarantee(world.entity, cadre)  # even a (wrong) guarantee does not open another county's entity
    checklist = services.current_checklist(world.entity)
    with pytest.raises(Http404):
        services.sign_visit(
            actor=user, entity=world.entity, client_key=uuid.uuid4(), checklist_id=checklist.pk,
            answers=answers_for(checklist), signer_name="赵博山", started_at=FRIDAY - datetime.timedelta(minutes=30),
        )  # fmt: skip


def test_incomplete_or_inconsistent_submissions_name_the_fields(world, clock):
    checklist = services.current_checklist(world.entity)
    answers = answers_for(checklist)

    def attempt(**changes):
        kwargs = {
            "actor": world.cadre_user, "entity": world.entity, "client_key": uuid.uuid4(),
            "checklist_id": checklist.pk, "answers": answers, "signer_name": "张建国",
            "started_at": FRIDAY - datetime.timedelta(minutes=30), **changes,
        }  # fmt: skip
        with pytest.raises(ValidationError) as exc:
            services.sign_visit(**kwargs)
        return exc.value.message_dict

    errors = attempt(answers=answers[:-1])
    assert list(errors) == ["answers"] and "1 项未作答" in errors["answers"][0]
    failed = [dict(a) for a in answers]
    failed[0].update(result=Answer.Result.FAIL, note="  ")
    errors = attempt(answers=failed)
    assert "须填写问题说明" in errors["answers"][0]
    errors = attempt(answers=answers + [answers[0]])
    assert "重复作答" in errors["answers"][0]
    errors = attempt(signer_name="张建")
    assert list(errors) == ["signer_name"] and "张建国" in errors["signer_name"][0]
    errors = attempt(signer_name="李四", answers=answers[:3], mode="drive_by")
    assert set(errors) == {"signer_name", "answers", "mode"}
    assert "started_at" in attempt(started_at=FRIDAY - datetime.timedelta(days=31))
    assert "started_at" in attempt(started_at=datetime.datetime(2026, 3, 6, 9, 0))  # naive
    assert "latitude" in attempt(latitude="91")
    other_kind = Checklist.objects.get(kind="production", region=None, version=1)
    assert "checklist_id" in attempt(checklist_id=other_kind.pk)
    assert not Visit.objects.exists() and not Problem.objects.exists()


@pytest.mark.parametrize(
    ("minutes", "position", "mode", "reasons", "distance"),
    [
        (20, ("36.700100", "118.800100"), "on_site", [], (5, 25)),  # about 14 m: at the door
        (2, ("36.700100", "118.800100"), "on_site", ["short"], (5, 25)),
        (20, ("36.720000", "118.800000"), "on_site", ["far"], (2200, 2250)),  # 0.02° north: about 2.2 km
        (1, ("36.720000", "118.800000"), "on_site", ["short", "far"], (2200, 2250)),
        (20, (None, None), "on_site", [], None),  # no position from the phone: unknown, not suspicious
        (20, ("36.720000", "118.800000"), "remote", [], (2200, 2250)),  # a phone/video visit is made from elsewhere
    ],
)
def test_short_or_far_visits_need_review(world, clock, minutes, position, mode, reasons, distance):
    visit, _ = sign(world, minutes=minutes, latitude=position[0], longitude=position[1], mode=mode)
    assert visit.review_reasons == reasons and visit.needs_review is bool(reasons)
    if distance is None:
        assert visit.distance_m is None
    else:
        assert distance[0] <= visit.distance_m <= distance[1]


def test_an_entity_without_a_position_is_not_flagged_far(world, clock):
    Entity.objects.filter(pk=world.entity.pk).update(latitude=None, longitude=None)
    world.entity.refresh_from_db()
    visit, _ = sign(world, latitude="30.0", longitude="110.0")
    assert visit.distance_m is None and not visit.needs_review
    assert (float(visit.latitude), float(visit.longitude)) == (30, 110)


def test_a_signed_visit_is_locked_and_corrected_by_addenda(world, clock):
    visit, _ = sign(world, fail={KEY_POS: KEY_NOTE})
    visit.summary = "改写"
    with pytest.raises(PermissionError):
        visit.save()
    answer = visit.answers.first()
    answer.result = Answer.Result.PASS
    with pytest.raises(PermissionError):
        answer.save()
    visit.refresh_from_db()
    assert visit.summary == ""
    addendum = services.add_addendum(actor=world.cadre_user, visit=visit, text=" 陪同人员漏填：王五 ")
    assert (addendum.visit, addendum.text, addendum.created_by) == (visit, "陪同人员漏填：王五", world.cadre_user)
    assert AuditEntry.objects.filter(action="visit.addendum", object_id=str(visit.pk)).exists()
    services.add_addendum(actor=world.county_admin, visit=visit, text="管理员补充")
    with pytest.raises(PermissionDenied):
        services.add_addendum(actor=world.enterprise, visit=visit, text="我们已经整改了")
    with pytest.raises(PermissionDenied):
        services.add_addendum(actor=world.station, visit=visit, text="监管所补充")
    with pytest.raises(Http404):
        services.add_addendum(actor=world.outsider, visit=visit, text="外县")
    with pytest.raises(ValidationError):
        services.add_addendum(actor=world.cadre_user, visit=visit, text="   ")
    assert Addendum.objects.count() == 2


def test_photos_are_claimed_by_the_answers_that_use_them(world, clock):
    mine = services.store_attachment(actor=world.cadre_user, upload=photo())
    visit, _ = sign_with_attachments(world, {KEY_POS: [mine.pk]})
    mine.refresh_from_db()
    assert mine.answer.visit == visit and mine.answer.item.position == KEY_POS
    # a photo already used, or uploaded by someone else, is refused and nothing is stored
    theirs = services.store_attachment(actor=world.enterprise, upload=photo())
    for ids in ([mine.pk], [theirs.pk]):
        with pytest.raises(ValidationError):
            sign_with_attachments(world, {KEY_POS: ids})
    assert Visit.objects.count() == 1 and Problem.objects.count() == 1
    theirs.refresh_from_db()
    assert theirs.answer_id is None


def sign_with_attachments(world, attachments):
    checklist = services.current_checklist(world.entity)
    return services.sign_visit(
        actor=world.cadre_user, entity=world.entity, client_key=uuid.uuid4(), checklist_id=checklist.pk,
        answers=answers_for(checklist, {KEY_POS: KEY_NOTE}, attachments), signer_name="张建国",
        started_at=timezone.now() - datetime.timedelta(minutes=20),
    )  # fmt: skip


# -- problems to closure --------------------------------------------------------------------------------------


def test_evidence_with_a_photo_asks_the_cadre_to_verify(world, clock):
    _visit, key, _general = signed_with_problems(world)
    upload = services.store_attachment(actor=world.enterprise, upload=photo("fixed.jpg"))
    event = services.submit_evidence(
        actor=world.enterprise, problem=key, note=" 已任命安全员 ", attachment_ids=[upload.pk]
    )
    key.refresh_from_db()
    assert key.status == Problem.Status.SUBMITTED
    assert (event.kind, event.note, event.actor) == (ProblemEvent.Kind.EVIDENCE, "已任命安全员", world.enterprise)
    assert list(event.attachments.all()) == [upload]
    note = Notification.objects.get(user=world.cadre_user)
    assert world.entity.name in note.text and note.url == reverse("visits:problem_detail", args=[key.pk])
    assert AuditEntry.objects.filter(action="problem.evidence", object_id=str(key.pk)).exists()


def test_evidence_needs_a_note_or_a_photo_and_the_entitys_own_account(world, clock, make_user):
    _visit, key, _general = signed_with_problems(world)
    with pytest.raises(ValidationError) as exc:
        services.submit_evidence(actor=world.enterprise, problem=key, note="  ")
    assert "note" in exc.value.message_dict
    neighbour = make_user(Role.ENTERPRISE, VILLAGE)  # another entity's account in the same village
    with pytest.raises(Http404):
        services.submit_evidence(actor=neighbour, problem=key, note="不是我家的")
    with pytest.raises(Http404):
        services.submit_evidence(actor=world.outsider, problem=key, note="外县")
    other = services.store_attachment(actor=world.cadre_user, upload=photo())
    with pytest.raises(ValidationError):  # someone else's upload cannot be borrowed
        services.submit_evidence(actor=world.enterprise, problem=key, note="已整改", attachment_ids=[other.pk])
    key.refresh_from_db()
    assert key.status == Problem.Status.OPEN and not key.events.exists()


def test_return_needs_a_reason_and_reopens(world, clock):
    _visit, key, _general = signed_with_problems(world)
    with pytest.raises(ValidationError):  # nothing submitted yet
        services.return_problem(actor=world.cadre_user, problem=key, reason="照片不清楚")
    services.submit_evidence(actor=world.enterprise, problem=key, note="已整改")
    with pytest.raises(ValidationError) as exc:
        services.return_problem(actor=world.cadre_user, problem=key, reason=" ")
    assert "reason" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.return_problem(actor=world.enterprise, problem=key, reason="自己退回")
    services.return_problem(actor=world.cadre_user, problem=key, reason="照片看不清任命文件")
    key.refresh_from_db()
    assert key.status == Problem.Status.OPEN and key.due_at == end_of(2026, 3, 13)
    assert list(key.events.values_list("kind", flat=True)) == ["evidence", "returned"]
    assert Notification.objects.filter(user=world.enterprise, text__contains="照片看不清任命文件").exists()


def test_close_only_from_submitted_by_the_cadre_or_station_in_scope(world, clock, make_user):
    _visit, key, general = signed_with_problems(world)
    with pytest.raises(ValidationError):
        services.close_problem(actor=world.cadre_user, problem=key)
    services.submit_evidence(actor=world.enterprise, problem=key, note="已整改")
    with pytest.raises(PermissionDenied):
        services.close_problem(actor=world.enterprise, problem=key)
    other_cadre_user, _ = other_cadre(make_user)
    with pytest.raises(PermissionDenied):  # a cadre in the same village, but not the one who found it
        services.close_problem(actor=other_cadre_user, problem=key)
    with pytest.raises(Http404):
        services.close_problem(actor=world.outsider, problem=key)
    clock(FRIDAY + datetime.timedelta(days=3))
    closed = services.close_problem(actor=world.cadre_user, problem=key, note="现场核验")
    assert (closed.status, closed.closed_by, closed.closed_at) == (
        Problem.Status.CLOSED,
        world.cadre_user,
        FRIDAY + datetime.timedelta(days=3),
    )
    with pytest.raises(ValidationError):
        services.close_problem(actor=world.cadre_user, problem=key)
    with pytest.raises(ValidationError):
        services.submit_evidence(actor=world.enterprise, problem=key, note="再交一次")
    entry = AuditEntry.objects.get(action="problem.close", object_id=str(key.pk))
    assert entry.before["status"] == "submitted" and entry.after["status"] == "closed"
    assert entry.actor == world.cadre_user
    assert Notification.objects.filter(user=world.enterprise, text__contains="已核验销号").exists()
    # the township's station verifies too (e.g. once the problem was escalated to it)
    services.submit_evidence(actor=world.enterprise, problem=general, note="已公示")
    services.close_problem(actor=world.station, problem=general)
    general.refresh_from_db()
    assert general.status == Problem.Status.CLOSED and general.closed_by == world.station


# -- escalation -----------------------------------------------------------------------------------------------


def recipients(text_part: str) -> set[str]:
    return set(Notification.objects.filter(text__contains=text_part).values_list("user__username", flat=True))


def test_overdue_problems_go_up_to_the_township_then_the_county(world, clock):
    _visit, key, general = signed_with_problems(world)
    # the last instant of the deadline is not overdue yet
    assert services.escalate_overdue(now=end_of(2026, 3, 13)) == {"station": 0, "county": 0}
    saturday = at(2026, 3, 14, 8, 0)
    assert services.escalate_overdue(now=saturday) == {"station": 1, "county": 0}
    key.refresh_from_db()
    assert (key.escalation, key.escalated_at) == (Problem.Escalation.STATION, saturday)
    assert recipients("已升级至乡镇") == {"township", "station"}
    event = key.events.get()
    assert event.kind == ProblemEvent.Kind.ESCALATED and event.actor is None
    entry = AuditEntry.objects.get(action="problem.escalate", object_id=str(key.pk))
    assert entry.actor_name == "system" and entry.after["escalation"] == 1
    # running again (the next morning's job, or a second worker) changes nothing
    assert services.escalate_overdue(now=saturday) == {"station": 0, "county": 0}
    assert services.escalate_overdue(now=at(2026, 3, 20, 12, 0)) == {"station": 0, "county": 0}
    assert ProblemEvent.objects.count() == 1 and Notification.objects.filter(text__contains="升级").count() == 2
    # the county rule: 5 working days from the deadline (Friday 3-13) ends Friday 3-20
    assert services.escalate_overdue(now=at(2026, 3, 21, 8, 0)) == {"station": 0, "county": 1}
    key.refresh_from_db()
    general.refresh_from_db()
    assert key.escalation == Problem.Escalation.COUNTY and general.escalation == Problem.Escalation.NONE
    assert recipients("已升级至县级") == {"county"}  # not the other county's administrator
    assert services.escalate_overdue(now=at(2026, 3, 21, 8, 0)) == {"station": 0, "county": 0}
    assert key.events.count() == 2


def test_a_long_missed_run_escalates_both_levels_at_once_and_closed_problems_never(world, clock):
    _visit, key, general = signed_with_problems(world)
    services.submit_evidence(actor=world.enterprise, problem=general, note="已公示")
    services.close_problem(actor=world.cadre_user, problem=general)
    counts = services.escalate_overdue(now=at(2026, 4, 30, 8, 0))
    assert counts == {"station": 1, "county": 1}
    key.refresh_from_db()
    general.refresh_from_db()
    assert key.escalation == Problem.Escalation.COUNTY
    assert general.escalation == Problem.Escalation.NONE and not general.events.filter(kind="escalated").exists()


def test_submitted_but_unverified_problems_still_escalate(world, clock):
    """Evidence does not stop the clock: an unverified problem is still open business for the township."""
    _visit, key, _general = signed_with_problems(world)
    services.submit_evidence(actor=world.enterprise, problem=key, note="已整改")
    assert services.escalate_overdue(now=at(2026, 3, 16, 8, 0)) == {"station": 1, "county": 0}


def test_escalate_problems_command(world, clock):
    _visit, key, _general = signed_with_problems(world)
    out = io.StringIO()
    call_command("escalate_problems", "--now", "2026-03-16T08:00:00+08:00", "--user", "township", stdout=out)
    assert out.getvalue().strip() == "已升级至乡镇（监管所）：1 个问题；已升级至县级：0 个问题。"
    key.refresh_from_db()
    assert key.escalation == 1 and key.events.get().actor == world.township_admin
    out = io.StringIO()
    call_command("escalate_problems", "--now", "2026-03-30 08:00", stdout=out)  # naive: local time
    assert "已升级至县级：1 个问题" in out.getvalue()
    assert key.events.last().actor is None
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("escalate_problems", "--now", "next monday")
    with pytest.raises(CommandError, match="nobody"):
        call_command("escalate_problems", "--user", "nobody")


def test_attachment_rows_are_not_orphaned_by_a_refused_evidence(world, clock):
    """A refused submission (closed problem) leaves the upload pending for the uploader to use elsewhere."""
    _visit, key, _general = signed_with_problems(world)
    services.submit_evidence(actor=world.enterprise, problem=key, note="已整改")
    services.close_problem(actor=world.cadre_user, problem=key)
    upload = services.store_attachment(actor=world.enterprise, upload=photo())
    with pytest.raises(ValidationError):
        services.submit_evidence(actor=world.enterprise, problem=key, note="补充", attachment_ids=[upload.pk])
    assert Attachment.objects.get(pk=upload.pk).event_id is None


def test_attachment_ids_from_a_client_are_checked_not_crashed_on(world, clock):
    _visit, key, _general = signed_with_problems(world)
    upload = services.store_attachment(actor=world.enterprise, upload=photo())
    for ids in (str(upload.pk), ["abc"], [1.5], [None], 7):
        with pytest.raises(ValidationError):
            services.submit_evidence(actor=world.enterprise, problem=key, note="已整改", attachment_ids=ids)
    assert not key.events.exists()
    event = services.submit_evidence(
        actor=world.enterprise, problem=key, note="已整改", attachment_ids=[str(upload.pk)]
    )
    assert list(event.attachments.all()) == [upload]
