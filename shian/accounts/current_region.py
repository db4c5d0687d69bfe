from shian.core.jurisdiction import scope_prefix

SESSION_KEY = "current_region"


def current_region_code(request) -> str | None:
    """The region chosen in the switcher for this session, never wider than the user's jurisdiction."""
    prefix = scope_prefix(request.user)
    if prefix is None:
        return None
    chosen = request.session.get(SESSION_KEY) or ""
    return chosen if chosen.startswith(prefix) else prefix
