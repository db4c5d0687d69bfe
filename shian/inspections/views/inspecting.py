"""The inspection on a phone (docs/inspections.md §5): the form beside the entity's history, signed by two
inspectors and locked; the signed record, its addenda, its photos and the 监督检查结果记录表 PDF."""

import mimetypes
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from shian.accounts.access import REGULATORS, SIGNED_IN
from shian.accounts.models import ADMIN_ROLES, Role
from shian.checklists.forms import int_or_404, posted_answers, rejected_reply, signed_reply, uuid_or_none, wants_json
from shian.checklists.models import Checklist, Result
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import error_messages
from shian.core.uploads import stored_file_response
from shian.reports.documents import attachment as download

from .. import documents
from ..checklists import checklist_for
from ..models import InspectionTask, Outcome
from ..selectors import inspecting as selectors
from ..selectors import tasks as task_selectors
from ..services import inspecting as services
from ..services import rectification as rectification_services

PER_PAGE = 30


def _payload(request, checklist, inspectors) -> dict:
    answers = posted_answers(
        request.POST,
        request.FILES,
        checklist.items.all(),
        lambda upload: rectification_services.store_photo(actor=request.user, upload=upload),
    )
    return {
        "client_key": request.POST.get("client_key", ""),
        "answers": answers,
        "signatures": [{"inspector": u.pk, "image": request.POST.get(f"signature_{u.pk}", "")} for u in inspectors],
        "entity_signer": request.POST.get("entity_signer", ""),
        "started_at": parse_datetime(request.POST.get("started_at", "") or ""),
        "summary": request.POST.get("summary", ""),
        "latitude": request.POST.get("latitude") or None,
        "longitude": request.POST.get("longitude") or None,
    }


@access(REGULATORS, objects="insp_task")
def inspect(request, pk: int):
    """The 监督检查要点表 of the task's entity, phone first: the offline draft (with photos and both
    signatures) stays on the phone until signed; the client key makes a resend return the stored record."""
    task = task_selectors.task_get(user=request.user, pk=pk)
    entity = task.entity
    inspectors = list(task_selectors.task_inspectors(task))
    errors: list[str] = []
    if request.method == "POST":
        key = uuid_or_none(request.POST.get("client_key"))
        stored = selectors.inspection_list(user=request.user).filter(client_key=key).first() if key else None
        try:
            inspection = stored
            if inspection is None:
                with transaction.atomic():
                    posted = checklist_for(entity)
                    checklist_id = int_or_404(request.POST.get("checklist_id"))
                    if checklist_id != posted.pk:  # a stale form: the service names both versions
                        posted = Checklist.objects.filter(pk=checklist_id).first() or posted
                    payload = _payload(request, posted, inspectors)
                    inspection, _created = services.sign_inspection(
                        actor=request.user, task=task, checklist_id=checklist_id, **payload
                    )
        except ValidationError as exc:
            errors = error_messages(exc)
            if wants_json(request):
                return rejected_reply(errors)
        else:
            return signed_reply(
                request, inspection, "inspections:inspection_detail", _("监督检查记录已签字提交，记录已锁定。")
            )
    if task.status != InspectionTask.Status.OPEN and not errors:
        messages.info(request, _("该检查任务已%(s)s。") % {"s": task.get_status_display()})
    checklist = checklist_for(entity)
    context = {
        "task": task,
        "entity": entity,
        "checklist": checklist,
        "items": checklist.items.all(),
        "results": Result.choices,
        "inspectors": inspectors,
        "is_inspector": any(u.pk == request.user.pk for u in inspectors),
        "client_key": request.POST.get("client_key") or uuid.uuid4(),
        "started_at": request.POST.get("started_at") or timezone.now().isoformat(),
        "history": selectors.entity_history(user=request.user, entity=entity),
        "done": selectors.inspection_list(user=request.user).filter(task=task).first()
        if task.status == InspectionTask.Status.DONE
        else None,
        "errors": errors,
        "posted": request.POST,
    }
    return render(request, "inspections/inspection_form.html", context, status=422 if errors else 200)


@access(SIGNED_IN)
def inspection_list(request):
    outcome = request.GET.get("outcome", "")
    qs = selectors.inspection_list(
        user=request.user, region_code=current_region_code(request),
        outcome=outcome if outcome in Outcome.values else "",
    )  # fmt: skip
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "inspections/inspection_list.html", {"page": page, "outcomes": Outcome.choices,
                                                                 "outcome": outcome})  # fmt: skip


@access(SIGNED_IN, objects="inspection")
def inspection_detail(request, pk: int):
    """A signed inspection as signed, locked; corrections appear below it as addenda."""
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    if request.method == "POST":
        with service_errors_as_messages(request):
            services.add_addendum(actor=request.user, inspection=inspection, text=request.POST.get("text", ""))
            messages.success(request, _("补充说明已添加。"))
        return redirect("inspections:inspection_detail", pk=inspection.pk)
    signatures = list(inspection.signatures.order_by("pk"))
    user = request.user
    context = {
        "inspection": inspection,
        "answers": selectors.inspection_answers(inspection),
        "photos": selectors.inspection_photos(inspection),
        "signatures": signatures,
        "order": getattr(inspection, "order", None) if inspection.outcome != Outcome.CONFORM else None,
        "year_grade": selectors.year_grade(inspection),
        "addenda": inspection.addenda.select_related("created_by"),
        "can_add": user.is_superuser or user.role in ADMIN_ROLES or any(s.inspector_id == user.pk for s in signatures),
        "regulator": user.role != Role.ENTERPRISE,
    }
    return render(request, "inspections/inspection_detail.html", context)


@access(SIGNED_IN, objects="inspection")
def inspection_pdf(request, pk: int):
    """The 监督检查结果记录表 to post at the business (docs/inspections.md §5)."""
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    name, data = documents.result_record(inspection, fmt="pdf")
    return download(name, data)


@access(SIGNED_IN, objects="insp_photo")
def photo(request, pk: int):
    """An inspection or rectification photo behind the user's scope; `?original=1` the upload as taken."""
    original = request.GET.get("original") == "1"
    item = selectors.photo_get(user=request.user, pk=pk, original=original)
    field = item.original if original else item.file
    name = field.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(field.name)[0] if original else item.content_type
    return stored_file_response(field, name=name, content_type=content_type, inline=not original)
