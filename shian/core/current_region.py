from shian.core.jurisdiction import scope_prefix
from shian.core.regioncodes import is_region_code

SESSION_KEY = "current_region"
REGION_PARAM = "region"


def current_region_code(request) -> str | None:
    """The region chosen in the switcher for this session, never wider than the user's jurisdiction.

    A link may carry `?region=CODE` (the dashboard's drill-down): a code inside the jurisdiction becomes the
    session's region, so the page it opens and the filters used there stay on that region."""
    prefix = scope_prefix(request.user)
    if prefix is None:
        return None
    asked = request.GET.get(REGION_PARAM, "")
    if is_region_code(asked) and asked.startswith(prefix):
        request.session[SESSION_KEY] = asked
    chosen = request.session.get(SESSION_KEY) or ""
    return chosen if chosen.startswith(prefix) else prefix
