"""Rectification pages (docs/inspections.md §5): the orders a user may see, an order with its answers and
re-checks; the enterprise answers from its own account, the inspector re-checks."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import ENTERPRISE, REGULATORS, SIGNED_IN
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages

from ..models import RectificationOrder
from ..selectors import rectification as selectors
from ..services import rectification as services

PER_PAGE = 30
FILTERS = [
    ("unclosed", _("未销号")),
    ("open", _("待整改")),
    ("answered", _("待复查")),
    ("overdue", _("已逾期")),
    ("escalated", _("已移送立案")),
    ("closed", _("已销号")),
    ("", _("全部")),
]


@access(SIGNED_IN)
def order_list(request):
    status = request.GET.get("status", "unclosed")
    status = status if status in selectors.ORDER_STATES else ""
    qs = selectors.order_list(user=request.user, region_code=current_region_code(request), status=status)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "filters": FILTERS, "now": timezone.now()}
    return render(request, "inspections/order_list.html", context)


@access(SIGNED_IN, objects="rect_order")
def order_detail(request, pk: int):
    order = selectors.order_get(user=request.user, pk=pk)
    user = request.user
    context = {
        "order": order,
        "answers": selectors.order_answers(order),
        "rechecks": selectors.order_rechecks(order),
        "overdue": order.status == RectificationOrder.Status.OPEN and order.due_at < timezone.now(),
        "can_answer": user.role == Role.ENTERPRISE and order.status == RectificationOrder.Status.OPEN,
        "can_recheck": user.role != Role.ENTERPRISE and order.status == RectificationOrder.Status.ANSWERED,
        "regulator": user.role != Role.ENTERPRISE,
    }
    return render(request, "inspections/order_detail.html", context)


@access(ENTERPRISE, objects="rect_order")
@require_POST
def order_answer(request, pk: int):
    order = selectors.order_get(user=request.user, pk=pk)
    with service_errors_as_messages(request), transaction.atomic():
        ids = [services.store_photo(actor=request.user, upload=f).pk for f in request.FILES.getlist("files")]
        services.answer_order(actor=request.user, order=order, text=request.POST.get("text", ""), photo_ids=ids)
        messages.success(request, _("整改情况已反馈，等待检查人员复查。"))
    return redirect("inspections:order_detail", pk=order.pk)


@access(REGULATORS, objects="rect_order")
@require_POST
def order_recheck(request, pk: int):
    order = selectors.order_get(user=request.user, pk=pk)
    passed = request.POST.get("passed") == "1"
    with service_errors_as_messages(request):
        services.recheck_order(actor=request.user, order=order, passed=passed, note=request.POST.get("note", ""))
        messages.success(request, _("复查通过，整改通知已销号。") if passed else _("复查未通过，已退回企业继续整改。"))
    return redirect("inspections:order_detail", pk=order.pk)
