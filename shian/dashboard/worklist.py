"""The dashboard's work-list item (shian.core.worklist): the lagging units of the user's region, the same ones the
dashboard names (lowest composite score)."""

import datetime

from django.core.cache import cache
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
    names = _lagging_names(user, code)
    return [Item("dashboard.lagging", _("综合得分落后的下级单位"), len(names),
                 reverse("dashboard:index") + f"?region={code}", SOON, note="、".join(names))]  # fmt: skip


def _lagging_names(user, code: str) -> list[str]:
    """The lagging units' names, counted live like the dashboard and kept as long as the dashboard keeps a
    snapshot fresh (a home page is opened far more often than the figures change). Figures of a region are
    the same for everyone who may see it, so the cache is per region."""
    key = f"worklist:lagging:{code}"
    names = cache.get(key)
    if names is None:
        fig = selectors.figures(user=user, region_code=code)
        names = [str(r["name"]) for r in selectors.lagging(selectors.rows(fig))]
        cache.set(key, names, selectors.STALE_AFTER.total_seconds())
    return names


register(Provider("dashboard", items))
