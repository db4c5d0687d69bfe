from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from shian.core.access import ACCOUNTS, access
from shian.core.api_types import IdField, Pages, RegionCode, ShortText, Text

from . import selectors, services
from .models import Grid

router = Router(tags=["行政区划"])


class RegionOut(Schema):
    code: str
    name: str
    level: int
    level_label: str
    parent_code: str | None

    @staticmethod
    def resolve_level_label(obj):
        return obj.get_level_display()

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent_id


class RegionFilter(Schema):
    parent: RegionCode | None = None
    level: int | None = None
    q: Text = ""


class GridOut(Schema):
    code: str
    name: str
    kind: str
    region_code: str
    parent_code: str | None
    worker_id: int | None

    @staticmethod
    def resolve_region_code(obj):
        return obj.region_id

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent.code if obj.parent_id else None


class GridIn(Schema):
    code: ShortText
    name: ShortText
    kind: Grid.Kind
    region_code: RegionCode
    parent_code: ShortText | None = None
    worker_id: IdField | None = None


@router.get("", response=list[RegionOut], summary="行政区划列表（管辖范围内）")
@access(ACCOUNTS)
@paginate(Pages)
def region_list(request, filters: Query[RegionFilter]):
    f = filters.dict()
    return selectors.region_list(user=request.user, parent_code=f["parent"], level=f["level"], q=f["q"])


@router.get("/grids", response=list[GridOut], summary="网格列表")
@access(ACCOUNTS)
@paginate(Pages)
def grid_list(request, region: RegionCode | None = None):
    return selectors.grid_list(user=request.user, region_code=region).select_related("parent")


@router.post("/grids", response={201: GridOut}, summary="新建网格")
@access(perm="regions.manage_grids")
def grid_create(request, payload: GridIn):
    data = payload.dict()
    worker_id = data.pop("worker_id")
    worker = None
    if worker_id is not None:
        worker = selectors.grid_worker_get(user=request.user, pk=worker_id)
    return Status(201, services.create_grid(actor=request.user, worker=worker, **data))


@router.get("/{code}", response=RegionOut, summary="行政区划详情")
@access(ACCOUNTS, objects="region")
def region_get(request, code: RegionCode):
    return selectors.region_get(user=request.user, code=code)


@router.get(
    "/{code}/boundaries",
    response=dict,
    url_name="region_boundaries",
    summary="下级区划边界（GeoJSON FeatureCollection，一张图用）",
)
@access(ACCOUNTS, objects="region")
def region_boundaries(request, code: RegionCode):
    collection = selectors.child_boundaries(user=request.user, region_code=code)
    if collection is None:
        raise Http404(_("该区划的下级区划尚未载入边界。"))
    return collection
