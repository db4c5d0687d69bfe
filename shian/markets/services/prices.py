"""The price board (价格公示, docs/markets.md §3): a stall's prices of the day, optional, entered as a short list of
(product, unit, price); entering a day again replaces that day's list for the stall.

    set_prices(actor=, market=, stall_id=, day=, rows=[{"product", "unit", "price"}]) -> [StallPrice]"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import audit, rules
from shian.entities.models import Entity

from ..models import StallPrice
from ..ruledefs import PRICE_ROWS
from .common import require_keeper
from .testing import find_stall

PRICE_MAX = Decimal("999999.99")


@transaction.atomic
def set_prices(*, actor, market: Entity, stall_id: int | None, day: datetime.date | None, rows: list[dict]) -> list:
    require_keeper(actor, market)
    errors: dict = {}
    stall = find_stall(market, stall_id, errors)
    if day is None:
        errors["day"] = [_("请填写日期（年-月-日）。")]
    elif day > timezone.localdate():
        errors["day"] = [_("价格日期不能晚于今天。")]
    limit = rules.value(PRICE_ROWS.code, market.region_id)
    rows = [r for r in rows if any(str(r.get(k) or "").strip() for k in ("product", "price"))]
    if len(rows) > limit:
        errors["rows"] = [_("一次最多填写 %(n)d 个品名。") % {"n": limit}]
    cleaned, seen, problems = [], set(), []
    for n, row in enumerate(rows, 1):
        product = str(row.get("product") or "").strip()
        unit = str(row.get("unit") or "").strip() or "斤"
        try:
            price = Decimal(str(row.get("price") or "").strip()).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            price = None
        if not product or len(product) > StallPrice._meta.get_field("product").max_length:
            problems.append(_("第 %(n)d 行：请填写品名（最多 50 字）。") % {"n": n})
        elif product in seen:
            problems.append(_("第 %(n)d 行：品名“%(p)s”重复。") % {"n": n, "p": product})
        if price is None or price <= 0 or price > PRICE_MAX:
            problems.append(_("第 %(n)d 行：请填写大于 0 的价格（元）。") % {"n": n})
        if len(unit) > StallPrice._meta.get_field("unit").max_length:
            problems.append(_("第 %(n)d 行：计价单位过长。") % {"n": n})
        seen.add(product)
        cleaned.append((product, unit, price))
    if problems:
        errors["rows"] = errors.get("rows", []) + problems
    if errors:
        raise ValidationError(errors)
    before = list(StallPrice.objects.filter(stall=stall, day=day).values_list("product", "price"))
    StallPrice.objects.filter(stall=stall, day=day).delete()
    made = StallPrice.objects.bulk_create([
        StallPrice(stall=stall, market=market, day=day, product=p, unit=u, price=v, recorded_by=actor)
        for p, u, v in cleaned
    ])  # fmt: skip
    audit.record(actor=actor, action="markets.prices", obj=stall, region_code=market.region_id,
                 before={"prices": [[p, str(v)] for p, v in before]},
                 after={"day": day.isoformat(), "prices": [[p, str(v)] for p, _u, v in cleaned]})  # fmt: skip
    return made
