"""GET /api/v1/inspections/overview (docs/inspections.md §7): the overview page's figures for integrations, scoped
to the caller's jurisdiction like the page."""

import datetime

from ninja import Router, Schema

from shian.accounts.access import REGULATORS
from shian.core.access import access
from shian.core.api_types import AreaOut, FigureOut, RegionCode

from ..selectors import overview as selectors

router = Router(tags=["监督检查"])


class BandOut(Schema):
    key: str
    label: str
    n: int


class TodoOut(Schema):
    orders_overdue: int
    tasks_overdue: int
    draws_unpublished: int
    draws_late: int


class OverviewOut(Schema):
    region_code: str
    region_name: str
    as_of: datetime.date
    figures: list[FigureOut]
    risk_bands: list[BandOut]
    todo: TodoOut
    areas: list[AreaOut]


@router.get(
    "/overview",
    response=OverviewOut,
    url_name="inspections_overview",
    summary="监督检查总览（本区划指标、目标、待办及各下级单位）",
)
@access(REGULATORS)
def overview(request, region: RegionCode | None = None):
    ov = selectors.overview(user=request.user, region_code=region)
    return {
        "region_code": ov.code, "region_name": ov.region.name if ov.region else "", "as_of": ov.as_of,
        "figures": ov.figures, "risk_bands": selectors.risk_bands(ov.total), "todo": ov.todo,
        "areas": [{"code": r["code"], "name": str(r["name"]), "direct": r["direct"], "values": r["values"]}
                  for r in ov.rows],
    }  # fmt: skip
