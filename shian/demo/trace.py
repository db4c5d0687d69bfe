"""Demo traceability (一品一码, docs/trace.md): in the demo county, two producers (a noodle factory and a pork processor)
and an importer of frozen seafood, a wholesaler and a handful of retail holders (shops, market stalls, canteens). A
batch a month for each of three products over the past year, each handed producer → wholesaler → retail holders (pig
products with their certificates at market entry, cold-chain goods with their customs and 核酸/消杀 papers), part sold
retail; a recall completed four months ago and one in progress (some holders confirmed). Written through the services
(codes, holdings, audit, notifications) as the county administrator. Idempotent per county; seeded.

`load_trace(county=, seed=, today=)` returns what it made. Run it after the accounts and entities of the county."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.core.jurisdiction import narrow_to
from shian.entities.models import BusinessType, Entity
from shian.regions.models import Region
from shian.trace.models import Batch, EventKind, Recall
from shian.trace.services import catalog, events, recalls

MONTHS = 12
PRODUCTS = [  # (name, spec, unit, category, GTIN body without its check digit, batch size)
    ("手工挂面", "500g", "袋", "general", "690123450001", 2000),
    ("冷鲜猪肉（白条）", "", "kg", "pork", "", 3000),
    ("冷冻带鱼（进口）", "10kg/箱", "箱", "cold_chain", "690123450002", 400),
]
PORK_PAPERS = {"origin": "山东省潍坊市昌乐县", "quarantine_certificate": "A3707{n:08d}",
               "meat_quality_certificate": "RP{n:08d}"}  # fmt: skip
COLD_PAPERS = {"customs_declaration": "4201{n:014d}", "nucleic_acid_report": "HS{n:08d}",
               "disinfection_certificate": "XS{n:08d}", "inspection_certificate": "CIQ{n:010d}"}  # fmt: skip


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _pick(code: str, types, n: int, exclude=()) -> list[Entity]:
    qs = narrow_to(Entity.objects.filter(status=Entity.Status.OPERATING, business_type__in=types), code)
    return list(qs.exclude(pk__in=[e.pk for e in exclude]).order_by("pk")[:n])


def _papers(category: str, n: int) -> dict:
    template = {"pork": PORK_PAPERS, "cold_chain": COLD_PAPERS}.get(category, {})
    return {k: v.format(n=n) for k, v in template.items()}


def load_trace(*, county: Region, seed: int, today: datetime.date) -> dict:
    """Products, a year of batches and chain events, two recalls; nothing when the county already has batches."""
    code = county.code
    if narrow_to(Batch.objects.all(), code).exists():
        return {"batches": narrow_to(Batch.objects.all(), code).count(), "created": 0}
    actor = User.objects.filter(is_active=True, role=Role.COUNTY_ADMIN, region_id=code).order_by("pk").first()
    producers = _pick(code, [BusinessType.PRODUCTION, BusinessType.SMALL], 3)
    wholesaler = _pick(code, [BusinessType.SALES, BusinessType.MARKET], 1, exclude=producers)
    retail = _pick(code, [BusinessType.SALES, BusinessType.CATERING, BusinessType.CANTEEN, BusinessType.MARKET], 6,
                   exclude=producers + wholesaler)  # fmt: skip
    if actor is None or len(producers) < len(PRODUCTS) or not wholesaler or len(retail) < 3:
        return {"batches": 0, "created": 0, "skipped": "not enough accounts or businesses in the county"}
    wholesaler = wholesaler[0]
    rng = random.Random(f"trace-{seed}-{code}")
    now = min(timezone.now(), _moment(today, 18))
    made_batches: list[Batch] = []
    n_events = 0
    with transaction.atomic():
        for (name, spec, unit, category, gtin_body, size), producer in zip(PRODUCTS, producers, strict=False):
            gtin = gtin_body + catalog.gtin_check_digit(gtin_body) if gtin_body else ""
            product = catalog.create_product(actor=actor, producer=producer, name=name, spec=spec, unit=unit,
                                             category_code=category, gtin=gtin)  # fmt: skip
            for month in range(MONTHS, 0, -1):
                day = timezone.localtime(now).date() - datetime.timedelta(days=30 * month - rng.randint(0, 5))
                batch = catalog.create_batch(actor=actor, product=product, batch_number=f"{day:%Y%m%d}{category[0].upper()}",
                                             produced_on=day, quantity=size, now=_moment(day, 9))  # fmt: skip
                made_batches.append(batch)
                n_events += 1 + _hand_on(actor, batch, producer, wholesaler, retail, category, day, size, rng)
        recall_done, recall_open = _recalls(actor, made_batches, now, rng)
    return {"batches": len(made_batches), "created": len(made_batches), "events": n_events,
            "recalls": 2, "completed": recall_done.number, "open": recall_open.number}  # fmt: skip


def _hand_on(actor, batch, producer, wholesaler, retail, category, day, size, rng) -> int:
    """Producer → wholesaler (most of the batch), wholesaler → three retail holders, each sells part retail."""
    n = 0
    at = _moment(day, 14)
    shipped = int(size * rng.uniform(0.7, 0.9))
    events.record_event(actor=actor, batch=batch, kind=EventKind.SOLD, from_entity=producer, to_entity=wholesaler,
                        quantity=shipped, occurred_at=at, now=at, source="demo")  # fmt: skip
    events.record_event(actor=actor, batch=batch, kind=EventKind.RECEIVED, from_entity=producer, to_entity=wholesaler,
                        quantity=shipped, occurred_at=at + datetime.timedelta(hours=3), now=at + datetime.timedelta(hours=3),
                        attributes=_papers(category, batch.pk), source="demo")  # fmt: skip
    n += 2
    holders = rng.sample(retail, 3)
    for k, holder in enumerate(holders):
        part = shipped // 4
        moment = at + datetime.timedelta(days=1 + k)
        kind = EventKind.STALL_RECEIVED if holder.business_type == BusinessType.MARKET else EventKind.RECEIVED
        events.record_event(actor=actor, batch=batch, kind=kind, from_entity=wholesaler, to_entity=holder,
                            quantity=part, occurred_at=moment, now=moment, attributes=_papers(category, batch.pk),
                            source="demo")  # fmt: skip
        sold = int(part * rng.uniform(0.3, 0.8))
        later = moment + datetime.timedelta(days=2)
        events.record_event(actor=actor, batch=batch, kind=EventKind.RETAIL_SOLD, from_entity=holder, to_entity=None,
                            quantity=sold, occurred_at=later, now=later, source="demo")  # fmt: skip
        n += 2
    return n


def _recalls(actor, batches: list[Batch], now, rng):
    """A level II recall four months ago, every holder confirmed; a level I recall opened two days ago, half
    confirmed."""
    old = min(batches, key=lambda b: abs((now.date() - b.produced_on).days - 130))
    start = _moment(old.produced_on + datetime.timedelta(days=10), 10)
    done = recalls.start_recall(actor=actor, batches=[old], kind=Recall.Kind.VOLUNTARY, level=2,
                                reason="标签标注的生产日期与实际不符", learned_at=start - datetime.timedelta(hours=20),
                                now=start)  # fmt: skip
    for k, notice in enumerate(done.notices.select_related("entity")):
        recalls.confirm_removal(actor=actor, recall=done, entity=notice.entity,
                                now=start + datetime.timedelta(days=2 + k), note="已下架封存")  # fmt: skip
    fresh = max(batches, key=lambda b: b.produced_on)
    begun = now - datetime.timedelta(days=2)
    open_ = recalls.start_recall(actor=actor, batches=[fresh], kind=Recall.Kind.ORDERED, level=1,
                                 reason="监督抽检不合格：菌落总数超标", learned_at=begun - datetime.timedelta(hours=6),
                                 now=begun)  # fmt: skip
    notices = list(open_.notices.select_related("entity"))
    for notice in notices[: len(notices) // 2]:
        recalls.confirm_removal(
            actor=actor, recall=open_, entity=notice.entity, now=begun + datetime.timedelta(hours=20)
        )
    return done, open_
