"""Issue 8: a year of 日管控 records for the demo county (8,000 entities × 365 days at about 92 % filled,
some 2.7 million rows); completion per township for a chosen month (target < 500 ms) on SQLite and on
PostgreSQL, each database in its own process."""

import datetime
import json
import os
import random
import subprocess
import sys
import time

from common import ROOT, emit, percentile, scratch_env, scratch_pg

ENTITIES, DAYS, FILLED, SAMPLES = 8000, 365, 0.92, 20


def one(url: str) -> dict:
    """Load the county and its year of records into `url`, then time the month's completion."""
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="shian.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from shian.accounts.models import Role, User
    from shian.demo.entities import load_county_entities
    from shian.duties import selectors
    from shian.entities.models import Entity
    from shian.regions.models import Region

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_regions", "--villages", "370725", verbosity=0)
    today = datetime.date(2026, 11, 25)
    load_county_entities(county=Region.objects.get(code="370725"), seed=8, count=ENTITIES, today=today)
    user = User.objects.create_user(username="bench-county", role=Role.COUNTY_ADMIN, region_id="370725")
    entities = list(Entity.objects.values_list("pk", "region_id"))
    rng = random.Random(8)
    started = time.perf_counter()
    sql = (
        "INSERT INTO duties_dailycheck (entity_id, region_id, day, all_clear, issues, checked_by_id, checker_name,"
        " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    )
    stamp = datetime.datetime(2026, 11, 25, 9, tzinfo=datetime.UTC)
    rows = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for offset in range(DAYS):
            day = today - datetime.timedelta(days=offset)
            batch = [
                (pk, region, day, True, "[]", user.pk, "安全员", stamp)
                for pk, region in entities
                if rng.random() < FILLED
            ]
            cursor.executemany(sql, batch)
            rows += len(batch)
    load_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    months = [datetime.date(2026, m, 1) for m in range(1, 12)]
    timings = []
    for n in range(SAMPLES):
        begun = time.perf_counter()
        figures = selectors.completion(user=user, region_code="370725", month=months[n % len(months)], today=today)
        timings.append((time.perf_counter() - begun) * 1000)
    assert len(figures["rows"]) == 8 and figures["total"]["daily"] > 0, figures["total"]  # the eight townships
    return {"rows": rows, "load_s": round(load_s, 1), "completion_p95_ms": round(percentile(timings, 95), 1)}


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(one(sys.argv[2])))
        sys.exit(0)
    results = {}
    with scratch_env() as env:
        sqlite_url = env["DATABASE_URL"]
        out = subprocess.run(
            [sys.executable, __file__, "--one", sqlite_url], env=env, check=True, capture_output=True, text=True
        )
        results["sqlite"] = json.loads(out.stdout.strip().splitlines()[-1])
    with scratch_pg() as url:
        out = subprocess.run([sys.executable, __file__, "--one", url], check=True, capture_output=True, text=True)
        results["postgresql"] = json.loads(out.stdout.strip().splitlines()[-1])
    emit(
        "duties",
        entities=ENTITIES,
        daily_rows=results["sqlite"]["rows"],
        load_s_sqlite=results["sqlite"]["load_s"],
        load_s_postgresql=results["postgresql"]["load_s"],
        completion_month_p95_ms_sqlite=results["sqlite"]["completion_p95_ms"],
        completion_month_p95_ms_postgresql=results["postgresql"]["completion_p95_ms"],
        completion_target_ms=500,
    )
