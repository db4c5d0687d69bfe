from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListsConfig(AppConfig):
    """Red/black list editions (红黑榜) and the serious-dishonesty list (严重违法失信名单), with joint punishment (docs/lists.md)."""

    name = "shian.lists"
    verbose_name = _("红黑榜与严重违法失信名单")
