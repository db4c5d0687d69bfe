"""The notice types page (docs/notices.md §1): the types in force in the administrator's region, in escalation order,
each with a form to change it for that region (audited)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shian.core.access import access

from ..selectors.notices import ISSUER_ROLES
from ..selectors.types import types_in_force
from ..services import types as services


@access(ISSUER_ROLES)
def type_list(request):
    """GET: the types; POST (code and the fields): change one for the user's region."""
    user = request.user
    errors: dict = {}
    failed = ""
    if request.method == "POST":
        post = request.POST
        failed = post.get("code", "")[:30]
        try:
            row = services.update_type(
                actor=user, code=failed, title=post.get("title", ""), grade=post.get("grade", ""),
                reply_days=post.get("reply_days", ""), doc_prefix=post.get("doc_prefix", ""),
                template_text=post.get("template_text", ""), active=post.get("active", ""),
            )  # fmt: skip
        except ValidationError as exc:
            errors = (
                {("form" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
                if hasattr(exc, "error_dict")
                else {"form": exc.messages}
            )
        else:
            messages.success(request, _("文书类型“%(t)s”已保存。") % {"t": row.title})
            return redirect("notices:type_list")
    context = {"types": types_in_force(user.region_id or "", active_only=False), "errors": errors, "failed": failed,
               "region": user.region_id or ""}  # fmt: skip
    return render(request, "notices/type_list.html", context, status=422 if errors else 200)
