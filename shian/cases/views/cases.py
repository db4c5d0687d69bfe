"""Pages of cases (docs/cases.md §5), phone first: the list with its filters, the sources waiting for a case (each
opened with one action), one case with its clock and actions (facts and legal basis, parties, evidence, decision,
extension with approval, closure), 挂牌督办 and its report requests."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import ADMINS, STATION
from shian.accounts.models import Role, User
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import error_messages, parse_moment
from shian.core.forms import int_or_none as _int
from shian.core.uploads import stored_file_response

from ..models import Case, CaseParty
from ..selectors import cases as selectors
from ..services import cases as services
from ..services import supervision as supervision_services

READERS = STATION | {Role.AUDITOR}
PER_PAGE = 30
OPENERS = {
    "referral": services.open_from_referral, "disposal": services.open_from_disposal,
    "problem": services.open_from_problem, "report": services.open_from_report,
}  # fmt: skip
SOURCE_ARG = {"referral": "referral", "disposal": "disposal", "problem": "problem", "report": "complaint"}


def _can_handle(user) -> bool:
    return user.is_superuser or user.role in services.CASE_ROLES


# -- list and sources -------------------------------------------------------------------------------------------

STATUS_CHOICES = [("", _("全部状态")), *Case.Status.choices]
SOURCE_CHOICES = [("", _("全部来源")), *Case.Source.choices]


def _filters(request) -> dict:
    get = request.GET
    return {
        "region_code": current_region_code(request),
        "status": get.get("status", "") if get.get("status") in Case.Status.values else "",
        "source": get.get("source", "") if get.get("source") in Case.Source.values else "",
        "overdue": get.get("overdue") == "1",
        "supervised": get.get("supervised") == "1",
        "q": get.get("q", "")[:50],
    }


@access(READERS)
def case_list(request):
    """Cases in the user's reach with their decision deadlines (filters: status, source, overdue, 挂牌督办)."""
    filters = _filters(request)
    page = Paginator(selectors.case_list(user=request.user, **filters), PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "statuses": STATUS_CHOICES, "sources": SOURCE_CHOICES,
               "now": timezone.now(), "can_handle": _can_handle(request.user)}  # fmt: skip
    return render(request, "cases/case_list.html", context)


@access(STATION)
def case_sources(request):
    """What waits for a case, by source (?kind=problem|referral|disposal|report): each row opens one with one
    action. A 包保 problem is listed once its rectification deadline has passed and it is still unresolved."""
    kind = request.GET.get("kind") if request.GET.get("kind") in selectors.SOURCE_KINDS else "problem"
    region = current_region_code(request)
    lists = {
        "problem": selectors.overdue_problems, "referral": selectors.pending_referrals,
        "disposal": selectors.pending_disposals, "report": selectors.pending_reports,
    }  # fmt: skip
    page = Paginator(lists[kind](user=request.user, region_code=region), PER_PAGE).get_page(request.GET.get("page"))
    tabs = [("problem", _("逾期未整改的包保问题")), ("referral", _("监督检查移送")),
            ("disposal", _("抽检不合格核查处置")), ("report", _("举报线索"))]  # fmt: skip
    return render(request, "cases/case_sources.html", {"kind": kind, "page": page, "tabs": tabs})


@access(STATION)
@require_POST
def case_open(request):
    """立案 from one source row (POST source=kind, id=pk): the case opens with the source's facts, on the clock."""
    kind = request.POST.get("source", "")
    if kind not in OPENERS:
        raise Http404
    source = selectors.source_get(user=request.user, kind=kind, pk=_int(request.POST.get("id")) or 0)
    try:
        case = OPENERS[kind](actor=request.user, **{SOURCE_ARG[kind]: source},
                             title=request.POST.get("title", ""))  # fmt: skip
    except ValidationError as exc:
        messages.error(request, "；".join(error_messages(exc)))
        return redirect(f"{_sources_url()}?kind={kind}")
    messages.success(request, _("已立案，案件编号 %(n)s；请登记违法事实、当事人和证据。") % {"n": case.number})
    return redirect("cases:case_detail", pk=case.pk)


@access(STATION)
@require_POST
def referral_decline(request):
    """不予立案 on an inspections referral (POST id=pk, reason=...), from the sources page."""
    referral = selectors.source_get(user=request.user, kind="referral", pk=_int(request.POST.get("id")) or 0)
    with service_errors_as_messages(request):
        services.decline_referral(actor=request.user, referral=referral, reason=request.POST.get("reason", ""))
        messages.success(request, _("已登记不予立案。"))
    return redirect(f"{_sources_url()}?kind=referral")


def _sources_url() -> str:
    from django.urls import reverse

    return reverse("cases:case_sources")


# -- one case -----------------------------------------------------------------------------------------------------


@access(READERS, objects="case")
def case_detail(request, pk: int):
    """Everything about a case: the source, parties (masked), facts, evidence, legal basis, the clock with the rules
    that set it, the decision and closure, 挂牌督办 and its reports, and the actions the user may take."""
    case = selectors.case_get(user=request.user, pk=pk)
    sup = selectors.supervision_of(case)
    user = request.user
    handler = _can_handle(user) and user.role != Role.AUDITOR
    clear = None
    if request.method == "POST" and "unmask" in request.POST:
        try:
            clear = {p["id"]: p for p in services.reveal_parties(actor=user, case=case,
                                                                 reason=request.POST.get("reason", ""))}  # fmt: skip
        except ValidationError as exc:
            messages.error(request, "；".join(error_messages(exc)))
    context = {
        "case": case,
        "now": timezone.now(),
        "overdue": case.is_overdue(timezone.now()),
        "parties": [{**p, **(clear or {}).get(p["id"], {})} for p in selectors.masked_parties(case)],
        "may_unmask": user.has_perm("accounts.unmask_pii", case) and clear is None,
        "party_kinds": CaseParty.Kind.choices,
        "evidence": case.evidence.order_by("uploaded_at", "pk"),
        "articles": selectors.articles(),
        "chosen_articles": set(case.articles.values_list("pk", flat=True)),
        "penalty_kinds": Case.Penalty.choices,
        "approvers": [u for u in selectors.approvers(case) if u.pk != user.pk],
        "supervision": sup,
        "requests": sup.requests.order_by("due_at", "pk") if sup else [],
        "can_handle": handler,
        "can_supervise": sup is None and case.status != Case.Status.CLOSED
        and supervision_services.may_supervise(user, case),
        "can_request": sup is not None and sup.ended_at is None and supervision_services.may_request(user, sup),
        "extensions": case.due_rules.get("extensions", []),
    }  # fmt: skip
    return render(request, "cases/case_detail.html", context)


@access(STATION, objects="case")
@require_POST
def case_investigation(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        services.update_investigation(
            actor=request.user, case=case, facts=request.POST.get("facts", ""),
            legal_basis=request.POST.get("legal_basis", ""), article_ids=request.POST.getlist("articles"),
        )  # fmt: skip
        messages.success(request, _("违法事实与法律依据已保存。"))
    return redirect("cases:case_detail", pk=case.pk)


@access(STATION, objects="case")
@require_POST
def case_party(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    post = request.POST
    with service_errors_as_messages(request):
        services.add_party(actor=request.user, case=case, kind=post.get("kind", CaseParty.Kind.PERSON),
                           name=post.get("name", ""), id_number=post.get("id_number", ""),
                           phone=post.get("phone", ""), address=post.get("address", ""))  # fmt: skip
        messages.success(request, _("当事人已登记。"))
    return redirect("cases:case_detail", pk=case.pk)


@access(STATION, objects="case")
@require_POST
def case_evidence_add(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    files = request.FILES.getlist("files")
    if not files:
        messages.error(request, _("请选择证据文件。"))
        return redirect("cases:case_detail", pk=case.pk)
    with service_errors_as_messages(request):
        for upload in files:
            services.add_evidence(actor=request.user, case=case, upload=upload, note=request.POST.get("note", ""))
        messages.success(request, _("已上传 %(n)d 个证据文件。") % {"n": len(files)})
    return redirect("cases:case_detail", pk=case.pk)


@access(READERS, objects="case_evidence")
def case_evidence_file(request, pk: int):
    """A file of evidence; `?original=1` the upload as taken."""
    stored = selectors.evidence_get(user=request.user, pk=pk)
    original = request.GET.get("original") == "1" and bool(stored.original)
    field = stored.original if original else stored.file
    content_type = mimetypes.guess_type(field.name)[0] if original else stored.content_type
    return stored_file_response(field, name=field.name.rsplit("/", 1)[-1], content_type=content_type,
                                inline=not original and stored.is_image)  # fmt: skip


@access(STATION, objects="case")
@require_POST
def case_decide(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    post = request.POST
    with service_errors_as_messages(request):
        services.decide(
            actor=request.user, case=case, penalties=post.getlist("penalties"),
            decision_number=post.get("decision_number", ""), decision_text=post.get("decision_text", ""),
            fine_amount=post.get("fine_amount", ""), confiscated_amount=post.get("confiscated_amount", ""),
            decided_at=parse_moment(post.get("decided_at")) if post.get("decided_at") else None,
        )  # fmt: skip
        messages.success(request, _("处理决定已登记，主体风险等级已重新评定。"))
    return redirect("cases:case_detail", pk=case.pk)


@access(STATION, objects="case")
@require_POST
def case_extend(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    post = request.POST
    approver_id = _int(post.get("approver"))
    approver = User.objects.filter(pk=approver_id).first() if approver_id else None
    with service_errors_as_messages(request):
        services.extend(actor=request.user, case=case, approver=approver, approval_ref=post.get("approval_ref", ""),
                        reason=post.get("reason", ""))  # fmt: skip
        messages.success(request, _("处理期限已延长。"))
    return redirect("cases:case_detail", pk=case.pk)


@access(STATION, objects="case")
@require_POST
def case_close(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        services.close(actor=request.user, case=case, note=request.POST.get("note", ""))
        messages.success(request, _("已结案。"))
    return redirect("cases:case_detail", pk=case.pk)


# -- 挂牌督办 ---------------------------------------------------------------------------------------------------------


@access(ADMINS, objects="case")
@require_POST
def case_supervise(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        supervision_services.supervise(actor=request.user, case=case, reason=request.POST.get("reason", ""))
        messages.success(request, _("已挂牌督办。"))
    return redirect("cases:case_detail", pk=case.pk)


@access(ADMINS, objects="case")
@require_POST
def case_report_request(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    due = parse_date(request.POST.get("due_on", "") or "") if request.POST.get("due_on") else None
    with service_errors_as_messages(request):
        supervision_services.request_report(actor=request.user, case=case, question=request.POST.get("question", ""),
                                            due_on=due)  # fmt: skip
        messages.success(request, _("已要求承办单位报送督办报告。"))
    return redirect("cases:case_detail", pk=case.pk)


@access(STATION, objects="case_report")
@require_POST
def report_answer(request, pk: int):
    req = selectors.report_request_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        supervision_services.answer_report(actor=request.user, request=req, answer=request.POST.get("answer", ""))
        messages.success(request, _("督办报告已报送。"))
    return redirect("cases:case_detail", pk=req.supervision.case_id)
