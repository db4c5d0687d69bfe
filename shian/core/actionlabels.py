"""Human labels for audit action codes, so no page ever shows a raw code such as `problem.escalate`.

Each app registers the labels of the actions it records in its own `auditlabels.py` with
`register_labels({"problem.escalate": _("问题逾期升级"), ...})`; `CoreConfig.ready()` imports every installed app's
`auditlabels` module. `label(code)` gives the label, and a code nobody registered falls back to a generic label
(never the code itself). Templates use the `action_label` filter (`{% load audit %}`).
`tests/core/test_action_labels.py` greps every `audit.record(action=...)` literal in shian/ and checks it has a
label.
"""

from django.utils.translation import gettext_lazy as _

_LABELS: dict[str, object] = {}

GENERIC = _("系统操作")


def register_labels(labels: dict[str, object]) -> None:
    """Register labels for action codes; a code has one label (registering it again differently is an error)."""
    for code, text in labels.items():
        if code in _LABELS and str(_LABELS[code]) != str(text):
            raise ValueError(f"audit action {code!r} already has a different label")
        _LABELS[code] = text


def label(code: str) -> str:
    """The Chinese label of an action code; unknown codes get the generic label."""
    return str(_LABELS.get(code or "", GENERIC))


def has_label(code: str) -> bool:
    return code in _LABELS


def labels() -> dict[str, str]:
    return {code: str(text) for code, text in _LABELS.items()}


def autodiscover() -> None:
    """Import every installed app's `auditlabels` module (called from CoreConfig.ready)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("auditlabels")
