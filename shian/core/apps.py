from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shian.core"
    verbose_name = "核心"

    def ready(self):
        from . import checks, rules  # noqa: F401  (checks registers the deploy checks)

        rules.autodiscover()
