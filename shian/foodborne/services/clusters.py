"""Clusters of foodborne-disease reports (docs/foodborne.md §2, §3): a report joins or forms a cluster when the
cases with its suspected place, or its suspected food, in its county within the window reach the rule's count; a
new cluster warns the county at once. "Open an incident" creates the suspected incident through emergency's
service, so its 2-hour first-report clock runs from the warning (the time the regulator knew)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role, User
from shian.core import audit, rules
from shian.core.jurisdiction import region_under, require_in_scope
from shian.core.regioncodes import COUNTY, ancestor
from shian.core.services import notify
from shian.emergency.models import Incident
from shian.emergency.services import incidents as incident_services

from ..models import CaseReport, Cluster
from ..ruledefs import CLUSTER_CASES, CLUSTER_WINDOW

OPENERS = ADMIN_ROLES | {Role.STATION_STAFF}


def can_open(user) -> bool:
    return user.is_superuser or user.role in OPENERS


def _window(region_code: str, on: datetime.date) -> tuple[int, int, dict]:
    cases = rules.rule(CLUSTER_CASES.code, region_code, on)
    hours = rules.rule(CLUSTER_WINDOW.code, region_code, on)
    return cases.value, hours.value, {"cases": cases.snapshot(), "window": hours.snapshot()}


def check_report(report: CaseReport) -> list[Cluster]:
    """Join the report to (or form) its place and food clusters; returns the clusters newly formed."""
    county = ancestor(report.region_id, COUNTY)
    minimum, hours, snap = _window(report.region_id, timezone.localdate(report.onset_at))
    span = datetime.timedelta(hours=hours)
    formed = []
    for kind, field, key, label in (
        (Cluster.Kind.PLACE, "place_key", report.place_key, report.suspected_place),
        (Cluster.Kind.FOOD, "food_key", report.food_key, report.suspected_food),
    ):
        if not key:
            continue
        cluster = (
            Cluster.objects.select_for_update().filter(county=county, kind=kind, key=key,
                                                       last_onset__gte=report.onset_at - span,
                                                       first_onset__lte=report.onset_at + span)
            .order_by("-last_onset").first()
        )  # fmt: skip
        if cluster is not None:
            cluster.reports.add(report)
            _recount(cluster)
            continue
        near = CaseReport.objects.filter(region_under(CaseReport, "region", county), onset_at__gte=report.onset_at - span,
                                         onset_at__lte=report.onset_at + span, **{field: key})  # fmt: skip
        if (near.aggregate(n=Sum("patient_count"))["n"] or 0) < minimum:
            continue
        rows = list(near.order_by("onset_at"))
        cluster = Cluster.objects.create(
            county=county, region_id=report.region_id, kind=kind, key=key, label=label[:200],
            entity=report.entity if kind == Cluster.Kind.PLACE else None, first_onset=rows[0].onset_at,
            last_onset=rows[-1].onset_at, rule=snap, warned_at=timezone.now(),
        )  # fmt: skip
        cluster.reports.add(*rows)
        _recount(cluster)
        _warn(cluster)
        formed.append(cluster)
    return formed


def sweep(*, now: datetime.datetime | None = None) -> int:
    """The scheduled cluster check beside the on-save one (docs/foodborne.md §2): reports whose onset lies within the
    longest window of any region and that are not yet in a cluster of each kind they can join are checked again, so a
    report saved out of onset order, entered in bulk or judged before a rule changed still forms its cluster. A report
    already clustered is left alone, and a second run forms nothing new: idempotent. Returns the clusters formed."""
    now = now or timezone.now()
    hours = max(
        rules.rule(CLUSTER_WINDOW.code, code, timezone.localdate(now)).value
        for code in {""} | set(CaseReport.objects.order_by().values_list("region_id", flat=True).distinct())
    )
    recent = CaseReport.objects.filter(onset_at__gte=now - datetime.timedelta(hours=2 * hours), onset_at__lte=now)
    formed = 0
    for report in recent.prefetch_related("clusters").order_by("onset_at", "id"):
        kinds = {c.kind for c in report.clusters.all()}
        wanted = {k for k, key in ((Cluster.Kind.PLACE, report.place_key), (Cluster.Kind.FOOD, report.food_key)) if key}
        if wanted <= kinds:
            continue
        with transaction.atomic():
            formed += len(check_report(report))
    return formed


def _recount(cluster: Cluster) -> None:
    agg = cluster.reports.aggregate(n=Sum("patient_count"))
    onsets = list(cluster.reports.order_by("onset_at").values_list("onset_at", flat=True))
    Cluster.objects.filter(pk=cluster.pk).update(cases=agg["n"] or 0, first_onset=onsets[0], last_onset=onsets[-1])
    cluster.cases, cluster.first_onset, cluster.last_onset = agg["n"] or 0, onsets[0], onsets[-1]


def _warn(cluster: Cluster) -> None:
    """The county's administrators and station staff are told at once; the warning is audited."""
    users = User.objects.filter(region_under(User, "region", cluster.county), is_active=True, role__in=OPENERS)
    text = _("食源性疾病聚集性病例预警：%(k)s“%(l)s”已报告 %(n)d 例，请核实并决定是否按事故处置。") % {
        "k": cluster.get_kind_display(), "l": cluster.label, "n": cluster.cases}  # fmt: skip
    notify(users=users, text=text, url=reverse("foodborne:cluster_detail", args=[cluster.pk]), kind="foodborne.cluster",
           group=cluster.county, group_text=_("%(n)d 起食源性疾病聚集性病例预警"),
           group_url=reverse("foodborne:cluster_list"))  # fmt: skip
    audit.record(actor=None, action="foodborne.cluster", obj=cluster, region_code=cluster.region_id,
                 after={"kind": cluster.kind, "label": cluster.label, "cases": cluster.cases, "rule": cluster.rule})  # fmt: skip


def open_incident(*, actor, cluster: Cluster) -> Incident:
    """Open the suspected incident of a cluster in one action (emergency's service: graded by the cases, first
    report due 2 hours from the warning). A cluster opens one incident."""
    if not can_open(actor):
        raise PermissionDenied(_("只有管理员和市场监管所人员可以开立事故。"))
    require_in_scope(actor, cluster.region_id)
    with transaction.atomic():
        cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
        if cluster.incident_id:
            raise ValidationError(_("该聚集性病例已开立事故（%(n)s）。") % {"n": cluster.incident.number})
        reports = list(cluster.reports.order_by("onset_at"))
        lines = [f"{timezone.localtime(r.onset_at):%m-%d %H:%M} {r.institution}：{r.patient_count} 例，{r.symptoms}"
                 for r in reports]  # fmt: skip
        summary = _("食源性疾病聚集性病例（%(k)s“%(l)s”），共 %(n)d 例：") % {
            "k": cluster.get_kind_display(), "l": cluster.label, "n": cluster.cases} + "\n" + "\n".join(lines)  # fmt: skip
        incident = incident_services.create_incident(
            actor=actor, region_code=cluster.region_id, entity_id=cluster.entity_id,
            title=(_("疑似食源性疾病聚集：%(l)s") % {"l": cluster.label})[:200], place=cluster.label[:300],
            summary=summary[:5000], suspected=True, occurred_at=cluster.first_onset,
            aware_at=max(cluster.warned_at, cluster.first_onset), affected=cluster.cases,
        )  # fmt: skip
        Cluster.objects.filter(pk=cluster.pk).update(incident=incident)
        cluster.incident = incident
        audit.record(actor=actor, action="foodborne.incident", obj=cluster, region_code=cluster.region_id,
                     after={"incident": incident.number})  # fmt: skip
    return incident
