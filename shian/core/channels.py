"""The configured notification channels (settings.SHIAN_NOTIFIERS): which backends a message goes through, and
which of them can carry the daily digest (every one but the in-app bell). Backends are named by path, so this
module imports none of them (shian.core.notifiers holds the built-in ones)."""

from django.conf import settings
from django.utils.module_loading import import_string

IN_APP = "shian.core.notifiers.InAppNotifier"


def configured() -> list[str]:
    return list(getattr(settings, "SHIAN_NOTIFIERS", [IN_APP]))


def channels() -> list[tuple[str, str]]:
    """The configured channels a digest can go through (every backend but the in-app one): (path, label)."""
    out = []
    for path in configured():
        if path != IN_APP:
            backend = import_string(path)
            out.append((path, str(getattr(backend, "label", backend.__name__))))
    return out
