"""Recurring jobs of routine inspections (shian.core.schedule), imported from the app's ready(). Each part keeps
its own block."""

from django.utils.translation import gettext_lazy as _

from shian.core.schedule import Job, daily, register

# -- rectification: orders still open past deadline + `inspections.escalate_after` working days are referred to
#    the case branch, once a day (docs/inspections.md §5) --


def _escalate_orders(now) -> str:
    from .services.rectification import escalate_overdue_orders

    return f"escalated={escalate_overdue_orders(now=now)}"


register(
    Job(
        "inspections.escalate_orders",
        run=_escalate_orders,
        timing=daily("visits.escalate_hour"),
        label=_("整改逾期移送立案"),
    )
)
