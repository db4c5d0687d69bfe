"""Pages of liability insurance (docs/credit.md §4): the policies of a region (filter: about to end), a policy
entered by hand, an insurer's list imported (all or nothing; the cells at fault listed, and the annotated workbook
offered), the blank template."""

import base64
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from shian.accounts.access import STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.forms import error_messages
from shian.core.forms import int_or_none as _int
from shian.imports.workbooks import template_xlsx

from ..selectors import lists
from ..services import insurance as services

READERS = STATION | {Role.AUDITOR}
PER_PAGE = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_MAX = 20 * 2**20  # bytes of an uploaded list


@access(READERS)
def policy_list(request):
    ending = request.GET.get("expiring") == "1"
    q = request.GET.get("q", "")[:50]
    qs = lists.policy_list(user=request.user, region_code=current_region_code(request), q=q, ending=ending)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "credit/policy_list.html", {"page": page, "q": q, "ending": ending,
                                                       "can_keep": services.can_keep(request.user)})  # fmt: skip


@access(STATION)
def policy_add(request):
    """Enter one policy (the entity by its number in the register, from its credit file or the list)."""
    errors: list[str] = []
    post = request.POST
    if request.method == "POST":
        try:
            policy = services.add_policy(
                actor=request.user, entity_id=_int(post.get("entity_id")) or 0, insurer=post.get("insurer", ""),
                number=post.get("number", ""), starts_on=parse_date(post.get("starts_on") or ""),
                ends_on=parse_date(post.get("ends_on") or ""), cover=post.get("cover", ""),
            )  # fmt: skip
        except ValidationError as exc:
            errors = error_messages(exc)
        except ValueError:
            errors = [_("日期格式不正确。")]
        else:
            messages.success(request, _("保单已登记。"))
            return redirect("credit:file", entity_id=policy.entity_id)
    context = {"errors": errors, "posted": post, "entity_id": request.GET.get("entity", post.get("entity_id", ""))}
    return render(request, "credit/policy_add.html", context, status=422 if errors else 200)


@access(STATION)
def policy_import(request):
    """Import an insurer's list: all or nothing; a refused file lists every bad cell and offers the marked copy."""
    errors: list[str] = []
    report = ""
    outcome = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("请选择要导入的文件（xlsx、xls、ods 或 csv）。")]
        elif upload.size > UPLOAD_MAX:
            errors = [_("文件超过 20 MB，请分批导入。")]
        else:
            try:
                outcome = services.import_policies(actor=request.user, data=upload.read(), filename=upload.name,
                                                   region_code=current_region_code(request) or "")  # fmt: skip
            except services.ImportRefused as exc:
                errors = error_messages(exc)
                report = base64.b64encode(exc.report).decode() if exc.report else ""
            except ValidationError as exc:
                errors = error_messages(exc)
            else:
                messages.success(request, _("已导入：新增 %(c)d 份，更新 %(u)d 份，未变 %(n)d 份。") % {
                    "c": outcome.created, "u": outcome.updated, "n": outcome.unchanged})  # fmt: skip
                return redirect("credit:policy_list")
    return render(request, "credit/policy_import.html", {"errors": errors, "report": report},
                  status=422 if errors else 200)  # fmt: skip


@access(STATION)
def policy_template(request):
    data = io.BytesIO(template_xlsx(services.POLICIES))
    return FileResponse(data, as_attachment=True, filename="责任保险保单导入模板.xlsx", content_type=XLSX)
