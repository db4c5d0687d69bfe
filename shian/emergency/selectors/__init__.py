"""Reads of emergency (docs/emergency.md): every list scoped to the user's jurisdiction; the veto and the drill
status of a region (§3)."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from shian.core import rules
from shian.core.jurisdiction import get_in_scope, narrow_to, region_under, scope_queryset
from shian.core.periods import day_end
from shian.core.regioncodes import prefixes

from ..models import VETO_GRADES, EmergencyPlan, Exercise, Incident, Opinion
from ..ruledefs import DRILL_YEARS, LIVE_DRILL_YEARS, TRAININGS_PER_YEAR, VETO_YEARS

OVERDUE_FILTERS = ("overdue", "late")


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` years earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


# -- incidents (§1) ---------------------------------------------------------------------------------------------


def first_report_overdue_q(now: datetime.datetime) -> Q:
    """Open incidents with no first report and the 2-hour clock run out."""
    return Q(first_reported_at__isnull=True, first_report_due__lt=now)


def incident_list(*, user, region_code: str | None = None, status: str = "", grade: str = "", report: str = "",
                  q: str = "") -> QuerySet[Incident]:  # fmt: skip
    """Incidents in the user's jurisdiction, newest first; `report`: "overdue" (no first report, clock run out)
    or "late" (first report made after its deadline)."""
    qs = narrow_to(scope_queryset(Incident.objects.select_related("region", "entity"), user), region_code)
    if status in Incident.Status.values:
        qs = qs.filter(status=status)
    if grade in dict(Incident._meta.get_field("grade").choices):
        qs = qs.filter(grade=grade)
    if report == "overdue":
        qs = qs.filter(first_report_overdue_q(timezone.now()))
    elif report == "late":
        qs = qs.filter(first_report_late=True)
    q = (q or "").strip()[:50]
    if q:
        qs = qs.filter(Q(number__startswith=q.upper()) | Q(title__contains=q) | Q(entity__name__contains=q))
    return qs.order_by("-aware_at", "-id")


def incident_get(*, user, pk: int) -> Incident:
    return get_in_scope(Incident.objects.select_related("region", "entity"), user, pk=pk)


def veto_window(region_code: str, on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The days whose grade I or II incidents veto a demonstration evaluation on `on` (`emergency.veto_years`)."""
    return years_before(on, rules.value(VETO_YEARS.code, region_code, on)), on


def veto_incidents(region: str, on: datetime.date | None = None) -> QuerySet[Incident]:
    """Grade I and II incidents (suspected ones left out) that occurred in `region` (a code or prefix) within
    `emergency.veto_years` before `on`: any one is the demonstration veto (docs/domain.md §10)."""
    on = on or timezone.localdate()
    start, end = veto_window(region, on)
    qs = Incident.objects.filter(grade__in=VETO_GRADES, suspected=False,
                                 occurred_at__gte=day_end(start), occurred_at__lt=day_end(end))  # fmt: skip
    return qs.filter(region_under(Incident, "region", region)) if region else qs


# -- public opinion (§2) ----------------------------------------------------------------------------------------


def feedback_overdue_q(now: datetime.datetime) -> Q:
    return Q(fed_back_at__isnull=True, feedback_due__lt=now)


def opinion_list(*, user, region_code: str | None = None, status: str = "", verification: str = "",
                 feedback: str = "", q: str = "") -> QuerySet[Opinion]:  # fmt: skip
    qs = narrow_to(scope_queryset(Opinion.objects.select_related("region", "entity"), user), region_code)
    if status in Opinion.Status.values:
        qs = qs.filter(status=status)
    if verification in Opinion.Verification.values:
        qs = qs.filter(verification=verification)
    if feedback == "overdue":
        qs = qs.filter(feedback_overdue_q(timezone.now()))
    elif feedback == "late":
        qs = qs.filter(feedback_late=True)
    q = (q or "").strip()[:50]
    if q:
        qs = qs.filter(Q(number__startswith=q.upper()) | Q(title__contains=q) | Q(source_name__contains=q))
    return qs.order_by("-found_at", "-id")


def opinion_get(*, user, pk: int) -> Opinion:
    return get_in_scope(Opinion.objects.select_related("region", "entity", "complaint", "case"), user, pk=pk)


# -- plans, trainings, drills (§3) ------------------------------------------------------------------------------


def plan_list(*, user, region_code: str | None = None) -> QuerySet[EmergencyPlan]:
    return narrow_to(scope_queryset(EmergencyPlan.objects.select_related("region"), user), region_code)


def plan_get(*, user, pk: int) -> EmergencyPlan:
    return get_in_scope(EmergencyPlan.objects.select_related("region"), user, pk=pk)


def exercise_list(*, user, region_code: str | None = None, kind: str = "") -> QuerySet[Exercise]:
    qs = narrow_to(scope_queryset(Exercise.objects.select_related("region", "plan"), user), region_code)
    if kind in Exercise.Kind.values:
        qs = qs.filter(kind=kind)
    return qs


def exercise_get(*, user, pk: int) -> Exercise:
    return get_in_scope(Exercise.objects.select_related("region", "plan"), user, pk=pk)


def readiness(region: str, on: datetime.date | None = None) -> dict:
    """The emergency readiness of `region` on `on` against its rules (exercises held in it, below it or by a
    region above it): trainings in the last year, drills within
    `emergency.drill_every_years`, live drills within `emergency.live_drill_years`, grade I/II incidents in the
    veto window; each with whether the rule is met."""
    on = on or timezone.localdate()
    held = Exercise.objects.filter(held_on__lte=on)
    if region:  # the county's drill covers its townships: the regions above count, never those beside
        held = held.filter(region_under(Exercise, "region", region) | Q(region_id__in=prefixes(region)))
    trainings_needed = rules.value(TRAININGS_PER_YEAR.code, region, on)
    drill_years = rules.value(DRILL_YEARS.code, region, on)
    live_years = rules.value(LIVE_DRILL_YEARS.code, region, on)
    trainings = held.filter(kind=Exercise.Kind.TRAINING, held_on__gt=years_before(on, 1)).count()
    drills = held.exclude(kind=Exercise.Kind.TRAINING).filter(held_on__gt=years_before(on, drill_years)).count()
    live = held.filter(kind=Exercise.Kind.LIVE, held_on__gt=years_before(on, live_years)).count()
    vetoes = list(veto_incidents(region, on).order_by("occurred_at"))
    return {
        "trainings": trainings, "trainings_needed": trainings_needed, "trainings_ok": trainings >= trainings_needed,
        "drills": drills, "drill_years": drill_years, "drills_ok": drills > 0,
        "live_drills": live, "live_drill_years": live_years, "live_ok": live > 0,
        "vetoes": vetoes, "veto": bool(vetoes),
    }  # fmt: skip
