"""Issue 21 (docs/emergency.md §4): the emergency clocks at scale. N incidents and N opinion items in the demo
county (default 250,000 each; nearly all reported or fed back, 1 % still open past their deadline), then the two
checkers that `check_deadlines` runs (the first run flags the overdue ones, a second run at the same instant
flags nothing), and a clerk's overdue incident list page p95 (target < 150 ms), on SQLite and on PostgreSQL, each
database in its own process. `BENCH_EMERGENCY_ROWS` sets N; `BENCH_EMERGENCY_DBS=sqlite` runs one database."""

import datetime
import json
import os
import random
import subprocess
import sys
import time

from common import ROOT, emit, percentile, scratch_env, scratch_pg

ROWS = int(os.environ.get("BENCH_EMERGENCY_ROWS", "250000"))
OPEN_SHARE, SAMPLES, BATCH = 0.01, 40, 5000


def one(url: str) -> dict:
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="shian.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from shian.accounts.models import Role, User
    from shian.core import deadlinechecks, figcache
    from shian.emergency.models import Incident, Opinion
    from shian.regions.models import Region

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_regions", "--villages", "370725", verbosity=0)
    villages = list(Region.objects.filter(code__startswith="370725", level=5).values_list("code", flat=True))
    clerk = User.objects.create_user(username="bench-clerk", password="bench-pass", role=Role.COUNTY_ADMIN,
                                     region_id="370725")  # fmt: skip
    rng = random.Random(21)
    now = timezone.now()
    started = time.perf_counter()
    for model, prefix in ((Incident, "SG"), (Opinion, "YQ")):
        for start in range(0, ROWS, BATCH):
            rows = []
            for n in range(start, min(start + BATCH, ROWS)):
                seen = now - datetime.timedelta(minutes=rng.randint(200, 60 * 24 * 700))
                pending = rng.random() < OPEN_SHARE
                hours = 2 if model is Incident else 24
                due = seen + datetime.timedelta(hours=hours)
                done = None if pending else seen + datetime.timedelta(minutes=rng.randint(10, hours * 70))
                common = {"number": f"{prefix}BENCH-{n:07d}", "region_id": rng.choice(villages), "created_by": clerk,
                          "title": f"事项{n}", "summary": "基准测试"}  # fmt: skip
                if model is Incident:
                    rows.append(Incident(**common, grade="IV", occurred_at=seen, aware_at=seen, first_report_due=due,
                                         first_reported_at=done, first_report_late=bool(done and done > due),
                                         status="open" if pending else "closed"))  # fmt: skip
                else:
                    rows.append(Opinion(**common, source_url="https://example.cn/p", found_at=seen, feedback_due=due,
                                        fed_back_at=done, feedback_late=bool(done and done > due),
                                        status="open" if pending else "closed"))  # fmt: skip
            model.objects.bulk_create(rows)
    load_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    emergency = {k: v for k, v in deadlinechecks.checkers().items() if k.startswith("emergency.")}
    moves = []  # the figures cache's generation writes: one per run (figcache.deferred), not one per audit entry
    real_move_on = figcache._move_on
    figcache._move_on = lambda keys: (moves.append(1), real_move_on(keys))

    def run():  # as `check_deadlines` runs them (shian.core.deadlinechecks.run_all): one deferred block
        with figcache.deferred():
            return sum((check(now) for check in emergency.values()), deadlinechecks.Counts())

    begun = time.perf_counter()
    first = run()
    first_s = time.perf_counter() - begun
    first_moves = len(moves)
    begun = time.perf_counter()
    second = run()
    second_s = time.perf_counter() - begun
    assert first.overdue > 0 and second.overdue == 0, (first, second)
    client = Client()
    client.force_login(clerk)
    timings = []
    for _ in range(SAMPLES):
        begun = time.perf_counter()
        answer = client.get("/emergency/incidents/?report=overdue&region=370725", HTTP_HOST="127.0.0.1")
        timings.append((time.perf_counter() - begun) * 1000)
        assert answer.status_code == 200
    return {"rows": 2 * ROWS, "load_s": round(load_s, 1), "checked": first.checked, "overdue": first.overdue,
            "check_s": round(first_s, 2), "recheck_s": round(second_s, 2), "figcache_writes": first_moves,
            "overdue_list_p95_ms": round(percentile(timings, 95), 1)}  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(one(sys.argv[2])))
        sys.exit(0)
    wanted = os.environ.get("BENCH_EMERGENCY_DBS", "sqlite,postgresql").split(",")
    results = {}
    if "sqlite" in wanted:
        with scratch_env() as env:
            out = subprocess.run([sys.executable, __file__, "--one", env["DATABASE_URL"]], env=env, check=True,
                                 capture_output=True, text=True)  # fmt: skip
            results["sqlite"] = json.loads(out.stdout.strip().splitlines()[-1])
    if "postgresql" in wanted:
        with scratch_pg() as url:
            out = subprocess.run([sys.executable, __file__, "--one", url], check=True, capture_output=True, text=True)
            results["postgresql"] = json.loads(out.stdout.strip().splitlines()[-1])
    emit("emergency", rows=2 * ROWS, overdue_list_target_ms=150,
         **{f"{k}_{db}": v for db, r in results.items() for k, v in r.items() if k != "rows"})  # fmt: skip
