"""Issue 19 on the province-scale demo (Shandong, ~1.06M entities) in PostgreSQL: risk grading of the province
(`grade_risk --json`, < 60 s), a year's plan for the province (`plan_inspections --year Y --json`, < 60 s), a
双随机 draw of 5,000 entities from ~100k candidates twice with the same seed (< 2 s each, identical result; the plain
draw, algorithm v1, and beside it the draw weighted by the risk model's score, v2), and the
inspector's task list p95 over 100 requests to /inspections/tasks/ and /api/v1/inspections/tasks (< 150 ms) with a
month's open tasks (the rule inspections.inspector_monthly_capacity) and a year of done ones.

Data: the demo county in full (its stations, inspectors and two years of inspections), then the province's
registry; every township outside the demo county gets a station with three inspectors (set-based, as a bureau's
staff import would). The commands are called by name with the issue's CLI contracts; one that is not installed
is reported as {"missing": ...} rather than failing the run.

BENCH_INSPECTIONS_SCALE=county measures the demo county alone in a throwaway SQLite database (a quick check that
the benchmark runs; its figures are not the issue's targets). BENCH_PG_URL=... BENCH_INSPECTIONS_SKIP_LOAD=1 measures
on a province loaded there before and not yet graded (a copy made with CREATE DATABASE ... TEMPLATE, migrated to the
current schema), so the 20-30 minutes of the build are not repeated; `load_s` is then null."""

import io
import json
import os
import sys
import time

from common import ROOT, emit, manage, percentile, scratch_env, scratch_pg

SCALE = os.environ.get("BENCH_INSPECTIONS_SCALE", "province")
PROVINCE, COUNTY = "37", "370725"
DRAW_COUNT, DRAW_CANDIDATES, DRAW_SEED = 5000, 100_000, "20261125"
REQUESTS = 100
OVERVIEW_REQUESTS = 30
DONE_TASKS = 400  # a year of an inspector's finished tasks beside the open ones


def django_setup(url: str) -> None:
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="shian.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load(env: dict) -> None:
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_regions", "--villages", COUNTY if SCALE == "county" else PROVINCE)
    manage(env, "demo")
    if SCALE != "county":
        manage(env, "demo", "--province", PROVINCE)


def staff_stations(region: str) -> int:
    """A station with three inspectors for every township under `region` that has none (the demo county's
    stations come from the demo)."""
    from django.contrib.auth.hashers import make_password

    from shian.accounts.models import Role, User
    from shian.inspections.models import Station
    from shian.regions.models import Region

    covered = set(Station.townships.through.objects.values_list("region_id", flat=True))
    townships = [t for t in Region.objects.filter(code__startswith=region, level=Region.Level.TOWNSHIP).order_by("code")
                 if t.code not in covered]  # fmt: skip
    password = make_password("bench")
    users = [User(username=f"bench-insp-{t.code}-{k}", name=f"执法{k}", role=Role.STATION_STAFF,
                  region_id=t.code[:6], password=password) for t in townships for k in range(3)]  # fmt: skip
    User.objects.bulk_create(users, batch_size=2000, ignore_conflicts=True)
    ids = dict(User.objects.filter(username__startswith="bench-insp-").values_list("username", "pk"))
    stations = Station.objects.bulk_create(
        [Station(code=f"B{t.code}", name=f"{t.name}市场监管所", region_id=t.code[:6]) for t in townships],
        batch_size=2000,
    )  # fmt: skip
    Station.townships.through.objects.bulk_create(
        [Station.townships.through(station_id=s.pk, region_id=t.code) for s, t in zip(stations, townships, strict=True)],
        batch_size=5000,
    )  # fmt: skip
    Station.inspectors.through.objects.bulk_create(
        [Station.inspectors.through(station_id=s.pk, user_id=ids[f"bench-insp-{t.code}-{k}"])
         for s, t in zip(stations, townships, strict=True) for k in range(3)], batch_size=5000,
    )  # fmt: skip
    return len(stations)


def command(name: str, *args) -> dict:
    """Run a command with --json: its last JSON line and the seconds it took, or {"missing": ...}."""
    from django.core.management import call_command, get_commands

    if name not in get_commands():
        return {"missing": f"命令 {name} 尚未安装"}
    out = io.StringIO()
    started = time.perf_counter()
    call_command(name, *args, "--json", stdout=out)
    seconds = time.perf_counter() - started
    lines = [line for line in out.getvalue().splitlines() if line.strip().startswith("{")]
    return {"seconds": round(seconds, 2), "result": json.loads(lines[-1]) if lines else None}


def draw_region() -> tuple[str, int]:
    """The smallest city with at least DRAW_CANDIDATES operating entities (else the largest), or the county."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from shian.entities.models import Entity

    operating = Entity.objects.filter(status=Entity.Status.OPERATING)
    if SCALE == "county":
        return COUNTY, operating.filter(region__code__startswith=COUNTY).count()
    sizes = dict(operating.annotate(city=Substr("region_id", 1, 4)).values("city").order_by()
                 .annotate(n=Count("pk")).values_list("city", "n"))  # fmt: skip
    big = sorted((n, c) for c, n in sizes.items() if n >= DRAW_CANDIDATES)
    n, city = big[0] if big else max((n, c) for c, n in sizes.items())
    return city, n


def tasks_p95(inspector) -> dict:
    """p95 of the inspector's task list, page and API, with a month's open tasks and a year of done ones."""
    import datetime

    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from shian.core import rules
    from shian.entities.models import Entity
    from shian.inspections.models import InspectionTask

    try:
        page = reverse("inspections:tasks")
    except NoReverseMatch:
        return {"missing": "检查任务列表 inspections:tasks 尚未安装"}
    open_n = rules.value("inspections.inspector_monthly_capacity", COUNTY)
    today = timezone.localdate()
    entities = list(Entity.objects.filter(region__code__startswith=COUNTY).order_by("pk")[: open_n + DONE_TASKS])
    tasks = InspectionTask.objects.bulk_create([
        InspectionTask(entity=e, region_id=e.region_id, due_on=today + datetime.timedelta(days=i % 28),
                       status=InspectionTask.Status.OPEN if i < open_n else InspectionTask.Status.DONE,
                       note="bench")
        for i, e in enumerate(entities)
    ])  # fmt: skip
    through = InspectionTask.inspectors.through
    through.objects.bulk_create([through(inspectiontask_id=t.pk, user_id=inspector.pk) for t in tasks])
    client = Client()
    client.force_login(inspector)
    out = {"open_tasks": open_n, "done_tasks": len(tasks) - open_n}
    for key, path in (("page", page), ("api", "/api/v1/inspections/tasks")):
        ms = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get(path, HTTP_HOST="127.0.0.1")
            ms.append(1000 * (time.perf_counter() - started))
            if response.status_code != 200:
                out[f"{key}_status"] = response.status_code
                break
        out[f"{key}_p95_ms"] = round(percentile(ms, 95), 1)
    return out


def overview_p95() -> dict:
    """The county director's overview (docs/inspections.md §7), page and API, on the county's history: no target
    in the issue, measured beside the others."""
    from django.test import Client

    from shian.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="county"))
    out = {}
    for key, path in (
        ("page", f"/inspections/?region={COUNTY}"),
        ("api", f"/api/v1/inspections/overview?region={COUNTY}"),
    ):
        ms = []
        for _ in range(OVERVIEW_REQUESTS):
            started = time.perf_counter()
            assert client.get(path, HTTP_HOST="127.0.0.1").status_code == 200
            ms.append(1000 * (time.perf_counter() - started))
        out[f"{key}_p95_ms"] = round(percentile(ms, 95), 1)
    return out


def draw_twice(city: str, count: int, *extra: str) -> dict:
    """The same draw twice with the same seed: both times, and whether tasks and hashes are identical."""
    first = command("draw_inspections", "--region", city, "--count", str(count), "--seed", DRAW_SEED, *extra)
    second = command("draw_inspections", "--region", city, "--count", str(count), "--seed", DRAW_SEED, *extra)
    out = {"first": first.get("seconds", first), "second": second.get("seconds", second), "identical": None,
           "candidates_sha256_equal": None}  # fmt: skip
    if "missing" not in first:
        out["identical"] = [t["entity"] for t in first["result"]["tasks"]] == [
            t["entity"] for t in second["result"]["tasks"]
        ]
        out["candidates_sha256_equal"] = first["result"]["candidates_sha256"] == second["result"]["candidates_sha256"]
        out["algorithm"] = first["result"].get("algorithm")
    return out


def scored_draw(city: str, count: int) -> dict:
    """The score-weighted draw (algorithm v2, docs/inspections.md §4) beside the plain one: the region is scored
    first with the model the demo trained (its scoring time reported apart), then drawn twice with --use-score."""
    from shian.riskmodel.selectors import model_in_use

    if model_in_use() is None:
        return {"missing": "没有在用的检查优先级模型（demo 未训练）"}
    scoring = command("score_risk_model", "--region", city)
    return {"score_risk_model_s": scoring.get("seconds", scoring), **draw_twice(city, count, "--use-score")}


def measure() -> dict:
    from django.utils import timezone

    from shian.accounts.models import User

    region = COUNTY if SCALE == "county" else PROVINCE
    stations = staff_stations(region)
    year = timezone.localdate().year
    grade = command("grade_risk", "--region", region)
    plan = command("plan_inspections", "--year", str(year), "--region", region)
    city, candidates = draw_region()
    count = min(DRAW_COUNT, candidates // 2)
    plain = draw_twice(city, count)
    scored = scored_draw(city, count)
    inspector = User.objects.get(username="inspector")
    return {
        "scale": SCALE, "stations_added": stations,
        "grade_risk": grade, "grade_risk_target_s": 60,
        "plan_inspections": plan, "plan_inspections_target_s": 60,
        "draw": {"region": city, "candidates": candidates, "count": count, **plain},
        "draw_scored": {"region": city, "candidates": candidates, "count": count, **scored},
        "draw_target_s": 2,
        "tasks": tasks_p95(inspector), "tasks_target_p95_ms": 150,
        "county_overview": overview_p95(),
    }  # fmt: skip


def summary(figures: dict) -> dict:
    """Keep each command's own JSON short: its counts, not the drawn task list."""
    for key in ("grade_risk", "plan_inspections"):
        if figures[key].get("result"):
            figures[key]["result"] = {k: v for k, v in figures[key]["result"].items() if k != "tasks"}
    result = figures["plan_inspections"].get("result") or {}
    if isinstance(result.get("shortfall"), list):  # one entry per station-month short of inspectors: count them
        short = result.pop("shortfall")
        result["shortfall_station_months"] = len(short)
        result["shortfall_inspections"] = sum(max(0, e.get("needed", 0) - e.get("capacity", 0)) for e in short)
    return figures


if SCALE == "county":
    with scratch_env() as env:
        load(env)
        django_setup(env["DATABASE_URL"])
        emit("inspections", **summary(measure()))
else:
    with scratch_pg() as url:
        started = time.perf_counter()
        load_s = None
        if not os.environ.get("BENCH_INSPECTIONS_SKIP_LOAD"):
            load({**os.environ, "DATABASE_URL": url})
            load_s = round(time.perf_counter() - started)
        django_setup(url)
        emit("inspections", load_s=load_s, **summary(measure()))
