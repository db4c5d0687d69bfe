"""The entity page's panels: what upper apps show about one entity on its page (docs/architecture.md).

`shian.entities` sits below the apps that know most about an entity (the risk model's score, its warnings), so it
cannot import them. Each such app describes a panel in `<app>/entitypanels.py` with `register(Panel(...))`: a title,
a template and `context(user=, entity=) -> dict | None`, which reads through the app's selectors scoped to `user`
and returns None when it has nothing to show that user (the panel is then left out). The entity page renders
`panels_for(user, entity)` in `order` and needs no change when a later app adds a panel. Core knows no domain app.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("shian.entitypanels")


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str  # rendered with the context function's dict as `panel`
    context: Callable[..., dict | None]  # (user=, entity=) -> the template's data, or None to skip the panel
    order: int = 100


@dataclass(frozen=True)
class Shown:
    """A panel with its data for one user and entity, as the entity page renders it."""

    key: str
    title: str
    template: str
    data: dict


_PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> Panel:
    _PANELS[panel.key] = panel
    return panel


def panels() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.key))


def panels_for(user, entity) -> list[Shown]:
    """The panels with something to show `user` about `entity`, in order. A panel that fails is logged and left
    out, so one broken module does not take the entity page down; with SHIAN_STRICT_PANELS (development and the
    tests) it raises instead, so a broken panel fails its test rather than vanishing from the page."""
    from django.conf import settings

    out = []
    for panel in panels():
        try:
            data = panel.context(user=user, entity=entity)
        except Exception:  # one failing module must not hide the page
            if settings.SHIAN_STRICT_PANELS:
                raise
            log.exception("entity panel %s failed", panel.key)
            continue
        if data:
            out.append(Shown(panel.key, str(panel.title), panel.template, data))
    return out


def autodiscover() -> None:
    """Import every installed app's `entitypanels` module (called from CoreConfig.ready)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("entitypanels")
