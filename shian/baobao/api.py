import datetime
from typing import Literal

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from shian.accounts.access import ADMINS, REGULATORS
from shian.core import ruleversions
from shian.core.access import access
from shian.core.api_types import Id, Pages, RegionCode, ShortText, Text
from shian.core.current_region import current_region_code
from shian.core.pii import mask_id_number, mask_phone

from . import selectors, services
from .models import Cadre, CadreLevel, Policy

router = Router(tags=["包保"])


class CadreOut(Schema):
    id: int
    name: str
    id_number: str
    phone: str
    level: str
    position: str
    department_code: str | None
    region_code: str
    region_name: str
    is_regulator: bool
    capacity: int | None
    status: str

    @staticmethod
    def resolve_id_number(obj):
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_department_code(obj):
        return obj.department_id

    @staticmethod
    def resolve_region_code(obj):
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name


class CadreIn(Schema):
    name: Text
    id_number: ShortText = ""
    phone: ShortText = ""
    level: CadreLevel
    position: Text = ""
    department_code: ShortText | None = None
    region_code: RegionCode
    is_regulator: bool = False
    capacity: int | None = Field(None, ge=1, le=10_000)


class CadrePatch(Schema):
    name: Text | None = None
    id_number: ShortText | None = None
    phone: ShortText | None = None
    level: CadreLevel | None = None
    position: Text | None = None
    department_code: ShortText | None = None
    region_code: RegionCode | None = None
    is_regulator: bool | None = None
    capacity: int | None = Field(None, ge=1, le=10_000)


class CadreFilter(Schema):
    region: RegionCode | None = None
    q: Text = ""
    level: CadreLevel | None = None
    status: Cadre.Status | None = None


@router.get("/cadres", response=list[CadreOut], summary="包保干部名册（身份证号、电话已脱敏）")
@access(REGULATORS)
@paginate(Pages)
def cadre_list(request, filters: Query[CadreFilter]):
    f = filters.dict()
    return selectors.cadre_list(
        user=request.user, region_code=f["region"], q=f["q"], level=f["level"] or "", status=f["status"] or ""
    )


@router.post("/cadres", response={201: CadreOut}, summary="登记包保干部")
@access(ADMINS)
def cadre_create(request, payload: CadreIn):
    return Status(201, services.create_cadre(actor=request.user, **payload.dict()))


@router.get("/cadres/{pk}", response=CadreOut, summary="包保干部详情")
@access(REGULATORS, objects="cadre")
def cadre_get(request, pk: Id):
    return selectors.cadre_get(user=request.user, pk=pk)


@router.patch("/cadres/{pk}", response=CadreOut, summary="修改包保干部")
@access(ADMINS, objects="cadre")
def cadre_update(request, pk: Id, payload: CadrePatch):
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    return services.update_cadre(actor=request.user, cadre=cadre, **payload.dict(exclude_unset=True))


class MapPoints(Schema):
    points: list[tuple[float, float, str, bool, str, str]] = Field(
        description="[经度, 纬度, 包保等级, 是否已落实包保, 主体名称, 包保干部]"
    )
    total: int = Field(description="区划内有坐标的在册主体数；超过 points 条数时只返回等级较高的部分")


@router.get("/map", response=MapPoints, summary="包保地图点位（按等级，未落实包保的单独标出）")
@access(REGULATORS)
def map_points(request, region: RegionCode | None = None):
    points, total = selectors.map_points(user=request.user, region_code=region)
    return {"points": points, "total": total}


# -- changes with their 15/7 working-day deadlines (issue 6 item 4) ---------------------------------------------


class ChangeOut(Schema):
    id: int
    kind: str
    kind_label: str
    entity_id: int | None
    entity_name: str | None
    cadre_id: int | None
    cadre_name: str | None
    region_code: str
    occurred_on: datetime.date
    recorded_at: datetime.datetime
    report_due: datetime.datetime
    reassign_due: datetime.datetime
    report_late: bool
    overdue: bool
    resolved_at: datetime.datetime | None

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_entity_name(obj):
        return obj.entity.name if obj.entity_id else None

    @staticmethod
    def resolve_cadre_name(obj):
        return obj.cadre.name if obj.cadre_id else None

    @staticmethod
    def resolve_region_code(obj):
        return obj.region_id

    @staticmethod
    def resolve_overdue(obj):
        return obj.reassign_overdue()


class ChangeFilter(Schema):
    region: RegionCode | None = None
    state: Literal["open", "overdue", "all"] = "open"


@router.get("/changes", response=list[ChangeOut], summary="包保变动事项（报告、调整时限与超期）")
@access(REGULATORS)
@paginate(Pages)
def change_list(request, filters: Query[ChangeFilter]):
    return selectors.change_list(user=request.user, region_code=filters.region, state=filters.state)


# -- the 包保 policy (issue 18 item 7) ---------------------------------------------------------------------------


class PolicyOut(Schema):
    id: int
    region_id: str | None
    version: int
    valid_from: datetime.date
    grade_rules: list
    level_for_grade: dict
    capacity: dict
    department_match: dict
    note: str


class PolicyHistoryOut(Schema):
    in_force: PolicyOut | None
    versions: list[PolicyOut]


class PolicyRegion(Schema):
    region: RegionCode | None = None


class PolicyIn(Schema):
    region_code: RegionCode | None = None
    valid_from: datetime.date
    reason: Text
    grade_rules: list | None = None
    level_for_grade: dict | None = None
    capacity: dict | None = None
    department_match: dict | None = None
    confirm_past: bool = False


@router.get("/policy", response=PolicyHistoryOut, summary="包保规则（现行版本与版本记录）")
@access(perm="core.view_rules")
def policy_get(request, filters: Query[PolicyRegion]):
    region = filters.region if filters.region is not None else (current_region_code(request) or "")
    in_force, versions = ruleversions.policy_versions(user=request.user, qs=Policy.objects.all(), region_code=region)
    return {"in_force": in_force, "versions": versions}


@router.post("/policy/versions", response={201: PolicyOut}, summary="新增包保规则版本")
@access(perm="core.edit_rules")
def policy_add_version(request, payload: PolicyIn):
    return Status(201, services.add_policy_version(actor=request.user, **payload.dict()))
