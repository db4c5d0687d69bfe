"""Yearly inspection plans (docs/inspections.md §3): the scheme that applies, the plans of a jurisdiction, one
plan's station × month table, per-inspector load and shortfall."""

import datetime
from collections import defaultdict

from django.db.models import Count, Q

from shian.accounts.models import User
from shian.core import rules
from shian.core.jurisdiction import get_in_scope, narrow_to, scope_queryset

from ..models import InspectionPlan, PlannedInspection, RiskScheme, Station
from ..ruledefs import INSPECTOR_MONTHLY, MIN_INSPECTORS


def scheme_for(region_code: str, on: datetime.date | None = None, variant: str | None = None) -> RiskScheme | None:
    """The risk scheme that applies to `region_code`: the given variant's, else the most specific region's, and
    between schemes of the same region the 2016 rules in force rather than the 2022 draft."""
    qs = RiskScheme.objects.all()
    if variant:
        return rules.most_specific(qs.filter(variant=variant), region_code, on)
    any_variant = rules.most_specific(qs, region_code, on)
    in_force = rules.most_specific(qs.filter(variant=RiskScheme.Variant.V2016), region_code, on)
    if in_force is None or (any_variant and len(any_variant.region_id or "") > len(in_force.region_id or "")):
        return any_variant
    return in_force


def plan_list(*, user, region_code: str | None = None):
    qs = scope_queryset(InspectionPlan.objects.select_related("region", "created_by"), user)
    return narrow_to(qs, region_code).order_by("-year", "-created_at", "-id")


def plan_get(*, user, pk: int) -> InspectionPlan:
    return get_in_scope(InspectionPlan.objects.select_related("region", "scheme", "created_by"), user, pk=pk)


def current_plans(region_code: str, year: int):
    """The newest plan of each region under `region_code` for the year (a newer plan replaces the older one)."""
    qs = narrow_to(InspectionPlan.objects.filter(year=year), region_code).order_by("region_id", "-created_at", "-id")
    seen, out = set(), []
    for plan in qs:
        if plan.region_id not in seen:
            seen.add(plan.region_id)
            out.append(plan.pk)
    return out


def plan_table(plan: InspectionPlan) -> dict:
    """The plan as pages show it: per station a row of 12 monthly counts (shortfall months flagged), the load
    of each lead inspector per month, and the unassigned items."""
    counts = (
        PlannedInspection.objects.filter(plan=plan)
        .order_by()
        .values("station_id", "month")
        .annotate(n=Count("pk"), blank=Count("pk", filter=Q(inspector__isnull=True)))
    )
    names = dict(Station.objects.filter(pk__in={c["station_id"] for c in counts}).values_list("pk", "name"))
    short = {(s.get("station"), s.get("month")) for s in plan.shortfall}
    rows: dict = {}
    for c in counts:
        sid = c["station_id"]
        row = rows.setdefault(sid, {"station": sid, "name": names.get(sid, ""), "months": [None] * 12, "total": 0})
        row["months"][c["month"] - 1] = {"n": c["n"], "blank": c["blank"], "short": (sid, c["month"]) in short}
        row["total"] += c["n"]
    for row in rows.values():
        row["months"] = [m or {"n": 0, "blank": 0, "short": False} for m in row["months"]]
    loads = (
        PlannedInspection.objects.filter(plan=plan, inspector__isnull=False)
        .order_by()
        .values("inspector_id", "month")
        .annotate(n=Count("pk"))
    )
    people = dict(User.objects.filter(pk__in={r["inspector_id"] for r in loads}).values_list("pk", "name"))
    per: dict = defaultdict(lambda: [0] * 12)
    for r in loads:
        per[r["inspector_id"]][r["month"] - 1] = r["n"]
    region = plan.region_id
    return {
        "rows": sorted(rows.values(), key=lambda r: (r["station"] is None, r["name"])),
        "inspectors": sorted(
            ({"id": k, "name": people.get(k, ""), "months": v, "total": sum(v)} for k, v in per.items()),
            key=lambda r: r["name"],
        ),
        "capacity": rules.value(INSPECTOR_MONTHLY.code, region),
        "min_inspectors": rules.value(MIN_INSPECTORS.code, region),
    }
