"""Issue 21 (cases): the cases' deadline checker (docs/cases.md §2) over N cases of the demo county (default
200,000: 80 % closed, the rest open, about 1 % of them past their 90 days), first run (marks and escalates) and a
second run at the same instant (idempotent: nothing to do), and a clerk's overdue case list (first page) p95, on a
scratch SQLite database (BENCH_DATABASE_URL for another)."""

import datetime
import os
import random
import sys
import tempfile
import time

from common import ROOT, emit, percentile

N = int(os.environ.get("BENCH_CASES_N", "200000"))
SAMPLES = 40


def main() -> None:
    tmp = tempfile.TemporaryDirectory()
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ.update(DATABASE_URL=url, SHIAN_VAR_DIR=tmp.name, DJANGO_SETTINGS_MODULE="shian.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from shian.accounts.models import Role, User
    from shian.cases.models import Case
    from shian.cases.selectors.cases import case_list
    from shian.cases.services.deadlines import check_deadlines
    from shian.core import figcache
    from shian.regions.models import Region

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_regions", "--villages", "370725", verbosity=0)
    villages = list(Region.objects.filter(code__startswith="370725", level=5).values_list("code", flat=True))
    clerk = User.objects.create_user(username="bench-county", role=Role.COUNTY_ADMIN, region_id="370725")
    rng = random.Random(21)
    now = timezone.now()
    started = time.perf_counter()
    rows = []
    for i in range(N):
        opened = now - datetime.timedelta(days=rng.randint(1, 700), hours=rng.randint(0, 23))
        closed = rng.random() < 0.8
        due = opened + datetime.timedelta(days=90)
        if not closed and due < now and rng.random() > 0.05:
            due = now + datetime.timedelta(days=rng.randint(1, 89))  # most open cases are within their 90 days
        rows.append(Case(
            number=f"AJBENCH-{i:07d}", region_id=rng.choice(villages), title="案件", opened_at=opened,
            status=Case.Status.CLOSED if closed else Case.Status.OPEN, created_by=clerk, decision_due=due,
            decided_at=opened + datetime.timedelta(days=30) if closed else None,
            closed_at=opened + datetime.timedelta(days=40) if closed else None,
        ))  # fmt: skip
    with transaction.atomic():
        Case.objects.bulk_create(rows, batch_size=5000)
    load_s = time.perf_counter() - started
    moves = []  # the figures cache's generation writes: one per run (figcache.deferred), not one per audit entry
    real_move_on = figcache._move_on
    figcache._move_on = lambda keys: (moves.append(1), real_move_on(keys))

    def run():  # as `check_deadlines` runs it (shian.core.deadlinechecks.run_all): inside one deferred block
        with figcache.deferred():
            return check_deadlines(now)

    started = time.perf_counter()
    first = run()
    first_s = time.perf_counter() - started
    first_moves = len(moves)
    started = time.perf_counter()
    second = run()
    second_s = time.perf_counter() - started
    timings = []
    for _ in range(SAMPLES):
        started = time.perf_counter()
        list(case_list(user=clerk, overdue=True)[:30])
        timings.append((time.perf_counter() - started) * 1000)
    emit(
        "cases_check_deadlines", database=url.split(":", 1)[0], cases=N, load_s=round(load_s, 1),
        first={"checked": first.checked, "overdue": first.overdue, "escalated": first.escalated,
               "seconds": round(first_s, 2), "figcache_writes": first_moves},
        second={"overdue": second.overdue, "escalated": second.escalated, "seconds": round(second_s, 2)},
        overdue_list_p95_ms=round(percentile(timings, 95), 1),
    )  # fmt: skip


if __name__ == "__main__":
    main()
