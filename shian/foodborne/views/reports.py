"""Pages of foodborne-disease reports (docs/foodborne.md §4): the reports (patient masked; unmasked on request by
administrators and auditors, audited), the report form, the clusters and "open an incident" in one action."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.forms import error_messages
from shian.core.jurisdiction import scope_prefix, scope_queryset
from shian.core.pii import unmask
from shian.core.regioncodes import COUNTY, TOWNSHIP, VILLAGE, level_of
from shian.regions.models import Region

from ..selectors import reports as selectors
from ..services import clusters as cluster_services
from ..services import reports as services

PER_PAGE = 30
REPORTERS = frozenset(services.REPORTERS)
READERS = STATION | {Role.DEPARTMENT_STAFF, Role.AUDITOR}
CLUSTER_READERS = STATION | {Role.AUDITOR}


def _moment(text):
    try:
        value = parse_datetime((text or "").strip())
    except ValueError:
        return None
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _regions(user) -> list[tuple[str, str]]:
    prefix = scope_prefix(user)
    if prefix is None:
        return []
    deepest = (
        VILLAGE if (level_of(prefix) or 0) >= TOWNSHIP else TOWNSHIP if (level_of(prefix) or 0) >= COUNTY else COUNTY
    )
    rows = Region.objects.filter(code__startswith=prefix, level__lte=deepest).order_by("code")[:500]
    return [(code, f"{name}（{code}）") for code, name in rows.values_list("code", "name")]


@access(READERS)
def report_list(request):
    q = request.GET.get("q", "")[:50]
    qs = selectors.report_list(user=request.user, region_code=current_region_code(request), q=q)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "foodborne/report_list.html", {"page": page, "q": q,
                                                          "can_report": services.can_report(request.user)})  # fmt: skip


@access(REPORTERS)
def report_new(request):
    errors: list[str] = []
    post = request.POST
    if request.method == "POST":
        try:
            report = services.report_case(
                actor=request.user, region_code=post.get("region_code", ""), institution=post.get("institution", ""),
                patient_name=post.get("patient_name", ""), id_number=post.get("id_number", ""),
                phone=post.get("phone", ""), patient_count=post.get("patient_count") or 1,
                symptoms=post.get("symptoms", ""), suspected_food=post.get("suspected_food", ""),
                suspected_place=post.get("suspected_place", ""), entity_id=post.get("entity_id", "").strip() or None,
                onset_at=_moment(post.get("onset_at")),
            )  # fmt: skip
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            text = _("病例报告已提交。")
            if report.clusters.exists():
                text += _("该报告已构成或加入聚集性病例，已预警县级监管部门。")
            messages.success(request, text)
            return redirect("foodborne:report_detail", pk=report.pk)
    context = {"errors": errors, "posted": post, "regions": _regions(request.user),
               "now_input": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}  # fmt: skip
    return render(request, "foodborne/report_form.html", context, status=422 if errors else 200)


@access(READERS, objects="foodborne_report")
def report_detail(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk)
    clear = None
    if request.method == "POST" and "unmask" in request.POST:
        clear = unmask(user=request.user, obj=report, region_code=report.region_id,
                       fields={"patient_name": report.patient_name, "id_number": report.id_number,
                               "phone": report.phone})  # fmt: skip
    context = {"report": report, "clear": clear, "masked_name": selectors.masked_name(report.patient_name),
               "clusters": scope_queryset(report.clusters.all(), request.user),
               "can_unmask": request.user.has_perm("accounts.unmask_pii")}  # fmt: skip
    return render(request, "foodborne/report_detail.html", context)


@access(CLUSTER_READERS)
def cluster_list(request):
    open_only = request.GET.get("open") == "1"
    qs = selectors.cluster_list(user=request.user, region_code=current_region_code(request), open_only=open_only)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "foodborne/cluster_list.html", {"page": page, "open_only": open_only})


@access(CLUSTER_READERS, objects="foodborne_cluster")
def cluster_detail(request, pk: int):
    cluster = selectors.cluster_get(user=request.user, pk=pk)
    reports = scope_queryset(cluster.reports.select_related("region"), request.user).order_by("onset_at")
    return render(request, "foodborne/cluster_detail.html", {
        "cluster": cluster, "reports": reports, "can_open": cluster_services.can_open(request.user),
    })  # fmt: skip


@access(STATION, objects="foodborne_cluster")
@require_POST
def cluster_incident(request, pk: int):
    """Open the cluster's suspected incident (emergency's 2-hour first-report clock) and go to it."""
    cluster = selectors.cluster_get(user=request.user, pk=pk)
    try:
        incident = cluster_services.open_incident(actor=request.user, cluster=cluster)
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
        return redirect("foodborne:cluster_detail", pk=cluster.pk)
    messages.success(request, _("已开立事故 %(n)s，请在 %(d)s 前首报。") % {
        "n": incident.number, "d": timezone.localtime(incident.first_report_due).strftime("%m-%d %H:%M")})  # fmt: skip
    return redirect("emergency:incident_detail", pk=incident.pk)
