"""Issue 20's plan benchmark: a year's sampling plan for the province (Shandong, ≈100M residents) with
`plan_sampling --year Y --region 37 --json` in under 10 s, then the same year planned again (the lines and tasks
replaced in place).

Data: the region tree (every township of the province), residents on each township (a seeded split of
PROVINCE_RESIDENTS, as a statistics bureau's table would give them) and a 市场监管所 per township, so every plan
line becomes a task of a station. Runs on a throwaway SQLite database (BENCH_DATABASE_URL to use another);
BENCH_SAMPLING_DB=pg runs it on a scratch PostgreSQL cluster too."""

import io
import json
import os
import random
import time

from common import django_setup, emit, manage, scratch_env, scratch_pg

PROVINCE = "37"
PROVINCE_RESIDENTS = 101_000_000
YEAR = 2027
TARGET_S = 10


def prepare() -> dict:
    """Residents on every township of the province and a station per township (set-based)."""
    from shian.inspections.models import Station
    from shian.regions.models import Region

    townships = list(Region.objects.filter(code__startswith=PROVINCE, level=Region.Level.TOWNSHIP).order_by("code"))
    rng = random.Random(20)
    weights = [rng.uniform(0.3, 3.0) for _ in townships]
    total = sum(weights)
    for t, w in zip(townships, weights, strict=True):
        t.population = int(PROVINCE_RESIDENTS * w / total)
    Region.objects.bulk_update(townships, ["population"], batch_size=2000)
    covered = set(Station.townships.through.objects.values_list("region_id", flat=True))
    fresh = [t for t in townships if t.code not in covered]
    stations = Station.objects.bulk_create(
        [Station(code=f"B{t.code}", name=f"{t.name}市场监管所", region_id=t.parent_id) for t in fresh], batch_size=2000
    )
    Station.townships.through.objects.bulk_create(
        [Station.townships.through(station_id=s.pk, region_id=t.code) for s, t in zip(stations, fresh, strict=True)],
        batch_size=5000,
    )
    return {"townships": len(townships), "stations_added": len(stations)}


def plan() -> dict:
    from django.core.management import call_command

    out = io.StringIO()
    started = time.perf_counter()
    call_command("plan_sampling", "--year", str(YEAR), "--region", PROVINCE, "--json", stdout=out)
    seconds = round(time.perf_counter() - started, 2)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    return {"seconds": seconds, "residents": result["residents"], "rate": result["rate"], "batches": result["batches"],
            "townships_planned": sum(1 for n in result["by_township"].values() if n),
            "categories_planned": sum(1 for n in result["by_category"].values() if n),
            "months_planned": sum(1 for n in result["by_month"].values() if n)}  # fmt: skip


def measure() -> dict:
    from shian.sampling.models import PlanLine, SamplingTask

    data = prepare()
    first = plan()
    lines, tasks = PlanLine.objects.count(), SamplingTask.objects.count()
    again = plan()
    return {**data, "plan": first, "lines": lines, "tasks": tasks, "replan_seconds": again["seconds"],
            "replan_same_batches": again["batches"] == first["batches"], "target_s": TARGET_S,
            "met": first["seconds"] < TARGET_S}  # fmt: skip


def load(env: dict) -> float:
    return manage(env, "migrate", "--noinput", "-v0") + manage(env, "load_regions")


if os.environ.get("BENCH_SAMPLING_DB") == "pg":
    with scratch_pg() as url:
        load_s = load({**os.environ, "DATABASE_URL": url})
        django_setup(url)
        emit("sampling", db="postgresql", load_s=round(load_s), **measure())
else:
    with scratch_env() as env:
        load_s = load(env)
        django_setup(env["DATABASE_URL"])
        emit("sampling", db="sqlite", load_s=round(load_s), **measure())
