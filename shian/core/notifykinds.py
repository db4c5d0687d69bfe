"""Notification kinds: what a message is about, so people can group, mute and digest them.

A module registers the kinds it sends with `register_kind("problem.escalated", _("问题逾期升级"))` in its
`auditlabels.py` (the app's labels: audit actions and notification kinds, imported by `CoreConfig.ready()`), and
passes `kind=` and `group=` to `shian.core.services.notify` / `shian.core.notifiers.deliver`. Messages of one kind
and group (a region, an entity, a test) show as one line in the list and count once in the badge; the settings
page lists the registered kinds so a user can mute one.
"""

_KINDS: dict[str, object] = {}


def register_kind(code: str, label) -> None:
    if code in _KINDS and str(_KINDS[code]) != str(label):
        raise ValueError(f"notification kind {code!r} already has a different label")
    _KINDS[code] = label


def kinds() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in _KINDS.items()]


def is_kind(code: str) -> bool:
    return code in _KINDS
