"""Work-list items of smart markets (shian.core.worklist; docs/markets.md §2): for whoever keeps markets (the station,
administrators, a market's own accounts), the stalls on hold after a failed rapid test; for a market's own account,
today's tests not yet posted. Two grouped queries over the scoped markets."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from shian.core.worklist import TODAY, Item, Provider, register

from .models import Stall, StallTest
from .selectors import markets as selectors
from .services.common import can_keep


def items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    if not can_keep(user):
        return []
    markets = selectors.markets(user=user, region_code=region_code)
    own = user.role == "enterprise" and not user.is_superuser
    first = markets.values_list("pk", flat=True).first() if own else None
    url = reverse("markets:market_detail", args=[first]) if first else reverse("markets:market_list")
    held = Stall.objects.filter(market__in=markets, on_hold=True).count()
    out = [Item("markets.on_hold", _("快检不合格暂停销售的摊位"), held, url, TODAY)]
    if first:
        trading = selectors.active_stalls([first], today).exists()
        posted = StallTest.objects.filter(market_id=first, day=today).exists()
        out.append(Item("markets.not_posted", _("今日摊位快检尚未上传"), int(trading and not posted), url, TODAY))
    return out


register(Provider("markets", items))
