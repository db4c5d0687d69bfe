"""A fixed one-minute window per client address (shian.core.clientip), counted in the default cache: the limit of
the public pages and of the open API (docs/portal.md §4). Over the limit the caller answers 429 with `Retry-After`
(seconds to the next window)."""

import math
import time

from django.core.cache import cache

from shian.core import rules
from shian.core.clientip import client_ip


def over_limit(request, *, rule: str, bucket: str) -> int:
    """0 when the request is within the client's limit; else the seconds until the window turns (≥ 1)."""
    now = time.time()
    key = f"{bucket}:{client_ip(request) or '-'}:{int(now // 60)}"
    if cache.add(key, 1, timeout=70):
        n = 1
    else:
        try:
            n = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=70)
            n = 1
    if n <= rules.value(rule):
        return 0
    return seconds_to_next_window(now)


def seconds_to_next_window(now: float | None = None) -> int:
    """The `Retry-After` of a refusal: whole seconds until the next one-minute window (≥ 1)."""
    now = time.time() if now is None else now
    return max(1, math.ceil(60 - now % 60))
