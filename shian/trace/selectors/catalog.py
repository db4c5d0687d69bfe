"""Reads of products, batches and events for the acting user (docs/architecture.md §3.1): an enterprise account
sees its own entity's products and batches and the batches that reached it; a regulator those of producers in its
jurisdiction and of batches whose events happened there. A row outside reach is a 404."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from shian.accounts.models import Role
from shian.core.jurisdiction import get_entity_row, narrow_to, region_under, scope_entity_rows, scope_prefix
from shian.entities.models import Entity
from shian.entities.validators import normalize

from .. import codes
from ..models import Batch, Category, ChainEvent, Product, TraceCode


def products(*, user, region_code: str | None = None, q: str = "") -> QuerySet[Product]:
    qs = narrow_to(scope_entity_rows(Product.objects.all(), user, entity_field="producer"), region_code)
    if q:
        qs = qs.filter(Q(name__icontains=q[:50]) | Q(gtin=q[:14]))
    return qs.select_related("producer", "category").order_by("producer_id", "name")


def product_get(*, user, pk: int) -> Product:
    return get_entity_row(Product.objects.select_related("producer", "category"), user, entity_field="producer",
                          pk=pk)  # fmt: skip


def _reached(user) -> Q:
    """Batches that reached the enterprise user's entity (it holds or held some)."""
    return Q(pk__in=ChainEvent.objects.filter(to_entity_id=user.entity_id).values("batch_id"))


def batches(*, user, region_code: str | None = None, q: str = "") -> QuerySet[Batch]:
    base = Batch.objects.select_related("product", "producer", "product__category")
    if getattr(user, "role", None) == Role.ENTERPRISE and not user.is_superuser:
        qs = base.filter(Q(producer_id=user.entity_id) | _reached(user)) if user.entity_id else base.none()
    else:
        qs = scope_entity_rows(base, user, entity_field="producer")
    qs = narrow_to(qs, region_code)
    if q:
        qs = qs.filter(Q(batch_number__icontains=q[:60]) | Q(product__name__icontains=q[:50]))
    return qs.order_by("-produced_on", "-id")


def batch_get(*, user, pk: int) -> Batch:
    """A batch the user may see: its producer's, a holder's, or a regulator's whose jurisdiction holds the producer or
    any business the batch reached."""
    batch = batches(user=user).filter(pk=pk).first()
    prefix = scope_prefix(user)
    if batch is None and prefix and getattr(user, "role", None) != Role.ENTERPRISE:
        there = ChainEvent.objects.filter(batch_id=pk).filter(region_under(ChainEvent, "to_entity__region", prefix))
        if there.exists():
            batch = Batch.objects.select_related("product", "producer", "product__category").filter(pk=pk).first()
    if batch is None:
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
    return batch


def batch_by_code(*, user, code: str) -> Batch:
    """The batch of a scanned or typed code the user may see (a forged or unknown code: 404)."""
    token = codes.unsign(code)
    found = TraceCode.objects.filter(token=token).first() if token else None
    if found is None:
        raise Http404(_("追溯码无效：签名校验失败或不存在，请核对后重新扫码。"))
    return Batch.objects.select_related("product", "producer", "product__category").get(pk=found.batch_id)


def events(batch: Batch) -> QuerySet[ChainEvent]:
    return batch.events.select_related("from_entity", "to_entity").order_by("occurred_at", "id")


def categories() -> QuerySet[Category]:
    return Category.objects.all()


def find_business(text: str) -> Entity | None:
    """A business named by its USCC (or its id in the registry), for the counterparty of a hand-over; businesses are
    public (the portal lists them), so this is not scoped."""
    value = normalize(text) if text else ""
    if not value:
        return None
    if value.isdigit() and len(value) < 12:
        return Entity.objects.filter(pk=int(value)).exclude(status=Entity.Status.DEREGISTERED).first()
    return Entity.objects.filter(uscc=value.upper()).exclude(status=Entity.Status.DEREGISTERED).first()


def own_entity(user) -> Entity | None:
    return Entity.objects.filter(pk=user.entity_id).first() if getattr(user, "entity_id", None) else None
