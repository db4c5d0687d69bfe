"""Importing chain events from Excel (docs/trace.md §3): the template, the upload, and on refusal every problem with
its row and column and the annotated workbook to download."""

import base64
import io

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shian.accounts.access import ENTERPRISE, STATION
from shian.core.access import access
from shian.imports.workbooks import template_xlsx

from ..services import importing as services

WRITERS = STATION | ENTERPRISE
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@access(WRITERS)
def import_template(request):
    data = template_xlsx(services.EVENTS)
    return FileResponse(io.BytesIO(data), as_attachment=True, filename="流通记录导入模板.xlsx", content_type=XLSX)


@access(WRITERS)
def import_page(request):
    errors: list[str] = []
    report = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("请选择要导入的文件。")]
        else:
            try:
                outcome = services.import_events(actor=request.user, data=upload.read(), filename=upload.name)
            except services.ImportRefused as exc:
                errors = exc.messages
                report = base64.b64encode(exc.report).decode() if exc.report else ""
            except services.ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("已导入 %(n)d 条流通记录（其中确认对方销售 %(c)d 条）。")
                                 % {"n": outcome.created, "c": outcome.confirmations})  # fmt: skip
                return redirect("trace:import")
    return render(request, "trace/import.html", {"errors": errors, "report": report},
                  status=422 if errors else 200)  # fmt: skip
