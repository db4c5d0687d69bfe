from django.utils.functional import SimpleLazyObject

from shian.core.jurisdiction import scope_prefix

SESSION_KEY = "current_region"


def _current_region_code(request) -> str | None:
    """The region chosen in the switcher, never wider than the user's jurisdiction."""
    user = request.user
    prefix = scope_prefix(user)
    if prefix is None:
        return None
    chosen = request.session.get(SESSION_KEY) or ""
    if chosen and chosen.startswith(prefix):
        return chosen
    return prefix


class CurrentRegionMiddleware:
    """Sets request.region_code: the switcher's region for this session (a narrowing of the jurisdiction)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.region_code = SimpleLazyObject(lambda: _current_region_code(request))
        return self.get_response(request)
