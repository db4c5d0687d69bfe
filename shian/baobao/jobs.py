"""包保's recurring job (see core.schedule): record the changes the registry shows, once a day."""

from django.utils.translation import gettext_lazy as _

from shian.core.schedule import Job, daily, register

from .services.changes import detect_changes


def _detect(now) -> str:
    counts = detect_changes(actor=None)
    return " ".join(f"{kind}={n}" for kind, n in counts.items())


register(Job("baobao.detect_changes", run=_detect, timing=daily("baobao.detect_changes_hour"), label=_("包保变动检测")))
