"""Recurring work (refresh the dashboard every 4 minutes, the Monday 08:00 dispatch reports), run by
`manage.py run_schedule` beside the web server. Each job decides from the clock and the data whether it is
due, so a job missed while the machine was off runs as soon as the scheduler starts again."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger("shian.schedule")


@dataclass
class Job:
    name: str
    due: Callable  # due(now: aware datetime) -> bool
    run: Callable  # run(now) -> a short result for the log


_jobs: dict[str, Job] = {}


def register(job: Job) -> Job:
    _jobs[job.name] = job
    return job


def jobs() -> list[Job]:
    return list(_jobs.values())


def run_due(now) -> list[str]:
    """Run every job that is due now; a failing job is logged and does not stop the others."""
    ran = []
    for job in jobs():
        try:
            if job.due(now):
                result = job.run(now)
                logger.info("%s: %s", job.name, result)
                ran.append(job.name)
        except Exception:
            logger.exception("%s failed", job.name)
    return ran
