"""Issue 22 credit on the province-scale demo (Shandong, ~1.06M entities) in PostgreSQL: recompute the credit classes
of the province (`recompute_credit --region 37 --json`, < 120 s) twice: the first run writes every rating, the
second (nothing changed) writes none; and the credit file page p95 over 50 requests for a business with history.

Data: the demo county in full (its inspections, samples, complaints, cases, 包保 problems), then the province's
registry; `load_credit` (shian/demo/credit.py) adds the insurance policies of the priority businesses and a
correction request, for the province (a no-op for what the demo command already made once it calls it).

BENCH_CREDIT_SCALE=county measures the demo county alone in a throwaway SQLite database (a quick check that the
benchmark runs; its figures are not the issue's target). BENCH_PG_URL=... BENCH_CREDIT_SKIP_LOAD=1 measures again on a
province already loaded there."""

import io
import json
import os
import time

from common import django_setup, emit, manage, percentile, scratch_env, scratch_pg

SCALE = os.environ.get("BENCH_CREDIT_SCALE", "province")
PROVINCE, COUNTY = "37", "370725"
REQUESTS = 50
TARGET_S = 120


def load(env: dict) -> None:
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_regions", "--villages", COUNTY if SCALE == "county" else PROVINCE)
    manage(env, "demo")
    if SCALE != "county":
        manage(env, "demo", "--province", PROVINCE)


def command(name: str, *args) -> dict:
    from django.core.management import call_command

    out = io.StringIO()
    started = time.perf_counter()
    call_command(name, *args, "--json", stdout=out)
    seconds = time.perf_counter() - started
    lines = [line for line in out.getvalue().splitlines() if line.strip().startswith("{")]
    return {"seconds": round(seconds, 2), "result": json.loads(lines[-1]) if lines else None}


def file_p95() -> dict:
    """The credit file of the county's business with the most rating events, as the county administrator."""
    from django.test import Client

    from shian.accounts.models import User
    from shian.credit.models import CreditRating

    rating = max(CreditRating.objects.filter(entity__region__code__startswith=COUNTY).exclude(events=[])[:500],
                 key=lambda r: len(r.events), default=None)  # fmt: skip
    if rating is None:
        return {"missing": "演示县没有计分事件"}
    client = Client()
    client.force_login(User.objects.get(username="county"))
    ms = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        assert client.get(f"/credit/{rating.entity_id}/", HTTP_HOST="127.0.0.1").status_code == 200
        ms.append(1000 * (time.perf_counter() - started))
    return {"entity": rating.entity_id, "events": len(rating.events), "p95_ms": round(percentile(ms, 95), 1)}


def _clear_ratings() -> int:
    from django.db import connection

    from shian.credit.models import CreditRating

    n = CreditRating.objects.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {CreditRating._meta.db_table}")
    else:
        CreditRating.objects.all().delete()
    return n


def measure() -> dict:
    from django.utils import timezone

    from shian.demo.credit import load_credit
    from shian.regions.models import Region

    region = COUNTY if SCALE == "county" else PROVINCE
    started = time.perf_counter()
    made = load_credit(county=Region.objects.get(code=region), seed=1, today=timezone.localdate())
    policies_s = round(time.perf_counter() - started, 1)
    cleared = _clear_ratings()  # load_credit recomputes at its end: start the measured run from no ratings
    first = command("recompute_credit", "--region", region)
    second = command("recompute_credit", "--region", region)
    return {
        "scale": SCALE, "policies": made.get("policies"), "load_credit_s": policies_s, "ratings_cleared": cleared,
        "recompute_first": first, "recompute_unchanged": second, "recompute_target_s": TARGET_S,
        "file_page": file_p95(),
    }  # fmt: skip


if SCALE == "county":
    with scratch_env() as env:
        load(env)
        django_setup(env["DATABASE_URL"])
        emit("credit", **measure())
else:
    with scratch_pg() as url:
        started = time.perf_counter()
        if not os.environ.get("BENCH_CREDIT_SKIP_LOAD"):  # re-measure a database loaded before (BENCH_PG_URL)
            load({**os.environ, "DATABASE_URL": url})
        load_s = round(time.perf_counter() - started)
        django_setup(url)
        emit("credit", load_s=load_s, **measure())
