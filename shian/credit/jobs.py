"""Recurring jobs of credit (shian.core.schedule; docs/credit.md §2, §4), imported from CreditConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from shian.core.schedule import Job, daily, register

from .ruledefs import RECOMPUTE_HOUR, REMIND_HOUR


def _recompute(now) -> str:
    from .services.recompute import recompute_region

    run = recompute_region()
    return f"entities={run.entities} changed={run.changed} seconds={run.seconds}"


def _remind(now) -> str:
    from .services.insurance import remind_expiring

    return f"reminded={remind_expiring(now)}"


register(Job("credit.recompute", run=_recompute, timing=daily(RECOMPUTE_HOUR.code),
             label=_("信用等级每日重算（时间衰减及批量写入的记录）")))  # fmt: skip
register(Job("credit.insurance_expiry", run=_remind, timing=daily(REMIND_HOUR.code),
             label=_("食品安全责任保险到期提醒")))  # fmt: skip
