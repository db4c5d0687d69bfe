"""Recurring jobs of dinners (shian.core.schedule; docs/dinners.md §3), imported from DinnersConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from shian.core.schedule import Job, daily, register

from .ruledefs import REMIND_HOUR


def _remind(now) -> str:
    from .services.chefs import remind_expiring

    return f"reminded={remind_expiring(now)}"


register(Job("dinners.cert_expiry", run=_remind, timing=daily(REMIND_HOUR.code),
             label=_("流动厨师健康证明到期提醒")))  # fmt: skip
