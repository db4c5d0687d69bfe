"""Trace services (docs/trace.md): GTIN check digits, codes, hand-overs and the holder's limit, idempotent posts,
category fields as data, the recursive trace, recalls with their rule deadlines and confirmations."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shian.core.models import AuditEntry, Notification
from shian.trace import codes
from shian.trace.models import Category, ChainEvent, EventKind, Recall, RecallNotice
from shian.trace.selectors.trace import downstream, held_by
from shian.trace.services import catalog, events, recalls

NOW = timezone.make_aware(datetime.datetime(2026, 11, 3, 10))


def _sell(w, actor, giver, taker, n, **kw):
    return events.record_event(actor=actor, batch=w.batch, kind=EventKind.SOLD, from_entity=giver, to_entity=taker,
                               quantity=n, occurred_at=NOW, now=NOW, **kw)  # fmt: skip


def test_gtin_check_digit():
    assert catalog.validate_gtin("6901234567892") == "6901234567892"
    assert catalog.validate_gtin(" ") == ""
    with pytest.raises(ValidationError) as exc:
        catalog.validate_gtin("6901234567893")
    assert "校验位不正确（应为 2）" in exc.value.message_dict["gtin"][0]
    with pytest.raises(ValidationError):
        catalog.validate_gtin("69012345")  # 8 digits, wrong check digit


def test_batch_gets_a_signed_code_and_its_produced_event(world):
    code = catalog.active_code(world.batch)
    signed = codes.sign(code.token)
    assert codes.unsign(signed) == code.token
    assert codes.unsign("http://x/public/trace/" + signed + "/") == code.token
    forged = code.token + "-" + ("a" * codes.SIGNATURE_LENGTH)
    assert codes.unsign(forged) is None
    assert held_by(world.batch.pk, world.producer.pk) == 100
    assert AuditEntry.objects.filter(action="trace.batch_create").count() == 1


def test_enterprise_registers_only_for_its_own_entity(world):
    with pytest.raises(PermissionDenied):
        catalog.create_product(actor=world.wholesaler_user, producer=world.producer, name="冒名产品")
    with pytest.raises(Exception) as exc:  # a regulator outside the county: the producer reads as unknown
        catalog.create_product(actor=world.outsider, producer=world.producer, name="越权产品")
    assert exc.type.__name__ == "Http404"


def test_hand_over_more_than_held_is_refused_and_nothing_written(world):
    _sell(world, world.producer_user, world.producer, world.wholesaler, 60)
    before = ChainEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        _sell(world, world.producer_user, world.producer, world.wholesaler, 50)
    assert "当前持有该批次 40 袋，不能交出 50 袋" in exc.value.message_dict["quantity"][0]
    assert ChainEvent.objects.count() == before


def test_only_the_recording_side_may_enter_an_event(world):
    with pytest.raises(PermissionDenied):  # the wholesaler cannot record the producer's sale
        _sell(world, world.wholesaler_user, world.producer, world.wholesaler, 10)


def test_received_confirms_the_suppliers_sale_and_counts_once(world):
    sale, _ = _sell(world, world.producer_user, world.producer, world.wholesaler, 30)
    got, created = events.record_event(actor=world.wholesaler_user, batch=world.batch, kind=EventKind.RECEIVED,
                                       from_entity=world.producer, to_entity=world.wholesaler, quantity=30,
                                       occurred_at=NOW, now=NOW)  # fmt: skip
    assert created and got.confirms_id == sale.pk and not got.counted
    assert held_by(world.batch.pk, world.wholesaler.pk) == 30


def test_idempotent_post_returns_the_first_event(world):
    first, created = _sell(world, world.producer_user, world.producer, world.wholesaler, 10, idempotency_key="k-1")
    again, created_again = _sell(world, world.producer_user, world.producer, world.wholesaler, 10,
                                 idempotency_key="k-1")  # fmt: skip
    assert created and not created_again and again.pk == first.pk
    assert ChainEvent.objects.filter(kind=EventKind.SOLD).count() == 1
    with pytest.raises(ValidationError) as exc:
        _sell(world, world.producer_user, world.producer, world.wholesaler, 11, idempotency_key="k-1")
    assert "已用于另一笔不同的记录" in exc.value.messages[0]


def test_pork_at_market_entry_needs_its_certificates(world, make_user):
    pork = Category.objects.get(code="pork")
    product = catalog.create_product(actor=world.producer_user, producer=world.producer, name="白条猪肉",
                                     category_code=pork.code, unit="kg")  # fmt: skip
    batch = catalog.create_batch(actor=world.producer_user, product=product, batch_number="P1",
                                 produced_on=datetime.date(2026, 11, 1), quantity=500)  # fmt: skip
    kw = {"actor": world.stall_user, "batch": batch, "kind": EventKind.STALL_RECEIVED, "from_entity": world.producer,
          "to_entity": world.stall, "quantity": 50, "occurred_at": NOW, "now": NOW}  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        events.record_event(**kw, attributes={"origin": "山东昌乐"})
    assert any("动物检疫合格证明编号" in m for m in exc.value.message_dict["attributes"])
    with pytest.raises(ValidationError) as exc:
        events.record_event(**kw, attributes={"origin": "山东", "quarantine_certificate": "3701", "colour": "红"})
    assert any("没有附加字段“colour”" in m for m in exc.value.message_dict["attributes"])
    event, _ = events.record_event(**kw, attributes={"origin": "山东昌乐", "quarantine_certificate": "3701234"})
    assert event.attributes == {"origin": "山东昌乐", "quarantine_certificate": "3701234"}


def _chain(w):
    _sell(w, w.producer_user, w.producer, w.wholesaler, 60)
    _sell(w, w.wholesaler_user, w.wholesaler, w.stall, 25)
    events.record_event(actor=w.stall_user, batch=w.batch, kind=EventKind.RETAIL_SOLD, from_entity=w.stall,
                        to_entity=None, quantity=5, occurred_at=NOW, now=NOW)  # fmt: skip


def test_trace_reaches_every_downstream_holder(world):
    _chain(world)
    holders = {h.entity_id: h for h in downstream([world.batch.pk])}
    assert set(holders) == {world.producer.pk, world.wholesaler.pk, world.stall.pk}
    assert (holders[world.producer.pk].held, holders[world.wholesaler.pk].held, holders[world.stall.pk].held) == (
        40,
        35,
        20,
    )


def test_recall_deadlines_holders_confirmations_and_overdue(world):
    _chain(world)
    learned = NOW - datetime.timedelta(hours=3)
    recall = recalls.start_recall(actor=world.station, batches=[world.batch], kind=Recall.Kind.ORDERED, level=1,
                                  reason="抽检不合格", learned_at=learned, now=NOW)  # fmt: skip
    assert recall.start_due == learned + datetime.timedelta(hours=24) and recall.started_on_time
    assert recall.due_rules["finish"]["code"] == "trace.recall_finish_days_1"
    assert timezone.localdate(recall.finish_due) == datetime.date(2026, 11, 17)  # 10 working days after Tue 3 Nov
    assert set(recall.notices.values_list("entity_id", flat=True)) == {world.producer.pk, world.wholesaler.pk,
                                                                       world.stall.pk}  # fmt: skip
    assert Notification.objects.filter(kind="trace.recall", user=world.stall_user).exists()
    with pytest.raises(ValidationError) as exc:
        recalls.confirm_removal(actor=world.bystander_user, recall=recall, entity=world.bystander, now=NOW)
    assert "从未持有" in exc.value.messages[0]
    assert not RecallNotice.objects.filter(entity=world.bystander).exists()
    with pytest.raises(ValidationError):  # a second recall of the same batch while one is open
        recalls.start_recall(actor=world.producer_user, batches=[world.batch], kind="voluntary", level=2,
                             reason="重复", now=NOW)  # fmt: skip
    later = NOW + datetime.timedelta(days=30)
    first = recalls.check_deadlines(later)
    again = recalls.check_deadlines(later)
    assert (first.overdue, again.overdue) == (1, 0)
    for user, entity in ((world.producer_user, world.producer), (world.wholesaler_user, world.wholesaler),
                         (world.stall_user, world.stall)):  # fmt: skip
        recalls.confirm_removal(actor=user, recall=recall, entity=entity, now=NOW)
    recall.refresh_from_db()
    assert recall.status == Recall.Status.COMPLETED
    assert recall.notices.get(entity=world.stall).removed_quantity == 20


def test_only_regulators_order_a_recall(world):
    with pytest.raises(PermissionDenied):
        recalls.start_recall(actor=world.producer_user, batches=[world.batch], kind=Recall.Kind.ORDERED, level=3,
                             reason="x", now=NOW)  # fmt: skip


def test_recall_figures(world):
    from shian.core import kpis as registry
    from shian.core.kpis import Grouping

    _chain(world)
    now = timezone.now()
    recall = recalls.start_recall(actor=world.station, batches=[world.batch], kind=Recall.Kind.ORDERED, level=3,
                                  reason="标签不合格", now=now)  # fmt: skip
    recalls.confirm_removal(actor=world.stall_user, recall=recall, entity=world.stall, now=now)
    provider = next(p for p in registry.providers() if p.key == "trace")
    parts = registry.total(provider.count(prefix="370725", grouping=Grouping(6), as_of=timezone.localdate()).values())
    figures = {k.key: k.value(parts) for k in provider.kpis}
    assert figures["trace.recalls"] == 1 and figures["trace.recall_completion"] is None  # nothing due yet
    assert figures["trace.recall_confirmation"] == round(100 / 3, 1) and figures["trace.recalls_overdue"] == 0


def test_work_list_items(world):
    from shian.trace.worklist import items

    _chain(world)
    recalls.start_recall(actor=world.station, batches=[world.batch], kind=Recall.Kind.ORDERED, level=3, reason="x")
    today = timezone.localdate()
    mine = {i.key: i.count for i in items(user=world.stall_user, region_code=None, today=today)}
    assert mine == {"trace.confirm_overdue": 0, "trace.confirm": 1}
    station = {i.key: i.count for i in items(user=world.station, region_code=None, today=today)}
    assert station == {"trace.recalls_overdue": 0, "trace.recalls_open": 1}
    assert items(user=world.outsider, region_code=None, today=today)[1].count == 0
