"""Sampling's recurring jobs (shian.core.schedule), imported from SamplingConfig.ready(); each part keeps its
own block."""

from django.utils.translation import gettext_lazy as _

from shian.core.schedule import Job, daily, register

from .services import samples as sample_services

# -- samples: overdue to-lab and report deadlines, once a day (docs/sampling.md §3) --


def _flag_overdue_samples(now) -> str:
    counts = sample_services.flag_overdue(now=now)
    return f"to_lab={counts['to_lab']} report={counts['report']}"


register(
    Job("sampling.overdue_samples", run=_flag_overdue_samples, timing=daily("sampling.overdue_hour"),
        label=_("样品逾期送检、逾期出报告提醒"))
)  # fmt: skip


# -- results: disposal cases past their deadline, once a day (docs/sampling.md §4) --
from .services import disposal as disposal_services  # noqa: E402


def _flag_overdue_disposals(now) -> str:
    return f"disposals={disposal_services.flag_overdue(now=now)}"


register(
    Job("sampling.overdue_disposals", run=_flag_overdue_disposals, timing=daily("sampling.disposal_overdue_hour"),
        label=_("核查处置逾期提醒"))
)  # fmt: skip
