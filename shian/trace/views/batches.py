"""Pages of products, batches and codes (docs/trace.md §1-2), phone first: the overview, the products with the form
to register one, a product's batches with the form to register one, a batch with its code, QR, chain events, current
holders and recalls, the printable label sheet (PDF) and revoking a code."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import ENTERPRISE, SIGNED_IN, STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.entities.models import Entity
from shian.reports.documents import attachment
from shian.reports.pdf import render_pdf
from shian.reports.qr import qr_svg_data_url

from .. import codes
from ..selectors import catalog as selectors
from ..selectors import recalls as recall_selectors
from ..selectors.trace import downstream
from ..services import catalog as services

WRITERS = STATION | ENTERPRISE
LIST_LIMIT = 100
LABELS_PER_SHEET = 24  # a sheet of 3 x 8 labels on A4 (the layout, not a rule)


def _errors(exc: ValidationError) -> dict:
    if not hasattr(exc, "error_dict"):
        return {"form": exc.messages}
    return {("form" if k == "__all__" else k): v for k, v in exc.message_dict.items()}


def can_write(user) -> bool:
    return user.is_superuser or user.role in WRITERS


@access(SIGNED_IN)
def overview(request):
    """追溯与召回: the user's batches and open recalls, and the way to the phone page."""
    user = request.user
    region = current_region_code(request)
    context = {
        "batches": list(selectors.batches(user=user, region_code=region)[:30]),
        "recalls": list(recall_selectors.recalls(user=user, region_code=region, status="open")[:20]),
        "can_write": can_write(user),
    }
    return render(request, "trace/overview.html", context)


def _producer_for(request, text: str) -> Entity | None:
    user = request.user
    if user.role == Role.ENTERPRISE and not user.is_superuser:
        return selectors.own_entity(user)
    return selectors.find_business(text)


@access(SIGNED_IN)
def product_list(request):
    """The products in reach and (for the producer or the station) the form to register one."""
    user = request.user
    values = {k: request.POST.get(k, "") for k in ("producer", "name", "spec", "unit", "gtin", "category_code")}
    errors: dict = {}
    if request.method == "POST":
        if not can_write(user):
            raise PermissionDenied(_("您的角色无权办理追溯登记。"))
        producer = _producer_for(request, values["producer"])
        try:
            if producer is None:
                raise ValidationError({"producer": [_("请填写生产经营者的统一社会信用代码。")]})
            product = services.create_product(
                actor=user, producer=producer, name=values["name"], category_code=values["category_code"] or "general",
                spec=values["spec"], unit=values["unit"], gtin=values["gtin"],
            )  # fmt: skip
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("已登记产品：%(p)s") % {"p": product})
            return redirect("trace:product_detail", pk=product.pk)
    q = request.GET.get("q", "")[:50]
    context = {"products": list(selectors.products(user=user, region_code=current_region_code(request), q=q)[:LIST_LIMIT]),
               "q": q, "values": values, "errors": errors, "categories": selectors.categories(),
               "can_write": can_write(user), "is_enterprise": user.role == Role.ENTERPRISE}  # fmt: skip
    return render(request, "trace/product_list.html", context, status=422 if errors else 200)


@access(SIGNED_IN, objects="trace_product")
def product_detail(request, pk: int):
    """A product, its batches and the form to register a batch (which gets its code at once)."""
    user = request.user
    product = selectors.product_get(user=user, pk=pk)
    values = {k: request.POST.get(k, "") for k in ("batch_number", "produced_on", "quantity")}
    errors: dict = {}
    if request.method == "POST":
        if not can_write(user):
            raise PermissionDenied(_("您的角色无权办理追溯登记。"))
        try:
            batch = services.create_batch(actor=user, product=product, batch_number=values["batch_number"],
                                          produced_on=parse_date(values["produced_on"] or "") if
                                          len(values["produced_on"]) <= 10 else None,
                                          quantity=values["quantity"])  # fmt: skip
        except ValidationError as exc:
            errors = _errors(exc)
        except ValueError:
            errors = {"produced_on": [_("生产日期格式应为 年-月-日。")]}
        else:
            messages.success(request, _("已登记批次 %(b)s 并生成追溯码。") % {"b": batch.batch_number})
            return redirect("trace:batch_detail", pk=batch.pk)
    context = {"product": product, "batches": list(product.batches.order_by("-produced_on", "-id")[:LIST_LIMIT]),
               "values": values, "errors": errors, "can_write": can_write(user),
               "today": datetime.date.today()}  # fmt: skip
    return render(request, "trace/product_detail.html", context, status=422 if errors else 200)


def _code_context(request, batch) -> dict:
    code = services.active_code(batch)
    if code is None:
        return {"code": None}
    url = request.build_absolute_uri(codes.public_path(code.token))
    return {"code": code, "signed": codes.sign(code.token), "public_url": url, "qr": qr_svg_data_url(url, scale=4)}


@access(SIGNED_IN, objects="trace_batch")
def batch_detail(request, pk: int):
    """A batch: its code and QR, chain events, every business it reached with what it holds, and its recalls."""
    user = request.user
    batch = selectors.batch_get(user=user, pk=pk)
    holders = downstream([batch.pk])
    names = dict(Entity.objects.filter(pk__in=[h.entity_id for h in holders]).values_list("pk", "name"))
    is_producer_side = user.is_superuser or (user.role == Role.ENTERPRISE and user.entity_id == batch.producer_id) or (
        user.role in STATION and (batch.region_id or "").startswith(user.region_id or "~"))  # fmt: skip
    context = {
        "batch": batch, "events": list(selectors.events(batch)[:500]),
        "holders": [{"name": names.get(h.entity_id, "—"), "h": h} for h in holders],
        "recalls": list(batch.recalls.order_by("-announced_at")),
        "can_manage": is_producer_side, **_code_context(request, batch),
    }  # fmt: skip
    return render(request, "trace/batch_detail.html", context)


@access(SIGNED_IN, objects="trace_batch")
def batch_labels(request, pk: int):
    """A sheet of labels (PDF): product, batch, producer and the QR code of the batch's public URL."""
    batch = selectors.batch_get(user=request.user, pk=pk)
    context = _code_context(request, batch)
    if context["code"] is None:
        messages.error(request, _("该批次没有有效的追溯码，请先重新生成。"))
        return redirect("trace:batch_detail", pk=batch.pk)
    pdf = render_pdf("trace/labels.html", {"batch": batch, "labels": range(LABELS_PER_SHEET), **context})
    return attachment(f"追溯码-{batch.batch_number}.pdf", pdf)


@access(WRITERS, objects="trace_batch")
@require_POST
def batch_revoke(request, pk: int):
    """Revoke the batch's code (a scan of it then says so) and issue a new one."""
    batch = selectors.batch_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        services.revoke_code(actor=request.user, batch=batch, reason=request.POST.get("reason", ""))
        messages.success(request, _("原追溯码已作废，已生成新码，请重新打印标签。"))
    return redirect("trace:batch_detail", pk=batch.pk)
