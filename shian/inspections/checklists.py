"""Which 监督检查要点表 an entity gets (docs/inspections.md §5): catering and canteens the 餐饮服务 table; sales,
markets and online platforms the 食品销售 table; production, small workshops and the special foods (health food,
infant formula, FSMP) the 食品生产 table. The version that applies comes from the checklist engine."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shian.checklists.models import Checklist
from shian.checklists.services import resolve_checklist
from shian.entities.models import BusinessType, SubType

from .models import InspectionKind

_BY_SUB_TYPE = {
    SubType.SMALL_WORKSHOP: InspectionKind.PRODUCTION,
    SubType.HEALTH_FOOD: InspectionKind.PRODUCTION,
    SubType.INFANT_FORMULA: InspectionKind.PRODUCTION,
    SubType.FSMP: InspectionKind.PRODUCTION,
    SubType.SMALL_EATERY: InspectionKind.CATERING,
    SubType.STALL: InspectionKind.SALES,
}
_BY_TYPE = {
    BusinessType.PRODUCTION: InspectionKind.PRODUCTION,
    BusinessType.SPECIAL: InspectionKind.PRODUCTION,
    BusinessType.SALES: InspectionKind.SALES,
    BusinessType.MARKET: InspectionKind.SALES,
    BusinessType.ONLINE: InspectionKind.SALES,
    BusinessType.CATERING: InspectionKind.CATERING,
    BusinessType.CANTEEN: InspectionKind.CATERING,
    BusinessType.SMALL: InspectionKind.CATERING,
}


def kind_for(business_type: str, sub_type: str = "") -> str:
    """The 监督检查要点表 family for an entity's 业态 and sub-type."""
    return _BY_SUB_TYPE.get(sub_type) or _BY_TYPE.get(business_type, InspectionKind.CATERING)


def is_catering(entity) -> bool:
    """Catering and canteens get the dynamic 量化分级 level (docs/inspections.md §6)."""
    return kind_for(entity.business_type, entity.sub_type) == InspectionKind.CATERING


def checklist_for(entity) -> Checklist:
    """The version of the entity's 监督检查要点表 that applies in its region now."""
    checklist = resolve_checklist(kind=kind_for(entity.business_type, entity.sub_type), region_code=entity.region_id)
    if checklist is None:
        raise ValidationError(_("没有适用于该主体的监督检查要点表。"))
    return checklist
