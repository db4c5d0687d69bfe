"""The public pages (docs/complaints.md §2), no login: the form for a complaint or a report (anonymous reports
allowed; the phone checked; limited per client address), and the lookup by 受理编号 and 查询码, which shows the
status only — never a name, a phone, the facts or the business named."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from shian.accounts.access import ANYONE
from shian.core import phonecodes
from shian.core.access import access
from shian.core.forms import error_messages
from shian.core.masking import mask_phone

from ..models import Category, Complaint
from ..selectors import complaints as selectors
from ..services import public as services


@access(ANYONE)
def public_new(request):
    """网上投诉举报: the citizen's form; on success, the number and lookup code to keep."""
    errors: list[str] = []
    status = 200
    if request.method == "POST" and request.POST.get("action") == "code":  # 获取验证码: text it, keep the form
        try:
            minutes = services.send_phone_code(phone=request.POST.get("phone", ""))
        except phonecodes.TooManyCodes as exc:
            errors, status = error_messages(exc), 429
        except ValidationError as exc:
            errors, status = error_messages(exc), 422
        else:
            messages.success(request, _("验证码已发送至 %(p)s，%(m)d 分钟内有效。") % {
                "p": mask_phone(request.POST.get("phone", "").strip()), "m": minutes})  # fmt: skip
    elif request.method == "POST":
        post = request.POST
        try:
            item = services.submit_public(
                county=post.get("county", ""), kind=post.get("kind", ""), facts=post.get("facts", ""),
                category=post.get("category", ""), entity_name=post.get("entity_name", ""),
                entity_address=post.get("entity_address", ""), anonymous=post.get("anonymous") == "1",
                informant_name=post.get("informant_name", ""), phone=post.get("phone", ""),
                code=post.get("code", ""), id_number=post.get("id_number", ""),
            )  # fmt: skip
        except services.TooManyItems as exc:
            errors, status = exc.messages, 429
        except ValidationError as exc:
            errors, status = error_messages(exc), 422
        else:
            return render(request, "complaints/public_done.html", {"item": item})
    context = {
        "posted": request.POST, "errors": errors, "kinds": Complaint.Kind.choices, "categories": Category.choices,
        "counties": services.counties(), "code_needed": services.PHONE_CHECK is not None,
    }  # fmt: skip
    return render(request, "complaints/public_form.html", context, status=status)


@access(ANYONE)
def public_lookup(request):
    """办理进度查询: the status of an item by its number and lookup code (both must match)."""
    number, code = request.GET.get("number", "")[:40], request.GET.get("code", "")[:8]
    found = selectors.lookup(number=number, code=code) if number or code else None
    context = {"number": number, "code": code, "searched": bool(number or code),
               "status": selectors.public_status(found) if found else None,
               "message": _("没有找到：请核对受理编号和查询码。") if (number or code) and not found else ""}  # fmt: skip
    return render(request, "complaints/public_lookup.html", context, status=200 if found or not number else 404)
