"""Routine inspections' recurring jobs (see core.schedule).

-- risk grading, grids, 明厨亮灶 --
The grid workers' 巡查 tasks of the month: from day `inspections.patrol_day` on, once a day at
`inspections.patrol_hour`; the service makes a task only for entities that have none this month and no open one,
so the days after the first run add only entities that came into a staffed grid since (docs/inspections.md §1)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.core.schedule import Job, daily, register

from .services import grids


def _patrol(now) -> str:
    created = grids.create_patrol_tasks(month=timezone.localdate(now))
    return f"created={created}"


register(
    Job(
        "inspections.patrol_tasks",
        run=_patrol,
        timing=daily("inspections.patrol_hour", from_day="inspections.patrol_day"),
        label=_("生成网格巡查任务"),
    )
)
