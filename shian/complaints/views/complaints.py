"""Pages of complaints and reports (docs/complaints.md §5), phone first: the list with its filters (kind, status,
overdue, region), the clerk's entry form (hotline, visit), the 12315/12345 import, one item with its clock, its
transfers and its actions (accept or refuse, mediation result, filing decision, extension with approval, informant
told, transfer and receipt, close, entity confirmed), and the informant in clear with a reason."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import STATION
from shian.core import rules
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import error_messages, parse_moment
from shian.core.forms import int_or_none as _int
from shian.core.masking import mask_id_number, mask_phone
from shian.core.worklist import DUE_SOON_RULE

from ..models import Category, Complaint
from ..selectors import complaints as selectors
from ..services import clock, importing, intake

PER_PAGE = 30
READERS = selectors.READER_ROLES
STAFF_CHANNELS = [(v, label) for v, label in Complaint.Channel.choices if v != Complaint.Channel.PORTAL]
STATUS_CHOICES = [("", _("全部状态")), ("open", _("办理中")), ("transfer", _("转办待签收")), *Complaint.Status.choices]
OVERDUE_CHOICES = [("", _("全部")), ("1", _("已逾期")), ("soon", _("临近期限"))]


def _local_input(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _clerk(user) -> bool:
    return user.is_superuser or user.role in STATION


# -- list -----------------------------------------------------------------------------------------------------


def _filters(request) -> dict:
    get = request.GET
    return {
        "region_code": current_region_code(request),
        "kind": get.get("kind", "") if get.get("kind") in Complaint.Kind.values else "",
        "status": get.get("status", "") if get.get("status") in dict(STATUS_CHOICES) else "",
        "overdue": get.get("overdue", "") if get.get("overdue") in selectors.OVERDUE_FILTERS else "",
        "channel": get.get("channel", "") if get.get("channel") in Complaint.Channel.values else "",
        "match": get.get("match", "") if get.get("match") in Complaint.Match.values else "",
        "q": get.get("q", "")[:50],
    }


@access(READERS)
def complaint_list(request):
    """投诉举报: items in the user's reach, newest first (overdue or near-deadline ones by due instant)."""
    filters = _filters(request)
    soon = rules.value(DUE_SOON_RULE, request.user.region_id or "")
    rows = selectors.complaint_list(user=request.user, soon_days=soon, **filters)
    page = Paginator(rows.values_list("pk", flat=True), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page, "rows": selectors.rows_of(rows, page.object_list), "filters": filters, "statuses": STATUS_CHOICES, "kinds": Complaint.Kind.choices,
        "overdues": OVERDUE_CHOICES, "channels": Complaint.Channel.choices, "matches": Complaint.Match.choices,
        "now": timezone.now(), "can_enter": _clerk(request.user),
    }  # fmt: skip
    return render(request, "complaints/list.html", context)


# -- entry and import -----------------------------------------------------------------------------------------


def _payload(post) -> dict:
    return {
        "kind": post.get("kind", ""), "channel": post.get("channel", ""), "category": post.get("category", ""),
        "facts": post.get("facts", ""), "received_at": parse_moment(post.get("received_at")),
        "entity_name": post.get("entity_name", ""), "entity_uscc": post.get("entity_uscc", ""),
        "entity_address": post.get("entity_address", ""), "anonymous": post.get("anonymous") == "1",
        "informant_name": post.get("informant_name", ""), "phone": post.get("phone", ""),
        "id_number": post.get("id_number", ""),
    }  # fmt: skip


@access(STATION)
def complaint_new(request):
    """The clerk's form for an item taken on the hotline or at the counter: routed on saving."""
    errors: list[str] = []
    if request.method == "POST":
        try:
            item = intake.receive(actor=request.user, **_payload(request.POST))
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            if item.match == Complaint.Match.FUZZY:
                messages.warning(request, _("被投诉举报主体为模糊匹配，请核对后确认。"))
            messages.success(
                request, _("已登记，受理编号 %(n)s，查询码 %(c)s。") % {"n": item.number, "c": item.lookup_code}
            )
            return redirect("complaints:detail", pk=item.pk)
    context = {
        "posted": request.POST, "errors": errors, "kinds": Complaint.Kind.choices, "channels": STAFF_CHANNELS,
        "categories": Category.choices, "now_input": request.POST.get("received_at") or _local_input(timezone.now()),
    }  # fmt: skip
    return render(request, "complaints/form.html", context, status=422 if errors else 200)


@access(STATION)
def complaint_import(request):
    """Upload a 12315/12345 export: all rows or none, each problem naming its row and column."""
    errors: list[str] = []
    outcome = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("请选择要导入的文件。")]
        else:
            try:
                outcome = importing.import_file(actor=request.user, data=upload.read(), filename=upload.name,
                                                region_code=current_region_code(request) or "")  # fmt: skip
            except ValidationError as exc:
                errors = error_messages(exc)
    return render(request, "complaints/import.html", {"errors": errors, "outcome": outcome},
                  status=422 if errors else 200)  # fmt: skip


# -- one item -------------------------------------------------------------------------------------------------


def _rule_text(rule: dict | None) -> str:
    if not rule:
        return ""
    unit = {"WD": _("个工作日"), "CD": _("日"), "h": _("小时")}.get(rule.get("unit"), "")
    return f"{rule.get('name', '')}：{rule.get('amount')}{unit}"


@access(READERS, objects="complaint")
def complaint_detail(request, pk: int):
    """One item: what was received, the informant (masked), the entity and its match, the clock with the rule
    of each step, the transfers, the duplicates, and the actions the item's state allows."""
    item = selectors.complaint_get(user=request.user, pk=pk)
    steps = []
    for step, label, done in (("accept", _("受理期限"), item.accepted_at), ("mediation", _("调解期限"), item.closed_at),
                              ("check", _("核查处理期限"), item.decided_at), ("notify", _("告知期限"), item.told_at)):  # fmt: skip
        due = getattr(item, f"{step}_due")
        if due is not None:
            steps.append({"label": label, "due": due, "done": done, "rule": _rule_text(item.due_rules.get(step)),
                          "late": step in item.late_steps, "open": item.due_at == due})  # fmt: skip
    context = {
        "item": item, "steps": steps, "transfers": selectors.transfers(item), "duplicates": selectors.duplicates(item),
        "phone": mask_phone(item.phone), "id_number": mask_id_number(item.id_number),
        "informant": (item.informant_name[:1] + "*" * (len(item.informant_name) - 1)) if item.informant_name else "",
        "now": timezone.now(), "now_input": _local_input(timezone.now()), "can_act": _clerk(request.user),
        "mediations": Complaint.Mediation.choices, "approvers": selectors.approvers(item),
        "extension_rule": _rule_text(item.due_rules.get("extension")),
    }  # fmt: skip
    return render(request, "complaints/detail.html", context)


def _act(request, pk: int, run, done: str):
    item = selectors.complaint_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        run(item, request.POST)
        messages.success(request, done)
    return redirect("complaints:detail", pk=pk)


def _action(name: str, run, done: str):
    @access(STATION, objects="complaint")
    @require_POST
    def view(request, pk: int):
        return _act(request, pk, lambda item, post: run(request.user, item, post), done)

    view.__name__ = view.__qualname__ = f"complaint_{name}"
    view.__doc__ = f"POST: {done}"
    return view


def _at(post):
    return parse_moment(post.get("at"))


complaint_accept = _action("accept", lambda u, i, p: clock.accept(actor=u, complaint=i, at=_at(p)), _("已受理。"))
complaint_refuse = _action(
    "refuse", lambda u, i, p: clock.refuse(actor=u, complaint=i, reason=p.get("reason", ""), at=_at(p)),
    _("已登记不予受理。"),
)  # fmt: skip
complaint_mediate = _action(
    "mediate", lambda u, i, p: clock.mediate(actor=u, complaint=i, result=p.get("result", ""),
                                             note=p.get("note", ""), at=_at(p)),
    _("已登记调解结果。"),
)  # fmt: skip
complaint_decide = _action(
    "decide", lambda u, i, p: clock.decide(actor=u, complaint=i, filed={"1": True, "0": False}.get(p.get("filed")),
                                           case_number=p.get("case_number", ""), note=p.get("note", ""), at=_at(p)),
    _("已登记处理决定。"),
)  # fmt: skip
complaint_extend = _action(
    "extend", lambda u, i, p: clock.extend(actor=u, complaint=i, approver_id=_int(p.get("approver")),
                                           reason=p.get("reason", "")),
    _("已延期，核查处理期限已重新计算。"),
)  # fmt: skip
complaint_tell = _action("tell", lambda u, i, p: clock.tell(actor=u, complaint=i, note=p.get("note", ""), at=_at(p)),
                         _("已登记告知举报人。"))  # fmt: skip
complaint_close = _action("close", lambda u, i, p: clock.close(actor=u, complaint=i, result=p.get("result", "")),
                          _("已办结。"))  # fmt: skip
complaint_transfer = _action(
    "transfer", lambda u, i, p: clock.transfer(actor=u, complaint=i, to_region=p.get("to_region", ""),
                                               reason=p.get("reason", "")),
    _("已转办，接收单位签收后重新起算期限。"),
)  # fmt: skip
complaint_receive = _action("receive", lambda u, i, p: clock.receive_transfer(actor=u, complaint=i, at=_at(p)),
                            _("已签收，期限自签收时起算。"))  # fmt: skip
complaint_match = _action(
    "match", lambda u, i, p: clock.confirm_match(actor=u, complaint=i, entity_id=_int(p.get("entity"))),
    _("已确认被投诉举报主体。"),
)  # fmt: skip


@access(STATION, objects="complaint")
@require_POST
def complaint_reveal(request, pk: int):
    """The informant in clear, for a user with the right, with a reason (audited); shown once on this page."""
    item = selectors.complaint_get(user=request.user, pk=pk)
    try:
        clear = clock.reveal_informant(actor=request.user, complaint=item, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(reverse("complaints:detail", args=[pk]))
    return render(request, "complaints/reveal.html", {"item": item, "clear": clear})
