"""The evaluation's recurring jobs (see core.schedule): the recurring sub-items' task instances every day and the
score snapshot every Monday before the dispatch report (docs/evaluation.md §4)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.core.schedule import Job, daily, register

from .services import snapshots, tasks

register(Job(
    "evaluation.generate_tasks", run=lambda now: f"tasks={tasks.generate_due(timezone.localdate(now))}",
    timing=daily("evaluation.tasks_hour"), label=_("示范创建周期任务生成"),
))  # fmt: skip
register(Job(
    "evaluation.weekly_snapshot", run=lambda now: f"snapshots={snapshots.take_all(timezone.localdate(now))}",
    timing=daily("evaluation.snapshot_hour", weekday="evaluation.snapshot_weekday"), label=_("示范创建得分周快照"),
))  # fmt: skip
