"""Recurring jobs of foodborne-disease reports (shian.core.schedule), imported from FoodborneConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from shian.core.schedule import Job, every, register

from .ruledefs import SWEEP_MINUTES


def _sweep(now) -> str:
    from .services.clusters import sweep

    return f"formed={sweep(now=now)}"


register(Job("foodborne.cluster_sweep", run=_sweep, timing=every(SWEEP_MINUTES.code), label=_("食源性疾病聚集性复核")))
