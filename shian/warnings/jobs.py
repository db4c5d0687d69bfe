"""The scheduled run of every warning rule and the warning clock (shian.core.schedule; docs/warnings.md §3),
imported from WarningsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from shian.core.schedule import Job, every, register

from .ruledefs import RUN_MINUTES


def _run(now) -> str:
    from .services.run import run

    result = run(at=now)
    return " ".join(f"{k}={v}" for k, v in result.items())


register(Job("warnings.run", run=_run, timing=every(RUN_MINUTES.code), label=_("风险预警规则运行与逾期升级")))
