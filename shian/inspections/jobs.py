"""Recurring jobs of routine inspections (shian.core.schedule)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.core.schedule import Job, daily, register
from shian.regions.models import Region

from .ruledefs import ESCALATE_HOUR, PATROL_DAY, PATROL_HOUR, PLAN_TASKS_HOUR
from .services import grids


# -- stations, yearly plans, random draws --
def _tasks_from_plans(now) -> str:
    """The month's routine tasks from the current plans of every province (docs/inspections.md §3); daily, so
    a month's tasks appear on its first night and a plan made mid-month is picked up the next night."""
    from .services.planning import tasks_from_plan

    month = timezone.localdate(now)
    created = 0
    for code in Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", flat=True):
        created += tasks_from_plan(region_code=code, month=month)
    return f"month={month:%Y-%m} created={created}"


register(
    Job("inspections.tasks_from_plan", run=_tasks_from_plans, timing=daily(PLAN_TASKS_HOUR.code),
        label=_("按年度检查计划生成本月检查任务"))
)  # fmt: skip


# -- risk grading, grids, 明厨亮灶 --
# The grid workers' 巡查 tasks of the month: from day `inspections.patrol_day` on, once a day at
# `inspections.patrol_hour`; the service makes a task only for entities that have none this month and no open one,
# so the days after the first run add only entities that came into a staffed grid since (docs/inspections.md §1).
def _patrol(now) -> str:
    created = grids.create_patrol_tasks(month=timezone.localdate(now))
    return f"created={created}"


register(
    Job(
        "inspections.patrol_tasks",
        run=_patrol,
        timing=daily(PATROL_HOUR.code, from_day=PATROL_DAY.code),
        label=_("生成网格巡查任务"),
    )
)


# -- rectification: orders still open past deadline + `inspections.escalate_after` working days are referred to
#    the case branch, once a day (docs/inspections.md §5) --


def _escalate_orders(now) -> str:
    from .services.rectification import escalate_overdue_orders

    return f"escalated={escalate_overdue_orders(now=now)}"


register(
    Job(
        "inspections.escalate_orders",
        run=_escalate_orders,
        timing=daily(ESCALATE_HOUR.code),
        label=_("整改逾期移送立案"),
    )
)
