"""The public scan page (docs/trace.md §2) at /public/trace/<code>/: no login, no cookie, no person. The per-client
limit of the public pages (rule trace.scan_per_minute, 429 with Retry-After); a forged code answers 404, a revoked one
410, each with a clear message. Not cached: a recall must show at the next scan."""

from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from shian.accounts.access import ANYONE
from shian.core.access import access
from shian.core.ratelimit import over_limit

from ..ruledefs import SCAN_PER_MINUTE
from ..selectors.public import scan


@access(ANYONE, objects="public_trace_code")
@require_safe
def scan_page(request, code: str):
    wait = over_limit(request, rule=SCAN_PER_MINUTE.code, bucket="trace-scan")
    if wait:
        response = render(request, "trace/public_scan.html", {"too_many": True, "wait": wait}, status=429)
        response["Retry-After"] = str(wait)
    else:
        found = scan(code)
        response = render(request, "trace/public_scan.html", {"status": found.status, **found.page},
                          status=found.status)  # fmt: skip
    patch_cache_control(response, no_store=True)
    return response
