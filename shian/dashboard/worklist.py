"""The dashboard's work-list item (shian.core.worklist): the lagging units of the user's region, the same ones the
dashboard names (lowest composite score)."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from shian.accounts.models import Role
from shian.core.jurisdiction import scope_prefix
from shian.core.regioncodes import COUNTY, LEVEL_LENGTH
from shian.core.worklist import SOON, Item, Provider, register

from . import selectors


def items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    if getattr(user, "role", "") not in {Role.COUNTY_ADMIN, Role.CITY_ADMIN, Role.PROVINCE_ADMIN}:
        return []
    code = region_code if region_code is not None else scope_prefix(user) or ""
    if not code or len(code) > LEVEL_LENGTH[COUNTY]:
        return []
    fig = selectors.figures(user=user, region_code=code)
    lagging = selectors.lagging(selectors.rows(fig))
    names = "、".join(str(r["name"]) for r in lagging)
    return [Item("dashboard.lagging", _("综合得分落后的下级单位"), len(lagging),
                 reverse("dashboard:index") + f"?region={code}", SOON, note=names)]  # fmt: skip


register(Provider("dashboard", items))
