"""Background tasks of the core: the probe by which `/readyz` sees that a task worker runs queued work
(shian.core.readiness)."""

from django.utils import timezone
from django_tasks import task
from django_tasks.base import TASK_MAX_PRIORITY


@task(priority=TASK_MAX_PRIORITY)
def worker_probe() -> str:
    """Does nothing but answer: the time the worker ran it."""
    return timezone.now().isoformat()
