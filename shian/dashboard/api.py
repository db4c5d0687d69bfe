"""The dashboard's figures for integrations (a provincial big screen, a leader's app): the same numbers as the
page, scoped to the caller's jurisdiction."""

import datetime

from django.urls import reverse
from ninja import Router, Schema

from shian.accounts.access import REGULATORS
from shian.core import kpis as registry
from shian.core.access import access
from shian.core.api_types import RegionCode
from shian.core.permissions import require_perm

from . import selectors

router = Router(tags=["一张图"])


class KpiOut(Schema):
    key: str
    label: str
    unit: str
    value: float | None
    better: str
    url: str


class AreaOut(Schema):
    code: str
    name: str
    direct: bool
    values: dict[str, float | None]


class FiguresOut(Schema):
    region_code: str
    region_name: str
    as_of: datetime.date
    computed_at: datetime.datetime
    live: bool
    kpis: list[KpiOut]
    areas: list[AreaOut]


class SeriesOut(Schema):
    key: str
    label: str
    unit: str
    periods: list[str]
    values: list[int | float | None]  # counts per week or month; rate KPIs (unit "history", None: no record)


class DispatchOut(Schema):
    id: int
    region_code: str
    region_name: str
    week: datetime.date
    generated_at: datetime.datetime
    docx_url: str
    pdf_url: str


@router.get("/figures", response=FiguresOut, summary="一张图指标（本区划及各下级单位；村级为各主体）")
@access(REGULATORS)
def figures(request, region: RegionCode | None = None):
    require_perm(request.user, "dashboard.view")
    fig = selectors.figures(user=request.user, region_code=region)
    vals = selectors.values(fig.total)
    kpis = [
        {"key": k.key, "label": str(k.label), "unit": str(k.unit), "value": vals[k.key], "better": k.better,
         "url": k.link(fig.code) if k.link else ""}
        for k in registry.kpis()
    ]  # fmt: skip
    areas = [{"code": r["code"], "name": str(r["name"]), "direct": r["direct"], "values": r["values"]}
             for r in selectors.rows(fig)]  # fmt: skip
    return {
        "region_code": fig.code, "region_name": fig.region.name if fig.region else "", "as_of": fig.as_of,
        "computed_at": fig.computed_at, "live": fig.live, "kpis": kpis, "areas": areas,
    }  # fmt: skip


@router.get("/series", response=list[SeriesOut], summary="周、月趋势序列及指标走势（来自指标历史）")
@access(REGULATORS)
def series(request, region: RegionCode | None = None):
    require_perm(request.user, "dashboard.view")
    return selectors.series(selectors.figures(user=request.user, region_code=region, series=True))


@router.get("/reports", response=list[DispatchOut], summary="已归档的调度周报")
@access(REGULATORS)
def reports(request, region: RegionCode | None = None):
    require_perm(request.user, "dashboard.view")
    return [
        {"id": r.pk, "region_code": r.region_id, "region_name": r.region.name, "week": r.week,
         "generated_at": r.generated_at,
         "docx_url": reverse("dashboard:report_file", args=[r.pk, "docx"]),
         "pdf_url": reverse("dashboard:report_file", args=[r.pk, "pdf"])}
        for r in selectors.report_list(user=request.user, region_code=region)[:200]
    ]  # fmt: skip
