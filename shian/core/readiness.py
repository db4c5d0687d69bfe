"""Readiness (`/readyz`): the database answers and a task worker is taking work off the queue.

The signal for the worker is end to end rather than a process list or a heartbeat file, so it holds whether the
worker runs on this machine or another: a tiny probe task (`shian.core.tasks.worker_probe`) is put in the same
database queue as the ledger imports, and the worker is reachable when a probe was run within the last
`READYZ_PROBE_FRESH_SECONDS` (60) seconds. When none was, the check queues one (at most one waits at a time) and
gives the worker `READYZ_PROBE_WAIT_SECONDS` (3) seconds to run it; `db_worker` polls every second. The probe has
the highest priority, so it overtakes queued imports but not one that is running: a single worker busy with a
long import reads as not ready, and the reason says so (the running count). Probes older than an hour are
deleted. The writes are bookkeeping of the task queue, not records, so they carry no audit entry.

With a backend that runs tasks in the request (the test suite's), there is no worker to reach and the check
says so."""

import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.base import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from .tasks import worker_probe


def database_status() -> dict:
    """`{"ok": True, "vendor": ...}` when a query answers; otherwise ok False and the error's class."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # any driver error means "not healthy"
        return {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}


def worker_status(*, now=None) -> dict:
    """Whether a task worker runs queued tasks (see the module docstring); `reason` in Chinese when not."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if not isinstance(backend, DatabaseBackend):
        return {"ok": True, "backend": type(backend).__name__, "detail": "tasks run inside the request"}
    now = now or timezone.now()
    fresh = timedelta(seconds=getattr(settings, "READYZ_PROBE_FRESH_SECONDS", 60))
    wait = float(getattr(settings, "READYZ_PROBE_WAIT_SECONDS", 3))
    probes = DBTaskResult.objects.filter(task_path=worker_probe.module_path)
    last = probes.filter(status=TaskResultStatus.SUCCESSFUL).order_by("-finished_at").first()
    if last and last.finished_at >= now - fresh:
        return _answered(last, now)
    pending = probes.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).order_by("enqueued_at")
    oldest = pending.first()
    if oldest is None:
        probes.filter(finished_at__lt=now - timedelta(hours=1)).delete()
        oldest = DBTaskResult.objects.get(pk=worker_probe.enqueue().id)
    deadline = time.monotonic() + wait
    while True:
        oldest.refresh_from_db()
        if oldest.status == TaskResultStatus.SUCCESSFUL:
            return _answered(oldest, timezone.now())
        if time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    running = (
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exclude(task_path=worker_probe.module_path).count()
    )
    waited = (timezone.now() - oldest.enqueued_at).total_seconds()
    reason = _(
        "任务处理进程（db_worker）未处理探测任务：已等待 %(waited)d 秒，正在运行的其他任务 %(running)d 个。"
        "请检查 db_worker 是否在运行；若它正忙于长时间的导入，完成后即恢复。"
    ) % {"waited": waited, "running": running}
    return {
        "ok": False,
        "backend": "database",
        "waited_seconds": round(waited, 1),
        "running": running,
        "reason": reason,
    }


def _answered(result, now) -> dict:
    return {
        "ok": True,
        "backend": "database",
        "last_probe_seconds_ago": round((now - result.finished_at).total_seconds(), 1),
    }
