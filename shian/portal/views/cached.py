"""What every public page does before and after its view (docs/portal.md §4): the per-client limit (429 with
`Retry-After`), then the server-side cache (the default cache, keyed by path, query and language) and the
per-page cache headers (`Cache-Control: public, max-age=portal.cache_seconds`). Public pages set no cookie (their
template has no CSRF token and no session), so a proxy may cache them too."""

import hashlib
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from shian.core import rules
from shian.core.ratelimit import over_limit

from ..ruledefs import CACHE_SECONDS, PER_MINUTE


def too_many(request, wait: int) -> HttpResponse:
    response = render(request, "portal/too_many.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    patch_cache_control(response, no_store=True)
    return response


def public_page(view):
    @require_safe
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        wait = over_limit(request, rule=PER_MINUTE.code, bucket="portal")
        if wait:
            return too_many(request, wait)
        seconds = rules.value(CACHE_SECONDS.code)
        digest = hashlib.sha256(f"{get_language()}|{request.get_full_path()}".encode()).hexdigest()
        key = f"portal-page:{digest}"
        hit = cache.get(key) if seconds else None
        if hit is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
        else:
            response = view(request, *args, **kwargs)
            if seconds and response.status_code == 200 and not response.streaming:
                cache.set(key, (response.content, response["Content-Type"]), seconds)
        if response.status_code == 200 and seconds:
            patch_cache_control(response, public=True, max_age=seconds)
        return response

    return wrapped
