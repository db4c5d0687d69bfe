"""Pages of notices (docs/notices.md §4), phone first: the list with its filters (type, status, overdue, addressed to
me), the issue form, one notice with its clock, document downloads and the actions the user may take (sign off a
draft, record delivery, reply with attachments, accept or return the reply)."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.models import Role
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import int_or_none
from shian.core.uploads import stored_file_response
from shian.reports.documents import attachment

from .. import documents
from ..models import Notice
from ..selectors import notices as selectors
from ..selectors.types import types_in_force
from ..services import notices as services

ISSUERS = selectors.ISSUER_ROLES
READERS = (ISSUERS | {Role.TOWNSHIP_ADMIN, Role.STATION_STAFF, Role.DEPARTMENT_STAFF, Role.AUDITOR,
                      Role.ENTERPRISE})  # fmt: skip
REPLIERS = selectors.RECIPIENT_ROLES
PER_PAGE = 30
STATUS_CHOICES = [("", _("全部状态")), *Notice.Status.choices]


def _filters(request) -> dict:
    get = request.GET
    return {
        "region_code": current_region_code(request),
        "type_code": get.get("type", "")[:30],
        "status": get.get("status", "") if get.get("status") in Notice.Status.values else "",
        "overdue": get.get("overdue") == "1",
        "recipient_kind": get.get("to", "") if get.get("to") in Notice.Recipient.values else "",
        "mine": get.get("mine") == "1",
        "q": get.get("q", "")[:50],
    }


@access(READERS)
def notice_list(request):
    """Notices in the user's reach with their reply dues (filters: type, status, overdue, recipient, mine)."""
    filters = _filters(request)
    page = Paginator(selectors.notice_list(user=request.user, **filters), PER_PAGE).get_page(request.GET.get("page"))
    user = request.user
    context = {"page": page, "filters": filters, "statuses": STATUS_CHOICES, "now": timezone.now(),
               "types": types_in_force(user.region_id or "", active_only=False),
               "recipients": Notice.Recipient.choices,
               "can_issue": user.is_superuser or user.role in ISSUERS}  # fmt: skip
    return render(request, "notices/notice_list.html", context)


def _errors(exc: ValidationError) -> dict:
    """The service's messages by field (the form's own names), the rest under "form" (shown above the form)."""
    if not hasattr(exc, "error_dict"):
        return {"form": exc.messages}
    return {("form" if k == "__all__" else k): v for k, v in exc.message_dict.items()}


@access(ISSUERS)
def notice_new(request):
    """The issue form: type, recipient (a township, a department's office, an entity by name or USCC), subject,
    facts, requirement; signed off and delivered through the platform at once, or kept as a draft."""
    user = request.user
    region = user.region_id or ""
    post = request.POST if request.method == "POST" else request.GET
    values = {k: post.get(k, "") for k in ("type_code", "recipient_kind", "township_code", "department_code",
                                           "office_code", "entity", "subject", "facts", "requirement", "delivery")}  # fmt: skip
    values["entity"] = values["entity"] or post.get("entity_id", "")
    errors: dict = {}
    if request.method == "POST":
        entity = None
        if values["recipient_kind"] == Notice.Recipient.ENTITY and values["entity"]:
            entity = selectors.find_entity(user=user, text=values["entity"])
            if entity is None and int_or_none(values["entity"]):
                entity = selectors.find_entity_by_id(user=user, pk=int_or_none(values["entity"]))
            if entity is None:
                errors["entity"] = [_("未找到该主体（请填写准确的名称或统一社会信用代码），或不在您的管辖范围内。")]
        try:
            if errors:
                raise ValidationError(errors)
            recipient = services.resolve_recipient(
                actor=user, kind=values["recipient_kind"], township_code=values["township_code"],
                department_code=values["department_code"], office_code=values["office_code"], entity=entity,
            )  # fmt: skip
            draft_only = values["delivery"] == "draft"
            notice = services.create_notice(
                actor=user, type_code=values["type_code"], recipient=recipient, subject=values["subject"],
                facts=values["facts"], requirement=values["requirement"], issue=not draft_only,
                delivery_method="" if draft_only or values["delivery"] == "later" else Notice.Delivery.SYSTEM,
            )  # fmt: skip
        except ValidationError as exc:
            errors = _errors(exc)
        except Http404:
            errors = {"form": [_("收文对象不在您的管辖范围内。")]}
        else:
            messages.success(request, _("文书已保存：%(n)s") % {"n": notice.number or _("草稿")})
            return redirect("notices:notice_detail", pk=notice.pk)
    context = {
        "values": values, "errors": errors, "types": types_in_force(region),
        "townships": selectors.townships_under(region), "offices": selectors.offices_under(region),
        "departments": selectors.departments(), "recipients": Notice.Recipient.choices,
    }  # fmt: skip
    return render(request, "notices/notice_form.html", context, status=422 if errors else 200)


@access(READERS, objects="notice")
def notice_detail(request, pk: int):
    """Everything about a notice: recipient, text, number, delivery, the reply clock with the rule that set it, the
    reply and its attachments, the review, the escalation chain, and the actions the user may take."""
    notice = selectors.notice_get(user=request.user, pk=pk)
    user = request.user
    now = timezone.now()
    issuer = selectors.is_issuer(user, notice)
    context = {
        "notice": notice, "now": now, "overdue": notice.is_overdue(now),
        "attachments": notice.attachments.order_by("uploaded_at", "pk"),
        "escalation": Notice.objects.filter(previous=notice).first(),
        "is_issuer": issuer, "is_recipient": selectors.is_recipient(user, notice),
        "deliveries": Notice.Delivery.choices, "standard": documents.standard_text(notice),
        "returns": notice.due_rule.get("returns", []),
    }  # fmt: skip
    return render(request, "notices/notice_detail.html", context)


@access(ISSUERS, objects="notice")
@require_POST
def notice_issue(request, pk: int):
    notice = selectors.notice_get(user=request.user, pk=pk)
    method = request.POST.get("delivery_method", "")
    with service_errors_as_messages(request):
        notice = services.issue_notice(actor=request.user, notice=notice, delivery_method=method)
        messages.success(request, _("已签发：%(n)s") % {"n": notice.number})
    return redirect("notices:notice_detail", pk=pk)


@access(ISSUERS, objects="notice")
@require_POST
def notice_deliver(request, pk: int):
    notice = selectors.notice_get(user=request.user, pk=pk)
    post = request.POST
    when = parse_datetime(post.get("delivered_at", "") or "") if post.get("delivered_at") else None
    if when is not None and timezone.is_naive(when):
        when = timezone.make_aware(when)
    with service_errors_as_messages(request):
        services.deliver(actor=request.user, notice=notice, method=post.get("delivery_method", ""),
                         delivered_at=when, note=post.get("delivery_note", ""))  # fmt: skip
        messages.success(request, _("已登记送达，答复期限开始计算。"))
    return redirect("notices:notice_detail", pk=pk)


@access(REPLIERS, objects="notice")
def notice_reply(request, pk: int):
    """The recipient's reply form (text and attachments)."""
    notice = selectors.notice_get(user=request.user, pk=pk)
    errors: dict = {}
    text = ""
    if request.method == "POST":
        text = request.POST.get("reply_text", "")
        try:
            services.reply(actor=request.user, notice=notice, text=text, uploads=request.FILES.getlist("files"))
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("已答复，等待发文机关审核。"))
            return redirect("notices:notice_detail", pk=pk)
    elif not selectors.is_recipient(request.user, notice):
        messages.error(request, _("只有收文单位可以答复。"))
        return redirect("notices:notice_detail", pk=pk)
    context = {"notice": notice, "errors": errors, "text": text, "now": timezone.now()}
    return render(request, "notices/notice_reply.html", context, status=422 if errors else 200)


@access(ISSUERS, objects="notice")
@require_POST
def notice_review(request, pk: int):
    notice = selectors.notice_get(user=request.user, pk=pk)
    accept = request.POST.get("decision") == "accept"
    with service_errors_as_messages(request):
        services.review(actor=request.user, notice=notice, accept=accept, note=request.POST.get("note", ""))
        messages.success(request, _("已办结。") if accept else _("已退回，收文单位须重新答复。"))
    return redirect("notices:notice_detail", pk=pk)


@access(READERS, objects="notice")
def notice_document(request, pk: int):
    """The notice as a document: ?fmt=docx (default) or pdf."""
    notice = selectors.notice_get(user=request.user, pk=pk)
    fmt = request.GET.get("fmt", "docx")
    if fmt not in documents.FORMATS:
        raise Http404
    name, data = documents.render(notice, fmt)
    return attachment(name, data)


@access(READERS, objects="notice_attachment")
def attachment_file(request, pk: int):
    """A file attached to a reply; `?original=1` the upload as taken."""
    stored = selectors.attachment_get(user=request.user, pk=pk)
    original = request.GET.get("original") == "1" and bool(stored.original)
    field = stored.original if original else stored.file
    content_type = mimetypes.guess_type(field.name)[0] if original else stored.content_type
    return stored_file_response(field, name=field.name.rsplit("/", 1)[-1], content_type=content_type,
                                inline=not original and stored.is_image)  # fmt: skip
