"""`/healthz` says the app is alive; `/readyz` says it can do its work: the database answers and a task worker
takes probes off the database queue (shian.core.readiness)."""

from datetime import timedelta

import pytest
from django.db.utils import OperationalError
from django.test import Client
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from shian.core.tasks import worker_probe

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def db_queue(settings):
    """Tasks go to the database queue, as in production; nothing runs them until the test plays the worker."""
    settings.TASKS = DB_TASKS
    settings.READYZ_PROBE_WAIT_SECONDS = 0


def run_worker():
    """What `manage.py db_worker` does in its loop, once: claim each task waiting in the queue and run it (without
    the loop's connection recycling, which would end the test's transaction)."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    for result in DBTaskResult.objects.ready():
        result.claim(worker.worker_id)
        worker.run_task(result)


def test_readyz_is_open_to_anyone_and_ready_when_tasks_run_in_the_request(db):
    """With a backend that runs tasks at once (the test suite's) there is no worker to wait for."""
    r = Client().get("/readyz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["database"]["ok"] is True and body["worker"]["ok"] is True
    assert r["Cache-Control"].startswith("max-age=0")


def test_readyz_is_not_ready_until_a_worker_runs_the_probe_then_ready(db, db_queue):
    """No worker: 503 naming the worker and how long the probe waited. After the worker ran it: 200."""
    r = Client().get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "error" and body["database"]["ok"] is True
    assert body["worker"]["ok"] is False and "db_worker" in body["worker"]["reason"]
    assert DBTaskResult.objects.filter(task_path=worker_probe.module_path, status=TaskResultStatus.READY).count() == 1

    Client().get("/readyz")  # asking again does not pile up probes
    assert DBTaskResult.objects.filter(task_path=worker_probe.module_path).count() == 1

    run_worker()
    r = Client().get("/readyz")
    assert r.status_code == 200, r.content
    assert r.json()["worker"]["ok"] is True and r.json()["worker"]["last_probe_seconds_ago"] < 60


def test_readyz_goes_unready_when_the_last_probe_is_stale_and_old_probes_are_pruned(db, db_queue):
    """A probe answered two hours ago proves nothing now: a new one is queued, the stale one deleted."""
    Client().get("/readyz")
    run_worker()
    DBTaskResult.objects.filter(task_path=worker_probe.module_path).update(
        finished_at=timezone.now() - timedelta(hours=2)
    )
    r = Client().get("/readyz")
    assert r.status_code == 503
    probes = DBTaskResult.objects.filter(task_path=worker_probe.module_path)
    assert [p.status for p in probes] == [TaskResultStatus.READY]


def test_readyz_reports_a_worker_busy_with_another_task(db, db_queue):
    """The reason counts the tasks running, so a long import is told apart from a stopped worker."""
    from shian.imports.tasks import run_batch

    busy = DBTaskResult.objects.get(pk=run_batch.enqueue("x.y", 1).id)
    busy.claim("test-worker")
    body = Client().get("/readyz").json()
    assert body["worker"]["ok"] is False and body["worker"]["running"] == 1


def test_readyz_and_healthz_say_503_when_the_database_is_down(db, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection")

    with monkeypatch.context() as patch:
        patch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", broken)
        for path in ("/healthz", "/readyz"):
            r = Client().get(path)
            assert r.status_code == 503
            assert r.json()["database"]["ok"] is False and r.json()["database"]["error"] == "OperationalError"
        assert Client().get("/readyz").json()["worker"]["ok"] is False
