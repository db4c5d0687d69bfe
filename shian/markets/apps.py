from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketsConfig(AppConfig):
    """Smart markets (智慧菜市场, docs/markets.md): stall registry, stall-level daily rapid tests, price board."""

    name = "shian.markets"
    verbose_name = _("智慧菜市场")
