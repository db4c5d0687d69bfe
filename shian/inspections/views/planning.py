"""Yearly plan pages (docs/inspections.md §3): the plans of the jurisdiction, running one, and a plan's
station × month table with per-inspector load and the shortfall named."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.access import REGULATORS
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages

from ..selectors import planning as selectors
from ..services import planning as services
from ..services.stations import STATION_KEEPERS


@access(REGULATORS)
def plan_list(request):
    code = current_region_code(request)
    if request.method == "POST":
        year = request.POST.get("year", "")
        with service_errors_as_messages(request):
            plan = services.plan_year(actor=request.user, region_code=code or request.user.region_id or "",
                                      year=int(year) if year.isdigit() else 0)  # fmt: skip
            messages.success(request, _("已制定 %(year)s 年度检查计划。") % {"year": plan.year})
            return redirect("inspections:plan_detail", pk=plan.pk)
        return redirect("inspections:plans")
    page = Paginator(selectors.plan_list(user=request.user, region_code=code), 30).get_page(request.GET.get("page"))
    can_plan = request.user.is_superuser or request.user.role in STATION_KEEPERS
    return render(request, "inspections/plan_list.html",
                  {"page": page, "can_plan": can_plan, "next_year": timezone.localdate().year + 1,
                   "this_year": timezone.localdate().year})  # fmt: skip


@access(REGULATORS, objects="plan")
def plan_detail(request, pk: int):
    plan = selectors.plan_get(user=request.user, pk=pk)
    table = selectors.plan_table(plan)
    reasons = [(services.REASONS.get(k, k), v) for k, v in plan.summary.get("by_reason", {}).items()]
    return render(request, "inspections/plan_detail.html", {
        "plan": plan, **table, "reasons": reasons, "months": range(1, 13),
        "bands": sorted(plan.summary.get("by_band", {}).items()),
    })  # fmt: skip
