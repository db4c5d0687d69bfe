"""Pages of public opinion (docs/emergency.md §2, §5): the list (overdue and late feedback), the form, one item
with its 24-hour clock, feedback, verification and the complaint or case it led to."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import REGULATORS, STATION
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import error_messages

from .. import selectors
from ..models import Opinion
from ..services import opinions as services
from . import common

FEEDBACK_FILTERS = [("", _("全部")), ("overdue", _("逾期未反馈")), ("late", _("逾期反馈"))]


@access(REGULATORS)
def opinion_list(request):
    get = request.GET
    filters = {
        "region_code": current_region_code(request),
        "status": get.get("status", "") if get.get("status") in Opinion.Status.values else "",
        "verification": get.get("verification", "") if get.get("verification") in Opinion.Verification.values else "",
        "feedback": get.get("feedback", "") if get.get("feedback") in selectors.OVERDUE_FILTERS else "",
        "q": get.get("q", "")[:50],
    }
    page = Paginator(selectors.opinion_list(user=request.user, **filters), common.PER_PAGE).get_page(get.get("page"))
    context = {"page": page, "filters": filters, "statuses": Opinion.Status.choices,
               "verifications": Opinion.Verification.choices, "feedbacks": FEEDBACK_FILTERS, "now": timezone.now(),
               "can_write": common.can_write(request.user)}  # fmt: skip
    return render(request, "emergency/opinion_list.html", context)


@access(STATION)
def opinion_new(request):
    errors: list[str] = []
    post = request.POST
    if request.method == "POST" and not common.finding(request):
        try:
            opinion = services.create_opinion(
                actor=request.user, region_code=post.get("region", ""), entity_id=post.get("entity", "").strip(),
                source_url=post.get("source_url", ""), source_name=post.get("source_name", ""),
                title=post.get("title", ""), product=post.get("product", ""), summary=post.get("summary", ""), heat=post.get("heat") or 0,
                found_at=common.moment(post.get("found_at")),
            )  # fmt: skip
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            messages.success(
                request,
                _("舆情已登记，编号 %(n)s，请在 %(d)s 前反馈。")
                % {"n": opinion.number, "d": timezone.localtime(opinion.feedback_due).strftime("%m-%d %H:%M")},
            )
            return redirect("emergency:opinion_detail", pk=opinion.pk)
    context = {"errors": errors, "posted": post, "regions": common.region_choices(request.user),
               **common.entity_search(request), "entity_legend": _("涉及主体（可不指定）"),
               "now_input": common.local_input()}  # fmt: skip
    return render(request, "emergency/opinion_form.html", context, status=422 if errors else 200)


@access(REGULATORS, objects="opinion")
def opinion_detail(request, pk: int):
    opinion = selectors.opinion_get(user=request.user, pk=pk)
    context = {"opinion": opinion, "now": timezone.now(), "now_input": common.local_input(),
               "verifications": [c for c in Opinion.Verification.choices if c[0] != Opinion.Verification.PENDING],
               "can_write": common.can_write(request.user) and opinion.status == Opinion.Status.OPEN}  # fmt: skip
    return render(request, "emergency/opinion_detail.html", context)


@access(STATION, objects="opinion")
@require_POST
def opinion_feedback(request, pk: int):
    opinion = selectors.opinion_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        opinion = services.give_feedback(actor=request.user, opinion=opinion,
                                         fed_back_at=common.moment(request.POST.get("fed_back_at")),
                                         feedback=request.POST.get("feedback", ""))  # fmt: skip
        if opinion.feedback_late:
            messages.warning(request, _("已登记反馈：超过反馈期限，记为逾期反馈。"))
        else:
            messages.success(request, _("已登记反馈。"))
    return redirect("emergency:opinion_detail", pk=pk)


@access(STATION, objects="opinion")
@require_POST
def opinion_verify(request, pk: int):
    opinion = selectors.opinion_get(user=request.user, pk=pk)
    post = request.POST
    with service_errors_as_messages(request):
        services.verify(actor=request.user, opinion=opinion, verification=post.get("verification", ""),
                        note=post.get("note", ""), complaint_id=post.get("complaint", "").strip() or None,
                        case_id=post.get("case", "").strip() or None)  # fmt: skip
        messages.success(request, _("已登记核实结果。"))
    return redirect("emergency:opinion_detail", pk=pk)


@access(STATION, objects="opinion")
@require_POST
def opinion_close(request, pk: int):
    opinion = selectors.opinion_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        services.close(actor=request.user, opinion=opinion)
        messages.success(request, _("舆情已办结。"))
    return redirect("emergency:opinion_detail", pk=pk)
