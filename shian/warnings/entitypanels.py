"""The entity page's panel of risk warnings (shian/core/entitypanels.py; docs/warnings.md §4): the entity's open
warnings with level and current deadline and its latest closed ones, for the readers of the warnings pages (an
enterprise sees none, as it cannot open the warnings list)."""

from django.utils.translation import gettext_lazy as _

from shian.core.entitypanels import Panel, register

from .selectors import warnings as selectors
from .views.warnings import READERS


def context(*, user, entity) -> dict | None:
    if not (user.is_superuser or user.role in READERS):
        return None
    return selectors.entity_warnings(user=user, entity=entity)


register(Panel("warnings", _("风险预警"), "warnings/entity_panel.html", context, order=20))
