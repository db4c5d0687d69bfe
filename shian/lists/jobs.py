"""Recurring jobs of the lists (shian.core.schedule), imported from ListsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from shian.core.schedule import Job, daily, every, register

from .ruledefs import EXPIRE_HOUR, SWEEP_MINUTES

# -- dishonesty list: entries whose term ended leave the list, once a day (docs/lists.md §2) --


def _expire(now) -> str:
    from .services.dishonesty import expire_due

    return f"expired={expire_due()}"


register(Job("lists.expire", run=_expire, timing=daily(EXPIRE_HOUR.code), label=_("严重违法失信名单期满移出")))


# -- joint punishment: licences and key persons written in bulk (imports send no signals) (docs/lists.md §3) --


def _sweep(now) -> str:
    from .services.joint import sweep

    return " ".join(f"{k}={v}" for k, v in sweep().items())


register(Job("lists.joint_sweep", run=_sweep, timing=every(SWEEP_MINUTES.code), label=_("联合惩戒比对（批量导入）")))
