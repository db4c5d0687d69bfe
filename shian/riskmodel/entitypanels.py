"""The entity page's panel of the risk model (shian/core/entitypanels.py; docs/riskmodel.md §5): the entity's
probability of a 重点项 failure, its rank in its band and the features behind it, for regulators only, like the
model's own pages (an enterprise sees no score)."""

from django.utils.translation import gettext_lazy as _

from shian.core.entitypanels import Panel, register

from . import selectors
from .views.pages import READERS


def context(*, user, entity) -> dict | None:
    if not (user.is_superuser or user.role in READERS):
        return None
    return selectors.entity_panel(user=user, entity=entity)


register(Panel("riskmodel", _("检查优先级评分"), "riskmodel/entity_panel.html", context, order=10))
