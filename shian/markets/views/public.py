"""The public market page (docs/markets.md §4): no login, no personal data, phone-first, in the portal's style;
limited per client address through shian.core.ratelimit like the portal's pages (429 with Retry-After)."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from shian.accounts.access import ANYONE
from shian.core.access import access
from shian.core.ratelimit import over_limit

from ..ruledefs import PUBLIC_PER_MINUTE
from ..selectors import public as selectors


@access(ANYONE, objects="public_market")
@require_safe
def public_market(request, pk: int):
    """今日快检公示: today's tests by stall, failures highlighted, and the prices posted today."""
    wait = over_limit(request, rule=PUBLIC_PER_MINUTE.code, bucket="markets-public")
    if wait:
        response = render(request, "portal/too_many.html", {"wait": wait}, status=429)
        response["Retry-After"] = str(wait)
        patch_cache_control(response, no_store=True)
        return response
    market = selectors.public_market(pk)
    day = timezone.localdate()
    rows = selectors.public_board(market, day)
    context = {"market": market, "day": day, "rows": rows,
               "tests": sum(len(r["tests"]) for r in rows), "failed": sum(1 for r in rows for t in r["tests"] if t["failed"]),
               "has_prices": any(r["prices"] for r in rows)}  # fmt: skip
    return render(request, "markets/public_market.html", context)
