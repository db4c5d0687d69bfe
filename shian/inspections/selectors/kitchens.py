"""Reads of the 明厨亮灶 registry (docs/inspections.md §6): the links of a region, filtered, and the coverage by
category against the targets `inspections.kitchen_school_pct` and `inspections.kitchen_hospital_pct`. Regulators
see their jurisdiction; an enterprise account sees its own entity's links."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from shian.core import rules
from shian.core.jurisdiction import get_entity_row, narrow_to, scope_entity_rows, scope_queryset
from shian.entities.models import BusinessType, Entity, SubType

from ..models import KitchenLink

# (key, label, which entities, the rule holding its target or None)
CATEGORIES = [
    ("school", _("学校、幼儿园食堂"), Q(sub_type__in=[SubType.SCHOOL_CANTEEN, SubType.KINDERGARTEN_CANTEEN]),
     "inspections.kitchen_school_pct"),
    ("elderly", _("养老机构食堂"), Q(sub_type=SubType.ELDERLY_CANTEEN), "inspections.kitchen_school_pct"),
    ("hospital", _("医疗机构食堂"), Q(sub_type=SubType.HOSPITAL_CANTEEN), "inspections.kitchen_hospital_pct"),
    ("canteen", _("其他单位食堂"), Q(business_type=BusinessType.CANTEEN) & ~Q(sub_type__in=[
        SubType.SCHOOL_CANTEEN, SubType.KINDERGARTEN_CANTEEN, SubType.ELDERLY_CANTEEN, SubType.HOSPITAL_CANTEEN]),
     None),
    ("catering", _("餐饮服务"), Q(business_type=BusinessType.CATERING), None),
]  # fmt: skip
CATEGORY_CHOICES = [(key, label) for key, label, _q, _rule in CATEGORIES]


@dataclass
class CoverageRow:
    key: str
    label: str
    entities: int
    linked: int
    target: int | None

    @property
    def pct(self) -> float | None:
        return round(100 * self.linked / self.entities, 1) if self.entities else None

    @property
    def short(self) -> bool:
        """Below its target (a category with no entities is not short)."""
        return self.target is not None and self.pct is not None and self.pct < self.target


def _category(key: str) -> Q:
    return next((q for k, _label, q, _rule in CATEGORIES if k == key), Q())


def link_list(*, user, region_code: str | None = None, status: str = "", category: str = "", q: str = ""):
    qs = KitchenLink.objects.select_related("entity", "entity__region")
    qs = narrow_to(scope_entity_rows(qs, user, field="entity__region"), region_code, "entity__region")
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(entity__in=Entity.objects.filter(_category(category)))
    if q:
        qs = qs.filter(Q(entity__name__contains=q) | Q(platform__contains=q) | Q(channel_id__contains=q))
    return qs.order_by("entity__region_id", "entity__name", "pk")


def link_get(*, user, pk: int) -> KitchenLink:
    """One link the user may see, or 404."""
    return get_entity_row(KitchenLink.objects.select_related("entity"), user, field="entity__region", pk=pk)


def coverage(*, user, region_code: str | None = None) -> list[CoverageRow]:
    """Per category: operating entities, those with a live link (online or offline, not stopped), the target."""
    live = KitchenLink.objects.filter(entity=OuterRef("pk")).exclude(status=KitchenLink.Status.STOPPED)
    base = narrow_to(scope_queryset(Entity.objects.filter(status=Entity.Status.OPERATING), user), region_code)
    rows = []
    for key, label, where, rule in CATEGORIES:
        entities = base.filter(where)
        rows.append(
            CoverageRow(
                key=key, label=str(label), entities=entities.count(), linked=entities.filter(Exists(live)).count(),
                target=rules.value(rule, region_code or "") if rule else None,
            )
        )  # fmt: skip
    return rows
