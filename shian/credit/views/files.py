"""Pages of credit files (docs/credit.md §5), phone first: the ratings of a region, one entity's file (with the
correction form for the entity's own users and the 重新计算 button for the station), the correction requests and
their review."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import ENTERPRISE, STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import int_or_none as _int
from shian.core.uploads import stored_file_response

from ..models import Band, CorrectionRequest, ItemKind
from ..selectors import files as selectors
from ..selectors import lists
from ..services import corrections, recompute

STAFF_READERS = STATION | {Role.AUDITOR}
FILE_READERS = STAFF_READERS | ENTERPRISE
PER_PAGE = 30
KIND_CHOICES = [(k, label) for k, label in ItemKind.choices if k != ItemKind.DUTY]


@access(STAFF_READERS)
def rating_list(request):
    """Credit classes of the entities in reach, lowest points first (filters: band, name)."""
    band = request.GET.get("band", "") if request.GET.get("band") in Band.values else ""
    q = request.GET.get("q", "")[:50]
    qs = selectors.rating_list(user=request.user, region_code=current_region_code(request), band=band, q=q)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "credit/rating_list.html", {"page": page, "band": band, "q": q, "bands": Band.choices})


@access(FILE_READERS, objects="entity_id")
def credit_file(request, entity_id: int):
    """One entity's credit file, built from its records; the entity's own users may ask for a correction."""
    context = selectors.credit_file(user=request.user, entity_id=entity_id)
    context.update(
        kinds=KIND_CHOICES,
        can_correct=request.user.role == Role.ENTERPRISE and request.user.entity_id == entity_id,
        can_recompute=recompute.can_recompute(request.user),
        preselect=request.GET.get("kind", ""),
        preselect_id=_int(request.GET.get("id")),
    )
    return render(request, "credit/file.html", context)


@access(ENTERPRISE, objects="entity_id")
@require_POST
def correction_submit(request, entity_id: int):
    """Submit a correction request on an item of the user's own file (another entity's file: 403)."""
    post = request.POST
    with service_errors_as_messages(request):
        corrections.submit_correction(
            actor=request.user, entity_id=entity_id, kind=post.get("kind", ""),
            record_id=_int(post.get("record_id")) or 0, reason=post.get("reason", ""),
            attachment=request.FILES.get("attachment"),
        )  # fmt: skip
        messages.success(request, _("更正申请已提交，审核期间该记录在公示页面暂不显示。"))
    return redirect("credit:file", entity_id=entity_id)


@access(STATION, objects="entity_id")
@require_POST
def file_recompute(request, entity_id: int):
    """Recompute the entity's credit class now."""
    entity = selectors.credit_file(user=request.user, entity_id=entity_id)["entity"]
    changed = recompute.recompute_entities([entity.pk], trigger="manual", actor=request.user)
    messages.success(request, _("信用等级已重新计算。") if changed else _("信用等级已是最新，无变化。"))
    return redirect("credit:file", entity_id=entity.pk)


STATUS_CHOICES = [("", _("全部状态")), *CorrectionRequest.Status.choices]


@access(STAFF_READERS)
def correction_list(request):
    status = request.GET.get("status", "") if request.GET.get("status") in CorrectionRequest.Status.values else ""
    qs = lists.correction_list(user=request.user, region_code=current_region_code(request), status=status)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "credit/correction_list.html",
                  {"page": page, "status": status, "statuses": STATUS_CHOICES})  # fmt: skip


@access(FILE_READERS, objects="credit_correction")
def correction_detail(request, pk: int):
    item = lists.correction_get(user=request.user, pk=pk)
    return render(request, "credit/correction_detail.html",
                  {"item": item, "can_review": corrections.can_review(request.user)})  # fmt: skip


@access(STATION, objects="credit_correction")
@require_POST
def correction_review(request, pk: int):
    """Accept (the record was corrected in its own module; the note says how) or reject (with the reason)."""
    decision = request.POST.get("decision", "")
    if decision not in ("accept", "reject"):
        lists.correction_get(user=request.user, pk=pk)  # out of reach stays a 404
        messages.error(request, _("请选择采纳或不予采纳。"))
        return redirect("credit:correction_detail", pk=pk)
    with service_errors_as_messages(request):
        corrections.review_correction(actor=request.user, pk=pk, accept=decision == "accept",
                                      note=request.POST.get("note", ""))  # fmt: skip
        messages.success(request, _("审核结果已保存，已通知申请单位。"))
    return redirect("credit:correction_detail", pk=pk)


@access(FILE_READERS, objects="credit_correction")
def correction_file(request, pk: int):
    item = lists.correction_get(user=request.user, pk=pk)
    if not item.attachment:
        raise Http404(_("该申请没有证明材料。"))
    return stored_file_response(item.attachment, name=item.attachment_name or "attachment",
                                content_type=item.attachment_type, inline=True)  # fmt: skip
