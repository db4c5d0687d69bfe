"""Issue 24 parts 3-4 on PostgreSQL (docs/riskmodel.md §9): train the inspection-priority model on N synthetic
inspection records (BENCH_RISK_ROWS, default 2,000,000; target < 120 s) and score M entities (BENCH_RISK_ENTITIES,
default 1,060,000; target < 60 s), timing the services behind `train_risk_model` and `score_risk_model`.

The synthetic registry and history are written set-based (INSERT ... SELECT generate_series) with outcomes from a
hidden logistic process over format and the previous inspection, so the model has a signal. BENCH_RISK_DEMO=1 also
loads the demo county into a throwaway SQLite database and prints the back-test figures beside the baseline there
(`backtest_risk_model`; demo figures show the method works, not real-world gains)."""

import datetime
import json
import os
import subprocess
import sys
import time

from common import ROOT, django_setup, emit, manage, scratch_env, scratch_pg

ROWS = int(os.environ.get("BENCH_RISK_ROWS", "2000000"))
ENTITIES = int(os.environ.get("BENCH_RISK_ENTITIES", "1060000"))
TARGETS = {"train_s": 120, "score_s": 60}
COUNTY, TOWN, VILLAGE = "370725", "370725001", "370725001001"


def synthesize() -> None:
    """M operating entities in one village (a third catering) and N inspections spread over two years."""
    from django.db import connection
    from django.utils import timezone

    from shian.accounts.models import User
    from shian.checklists.services import resolve_checklist
    from shian.inspections.models import InspectionKind
    from shian.regions.models import Region

    prov = Region.objects.create(code="37", name="山东省", level=Region.level_for_code("37"))
    city = Region.objects.create(code="3707", name="潍坊市", level=Region.level_for_code("3707"), parent=prov)
    county = Region.objects.create(code=COUNTY, name="昌乐县", level=Region.level_for_code(COUNTY), parent=city)
    town = Region.objects.create(code=TOWN, name="宝都街道", level=Region.level_for_code(TOWN), parent=county)
    Region.objects.create(code=VILLAGE, name="站前社区", level=Region.level_for_code(VILLAGE), parent=town)
    user = User.objects.create_user(username="bench", password="x" * 12, role="county_admin", region_id=COUNTY)
    checklist = resolve_checklist(kind=InspectionKind.CATERING, region_code=COUNTY).pk
    today = timezone.localdate()
    with connection.cursor() as c:
        c.execute(
            "INSERT INTO entities_entity (name, uscc, uscc_override_reason, business_type, sub_type, diners, "
            "sales_band, address, region_id, status, declared_grade, duplicate_key, created_at, updated_at) "
            "SELECT 'bench' || i, '', '', CASE WHEN i %% 3 = 0 THEN 'catering' ELSE 'sales' END, '', "
            "CASE WHEN i %% 3 = 0 THEN 50 + i %% 400 END, '', 'addr', %s, 'operating', '', '', now(), now() "
            "FROM generate_series(1, %s) i",
            [VILLAGE, ENTITIES],
        )
        c.execute("SELECT min(id) FROM entities_entity")
        first = c.fetchone()[0]
        # entity i % M, day spread over two years; fails with a hidden chance (catering and a random streak)
        c.execute(
            "INSERT INTO inspections_inspection (client_key, checklist_id, started_at, signed_at, received_at, "
            "signer_name, signed_by_id, entity_id, region_id, kind, inspected_on, outcome, key_failed, "
            "general_failed, catering_level, repeat_items, summary, entity_signer) "
            "SELECT md5(i::text)::uuid, %s, now(), now(), now(), 'b', %s, %s + (i %% %s), %s, 'routine', "
            "%s::date - (i::bigint * 7919 %% 720)::int, CASE WHEN f THEN 'nonconform' ELSE 'conform' END, f::int, 0, '', "
            "'[]', '', '' FROM (SELECT i, random() < CASE WHEN (i %% %s) %% 3 = 0 THEN 0.15 ELSE 0.03 END "
            "+ CASE WHEN (i %% %s) %% 7 = 0 THEN 0.2 ELSE 0 END AS f FROM generate_series(1, %s) i) s",
            [checklist, user.pk, first, ENTITIES, VILLAGE, today, ENTITIES, ENTITIES, ROWS],
        )
        c.execute("ANALYZE")


def measure() -> dict:
    from shian.riskmodel.services.scoring import score_region
    from shian.riskmodel.services.training import train_model

    started = time.perf_counter()
    model = train_model(region_code="")
    train_s = time.perf_counter() - started
    started = time.perf_counter()
    run = score_region(region_code="")
    score_s = time.perf_counter() - started
    return {
        "rows": model.rows, "positives": model.positives, "entities": run.entities, "auc": model.auc,
        "baseline_auc": model.baseline_auc, "train_s": round(train_s, 1), "score_s": round(score_s, 1),
        "targets": TARGETS, "ok": train_s < TARGETS["train_s"] and score_s < TARGETS["score_s"],
    }  # fmt: skip


def demo_backtest() -> dict:
    """The demo county's back-test in a throwaway SQLite database (a separate process: its own Django)."""
    with scratch_env() as env:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_regions", "--villages", COUNTY)
        manage(env, "demo")
        cutoff = (datetime.date.today() - datetime.timedelta(days=183)).isoformat()
        out = subprocess.run([sys.executable, "manage.py", "backtest_risk_model", "--cutoff", cutoff, "--region",
                              COUNTY, "--json"], cwd=ROOT, env=env, check=True, capture_output=True, text=True)  # fmt: skip
        return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    with scratch_pg() as url:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True,
                       env={**os.environ, "DATABASE_URL": url})  # fmt: skip
        django_setup(url)
        started = time.perf_counter()
        synthesize()
        figures = {"load_s": round(time.perf_counter() - started, 1), **measure()}
    if os.environ.get("BENCH_RISK_DEMO") == "1":
        figures["demo_backtest"] = demo_backtest()
    emit("riskmodel", load=round(os.getloadavg()[0], 2), **figures)


if __name__ == "__main__":
    main()
