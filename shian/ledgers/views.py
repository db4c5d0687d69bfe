import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import ADMINS, REGULATORS
from shian.core.access import access
from shian.core.feedback import service_errors_as_messages
from shian.imports.batches import report_response
from shian.imports.workbooks import template_xlsx
from shian.reports.xlsx import CONTENT_TYPE

from . import selectors, services
from .forms import UploadForm
from .models import ImportBatch
from .specs import SPECS

ERRORS_SHOWN = 200


@access(REGULATORS)
def batch_list(request):
    """Upload a ledger and see earlier imports; templates for every ledger are one click away."""
    if not request.user.has_perm("ledgers.import_ledger"):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with service_errors_as_messages(request):
            batch = services.start_import(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                name=upload.name,
                data=upload.read(),
                mode=form.cleaned_data["mode"],
            )
            return redirect("ledgers:detail", pk=batch.pk)
    page = Paginator(selectors.batch_list(user=request.user), 30).get_page(request.GET.get("page"))
    kinds = [(kind, spec.label()) for kind, spec in SPECS.items()]
    return render(request, "ledgers/batch_list.html", {"form": form, "page": page, "kinds": kinds})


@access(REGULATORS, objects="batch")
def batch_detail(request, pk: int):
    """The batch's progress (polled by htmx while it runs), its counts and its errors."""
    batch = selectors.batch_get(user=request.user, pk=pk)
    context = {
        "batch": batch,
        "running": batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING),
        "errors": batch.errors[:ERRORS_SHOWN],
        "can_rollback": batch.status == ImportBatch.Status.COMMITTED and request.user.has_perm("ledgers.import_ledger"),
    }
    if request.htmx:
        return render(request, "ledgers/batch_detail.html#status", context)
    return render(request, "ledgers/batch_detail.html", context)


@access(REGULATORS, objects="batch")
def batch_report(request, pk: int):
    return report_response(selectors.batch_get(user=request.user, pk=pk), _("该批次没有错误报告。"))


@access(ADMINS, objects="batch")
@require_POST
def batch_rollback(request, pk: int):
    batch = selectors.batch_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        services.rollback_batch(actor=request.user, batch=batch)
        messages.success(request, _("已撤销批次 #%(pk)d 的全部写入。") % {"pk": batch.pk})
    return redirect("ledgers:detail", pk=batch.pk)


@access(REGULATORS, objects="ledger_kind")
def template(request, kind: str):
    spec = SPECS.get(kind)
    if spec is None:
        raise Http404(_("未知的台账类型。"))
    name = _("%(ledger)s模板.xlsx") % {"ledger": spec.label()}
    return FileResponse(io.BytesIO(template_xlsx(spec)), as_attachment=True, filename=name, content_type=CONTENT_TYPE)
