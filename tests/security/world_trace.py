"""The matrix world's trace objects (docs/trace.md): per position, a product of the position's business, a batch of it
with its code, and an open recall of the batch with the business as its holder (kinds "trace_product",
"trace_batch", "trace_recall"). Codes are public by design (printed on the goods, valid for anyone who holds one), so
the code routes get forged codes only (kinds "trace_code", "public_trace_code"): every role gets 404; the valid
code's pages are tested in tests/trace. The public scan limit is raised like the portal's."""


def add_all(w, users) -> None:
    import datetime

    from django.utils import timezone

    from shian.core.models import DeadlineRule
    from shian.trace import codes
    from shian.trace.models import Batch, Category, ChainEvent, Product, Recall, RecallNotice, TraceCode

    from .world import MARKERS, Instance, w_admin

    DeadlineRule.objects.create(code="trace.scan_per_minute", name="访问矩阵", region_prefix="", version=999, unit="n",
                                amount=1_000_000, valid_from=datetime.date(2000, 1, 1), source="访问矩阵")  # fmt: skip
    now = timezone.now()
    general = Category.objects.get(code="general")
    for n, (pos, entity) in enumerate(w.entities.items(), 1):
        m = MARKERS[pos]
        admin = w_admin(entity.region_id[:6])
        product = Product.objects.create(producer=entity, region_id=entity.region_id, category=general,
                                         name=f"{m}挂面", created_by=admin)  # fmt: skip
        batch = Batch.objects.create(product=product, producer=entity, region_id=entity.region_id,
                                     batch_number=f"{m}批号", produced_on=datetime.date(2026, 1, 1), quantity=10,
                                     created_by=admin)  # fmt: skip
        code = TraceCode.objects.create(batch=batch, token=f"matrix{n:02d}")
        ChainEvent.objects.create(batch=batch, kind="produced", to_entity=entity, region_id=entity.region_id,
                                  quantity=10, occurred_at=now, created_by=admin)  # fmt: skip
        recall = Recall.objects.create(
            number=f"MATRIX{n}", kind="ordered", level=1, producer=entity, region_id=entity.region_id,
            reason=f"{m}召回原因", learned_at=now, announced_at=now, start_due=now, started_on_time=True,
            finish_due=now + datetime.timedelta(days=14), created_by=admin,
        )  # fmt: skip
        recall.batches.set([batch])
        RecallNotice.objects.create(recall=recall, entity=entity, region_id=entity.region_id, held_quantity=10,
                                    received_quantity=10, notified_at=now)  # fmt: skip
        place = (entity.region_id, entity.pk)
        w.objects.setdefault("trace_product", []).append(Instance(pos, {"pk": product.pk}, *place))
        w.objects.setdefault("trace_batch", []).append(Instance(pos, {"pk": batch.pk}, *place))
        w.objects.setdefault("trace_recall", []).append(Instance(pos, {"pk": recall.pk}, *place))
        forged = f"{code.token}-{'a' * codes.SIGNATURE_LENGTH}"
        w.objects.setdefault("trace_code", []).append(Instance(pos, {"code": forged}, *place))
        w.objects.setdefault("public_trace_code", []).append(Instance(pos, {"code": forged}, *place))


EXTENSIONS = [add_all]
