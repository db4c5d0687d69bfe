"""Signing an inspection (issue 19 item 4, docs/inspections.md §5): the outcome at the 重点项/一般项 boundaries,
two signatures of the task's station inspectors, the checklist version that applies, idempotent resends, a locked
record, repeat items, the publication date and the rectification order with its working-day deadline."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shian.checklists.services import create_checklist_version
from shian.core import rules
from shian.core.models import AuditEntry
from shian.inspections.checklists import checklist_for, kind_for
from shian.inspections.models import (
    CateringLevel,
    CateringYearGrade,
    Inspection,
    InspectionKind,
    InspectionTask,
    Outcome,
    RectificationOrder,
    Signature,
)
from shian.inspections.services import inspecting
from shian.inspections.services.inspecting import outcome_of

from .inspecting_world import GENERAL_POSITIONS, KEY_POSITIONS, iworld_fixture, make_task, png_data_url, sign  # noqa: F401

CST = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime.datetime(2026, 3, 6, 10, 0, tzinfo=CST)


@pytest.fixture
def clock(monkeypatch):
    def set_now(value):
        monkeypatch.setattr(timezone, "now", lambda: value)

    set_now(FRIDAY)
    return set_now


def fails(positions, note="问题"):
    return {p: f"{note}{p}" for p in positions}


# -- which checklist ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("business_type", "sub_type", "kind"),
    [
        ("catering", "small_restaurant", InspectionKind.CATERING),
        ("canteen", "school_canteen", InspectionKind.CATERING),
        ("sales", "supermarket", InspectionKind.SALES),
        ("market", "farmers_market", InspectionKind.SALES),
        ("online", "ordering_platform", InspectionKind.SALES),
        ("production", "food_producer", InspectionKind.PRODUCTION),
        ("small", "small_workshop", InspectionKind.PRODUCTION),
        ("special", "health_food", InspectionKind.PRODUCTION),
        ("special", "infant_formula", InspectionKind.PRODUCTION),
        ("special", "fsmp", InspectionKind.PRODUCTION),
    ],
)
def test_each_format_gets_its_inspection_checklist(business_type, sub_type, kind):
    assert kind_for(business_type, sub_type) == kind


# -- outcome rules --------------------------------------------------------------------------------------------


def test_outcome_boundaries_follow_the_rule(regions):
    assert rules.value("inspections.basic_general_max", "370725") == 8
    assert outcome_of(0, 0, "370725") == Outcome.CONFORM
    assert outcome_of(0, 1, "370725") == Outcome.BASIC
    assert outcome_of(0, 8, "370725") == Outcome.BASIC
    assert outcome_of(0, 9, "370725") == Outcome.NONCONFORM
    assert outcome_of(1, 0, "370725") == Outcome.NONCONFORM


def test_eight_general_items_failed_is_basic_nine_is_nonconform(iworld, clock):
    inspection, created = sign(iworld, fail=fails(GENERAL_POSITIONS[:8]))
    assert created and inspection.outcome == Outcome.BASIC and inspection.general_failed == 8
    assert inspection.catering_level == CateringLevel.GOOD
    second = make_task(iworld, iworld.entity, [iworld.a, iworld.b])
    inspection, _ = sign(iworld, task=second, fail=fails(GENERAL_POSITIONS[:9]))
    assert inspection.outcome == Outcome.NONCONFORM and inspection.catering_level == CateringLevel.AVERAGE


def test_one_key_item_failed_is_nonconform(iworld, clock):
    inspection, _ = sign(iworld, fail=fails(KEY_POSITIONS[:1]))
    assert inspection.outcome == Outcome.NONCONFORM
    assert (inspection.key_failed, inspection.general_failed) == (1, 0)


def test_all_passed_is_conform_excellent_with_no_order(iworld, clock):
    inspection, _ = sign(iworld)
    assert inspection.outcome == Outcome.CONFORM and inspection.catering_level == CateringLevel.EXCELLENT
    assert not RectificationOrder.objects.exists()
    iworld.task.refresh_from_db()
    assert iworld.task.status == InspectionTask.Status.DONE
    assert list(Signature.objects.filter(inspection=inspection).values_list("name", flat=True).order_by("pk")) == [
        "王检查",
        "李检查",
    ]
    assert AuditEntry.objects.filter(action="inspection.sign", object_id=str(inspection.pk)).exists()


def test_sales_entity_gets_no_catering_level(iworld, clock):
    task = make_task(iworld, iworld.neighbour, [iworld.a, iworld.b])
    inspection, _ = sign(iworld, task=task)
    assert inspection.checklist.kind == InspectionKind.SALES and inspection.catering_level == ""


# -- signatures and inspectors --------------------------------------------------------------------------------


def test_a_missing_signature_names_whose_and_writes_nothing(iworld, clock):
    with pytest.raises(ValidationError) as exc:
        sign(iworld, signers=[iworld.a])
    assert "李检查" in str(exc.value) and "签名" in str(exc.value)
    assert not Inspection.objects.exists() and not RectificationOrder.objects.exists()
    iworld.task.refresh_from_db()
    assert iworld.task.status == InspectionTask.Status.OPEN


def test_the_signed_in_inspector_must_sign_too(iworld, clock):
    with pytest.raises(ValidationError, match="王检查"):
        sign(iworld, signers=[iworld.b])


def test_an_inspector_from_another_station_cannot_sign(iworld, clock):
    task = make_task(iworld, iworld.entity, [iworld.a, iworld.b, iworld.stranger])
    with pytest.raises(ValidationError, match="赵外所"):
        sign(iworld, task=task, signers=[iworld.a, iworld.stranger])
    assert not Inspection.objects.exists()


# -- who signs: two inspectors, or a grid worker's 巡查 alone ----------------------------------------------------


@pytest.fixture
def patrol(iworld, make_user):
    """A grid worker of the entity's village and a 网格巡查 task given to them."""
    from shian.accounts.models import Role

    worker = make_user(Role.GRID_WORKER, "370725001001", name="孙网格", username="grid-sun")
    return worker, make_task(iworld, iworld.entity, [worker], kind=InspectionTask.Kind.PATROL)


def test_a_grid_workers_patrol_is_signed_by_the_worker_alone(iworld, patrol, clock):
    worker, task = patrol
    inspection, created = sign(iworld, task=task, actor=worker, signers=[worker], entity_signer="张老板")
    assert created and inspection.kind == InspectionTask.Kind.PATROL
    assert list(inspection.signatures.values_list("inspector_id", flat=True)) == [worker.pk]
    assert inspection.entity_signer == "张老板"
    task.refresh_from_db()
    assert task.status == InspectionTask.Status.DONE


def test_a_patrol_still_needs_the_entitys_signer(iworld, patrol, clock):
    worker, task = patrol
    with pytest.raises(ValidationError, match="被检查单位签字人"):
        sign(iworld, task=task, actor=worker, signers=[worker], entity_signer="")
    assert not Inspection.objects.exists()


def test_a_patrol_is_signed_only_by_its_own_grid_worker(iworld, patrol, clock):
    worker, task = patrol
    with pytest.raises(ValidationError, match="王检查 不是本次巡查任务的网格员"):
        sign(iworld, task=task, actor=worker, signers=[worker, iworld.a])
    with pytest.raises(PermissionDenied):
        sign(iworld, task=task, actor=iworld.a, signers=[iworld.a])
    assert not Inspection.objects.exists()


def test_the_patrol_signer_count_is_a_rule(iworld, patrol, make_user, clock):
    from shian.accounts.models import Role
    from shian.core.models import DeadlineRule

    worker, task = patrol
    second = make_user(Role.GRID_WORKER, "370725001001", name="周网格", username="grid-zhou")
    task.inspectors.add(second)
    DeadlineRule.objects.create(code="inspections.patrol_signers", name="巡查签名人数", unit="n", amount=2,
                                version=2, valid_from=datetime.date(2020, 1, 1))  # fmt: skip
    with pytest.raises(ValidationError, match="至少需要 2 名"):
        sign(iworld, task=task, actor=worker, signers=[worker])
    inspection, created = sign(iworld, task=task, actor=worker, signers=[worker, second])
    assert created and inspection.signatures.count() == 2


@pytest.mark.parametrize("kind", [InspectionTask.Kind.ROUTINE, InspectionTask.Kind.RANDOM])
def test_a_routine_or_random_inspection_keeps_two_inspectors(iworld, clock, kind):
    task = make_task(iworld, iworld.entity, [iworld.a, iworld.b], kind=kind)
    with pytest.raises(ValidationError, match="至少需要 2 名执法人员签名，缺少 李检查"):
        sign(iworld, task=task, signers=[iworld.a])
    inspection, created = sign(iworld, task=task, signers=[iworld.a, iworld.b])
    assert created and inspection.signatures.count() == 2


def test_a_broken_signature_image_is_refused(iworld, clock):
    checklist = checklist_for(iworld.entity)
    from .inspecting_world import answers

    with pytest.raises(ValidationError, match="签名无效"):
        inspecting.sign_inspection(
            actor=iworld.a, task=iworld.task, client_key=uuid.uuid4(), checklist_id=checklist.pk,
            answers=answers(checklist), entity_signer="张老板", started_at=timezone.now(),
            signatures=[{"inspector": iworld.a.pk, "image": png_data_url()},
                        {"inspector": iworld.b.pk, "image": "data:image/png;base64,bm90IGEgcG5n"}],
        )  # fmt: skip


def test_only_task_inspectors_sign(iworld, clock):
    with pytest.raises(PermissionDenied):
        sign(iworld, actor=iworld.staff, signers=[iworld.staff, iworld.a])


def test_every_item_must_be_answered(iworld, clock):
    checklist = checklist_for(iworld.entity)
    from .inspecting_world import answers

    partial = answers(checklist)[:-1]
    with pytest.raises(ValidationError, match="未作答"):
        inspecting.sign_inspection(
            actor=iworld.a, task=iworld.task, client_key=uuid.uuid4(), checklist_id=checklist.pk, answers=partial,
            signatures=[{"inspector": u.pk, "image": png_data_url()} for u in (iworld.a, iworld.b)],
            entity_signer="张老板", started_at=timezone.now(),
        )  # fmt: skip


# -- checklist version, idempotency, lock ---------------------------------------------------------------------


def test_a_checklist_version_changed_mid_inspection_is_refused_naming_both(iworld, clock, superuser):
    opened = checklist_for(iworld.entity)
    items = [
        {"category": i.category, "text": i.text, "severity": i.severity, "guidance": i.guidance}
        for i in opened.items.all()
    ]
    newer = create_checklist_version(
        actor=superuser, kind=opened.kind, region_code="370725", title=opened.title, items=items
    )
    with pytest.raises(ValidationError) as exc:
        sign(iworld, checklist=opened)
    text = str(exc.value)
    assert f"第 {opened.version} 版" in text and f"第 {newer.version} 版" in text and "重新打开" in text
    assert not Inspection.objects.exists()


def test_a_resend_with_the_same_key_returns_the_stored_inspection(iworld, clock):
    key = uuid.uuid4()
    first, created = sign(iworld, key=key, fail=fails(GENERAL_POSITIONS[:1]))
    again, created_again = sign(iworld, key=key, fail=fails(GENERAL_POSITIONS[:1]))
    assert created and not created_again and again.pk == first.pk
    assert Inspection.objects.count() == 1 and RectificationOrder.objects.count() == 1


def test_a_signed_inspection_is_locked_corrections_are_addenda(iworld, clock):
    inspection, _ = sign(iworld)
    inspection.summary = "改过"
    with pytest.raises(PermissionError):
        inspection.save()
    inspecting.add_addendum(actor=iworld.b, inspection=inspection, text="补充：复印件已核对")
    assert inspection.addenda.count() == 1
    assert AuditEntry.objects.filter(action="inspection.addendum").exists()
    with pytest.raises(PermissionDenied):
        inspecting.add_addendum(actor=iworld.staff, inspection=inspection, text="不是签字人")


def test_a_done_task_takes_no_second_inspection(iworld, clock):
    sign(iworld)
    with pytest.raises(ValidationError, match="已完成"):
        sign(iworld)


# -- order, deadlines, repeat, publication, annual grade ------------------------------------------------------


def test_basic_creates_an_order_due_by_the_working_day_rule(iworld, clock):
    inspection, _ = sign(iworld, fail=fails(GENERAL_POSITIONS[:2]))
    order = inspection.order
    assert order.number == "整改〔2026〕370725-0001" and order.status == RectificationOrder.Status.OPEN
    # Friday 6 March 2026 + 15 working days = Friday 27 March, end of day
    assert timezone.localtime(order.due_at) == datetime.datetime(2026, 3, 27, 23, 59, 59, tzinfo=CST)
    assert order.due_rule["code"] == "inspections.rectify_basic" and len(order.items) == 2
    # results published within 20 working days of the inspection: Friday 3 April
    assert inspection.publish_due == datetime.date(2026, 4, 3)


def test_nonconform_uses_the_shorter_deadline_and_numbers_go_on(iworld, clock):
    sign(iworld, fail=fails(GENERAL_POSITIONS[:1]))
    task = make_task(iworld, iworld.entity, [iworld.a, iworld.b])
    inspection, _ = sign(iworld, task=task, fail=fails(KEY_POSITIONS[:1]))
    assert inspection.order.number == "整改〔2026〕370725-0002"
    # 7 working days from Friday 6 March: Tuesday 17 March
    assert timezone.localtime(inspection.order.due_at).date() == datetime.date(2026, 3, 17)


def test_the_same_item_failed_again_within_the_window_is_a_repeat(iworld, clock):
    first, _ = sign(iworld, fail=fails([2]))
    assert first.repeat_items == [] and not first.order.repeat
    clock(FRIDAY + datetime.timedelta(days=60))
    task = make_task(iworld, iworld.entity, [iworld.a, iworld.b])
    second, _ = sign(iworld, task=task, fail=fails([2, 3]))
    item_text = second.checklist.items.get(position=2).text
    assert second.repeat_items == [item_text] and second.order.repeat


def test_a_failure_outside_the_window_is_not_a_repeat(iworld, clock):
    sign(iworld, fail=fails([2]))
    clock(FRIDAY + datetime.timedelta(days=400))
    task = make_task(iworld, iworld.entity, [iworld.a, iworld.b])
    second, _ = sign(iworld, task=task, fail=fails([2]))
    assert second.repeat_items == [] and not second.order.repeat


def test_each_catering_inspection_recomputes_the_annual_grade(iworld, clock):
    sign(iworld)
    assert CateringYearGrade.objects.get(entity=iworld.entity, year=2026).grade == "A"
    task = make_task(iworld, iworld.entity, [iworld.a, iworld.b])
    sign(iworld, task=task, fail=fails(KEY_POSITIONS[:1]))
    assert CateringYearGrade.objects.get(entity=iworld.entity, year=2026).grade == "C"


def test_signing_regrades_the_entity(iworld, clock, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "shian.inspections.services.grading.regrade_entities",
        lambda ids, *, trigger, actor=None: calls.append((ids, trigger)) or 1,
    )
    sign(iworld)
    assert calls == [([iworld.entity.pk], "inspection")]
