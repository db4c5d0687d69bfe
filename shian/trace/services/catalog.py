"""Products, batches and their codes (docs/trace.md §1-2): a producer (or a wholesaler for unpackaged goods) registers
its products and batches; each batch gets a signed code at once (and its `produced` event, which puts the produced
quantity in the producer's hands). An enterprise account registers for its own entity only; regulators for entities
in their jurisdiction. A code can be revoked (a misprint, a leaked label) and a new one issued."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import Role
from shian.core import audit
from shian.core.jurisdiction import require_in_scope
from shian.entities.models import Entity

from .. import codes
from ..models import Batch, Category, ChainEvent, EventKind, Product, TraceCode

NAME_LIMIT = 200
SPEC_LIMIT = 100
BATCH_LIMIT = 60
UNIT_LIMIT = 10
REASON_LIMIT = 200
GTIN_LENGTHS = (8, 12, 13, 14)
MAX_QUANTITY = 10**12
EARLIEST_YEAR = 1900  # a sanity bound on dates typed by hand, not a rule
# regulators who may register or record for a business in their jurisdiction (grid workers, cadres and auditors read)
RECORDERS = frozenset(
    {Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.STATION_STAFF}
)


def gtin_check_digit(body: str) -> str:
    """The GS1 check digit of the digits before it: weights 3, 1, 3 ... from the right, to the next multiple of 10."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def validate_gtin(value) -> str:
    """A GTIN-8/12/13/14 with a correct check digit, or '' when none is given."""
    text = str(value or "").strip().replace(" ", "")
    if not text:
        return ""
    if not text.isdigit() or len(text) not in GTIN_LENGTHS:
        raise ValidationError({"gtin": [_("商品条码应为 8、12、13 或 14 位数字，收到“%(v)s”。") % {"v": text[:20]}]})
    if gtin_check_digit(text[:-1]) != text[-1]:
        raise ValidationError({"gtin": [_("商品条码“%(v)s”的校验位不正确（应为 %(d)s）。")
                                        % {"v": text, "d": gtin_check_digit(text[:-1])}]})  # fmt: skip
    return text


def require_acts_for(actor, entity: Entity) -> None:
    """The actor may act for `entity`: its own enterprise account, or a regulator whose jurisdiction holds it (else
    404, so an entity outside reads as unknown)."""
    if actor.is_superuser:
        return
    if actor.role == Role.ENTERPRISE:
        if actor.entity_id != entity.pk:
            raise PermissionDenied(_("企业用户只能为本单位办理。"))
        return
    if actor.role not in RECORDERS:
        raise PermissionDenied(_("您的角色无权办理追溯登记。"))
    require_in_scope(actor, entity.region_id)


def _text(value, field: str, limit: int, errors: dict, label: str, *, required: bool = True) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if len(text) > limit:
        errors[field] = [_("%(f)s不能超过 %(n)d 个字。") % {"f": label, "n": limit}]
    elif required and not text:
        errors[field] = [_("请填写%(f)s。") % {"f": label}]
    return text


def quantity_of(value, field: str, errors: dict, label: str) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        errors[field] = [_("%(f)s应为正整数，收到“%(v)s”。") % {"f": label, "v": str(value)[:20]}]
        return 0
    if n <= 0 or n > MAX_QUANTITY:
        errors[field] = [_("%(f)s应为大于 0 的整数，收到 %(v)s。") % {"f": label, "v": n}]
    return n


def create_product(*, actor, producer: Entity, name: str, category_code: str = "general", spec: str = "",
                   unit: str = "", gtin: str = "") -> Product:  # fmt: skip
    require_acts_for(actor, producer)
    errors: dict = {}
    name = _text(name, "name", NAME_LIMIT, errors, _("产品名称"))
    spec = _text(spec, "spec", SPEC_LIMIT, errors, _("规格"), required=False)
    unit = _text(unit, "unit", UNIT_LIMIT, errors, _("计量单位"), required=False) or _("件")
    category = Category.objects.filter(code=str(category_code or "").strip()).first()
    if category is None:
        errors["category_code"] = [_("产品类别“%(c)s”不存在。") % {"c": str(category_code)[:30]}]
    try:
        gtin = validate_gtin(gtin)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not errors and Product.objects.filter(producer=producer, name=name, spec=spec).exists():
        errors["name"] = [_("本单位已登记同名同规格的产品“%(n)s”。") % {"n": name}]
    if not errors and gtin and Product.objects.filter(gtin=gtin).exists():
        errors["gtin"] = [_("商品条码 %(g)s 已被其他产品登记。") % {"g": gtin}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        product = Product.objects.create(producer=producer, region_id=producer.region_id, category=category,
                                         name=name, spec=spec, unit=unit, gtin=gtin, created_by=actor)  # fmt: skip
        audit.record(actor=actor, action="trace.product_create", obj=product, region_code=product.region_id,
                     after=audit.snapshot(product, ["producer_id", "name", "spec", "unit", "gtin", "category_id"]))  # fmt: skip
    return product


def _new_code(batch: Batch) -> TraceCode:
    for _try in range(5):
        try:
            with transaction.atomic():
                return TraceCode.objects.create(batch=batch, token=codes.new_token())
        except IntegrityError:  # pragma: no cover - a 40-bit token collided
            continue
    raise ValidationError(_("追溯码生成冲突，请重试。"))  # pragma: no cover


def create_batch(*, actor, product: Product, batch_number: str, produced_on: datetime.date | None, quantity,
                 now: datetime.datetime | None = None) -> Batch:  # fmt: skip
    """Register a batch of `product`: its code, and the `produced` event putting `quantity` in the producer's hands."""
    producer = product.producer
    require_acts_for(actor, producer)
    errors: dict = {}
    batch_number = _text(batch_number, "batch_number", BATCH_LIMIT, errors, _("批号"))
    n = quantity_of(quantity, "quantity", errors, _("数量"))
    now = now or timezone.now()
    if not isinstance(produced_on, datetime.date):
        errors["produced_on"] = [_("请填写生产日期（年-月-日）。")]
    elif produced_on.year < EARLIEST_YEAR:
        errors["produced_on"] = [_("生产日期无效：%(d)s。") % {"d": produced_on.isoformat()}]
    elif produced_on > timezone.localdate(now):
        errors["produced_on"] = [_("生产日期不能晚于今天。")]
    if not errors and Batch.objects.filter(product=product, batch_number=batch_number).exists():
        errors["batch_number"] = [_("产品“%(p)s”已登记批号 %(b)s。") % {"p": product.name, "b": batch_number}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        batch = Batch.objects.create(product=product, producer=producer, region_id=producer.region_id,
                                     batch_number=batch_number, produced_on=produced_on, quantity=n,
                                     created_by=actor)  # fmt: skip
        code = _new_code(batch)
        ChainEvent.objects.create(batch=batch, kind=EventKind.PRODUCED, to_entity=producer,
                                  region_id=producer.region_id, quantity=n, source="web", created_by=actor,
                                  occurred_at=timezone.make_aware(datetime.datetime.combine(produced_on,
                                                                                            datetime.time(8))))  # fmt: skip
        audit.record(actor=actor, action="trace.batch_create", obj=batch, region_code=batch.region_id,
                     after={"product_id": product.pk, "batch_number": batch_number, "quantity": n,
                            "produced_on": produced_on.isoformat(), "code": code.token})  # fmt: skip
    return batch


def active_code(batch: Batch) -> TraceCode | None:
    return batch.codes.filter(revoked_at__isnull=True).order_by("-created_at", "-id").first()


def revoke_code(*, actor, batch: Batch, reason: str, reissue: bool = True,
                now: datetime.datetime | None = None) -> TraceCode | None:  # fmt: skip
    """Revoke the batch's code (scans of it then answer "revoked") and, with `reissue`, give it a new one."""
    require_acts_for(actor, batch.producer)
    errors: dict = {}
    reason = _text(reason, "reason", REASON_LIMIT, errors, _("作废原因"))
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    with transaction.atomic():
        Batch.objects.select_for_update().get(pk=batch.pk)
        current = active_code(batch)
        if current is None and not reissue:
            raise ValidationError(_("该批次没有有效的追溯码。"))
        if current is not None:
            current.revoked_at, current.revoked_reason = now, reason
            current.save(update_fields=["revoked_at", "revoked_reason"])
            audit.record(actor=actor, action="trace.code_revoke", obj=batch, region_code=batch.region_id,
                         after={"token": current.token, "reason": reason})  # fmt: skip
        fresh = None
        if reissue:
            fresh = _new_code(batch)
            audit.record(actor=actor, action="trace.code_reissue", obj=batch, region_code=batch.region_id,
                         after={"token": fresh.token})  # fmt: skip
    return fresh
