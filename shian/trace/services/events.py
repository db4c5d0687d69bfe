"""Chain events (docs/trace.md §3): a hand-over of a quantity of a batch, entered by one side of it on a phone, posted
by a business's system through the API (with an Idempotency-Key), or imported from Excel.

- `sold` and `retail_sold` are entered by the giving side, `received` and `stall_received` by the receiving side;
  an enterprise account records only its own side, a regulator for a business in its jurisdiction;
- the giver cannot hand over more than it holds (the batch row is locked while this is checked and written);
- a `received` for goods the supplier already recorded as `sold` to the receiver confirms that sale and moves
  nothing, so a hand-over entered by both sides counts once;
- the extra fields of the product's category (pig products' certificates, cold-chain declarations) are checked
  against the category's field definition; unknown keys are refused.

A repeat with the same Idempotency-Key by the same account returns the first event and writes nothing; the same key
with a different request is refused."""

import datetime
import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import audit
from shian.entities.models import Entity

from ..models import Batch, ChainEvent, EventKind
from ..selectors.trace import held_by
from .catalog import EARLIEST_YEAR, quantity_of, require_acts_for

GIVER_KINDS = {EventKind.SOLD, EventKind.RETAIL_SOLD}
TAKER_KINDS = {EventKind.RECEIVED, EventKind.STALL_RECEIVED}
ENTERED_KINDS = GIVER_KINDS | TAKER_KINDS
KEY_LIMIT = 80
VALUE_LIMIT = 100
SOURCES = ("web", "phone", "api", "import", "demo")


def category_fields(batch: Batch, kind: str) -> list[dict]:
    """The category's field definitions that apply to an event of `kind`."""
    return [f for f in (batch.product.category.fields or []) if kind in (f.get("events") or [])]


def clean_attributes(batch: Batch, kind: str, attributes) -> dict:
    """The event's extra fields checked against the category's definition: required ones present, no unknown key,
    every value a short text."""
    if attributes in (None, ""):
        attributes = {}
    if not isinstance(attributes, dict):
        raise ValidationError({"attributes": [_("附加信息应为“字段: 值”的对象。")]})
    defs = {f["key"]: f for f in category_fields(batch, kind)}
    errors = []
    out = {}
    for key, value in attributes.items():
        if key not in defs:
            errors.append(_("“%(c)s”类产品的%(k)s记录没有附加字段“%(f)s”。")
                          % {"c": batch.product.category.name, "k": EventKind(kind).label, "f": str(key)[:30]})  # fmt: skip
            continue
        text = str(value if value is not None else "").replace("\x00", "").strip()
        if len(text) > VALUE_LIMIT:
            errors.append(_("%(f)s不能超过 %(n)d 个字。") % {"f": defs[key]["label"], "n": VALUE_LIMIT})
        if text:
            out[key] = text
    for key, field in defs.items():
        if field.get("required") and not out.get(key):
            errors.append(_("“%(c)s”类产品的%(k)s记录须填写%(f)s。")
                          % {"c": batch.product.category.name, "k": EventKind(kind).label, "f": field["label"]})  # fmt: skip
    if errors:
        raise ValidationError({"attributes": errors})
    return out


def _request_hash(**fields) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def _repeat(actor, key: str, digest: str) -> ChainEvent | None:
    first = ChainEvent.objects.filter(created_by=actor, idempotency_key=key).first()
    if first is not None and first.request_hash != digest:
        raise ValidationError(
            {"idempotency_key": [_("幂等键“%(k)s”已用于另一笔不同的记录，请换一个键。") % {"k": key}]}
        )
    return first


def validate_event(*, batch: Batch, kind: str, from_entity: Entity | None, to_entity: Entity | None, quantity,
                   occurred_at, attributes, now) -> tuple[int, dict]:  # fmt: skip
    """The checks that need no lock: kind, sides, quantity, time and extra fields (a dict of errors raised)."""
    errors: dict = {}
    if kind not in ENTERED_KINDS:
        errors["kind"] = [_("环节应为：收货、销售给企业、市场摊位进货或零售。")]
    n = quantity_of(quantity, "quantity", errors, _("数量"))
    if from_entity is None:
        errors["from_entity"] = [_("请填写交出方（供货单位）。")]
    if kind != EventKind.RETAIL_SOLD and to_entity is None:
        errors["to_entity"] = [_("请填写接收方（购货单位或摊位）。")]
    if kind == EventKind.RETAIL_SOLD and to_entity is not None:
        errors["to_entity"] = [_("零售记录没有接收单位。")]
    if from_entity is not None and to_entity is not None and from_entity.pk == to_entity.pk:
        errors["to_entity"] = [_("交出方和接收方不能是同一单位。")]
    if not isinstance(occurred_at, datetime.datetime):
        errors["occurred_at"] = [_("请填写发生时间。")]
    elif occurred_at.year < EARLIEST_YEAR:
        errors["occurred_at"] = [_("发生时间无效。")]
    elif occurred_at > now + datetime.timedelta(minutes=5):
        errors["occurred_at"] = [_("发生时间不能晚于现在。")]
    clean = {}
    if kind in ENTERED_KINDS:
        try:
            clean = clean_attributes(batch, kind, attributes)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return n, clean


def record_event(*, actor, batch: Batch, kind: str, from_entity: Entity | None, to_entity: Entity | None,
                 quantity, occurred_at: datetime.datetime | None = None, attributes: dict | None = None,
                 source: str = "web", idempotency_key: str = "",
                 now: datetime.datetime | None = None) -> tuple[ChainEvent, bool]:  # fmt: skip
    """Record one hand-over; returns (event, created). A repeat of an idempotent request returns (first, False)."""
    now = now or timezone.now()
    given_at = occurred_at  # a repeat that left the time out is the same request
    occurred_at = occurred_at or now
    key = str(idempotency_key or "").strip()
    if len(key) > KEY_LIMIT:
        raise ValidationError({"idempotency_key": [_("幂等键不能超过 %(n)d 个字符。") % {"n": KEY_LIMIT}]})
    digest = _request_hash(batch=batch.pk, kind=kind, f=getattr(from_entity, "pk", None),
                           t=getattr(to_entity, "pk", None), q=str(quantity), at=given_at.isoformat()
                           if isinstance(given_at, datetime.datetime) else str(given_at or ""),
                           a=attributes or {})  # fmt: skip
    if key:
        first = _repeat(actor, key, digest)
        if first is not None:
            return first, False
    n, clean = validate_event(batch=batch, kind=kind, from_entity=from_entity, to_entity=to_entity,
                              quantity=quantity, occurred_at=occurred_at, attributes=attributes, now=now)  # fmt: skip
    side = from_entity if kind in GIVER_KINDS else to_entity
    require_acts_for(actor, side)
    try:
        with transaction.atomic():
            Batch.objects.select_for_update().get(pk=batch.pk)
            event = _write(actor=actor, batch=batch, kind=kind, from_entity=from_entity, to_entity=to_entity, n=n,
                           occurred_at=occurred_at, attributes=clean, source=source if source in SOURCES else "web",
                           key=key, digest=digest, side=side)  # fmt: skip
    except IntegrityError:  # the same key raced in from a second request: answer with the first
        first = _repeat(actor, key, digest) if key else None
        if first is None:
            raise
        return first, False
    return event, True


def _unconfirmed_sale(batch: Batch, from_entity: Entity, to_entity: Entity, n: int) -> ChainEvent | None:
    confirmed = ChainEvent.objects.filter(confirms__isnull=False, batch=batch).values("confirms_id")
    return (
        ChainEvent.objects.filter(
            batch=batch, kind=EventKind.SOLD, from_entity=from_entity, to_entity=to_entity, quantity=n, counted=True
        )  # fmt: skip
        .exclude(pk__in=confirmed)
        .order_by("occurred_at", "id")
        .first()
    )


def _write(*, actor, batch, kind, from_entity, to_entity, n, occurred_at, attributes, source, key, digest, side):
    confirms = _unconfirmed_sale(batch, from_entity, to_entity, n) if kind in TAKER_KINDS else None
    if confirms is None:
        have = held_by(batch.pk, from_entity.pk)
        if n > have:
            raise ValidationError({"quantity": [_("%(e)s当前持有该批次 %(h)d %(u)s，不能交出 %(n)d %(u)s。")
                                                % {"e": from_entity.name, "h": max(have, 0), "n": n,
                                                   "u": batch.product.unit}]})  # fmt: skip
    event = ChainEvent.objects.create(
        batch=batch, kind=kind, from_entity=from_entity, to_entity=to_entity, region_id=side.region_id, quantity=n,
        occurred_at=occurred_at, attributes=attributes, source=source, idempotency_key=key, request_hash=digest,
        confirms=confirms, counted=confirms is None, created_by=actor,
    )  # fmt: skip
    audit.record(actor=actor, action="trace.event", obj=event, region_code=side.region_id,
                 after={"batch_id": batch.pk, "kind": kind, "from": getattr(from_entity, "pk", None),
                        "to": getattr(to_entity, "pk", None), "quantity": n, "confirms": getattr(confirms, "pk", None),
                        "source": source})  # fmt: skip
    return event
