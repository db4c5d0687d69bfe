from django.apps import AppConfig


class BaobaoConfig(AppConfig):
    name = "shian.baobao"
    verbose_name = "包保"

    def ready(self):
        from . import jobs  # noqa: F401  registers the daily change detection
