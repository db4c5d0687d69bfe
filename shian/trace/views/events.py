"""The phone page for a hand-over (docs/trace.md §3): scan the code with the phone's camera (it opens the public page,
which links here) or type it; the page shows the batch and what the business holds, and a short form: which step,
the other business (its USCC), the quantity and the category's extra fields; confirm."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.access import ENTERPRISE, STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.forms import parse_moment

from .. import codes
from ..models import EventKind
from ..selectors import catalog as selectors
from ..selectors.trace import held_by
from ..services import events as services

WRITERS = STATION | ENTERPRISE
KINDS = [(k, EventKind(k).label) for k in (EventKind.RECEIVED, EventKind.STALL_RECEIVED, EventKind.SOLD,
                                            EventKind.RETAIL_SOLD)]  # fmt: skip


@access(WRITERS)
def scan(request):
    """Type (or paste) a code; a valid one opens its hand-over page."""
    text = request.GET.get("code", "").strip()[:300]
    error = ""
    if text:
        token = codes.unsign(text)
        if token is not None:
            return redirect("trace:handover", code=codes.sign(token))
        error = _("追溯码无效：签名校验失败，请核对后重新输入或扫码。")
    return render(request, "trace/scan.html", {"text": text, "error": error}, status=422 if error else 200)


def _own(request):
    user = request.user
    if user.role == Role.ENTERPRISE and not user.is_superuser:
        own = selectors.own_entity(user)
        if own is None:
            raise PermissionDenied(_("您的账号未关联经营单位。"))
        return own
    return selectors.find_business(request.POST.get("own") or request.GET.get("own", ""))


@access(WRITERS, objects="trace_code")
def handover(request, code: str):
    """The batch of the code and the form to record one hand-over on the user's side."""
    user = request.user
    try:
        batch = selectors.batch_by_code(user=user, code=code)
    except Http404:
        return render(request, "trace/scan.html", {"text": code, "error": _("追溯码无效：签名校验失败或不存在。")},
                      status=404)  # fmt: skip
    post = request.POST
    values = {k: post.get(k, "") for k in ("kind", "other", "quantity", "occurred_at", "own")}
    fields = list(batch.product.category.fields or [])
    errors: dict = {}
    if request.method == "POST":
        own = _own(request)
        other = selectors.find_business(values["other"]) if values["other"] else None
        kind = values["kind"]
        giver = kind in services.GIVER_KINDS
        attributes = {f["key"]: post.get(f"attr_{f['key']}", "") for f in fields
                      if kind in (f.get("events") or []) and post.get(f"attr_{f['key']}", "").strip()}  # fmt: skip
        try:
            if own is None:
                raise ValidationError({"own": [_("请填写本方单位的统一社会信用代码。")]})
            if values["other"] and other is None:
                raise ValidationError(
                    {"other": [_("未找到统一社会信用代码为“%(c)s”的经营单位。") % {"c": values["other"][:30]}]}
                )
            moment = parse_moment(values["occurred_at"]) if values["occurred_at"] else timezone.now()
            event, _created = services.record_event(
                actor=user, batch=batch, kind=kind, from_entity=own if giver else other,
                to_entity=other if giver else own, quantity=values["quantity"], occurred_at=moment,
                attributes=attributes, source="phone",
            )  # fmt: skip
        except ValidationError as exc:
            errors = {("form" if k == "__all__" else k): v for k, v in exc.message_dict.items()} if hasattr(
                exc, "error_dict") else {"form": exc.messages}  # fmt: skip
        else:
            messages.success(
                request,
                _("已记录：%(k)s %(n)d %(u)s")
                % {"k": event.get_kind_display(), "n": event.quantity, "u": batch.product.unit},
            )
            return redirect("trace:handover", code=code)
    own = selectors.own_entity(user) if user.role == Role.ENTERPRISE else selectors.find_business(values["own"])
    context = {"batch": batch, "code": code, "values": values, "errors": errors, "kinds": KINDS, "fields": fields,
               "own": own, "held": held_by(batch.pk, own.pk) if own else None,
               "recalled": batch.recalls.filter(status="open").exists()}  # fmt: skip
    return render(request, "trace/handover.html", context, status=422 if errors else 200)
