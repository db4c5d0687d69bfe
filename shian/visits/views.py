"""Pages of the visit loop, phone first: a cadre's entities, the visit form, problems, coverage, checklists."""

import mimetypes
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import REGULATORS, SIGNED_IN
from shian.accounts.models import Role
from shian.baobao.selectors import own_cadre
from shian.checklists.forms import (
    int_or_404,
    item_lines,
    parse_item_lines,
    posted_answers,
    rejected_reply,
    signed_reply,
    uuid_or_none,
    wants_json,
)
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import error_messages
from shian.core.periods import parse_quarter, previous_quarter, quarter_label
from shian.core.permissions import require_perm
from shian.core.uploads import stored_file_response
from shian.duties.selectors import entity_status as duty_status
from shian.reports.xlsx import xlsx_response

from . import selectors, services
from .models import Answer, ChecklistKind, Problem, Visit

PER_PAGE = 30


def _quarter(request) -> int:
    try:
        return parse_quarter(request.GET["quarter"]) if request.GET.get("quarter") else selectors.current_quarter()
    except ValidationError:
        return selectors.current_quarter()


def _quarters(selected: int) -> list[tuple[str, str, bool]]:
    """The current quarter and the three before it, for a quarter picker."""
    quarter, choices = selectors.current_quarter(), []
    for _n in range(4):
        choices.append((f"{quarter // 10}Q{quarter % 10}", quarter_label(quarter), quarter == selected))
        quarter = previous_quarter(quarter)
    return choices


# -- a cadre's entities and the visit form --------------------------------------------------------------------


@access(SIGNED_IN)
def my_entities(request):
    """Where each role starts: a cadre on their entities, an enterprise on its problems, others on coverage."""
    if own_cadre(user=request.user) is None:
        if request.user.role == Role.ENTERPRISE:
            return redirect("visits:problems")
        return redirect("visits:coverage")
    quarter = _quarter(request)
    rows = selectors.my_entities(user=request.user, quarter=quarter, q=request.GET.get("q", "")[:50])
    counts = {state: 0 for state in ("due", "done", "overdue")}
    for state in rows.values_list("state", flat=True):
        counts[state] += 1
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "counts": counts, "quarter": quarter_label(quarter), "quarters": _quarters(quarter)}
    return render(request, "visits/my_entities.html", context)


def _visit_payload(request, checklist) -> dict:
    """The visit form's fields as the service takes them; photos are stored first and passed by id."""
    answers = posted_answers(
        request.POST,
        request.FILES,
        checklist.items.all(),
        lambda upload: services.store_attachment(actor=request.user, upload=upload),
    )
    return {
        "client_key": request.POST.get("client_key", ""),
        "answers": answers,
        "signer_name": request.POST.get("signer_name", ""),
        "started_at": parse_datetime(request.POST.get("started_at", "")),
        "mode": request.POST.get("mode", Visit.Mode.ON_SITE),
        "inspectors": request.POST.get("inspectors", ""),
        "summary": request.POST.get("summary", ""),
        "latitude": request.POST.get("latitude") or None,
        "longitude": request.POST.get("longitude") or None,
    }


@access(REGULATORS, objects="entity_id")
def visit_new(request, entity_id: int):
    """The visit form. The phone keeps a draft and, offline, an outbox (visits/visit_form.js); the client key
    makes a resend after a dropped connection return the visit already stored."""
    guarantee = selectors.my_guarantee(user=request.user, entity_id=entity_id)
    entity = guarantee.entity
    errors: list[str] = []
    if request.method == "POST":
        checklist = selectors.checklist_get(user=request.user, pk=int_or_404(request.POST.get("checklist_id")))
        stored = selectors.visit_list(user=request.user).filter(client_key=uuid_or_none(request.POST.get("client_key")))
        try:
            visit = stored.first()
            if visit is None:
                with transaction.atomic():
                    payload = _visit_payload(request, checklist)
                    visit, _created = services.sign_visit(
                        actor=request.user, entity=entity, checklist_id=checklist.pk, **payload
                    )
        except ValidationError as exc:
            errors = error_messages(exc)
            if wants_json(request):
                return rejected_reply(errors)
        else:
            return signed_reply(request, visit, "visits:visit_detail", _("督导记录已签字提交。"))
    checklist = services.current_checklist(entity)
    context = {
        "entity": entity,
        "guarantee": guarantee,
        "checklist": checklist,
        "items": checklist.items.all(),
        "results": Answer.Result.choices,
        "modes": Visit.Mode.choices,
        "client_key": request.POST.get("client_key") or uuid.uuid4(),
        "started_at": request.POST.get("started_at") or timezone.now().isoformat(),
        "previous": selectors.visit_list(user=request.user, entity_id=entity.pk)[:5],
        "open_problems": selectors.problem_list(user=request.user, entity_id=entity.pk, status="unclosed")[:20],
        "cadre": own_cadre(user=request.user),
        "status": duty_status(entity=entity),
        "errors": errors,
        "posted": request.POST,
    }
    return render(request, "visits/visit_form.html", context, status=422 if errors else 200)


@access(SIGNED_IN)
def visit_list(request):
    code = current_region_code(request)
    quarter = _quarter(request) if request.GET.get("quarter") else None
    review = request.GET.get("review") == "1"
    visits = selectors.visit_list(
        user=request.user, region_code=code, quarter=quarter, needs_review=True if review else None
    )
    page = Paginator(visits, PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "review": review, "quarters": _quarters(quarter or 0)}
    return render(request, "visits/visit_list.html", context)


@access(SIGNED_IN, objects="visit")
def visit_detail(request, pk: int):
    """A signed visit as signed; corrections appear below it as addenda."""
    visit = selectors.visit_get(user=request.user, pk=pk)
    if request.method == "POST":
        with service_errors_as_messages(request):
            services.add_addendum(actor=request.user, visit=visit, text=request.POST.get("text", ""))
            messages.success(request, _("补充说明已添加。"))
        return redirect("visits:visit_detail", pk=visit.pk)
    context = {
        "visit": visit,
        "answers": selectors.visit_answers(visit),
        "problems": visit.problems.all(),
        "addenda": visit.addenda.select_related("created_by"),
        "can_add": visit.signed_by_id == request.user.pk or request.user.has_perm("visits.manage_checklists"),
        "regulator": request.user.role != Role.ENTERPRISE,
    }
    return render(request, "visits/visit_detail.html", context)


# -- problems -------------------------------------------------------------------------------------------------

_PROBLEM_FILTERS = [
    ("unclosed", _("未销号")),
    ("open", _("待整改")),
    ("submitted", _("待核验")),
    ("overdue", _("已逾期")),
    ("soon", _("临近期限")),
    ("closed", _("已销号")),
    ("", _("全部")),
]


def _problem_filters(request) -> dict:
    status = request.GET.get("status", "unclosed")
    return {
        "region_code": current_region_code(request),
        "status": status if status in selectors.PROBLEM_STATES else "",
        "mine": request.GET.get("mine") == "1",
        # 1: escalated at all, 2: escalated to the county (the county's work list links there)
        "escalated": {"1": 1, "2": 2}.get(request.GET.get("escalated", ""), 0),
    }


@access(SIGNED_IN)
def problem_list(request):
    filters = _problem_filters(request)
    page = Paginator(selectors.problem_list(user=request.user, **filters), PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "states": _PROBLEM_FILTERS, "now": timezone.now()}
    return render(request, "visits/problem_list.html", context)


@access(SIGNED_IN)
def problem_export(request):
    """The 问题清单台账 of what the list shows, as xlsx."""
    filters = _problem_filters(request)
    name = f"问题清单台账-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(name, lambda out: services.export_problem_ledger(actor=request.user, output=out, **filters))


@access(SIGNED_IN, objects="problem")
def problem_detail(request, pk: int):
    problem = selectors.problem_get(user=request.user, pk=pk)
    user = request.user
    context = {
        "problem": problem,
        "events": selectors.problem_events(problem),
        "overdue": problem.overdue(),
        "can_submit": problem.status != Problem.Status.CLOSED and user.has_perm("visits.submit_evidence", problem),
        "can_verify": problem.status == Problem.Status.SUBMITTED and user.has_perm("visits.verify_problem", problem),
        "regulator": user.role != Role.ENTERPRISE,
    }
    return render(request, "visits/problem_detail.html", context)


@access(SIGNED_IN, objects="problem")
@require_POST
def problem_evidence(request, pk: int):
    problem = selectors.problem_get(user=request.user, pk=pk)
    with service_errors_as_messages(request), transaction.atomic():
        ids = [
            services.store_attachment(actor=request.user, upload=f, allow_pdf=True).pk
            for f in request.FILES.getlist("files")
        ]
        services.submit_evidence(
            actor=request.user, problem=problem, note=request.POST.get("note", ""), attachment_ids=ids
        )
        messages.success(request, _("整改材料已提交，等待包保干部核验。"))
    return redirect("visits:problem_detail", pk=problem.pk)


@access(REGULATORS, objects="problem")
@require_POST
def problem_close(request, pk: int):
    problem = selectors.problem_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        services.close_problem(actor=request.user, problem=problem, note=request.POST.get("note", ""))
        messages.success(request, _("问题已销号。"))
    return redirect("visits:problem_detail", pk=problem.pk)


@access(REGULATORS, objects="problem")
@require_POST
def problem_return(request, pk: int):
    problem = selectors.problem_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        services.return_problem(actor=request.user, problem=problem, reason=request.POST.get("reason", ""))
        messages.success(request, _("已退回企业重新整改。"))
    return redirect("visits:problem_detail", pk=problem.pk)


# -- coverage -------------------------------------------------------------------------------------------------


@access(REGULATORS)
def coverage(request):
    """Who was visited this quarter: per area below the current region, per grade, idle cadres, visits to check."""
    require_perm(request.user, "visits.view_coverage")
    code = current_region_code(request)
    quarter = _quarter(request)
    figures, counted_at, cached = selectors.coverage_page(user=request.user, region_code=code, quarter=quarter)
    context = {
        **figures,
        "label": quarter_label(quarter),
        "quarters": _quarters(quarter),
        "counted_at": counted_at if cached else None,
    }
    return render(request, "visits/coverage.html", context)


# -- checklists -----------------------------------------------------------------------------------------------


@access(REGULATORS)
def checklist_list(request):
    rows = selectors.checklist_list(user=request.user)
    return render(request, "visits/checklist_list.html", {"checklists": rows, "kinds": ChecklistKind.choices})


@access(REGULATORS, objects="checklist")
def checklist_detail(request, pk: int):
    """A version and its items; an administrator saves an edited copy as the next version for their region."""
    checklist = selectors.checklist_get(user=request.user, pk=pk)
    can_edit = request.user.has_perm("visits.manage_checklists")
    if request.method == "POST":
        require_perm(request.user, "visits.manage_checklists")
        try:
            new = services.create_checklist_version(
                actor=request.user, kind=checklist.kind, region_code=request.user.region_id,
                title=request.POST.get("title", ""), note=request.POST.get("note", ""),
                items=parse_item_lines(request.POST.get("items", "")),
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(error_messages(exc)) if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("已保存为第 %(v)d 版。") % {"v": new.version})
            return redirect("visits:checklist_detail", pk=new.pk)
    items = checklist.items.all()
    lines = item_lines(items)
    context = {"checklist": checklist, "items": items, "can_edit": can_edit, "lines": request.POST.get("items", lines)}
    return render(request, "visits/checklist_detail.html", context)


@access(SIGNED_IN, objects="attachment")
def attachment(request, pk: int):
    """Photos and files behind the user's scope; `?original=1` gives a regulator the upload as taken."""
    original = request.GET.get("original") == "1"
    item = selectors.attachment_get(user=request.user, pk=pk, original=original)
    field = item.original if original else item.file
    name = field.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(field.name)[0] if original else item.content_type
    return stored_file_response(field, name=name, content_type=content_type, inline=not original)
