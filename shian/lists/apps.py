from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListsConfig(AppConfig):
    """Red/black list editions (红黑榜) and the serious-dishonesty list (严重违法失信名单), with joint punishment (docs/lists.md)."""

    name = "shian.lists"
    verbose_name = _("红黑榜与严重违法失信名单")

    def ready(self):
        from django.db.models.signals import post_save

        from shian.entities.models import KeyPerson, License

        from .services import joint

        # joint punishment (docs/lists.md §3): entities is below this app and never imports it
        post_save.connect(joint.on_licence_saved, sender=License, dispatch_uid="lists.joint.licence")
        post_save.connect(joint.on_key_person_saved, sender=KeyPerson, dispatch_uid="lists.joint.key_person")

        from . import jobs, kpis  # noqa: F401  registers the recurring jobs and the dashboard figures
