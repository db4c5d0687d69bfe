"""Staff pages of the 红黑榜 (docs/lists.md §4), phone first: the editions of the user's regions, drafting one, an
edition with its boards, the proposed candidates (each with a link to its record), the workflow actions
(审核 → 批准 → 发布, 退回, 撤回) and the A3 poster."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.models import Role
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import error_messages
from shian.core.forms import int_or_none as _int
from shian.core.jurisdiction import scope_prefix
from shian.regions.models import Region
from shian.reports.documents import attachment

from ..models import Edition
from ..selectors import candidates
from ..selectors import staff as selectors
from ..services import editions as services
from ..services import poster as poster_services
from ..services.common import APPROVER_ROLES, EDITOR_ROLES, is_editor

EDITORS = EDITOR_ROLES
READERS = EDITOR_ROLES | {Role.AUDITOR}
PER_PAGE = 30
STATUS_CHOICES = [("", _("全部状态")), *Edition.Status.choices]


def _regions(user):
    """The county, city and province regions the user may draft an edition for, its own first."""
    prefix = scope_prefix(user)
    if prefix is None:
        return []
    qs = Region.objects.filter(level__lte=Region.Level.COUNTY)
    if prefix:
        qs = qs.filter(code__startswith=prefix)
    return list(qs.order_by("level", "code")[:200])


@access(READERS)
def edition_list(request):
    """Editions of the user's regions, newest first, with the status filter; the form to draft a new one."""
    status = request.GET.get("status", "") if request.GET.get("status") in Edition.Status.values else ""
    qs = selectors.edition_list(user=request.user, region_code=current_region_code(request), status=status)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    can_draft = is_editor(request.user) and request.user.role != Role.AUDITOR
    context = {"page": page, "status": status, "statuses": STATUS_CHOICES, "can_draft": can_draft,
               "regions": _regions(request.user) if can_draft else []}  # fmt: skip
    return render(request, "lists/edition_list.html", context)


@access(EDITORS)
@require_POST
def edition_create(request):
    try:
        edition = services.create(actor=request.user, region_code=request.POST.get("region", ""),
                                  title=request.POST.get("title", ""))  # fmt: skip
    except ValidationError as exc:
        messages.error(request, "；".join(error_messages(exc)))
        return redirect("lists:edition_list")
    messages.success(request, _("已起草 %(n)s：请从推荐的候选条目中选择上榜主体。") % {"n": edition.number})
    return redirect("lists:edition_detail", pk=edition.pk)


@access(READERS, objects="edition")
def edition_detail(request, pk: int):
    """An edition's two boards (each line linked to its record), the candidates while it is a draft, and the
    actions the user may take now."""
    edition = selectors.edition_get(user=request.user, pk=pk)
    user = request.user
    editor = is_editor(user) and user.role != Role.AUDITOR
    draft = edition.status == Edition.Status.DRAFT
    approver = user.is_superuser or user.role in APPROVER_ROLES
    proposed = candidates.propose(edition) if editor and draft else {}
    context = {
        "edition": edition,
        "boards": selectors.lines_of(edition),
        "proposed": proposed,
        "editable": editor and draft,
        "can_review": editor and draft and user.pk != edition.drafted_by_id,
        "can_approve": editor and approver and edition.status == Edition.Status.REVIEWED
        and user.pk not in (edition.drafted_by_id, edition.reviewed_by_id),
        "can_send_back": editor and edition.status == Edition.Status.REVIEWED,
        "can_publish": editor and edition.status == Edition.Status.APPROVED,
        "can_withdraw": editor and approver and edition.status in (Edition.Status.APPROVED, Edition.Status.PUBLISHED),
        "has_poster": edition.status in poster_services.POSTER_STATUSES,
        "online_path": poster_services.online_path(edition),
    }  # fmt: skip
    return render(request, "lists/edition_detail.html", context)


@access(EDITORS, objects="edition")
@require_POST
def line_add(request, pk: int):
    """Put a proposed record on the edition (POST source_kind, source_id, reason)."""
    edition = selectors.edition_get(user=request.user, pk=pk)
    post = request.POST
    with service_errors_as_messages(request):
        services.add_line(actor=request.user, edition=edition, source_kind=post.get("source_kind", ""),
                          source_id=_int(post.get("source_id")) or 0, reason=post.get("reason", ""))  # fmt: skip
        messages.success(request, _("已添加条目。"))
    return redirect("lists:edition_detail", pk=edition.pk)


@access(EDITORS, objects="edition_line")
@require_POST
def line_change(request, pk: int):
    """Edit a line's reason (do=save), move it (do=up / do=down) or remove it (do=remove)."""
    line = selectors.line_get(user=request.user, pk=pk)
    act = request.POST.get("do", "")
    with service_errors_as_messages(request):
        if act == "save":
            services.update_line(actor=request.user, line=line, reason=request.POST.get("reason", ""))
            messages.success(request, _("上榜理由已保存。"))
        elif act in ("up", "down"):
            services.move_line(actor=request.user, line=line, up=act == "up")
        elif act == "remove":
            services.remove_line(actor=request.user, line=line)
            messages.success(request, _("已删除条目。"))
        else:
            raise Http404
    return redirect("lists:edition_detail", pk=line.edition_id)


TRANSITIONS = {
    "review": (services.review, _("已审核，待批准。")),
    "approve": (services.approve, _("已批准，可以发布。")),
    "publish": (services.publish, _("已发布：公众页面、开放接口和张贴海报均可使用。")),
    "send_back": (services.send_back, _("已退回起草人修改。")),
    "withdraw": (services.withdraw, _("已撤回，公众页面不再显示本期。")),
}


@access(EDITORS, objects="edition")
@require_POST
def edition_transition(request, pk: int):
    """审核 / 批准 / 发布 / 退回 / 撤回 (POST do=..., reason= for 退回 and 撤回)."""
    edition = selectors.edition_get(user=request.user, pk=pk)
    act = request.POST.get("do", "")
    if act not in TRANSITIONS:
        raise Http404
    service, done = TRANSITIONS[act]
    extra = {"reason": request.POST.get("reason", "")} if act in ("send_back", "withdraw") else {}
    with service_errors_as_messages(request):
        service(actor=request.user, edition=edition, **extra)
        messages.success(request, done)
    return redirect("lists:edition_detail", pk=edition.pk)


@access(EDITORS, objects="edition")
def edition_poster(request, pk: int):
    """The A3 poster (PDF) of an approved or published edition, its QR code to the online edition."""
    edition = selectors.edition_get(user=request.user, pk=pk)
    try:
        name, data = poster_services.poster(actor=request.user, edition=edition,
                                            online_url=request.build_absolute_uri(poster_services.online_path(edition)))  # fmt: skip
    except ValidationError as exc:
        messages.error(request, "；".join(error_messages(exc)))
        return redirect("lists:edition_detail", pk=edition.pk)
    return attachment(name, data)
