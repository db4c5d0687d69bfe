"""Recurring jobs of complaints (shian.core.schedule), imported from the app's ready(); each part keeps its own block."""

from django.utils.translation import gettext_lazy as _

from shian.core import deadlinechecks
from shian.core.schedule import Job, daily, register

from .ruledefs import CHECK_HOUR

# -- complaints: the statutory clock of every module, once a day (docs/complaints.md §4) --


def _check_deadlines(now) -> str:
    total, _each = deadlinechecks.run_all(now)
    return f"checked={total.checked} overdue={total.overdue} escalated={total.escalated}"


register(
    Job("complaints.check_deadlines", run=_check_deadlines, timing=daily(CHECK_HOUR.code),
        label=_("投诉举报、案件、事件等法定期限检查（逾期提醒、上报）"))
)  # fmt: skip
