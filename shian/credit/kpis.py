"""Figures of credit for the dashboard (docs/credit.md §4, docs/kpis.md), built from additive parts
(shian/core/kpis.py): liability-insurance coverage of the priority categories (ruledefs.PRIORITY_CATEGORIES: meat,
egg, milk and baijiu producers, school canteens, rural collective dinners, group-meal distributors, central
kitchens; target for rural collective dinners: rule credit.insurance_rural_dinner_target_pct, 80 %) and the credit
classes of operating entities."""

import datetime
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from shian.core.jurisdiction import narrow_to
from shian.core.kpis import Breakdown, Kpi, Provider, absorb, ratio, records_url, register
from shian.entities.models import Entity

from .models import Band, CreditRating, InsurancePolicy
from .ruledefs import PRIORITY_CATEGORIES, PRIORITY_TARGET, RURAL_DINNER_TARGET

TARGETS = {"credit.insured_rural_dinner": RURAL_DINNER_TARGET.code, "credit.insured_priority": PRIORITY_TARGET.code}
NO_CLASS = "-"


def category_q(category: dict, prefix: str = "") -> Q:
    """The entities of a priority category (by sub-type, and for producers by words in the name)."""
    q = Q(**{f"{prefix}sub_type__in": list(category["sub_types"])})
    if category["words"]:
        q &= reduce(or_, (Q(**{f"{prefix}name__contains": w}) for w in category["words"]))
    return q


def priority_q(prefix: str = "") -> Q:
    return reduce(or_, (category_q(c, prefix) for c in PRIORITY_CATEGORIES))


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    entities = narrow_to(Entity.objects.filter(status=Entity.Status.OPERATING), prefix)
    insured = InsurancePolicy.objects.filter(entity_id=OuterRef("pk"), starts_on__lte=as_of, ends_on__gte=as_of)
    entities = entities.annotate(insured=Exists(insured))
    sums = {"ins_due_priority": Count("pk", filter=priority_q()),
            "ins_covered_priority": Count("pk", filter=priority_q() & Q(insured=True))}  # fmt: skip
    for c in PRIORITY_CATEGORIES:
        sums[f"ins_due_{c['key']}"] = Count("pk", filter=category_q(c))
        sums[f"ins_covered_{c['key']}"] = Count("pk", filter=category_q(c) & Q(insured=True))
    out: dict = {}
    absorb(out, grouping.sums(entities, "region_id", "pk", **sums))
    ratings = narrow_to(CreditRating.objects.filter(entity__status=Entity.Status.OPERATING), prefix, "entity__region")
    bands = {f"credit_band:{b}": Count("pk", filter=Q(band=b)) for b in Band.values}
    absorb(out, grouping.sums(ratings, "entity__region_id", "entity_id", **bands))
    return out


def _policies(code: str) -> str:
    return records_url("credit:policy_list", code)


def _kpi(category: dict) -> Kpi:
    key = category["key"]
    label = category["label"]  # policy data in ruledefs.py (Chinese)
    return Kpi(f"credit.insured_{key}", f"责任保险覆盖率：{label}", "%", ratio(f"ins_covered_{key}", f"ins_due_{key}"),
               link=_policies, better="high", doc=f"在营的{label}中，统计日有有效食品安全责任保险保单的比例。")  # fmt: skip


register(
    Provider(
        key="credit",
        count=count,
        kpis=[
            Kpi("credit.insured_priority", _("重点领域责任保险覆盖率"), "%",
                ratio("ins_covered_priority", "ins_due_priority"), link=_policies, better="high",
                doc=_("在营的重点领域主体（肉、蛋、奶、白酒生产企业，学校食堂，农村集体聚餐，集体用餐配送单位，中央厨房）中"
                      "统计日有有效食品安全责任保险保单的比例；目标为规则 credit.insurance_priority_target_pct。")),
            *[_kpi(c) for c in PRIORITY_CATEGORIES],
        ],
        breakdowns=[
            Breakdown("credit", _("按信用等级"), "credit_band", labels=lambda: dict(Band.choices),
                      link=lambda code, key: records_url("credit:rating_list", code, band=key)),
        ],
    )
)  # fmt: skip
