import datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from shian.core.access import ACCOUNTS, access
from shian.core.api_types import Id, Pages, RegionCode, ShortText, Text

from . import selectors, services
from .models import BusinessType, Entity, License, SalesBand, SubType

router = Router(tags=["市场主体"])


class LicenseOut(Schema):
    kind: str
    number: str
    issued_on: datetime.date | None
    expires_on: datetime.date | None


class EntityOut(Schema):
    id: int
    name: str
    uscc: str
    uscc_override_reason: str
    business_type: str
    sub_type: str
    floor_area: Decimal | None
    diners: int | None
    sales_band: str
    address: str
    region_code: str
    region_name: str
    longitude: Decimal | None
    latitude: Decimal | None
    status: str
    department_code: str | None
    baobao_grade: str
    licenses: list[LicenseOut]

    @staticmethod
    def resolve_region_code(obj):
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name

    @staticmethod
    def resolve_department_code(obj):
        return obj.department_id

    @staticmethod
    def resolve_baobao_grade(obj):
        if hasattr(obj, "baobao_grade"):  # annotated by the list's selector
            return obj.baobao_grade
        return selectors.baobao_grades([obj.pk]).get(obj.pk, "")

    @staticmethod
    def resolve_licenses(obj):
        return list(obj.licenses.all())


class EntityIn(Schema):
    name: Text
    uscc: ShortText = ""
    business_type: BusinessType
    sub_type: SubType | None = None
    floor_area: Decimal | None = Field(None, ge=0, le=10_000_000, max_digits=10, decimal_places=1)
    diners: int | None = Field(None, ge=0, le=1_000_000)
    sales_band: SalesBand | None = None
    address: Text
    region_code: RegionCode
    longitude: Decimal | None = Field(None, ge=73, le=136, max_digits=9, decimal_places=6)
    latitude: Decimal | None = Field(None, ge=3, le=54, max_digits=8, decimal_places=6)
    status: Entity.Status = Entity.Status.OPERATING
    department_code: ShortText | None = None
    override_reason: Text = ""


class EntityPatch(Schema):
    name: Text | None = None
    uscc: ShortText | None = None
    business_type: BusinessType | None = None
    sub_type: SubType | None = None
    floor_area: Decimal | None = Field(None, ge=0, le=10_000_000, max_digits=10, decimal_places=1)
    diners: int | None = Field(None, ge=0, le=1_000_000)
    sales_band: SalesBand | None = None
    address: Text | None = None
    region_code: RegionCode | None = None
    longitude: Decimal | None = Field(None, ge=73, le=136, max_digits=9, decimal_places=6)
    latitude: Decimal | None = Field(None, ge=3, le=54, max_digits=8, decimal_places=6)
    status: Entity.Status | None = None
    department_code: ShortText | None = None
    override_reason: Text = ""


class EntityFilter(Schema):
    region: RegionCode | None = None
    q: Text = ""
    business_type: BusinessType | None = None
    grade: Entity.Grade | None = None
    status: Entity.Status | None = None
    license_expiring_days: int | None = Field(None, ge=0, le=3650)


def _service_kwargs(payload: Schema, **dump) -> dict:
    data = payload.dict(**dump)
    for key in ("sub_type", "sales_band"):
        if key in data and data[key] is None:
            data[key] = ""
    return data


@router.get("", response=list[EntityOut], summary="市场主体检索（名称、统一社会信用代码或许可证号前缀）")
@access(ACCOUNTS)
@paginate(Pages)
def entity_list(request, filters: Query[EntityFilter]):
    f = {k: (v or "") if k in ("business_type", "grade", "status") else v for k, v in filters.dict().items()}
    return selectors.entity_list(user=request.user, region_code=f.pop("region"), **f).prefetch_related("licenses")


@router.post("", response={201: EntityOut}, summary="登记市场主体")
@access(perm="entities.manage_entities")
def entity_create(request, payload: EntityIn):
    data = _service_kwargs(payload)
    return Status(201, services.create_entity(actor=request.user, **data))


class ExpiringLicenseOut(Schema):
    id: int
    kind: License.Kind
    number: str
    issued_on: datetime.date | None
    expires_on: datetime.date
    days_left: int
    entity_id: int
    entity_name: str
    region_code: str
    region_name: str

    @staticmethod
    def resolve_days_left(obj):
        return (obj.expires_on - timezone.localdate()).days

    @staticmethod
    def resolve_entity_name(obj):
        return obj.entity.name

    @staticmethod
    def resolve_region_code(obj):
        return obj.entity.region_id

    @staticmethod
    def resolve_region_name(obj):
        return obj.entity.region.name


class ExpiringFilter(Schema):
    region: RegionCode | None = None
    days: int | None = Field(None, ge=0, le=366, description="默认为所在区划的到期提醒天数规则（30 天）")


# before "/{pk}", which would otherwise be tried first
@router.get("/licenses/expiring", response=list[ExpiringLicenseOut], summary="即将到期的许可证照（按到期日排序）")
@access(ACCOUNTS)
@paginate(Pages)
def expiring_licenses(request, filters: Query[ExpiringFilter]):
    return selectors.expiring_licenses(user=request.user, region_code=filters.region, days=filters.days)


@router.get("/{pk}", response=EntityOut, summary="市场主体详情")
@access(ACCOUNTS, objects="entity")
def entity_get(request, pk: Id):
    return selectors.entity_get(user=request.user, pk=pk)


@router.patch("/{pk}", response=EntityOut, summary="修改市场主体")
@access(perm="entities.manage_entities", objects="entity")
def entity_update(request, pk: Id, payload: EntityPatch):
    entity = selectors.entity_get(user=request.user, pk=pk)
    data = _service_kwargs(payload, exclude_unset=True)
    return services.update_entity(actor=request.user, entity=entity, **data)


@router.delete("/{pk}", response=EntityOut, summary="注销市场主体（仅改经营状态，不删除记录）")
@access(perm="entities.manage_entities", objects="entity")
def entity_deregister(request, pk: Id):
    entity = selectors.entity_get(user=request.user, pk=pk)
    return services.deregister_entity(actor=request.user, entity=entity)
