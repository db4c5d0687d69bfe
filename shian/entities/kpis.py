"""Registry figures for the dashboard: entities on the register by grade and type, licences about to expire."""

import datetime

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from shian.core import rules
from shian.core.jurisdiction import narrow_to
from shian.core.kpis import Breakdown, Kpi, Provider, add, count_of, merge, records_url, register
from shian.core.periods import day_end

from .models import BusinessType, Entity, License, baobao_grade

EXPIRY_DAYS = "entities.licence_expiry_days"  # the rule (entities/ruledefs.py)


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    """Entities registered by the end of `as_of` and not deregistered, per group, by grade and by type;
    licences of those entities expiring within the rule's days (30 by default) of `as_of`."""
    entities = Entity.objects.exclude(status=Entity.Status.DEREGISTERED).filter(created_at__lt=day_end(as_of))
    entities = narrow_to(entities, prefix)
    out: dict = {}
    # one grouped scan gives the total, the grades and the types
    rows = entities.annotate(k=grouping.key("region_id", "pk"), g=baobao_grade()).values("k", "g", "business_type")
    for r in rows.order_by().annotate(n=Count("pk")):
        group = str(r["k"])
        for name in ("entities", f"grade:{r['g'] or '-'}", f"type:{r['business_type']}"):
            add(out, group, name, r["n"])
    horizon = as_of + datetime.timedelta(days=rules.value(EXPIRY_DAYS, prefix, as_of))
    licences = License.objects.filter(entity__in=entities.values("pk"), expires_on__gte=as_of, expires_on__lte=horizon)
    merge(out, grouping.count(licences, "entity__region_id", "entity_id"), "lic_expiring")
    return out


register(
    Provider(
        key="entities",
        count=count,
        kpis=[
            Kpi(
                "entities.total", _("在册主体"), _("户"), count_of("entities"),
                link=lambda code: records_url("entities:list", code),
                doc=_("登记时间不晚于统计日、未注销的市场主体户数（在营和停业）。"),
            ),
            Kpi(
                "entities.lic_expiring", _("即将到期许可证"), _("张"), count_of("lic_expiring"),
                link=lambda code: records_url("entities:expiring", code), better="low",
                doc=_("在册主体的许可证中，有效期至在统计日起到期提醒天数内（含当日）的张数；天数为所在区划的规则，默认 30 日。"),
            ),
        ],
        breakdowns=[
            Breakdown(
                "grade", _("按包保等级"), "grade",
                labels=lambda: {**{g: _("%(g)s 级") % {"g": g} for g in Entity.Grade.values}, "-": _("未分级")},
                link=lambda code, key: records_url("entities:list", code, grade=key if key != "-" else ""),
            ),
            Breakdown(
                "type", _("按业态"), "type",
                labels=lambda: dict(BusinessType.choices),
                link=lambda code, key: records_url("entities:list", code, business_type=key),
            ),
        ],
    )
)  # fmt: skip
