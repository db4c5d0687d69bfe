"""Pages of incidents (docs/emergency.md §1, §5), phone first: the list with its filters (overdue and late first
reports), the form, one incident with its clock, reports, links and closure."""

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
from ..models import Grade, Incident, IncidentReport
from ..services import incidents as services
from . import common

REPORT_FILTERS = [("", _("全部")), ("overdue", _("首报逾期未报")), ("late", _("迟报"))]


@access(REGULATORS)
def incident_list(request):
    """Incidents in the user's jurisdiction, with the first-report clock of each."""
    get = request.GET
    filters = {
        "region_code": current_region_code(request),
        "status": get.get("status", "") if get.get("status") in Incident.Status.values else "",
        "grade": get.get("grade", "") if get.get("grade") in Grade.values else "",
        "report": get.get("report", "") if get.get("report") in selectors.OVERDUE_FILTERS else "",
        "q": get.get("q", "")[:50],
    }
    page = Paginator(selectors.incident_list(user=request.user, **filters), common.PER_PAGE).get_page(get.get("page"))
    context = {"page": page, "filters": filters, "statuses": Incident.Status.choices, "grades": Grade.choices,
               "reports": REPORT_FILTERS, "now": timezone.now(), "can_write": common.can_write(request.user)}  # fmt: skip
    return render(request, "emergency/incident_list.html", context)


@access(STATION)
def incident_new(request):
    """The incident form: the first-report deadline is computed from the time of awareness."""
    errors: list[str] = []
    post = request.POST
    if request.method == "POST" and not common.finding(request):
        try:
            incident = services.create_incident(
                actor=request.user, region_code=post.get("region", ""), entity_id=post.get("entity", "").strip(),
                title=post.get("title", ""), place=post.get("place", ""), summary=post.get("summary", ""),
                suspected=post.get("suspected") == "1", occurred_at=common.moment(post.get("occurred_at")),
                aware_at=common.moment(post.get("aware_at")), affected=post.get("affected") or 0,
                hospitalized=post.get("hospitalized") or 0, deaths=post.get("deaths") or 0,
                grade=post.get("grade", ""),
            )  # fmt: skip
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            messages.success(
                request,
                _("事故已登记，编号 %(n)s，请在 %(d)s 前首报。")
                % {"n": incident.number, "d": timezone.localtime(incident.first_report_due).strftime("%m-%d %H:%M")},
            )
            return redirect("emergency:incident_detail", pk=incident.pk)
    context = {"errors": errors, "posted": post, "regions": common.region_choices(request.user),
               **common.entity_search(request), "entity_legend": _("涉事主体（可不指定）"),
               "grades": Grade.choices, "now_input": common.local_input()}  # fmt: skip
    return render(request, "emergency/incident_form.html", context, status=422 if errors else 200)


@access(REGULATORS, objects="incident")
def incident_detail(request, pk: int):
    """An incident: facts, grade and its basis, the first-report clock with its rule, the reports, the linked
    samples, complaints and cases, closure; the forms for the station."""
    incident = selectors.incident_get(user=request.user, pk=pk)
    context = {
        "incident": incident, "reports": incident.reports.order_by("reported_at", "pk"),
        "samples": incident.samples.order_by("pk"), "complaints": incident.complaints.order_by("pk"),
        "cases": incident.cases.order_by("pk"), "kinds": IncidentReport.Kind.choices, "now": timezone.now(),
        "now_input": common.local_input(), "can_write": common.can_write(request.user),
    }  # fmt: skip
    return render(request, "emergency/incident_detail.html", context)


def _ids(text: str) -> list[str]:
    return [part for part in text.replace("，", ",").replace(" ", ",").split(",") if part]


@access(STATION, objects="incident")
@require_POST
def incident_report(request, pk: int):
    incident = selectors.incident_get(user=request.user, pk=pk)
    post = request.POST
    with service_errors_as_messages(request):
        report = services.add_report(
            actor=request.user, incident=incident, kind=post.get("kind", ""),
            reported_at=common.moment(post.get("reported_at")), recipient=post.get("recipient", ""),
            content=post.get("content", ""), affected=post.get("affected", ""), deaths=post.get("deaths", ""),
        )  # fmt: skip
        if report.late:
            messages.warning(request, _("已登记首报：超过首报期限，记为迟报。"))
        else:
            messages.success(request, _("已登记%(k)s。") % {"k": report.get_kind_display()})
    return redirect("emergency:incident_detail", pk=incident.pk)


@access(STATION, objects="incident")
@require_POST
def incident_link(request, pk: int):
    incident = selectors.incident_get(user=request.user, pk=pk)
    post = request.POST
    with service_errors_as_messages(request):
        services.link_records(actor=request.user, incident=incident, sample_ids=_ids(post.get("samples", "")),
                              complaint_ids=_ids(post.get("complaints", "")), case_ids=_ids(post.get("cases", "")))  # fmt: skip
        messages.success(request, _("已关联。"))
    return redirect("emergency:incident_detail", pk=incident.pk)


@access(STATION, objects="incident")
@require_POST
def incident_close(request, pk: int):
    incident = selectors.incident_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        services.close_incident(actor=request.user, incident=incident,
                                closed_at=common.moment(request.POST.get("closed_at")),
                                closure=request.POST.get("closure", ""))  # fmt: skip
        messages.success(request, _("事故已结案。"))
    return redirect("emergency:incident_detail", pk=incident.pk)
