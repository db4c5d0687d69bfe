from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shian.core"
    verbose_name = "核心"

    def ready(self):
        from . import actionlabels, checks, entitypanels, figcache, rules, worklist  # noqa: F401  (checks: the deploy checks; figcache
        # follows audited writes)

        rules.autodiscover()
        actionlabels.autodiscover()
        worklist.autodiscover()
        entitypanels.autodiscover()
        from . import jobs  # noqa: F401  registers core's jobs (the daily digest, the nightly backup)
