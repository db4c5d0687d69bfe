"""The inspections overview page (docs/inspections.md §7): a county director's first screen for inspections."""

from django.shortcuts import render
from django.urls import reverse

from shian.accounts.access import REGULATORS
from shian.core.access import access
from shian.core.current_region import current_region_code

from ..selectors import overview as selectors


@access(REGULATORS)
def overview(request):
    """The inspection figures of the current region (?region=CODE drills down) with their targets, what needs
    doing, and the same figures for each area below; every row leads one level down."""
    code = current_region_code(request) or ""
    ov = selectors.overview(user=request.user, region_code=code)
    here = reverse("inspections:overview")
    for row in ov.rows:
        if ov.entity_level:
            row["drill"] = reverse("entities:detail", args=[int(row["code"])])
        else:
            row["drill"] = "" if row["direct"] else f"{here}?region={row['code']}"
        row["cells"] = [{"key": f["key"], "text": selectors.fmt(row["values"][f["key"]], f["unit"])}
                        for f in ov.figures]  # fmt: skip
    context = {
        "ov": ov,
        "headline": [f for f in ov.figures if f["key"] in HEADLINE],
        "others": [f for f in ov.figures if f["key"] not in HEADLINE],
        "bands": selectors.risk_bands(ov.total),
        "columns": [f for f in ov.figures if f["key"] in COLUMNS],
    }
    for row in ov.rows:
        row["cells"] = [c for c in row["cells"] if c["key"] in COLUMNS]
    return render(request, "inspections/overview.html", context)


# the cards on top and the columns of the table by area (the rest are cards below; every figure is in the API)
HEADLINE = ("inspections.coverage", "inspections.on_plan", "inspections.nonconform_rate", "inspections.orders_overdue")
COLUMNS = HEADLINE + ("inspections.coverage_floor", "inspections.done", "inspections.orders_open")
