"""Staff and enterprise pages of the serious-dishonesty list and joint punishment (docs/lists.md §4): the entries
in the user's reach (an enterprise account: its own business's), listing a business from a decided case, one entry
with its repair applications (apply, review), revocation; the joint-punishment flags with the match masked."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.models import Role
from shian.cases.selectors.cases import case_get
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import error_messages
from shian.core.forms import int_or_none as _int

from ..models import DishonestyEntry, JointFlag, RepairApplication
from ..selectors import staff as selectors
from ..services import dishonesty as services
from ..services import joint as joint_services
from ..services.common import APPROVER_ROLES, EDITOR_ROLES, is_editor

EDITORS = EDITOR_ROLES
READERS = EDITOR_ROLES | {Role.AUDITOR, Role.ENTERPRISE}
FLAG_READERS = EDITOR_ROLES | {Role.AUDITOR}
PER_PAGE = 30


@access(READERS)
def entry_list(request):
    """Entries in the user's reach (status filter, name or case number), and, for staff, the decided cases that
    may be listed (?case_q= to find one)."""
    get = request.GET
    status = get.get("status", "") if get.get("status") in DishonestyEntry.Status.values else ""
    region = current_region_code(request)
    qs = selectors.entry_list(user=request.user, region_code=region, status=status, q=get.get("q", ""),
                              repair_pending=get.get("repair") == "pending")  # fmt: skip
    page = Paginator(qs, PER_PAGE).get_page(get.get("page"))
    staff = is_editor(request.user) and request.user.role != Role.AUDITOR
    cases = (
        selectors.decided_cases(user=request.user, region_code=region, q=get.get("case_q", ""))[:20] if staff else []
    )
    context = {"page": page, "status": status, "statuses": [("", _("全部状态")), *DishonestyEntry.Status.choices],
               "q": get.get("q", "")[:50], "case_q": get.get("case_q", "")[:50], "cases": cases, "staff": staff}  # fmt: skip
    return render(request, "lists/entry_list.html", context)


@access(EDITORS)
@require_POST
def entry_create(request):
    """列入 from a decided case (POST case=pk, legal_basis=...): refused with a message without a decision."""
    case_id = _int(request.POST.get("case"))
    case = case_get(user=request.user, pk=case_id) if case_id else None
    try:
        entry = services.list_from_case(actor=request.user, case=case, legal_basis=request.POST.get("legal_basis", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(error_messages(exc)))
        return redirect("lists:entry_list")
    messages.success(request, _("已列入严重违法失信名单，期满日期 %(d)s。") % {"d": entry.ends_on})
    return redirect("lists:entry_detail", pk=entry.pk)


@access(READERS, objects="dishonesty_entry")
def entry_detail(request, pk: int):
    entry = selectors.entry_get(user=request.user, pk=pk)
    user = request.user
    listed = entry.status == DishonestyEntry.Status.LISTED
    pending = entry.repairs.filter(status=RepairApplication.Status.PENDING).first()
    context = {
        "entry": entry,
        "repairs": entry.repairs.select_related("applied_by", "reviewed_by").order_by("-applied_at", "-pk"),
        "identities": entry.identities.order_by("kind", "pk") if user.role != Role.ENTERPRISE else [],
        "flags": entry.flags.select_related("entity").order_by("-created_at")[:20] if user.role != Role.ENTERPRISE else [],
        "repair_opens": services.repair_opens_on(entry),
        "can_apply": listed and pending is None and user.role != Role.AUDITOR and services.may_apply(user, entry),
        "can_review": pending is not None and is_editor(user) and (user.is_superuser or user.role in APPROVER_ROLES)
        and user.pk != pending.applied_by_id,
        "pending": pending,
        "can_revoke": listed and is_editor(user) and (user.is_superuser or user.role in APPROVER_ROLES),
    }  # fmt: skip
    return render(request, "lists/entry_detail.html", context)


@access(EDITORS | {Role.ENTERPRISE}, objects="dishonesty_entry")
@require_POST
def repair_apply(request, pk: int):
    entry = selectors.entry_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        services.apply_repair(actor=request.user, entry=entry, statement=request.POST.get("statement", ""))
        messages.success(request, _("信用修复申请已提交，待审核。"))
    return redirect("lists:entry_detail", pk=entry.pk)


@access(EDITORS, objects="repair")
@require_POST
def repair_review(request, pk: int):
    app = selectors.repair_get(user=request.user, pk=pk)
    approve = request.POST.get("do") == "approve"
    with service_errors_as_messages(request):
        services.review_repair(actor=request.user, application=app, approve=approve, note=request.POST.get("note", ""))
        messages.success(request, _("已准予信用修复，主体移出名单。") if approve else _("已作出不予修复的决定。"))
    return redirect("lists:entry_detail", pk=app.entry_id)


@access(EDITORS, objects="dishonesty_entry")
@require_POST
def entry_revoke(request, pk: int):
    entry = selectors.entry_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        services.revoke(actor=request.user, entry=entry, reason=request.POST.get("reason", ""))
        messages.success(request, _("已撤销列入。"))
    return redirect("lists:entry_detail", pk=entry.pk)


@access(FLAG_READERS)
def flag_list(request):
    """Joint-punishment flags raised in the user's reach, open first by default; the match is shown masked."""
    status = request.GET.get("status", "open")
    status = status if status in JointFlag.Status.values else ""
    qs = selectors.flag_list(user=request.user, region_code=current_region_code(request), status=status)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "statuses": [("", _("全部状态")), *JointFlag.Status.choices],
               "can_handle": is_editor(request.user) and request.user.role != Role.AUDITOR}  # fmt: skip
    return render(request, "lists/flag_list.html", context)


@access(EDITORS, objects="joint_flag")
@require_POST
def flag_handle(request, pk: int):
    flag = selectors.flag_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        joint_services.handle(actor=request.user, flag=flag, note=request.POST.get("note", ""))
        messages.success(request, _("已登记核查处理情况。"))
    return redirect("lists:flag_list")
