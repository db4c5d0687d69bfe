"""Issue 21, complaints: importing a 20,000-row 12315 export with routing (`import_complaints FILE --json`,
< 15 s on SQLite), a clerk's overdue list p95 over 100 requests to /complaints/?overdue=1 and
/api/v1/complaints/items?overdue=1 (< 150 ms), and `check_deadlines --json` over 1,000,000 open and closed items
on PostgreSQL (< 30 s; the first run, which marks the overdue ones, and a second one, which finds nothing new).

Data: the demo county (regions, registry, stations from `demo`); the export is made from the county's registry by
`shian.complaints.testing` (a tenth of the names unknown, half without a USCC). BENCH_COMPLAINTS_PG=0 skips the
PostgreSQL part; BENCH_COMPLAINTS_ITEMS sets its item count."""

import datetime
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, django_setup, emit, manage, percentile, scratch_env, scratch_pg

COUNTY = "370725"
ROWS = 20_000
REQUESTS = 100
PG_ITEMS = int(os.environ.get("BENCH_COMPLAINTS_ITEMS", "1000000"))
OPEN_SHARE = 20  # one item in twenty still open (the rest closed), half of those past due


def export(path: Path) -> None:
    from shian.complaints.testing import export_xlsx, platform_rows
    from shian.entities.models import Entity

    entities = list(Entity.objects.filter(region__code__startswith=COUNTY).values("name", "uscc", "address")[:20000])
    rows = platform_rows(ROWS, entities=entities, seed=21, today=datetime.date.today(), days=200)
    path.write_bytes(export_xlsx(rows))


CPU: dict[str, float] = {}  # the CPU seconds of the last `timed` command (the machine may be shared: wall time
# then counts the waits for a core too)


def timed(env, *args) -> tuple[float, dict]:
    started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU["last"] = round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2)
    lines = done.stdout.strip().splitlines()
    return seconds, (json.loads(lines[-1]) if lines else {"stderr": done.stderr[-500:]})


def overdue_list() -> dict:
    from django.test import Client

    from shian.accounts.models import Role, User
    from shian.inspections.models import Station

    clerk = User.objects.filter(role=Role.COUNTY_ADMIN, region_id=COUNTY).first() or User.objects.get(username="admin")
    station = Station.objects.filter(region_id=COUNTY).order_by("code").first()
    staff = station.inspectors.first() if station else clerk
    out = {}
    for label, user, url in (("page_county_ms", clerk, "/complaints/?overdue=1"),
                             ("api_county_ms", clerk, "/api/v1/complaints/items?overdue=1"),
                             ("page_station_ms", staff, "/complaints/?overdue=1")):  # fmt: skip
        client = Client()
        client.force_login(user)
        client.get(url, HTTP_HOST="127.0.0.1")
        times = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        out[label] = round(percentile(times, 95), 1)
    return out


def _demo_county(env) -> None:
    """The demo county, or a copy of the database made by an earlier run (BENCH_COMPLAINTS_CACHE, a file path:
    kept after the first run, so a rerun skips the demo)."""
    cache = os.environ.get("BENCH_COMPLAINTS_CACHE")
    target = env["DATABASE_URL"].removeprefix("sqlite:///")
    if cache and Path(cache).is_file() and env["DATABASE_URL"].startswith("sqlite:///"):
        shutil.copyfile(cache, target)
        manage(env, "migrate", "--noinput", "-v0")
        return
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_regions", "--villages", COUNTY)
    manage(env, "demo")
    if cache and env["DATABASE_URL"].startswith("sqlite:///"):
        shutil.copyfile(target, cache)


def sqlite_part() -> dict:
    with scratch_env() as env:
        _demo_county(env)
        django_setup(env["DATABASE_URL"], SHIAN_VAR_DIR=env["SHIAN_VAR_DIR"])
        path = Path(env["SHIAN_VAR_DIR"]) / "12315.xlsx"
        export(path)
        seconds, result = timed(env, "import_complaints", str(path), "--json", "--region", COUNTY)
        figures = {"import_rows": result.get("rows"), "import_created": result.get("created"),
                   "import_s": round(seconds, 2), "import_cpu_s": CPU["last"], "import_unmatched": result.get("unmatched"),
                   "import_linked": result.get("linked_duplicates"), "import_routed_regions": len(result.get("routed", {}))}  # fmt: skip
        print(json.dumps(figures, ensure_ascii=False), file=sys.stderr)
        figures["overdue_p95"] = overdue_list()
        return figures


def pg_part() -> dict:
    """1M items inserted set-based (INSERT … SELECT generate_series), then check_deadlines twice."""
    with scratch_pg() as url, tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "DATABASE_URL": url, "SHIAN_VAR_DIR": var}
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_regions", "--villages", COUNTY)
        started = time.perf_counter()
        django_setup(url, SHIAN_VAR_DIR=var)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT code FROM regions_region WHERE code LIKE %s AND length(code) = 9 ORDER BY code",
                           [COUNTY + "%"])  # fmt: skip
            townships = [r[0] for r in cursor.fetchall()] or [COUNTY]
            cursor.execute(
                """
                INSERT INTO complaints_complaint (number, lookup_code, kind, channel, source_number, category,
                    region_id, match, entity_name, entity_uscc, entity_address, facts, facts_key, anonymous,
                    informant_name, phone, id_number, received_at, status, due_rules, late_steps, in_transfer,
                    created_at, accept_due, due_at, closed_at, refuse_reason, mediation_result, extension_reason,
                    case_number, result)
                SELECT 'TSB' || g, '000000', 'complaint', '12315', '', 'catering', (%s::text[])[1 + g %% %s],
                    'none', '店' || g, '', '', '举报内容', md5(g::text), false, '', '', '',
                    now() - (g %% 365) * interval '1 day', CASE WHEN g %% %s = 0 THEN 'received' ELSE 'closed' END,
                    '{}', '[]', false, now(), now() - (g %% 365 - 10) * interval '1 day',
                    CASE WHEN g %% %s = 0 THEN now() + ((g / %s) %% 2 * 2 - 1) * interval '3 days' END,
                    CASE WHEN g %% %s = 0 THEN NULL ELSE now() END, '', '', '', '', ''
                FROM generate_series(1, %s) AS g
                """,
                [townships, len(townships), OPEN_SHARE, OPEN_SHARE, OPEN_SHARE, OPEN_SHARE, PG_ITEMS],
            )
            cursor.execute("ANALYZE complaints_complaint")
        load_s = time.perf_counter() - started
        first_s, first = timed(env, "check_deadlines", "--json")
        first_cpu = CPU["last"]
        second_s, second = timed(env, "check_deadlines", "--json")
        return {"pg_items": PG_ITEMS, "pg_load_s": round(load_s, 1), "check_first_s": round(first_s, 2),
                "check_first_cpu_s": first_cpu, "check_first": first, "check_second_s": round(second_s, 2),
                "check_second_cpu_s": CPU["last"], "check_second": second}  # fmt: skip


def main() -> None:
    figures = sqlite_part()
    if os.environ.get("BENCH_COMPLAINTS_PG", "1") != "0":
        code = subprocess.run([sys.executable, __file__, "--pg"], cwd=ROOT / "bench", capture_output=True, text=True)
        figures.update(json.loads(code.stdout.strip().splitlines()[-1]) if code.returncode == 0 else
                       {"pg_error": code.stderr[-800:]})  # fmt: skip
    emit("complaints", **figures, targets={"import_s": 15, "overdue_p95_ms": 150, "check_s": 30})


if __name__ == "__main__":
    if sys.argv[1:] == ["--pg"]:
        print(json.dumps(pg_part(), ensure_ascii=False))
    else:
        main()
