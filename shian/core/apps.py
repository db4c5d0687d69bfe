from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shian.core"
    verbose_name = "核心"

    def ready(self):
        from . import jobs, rules  # noqa: F401  jobs registers the nightly backup

        rules.autodiscover()
