"""包保 figures for the dashboard: how many entities have a guaranteeing cadre, and whose cadre confirmed the
year's 承诺书."""

import datetime

from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from shian.core.jurisdiction import narrow_to
from shian.core.kpis import Kpi, Provider, absorb, ratio, records_url, register
from shian.core.periods import day_end
from shian.entities.models import Entity

from .models import Commitment, Guarantee


def guarantees_in_force(prefix: str, as_of: datetime.date):
    """Guarantees of entities on the register that took effect by `as_of` (shared with the visits figures)."""
    qs = Guarantee.objects.exclude(entity__status=Entity.Status.DEREGISTERED).filter(
        since__lte=as_of, entity__created_at__lt=day_end(as_of)
    )
    return narrow_to(qs, prefix, "entity__region")


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    guarantees = guarantees_in_force(prefix, as_of)
    confirmed = Commitment.objects.filter(cadre=OuterRef("cadre"), year=as_of.year, confirmed_at__lt=day_end(as_of))
    sums = grouping.sums(guarantees, "entity__region_id", "entity_id",
                         guaranteed=Count("pk"), confirmed=Count("pk", filter=Exists(confirmed)))  # fmt: skip
    out: dict = {}
    absorb(out, sums)
    return out


def _unassigned(parts) -> int:
    return max(parts.get("entities", 0) - parts.get("guaranteed", 0), 0)


register(
    Provider(
        key="baobao",
        count=count,
        kpis=[
            Kpi(
                "baobao.assigned_rate", _("包保落实率"), "%", ratio("guaranteed", "entities"),
                link=lambda code: records_url("baobao:guarantees", code), better="high",
                doc=_("已落实包保干部（包保关系已生效）的在册主体 ÷ 在册主体。"),
            ),
            Kpi(
                "baobao.unassigned", _("未落实包保主体"), _("户"), _unassigned,
                link=lambda code: records_url("baobao:overview", code), better="low",
                doc=_("在册主体中没有生效包保关系的户数。"),
            ),
            Kpi(
                "baobao.confirmed_rate", _("承诺书确认率"), "%", ratio("confirmed", "guaranteed"),
                link=lambda code: records_url("baobao:cadres", code), better="high",
                doc=_("已落实包保的主体中，其包保干部已确认本年度承诺书的比例。"),
            ),
        ],
    )
)  # fmt: skip
