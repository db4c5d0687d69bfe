from .world import portal_world  # noqa: F401
