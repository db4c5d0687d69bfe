"""Issue 26 (docs/trace.md §7): 一品一码 at province scale on PostgreSQL. Chain events generated set-based
(`INSERT … SELECT … generate_series`): B batches of K events each (a producer, W wholesalers, the rest retail holders
under them), E = events / 1000 businesses; then

- the trace of a batch to every holder (`selectors.trace.downstream`, the recursive query), p95 over 40 random batches
  (target < 1 s);
- the public scan page `/public/trace/<code>/` through Django's test client (no network), p95 over 40 random codes
  (target < 100 ms);
- an ingest of N rows through the import engine (`services.importing.import_events`: a CSV read by the engine,
  every row checked, the replay over holdings, bulk writes) (target 1,000,000 rows < 60 s).

Scale: `BENCH_TRACE_EVENTS` (default 10,000,000), `BENCH_TRACE_PER_BATCH` (K, default 50), `BENCH_TRACE_INGEST`
(default 1,000,000). A quick check: `BENCH_TRACE_EVENTS=100000 BENCH_TRACE_INGEST=20000`. PostgreSQL only (the
generation is PostgreSQL SQL); `BENCH_PG_URL` uses an existing database, else a throwaway cluster."""

import datetime
import json
import os
import random
import subprocess
import sys
import time

from common import ROOT, emit, percentile, scratch_pg

EVENTS = int(os.environ.get("BENCH_TRACE_EVENTS", "10000000"))
PER_BATCH = int(os.environ.get("BENCH_TRACE_PER_BATCH", "50"))
INGEST = int(os.environ.get("BENCH_TRACE_INGEST", "1000000"))
WHOLESALERS, SAMPLES, CHUNK = 5, 40, 20000


def one(url: str) -> dict:
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="shian.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from shian.accounts.models import User
    from shian.core.models import DeadlineRule
    from shian.entities.models import Entity
    from shian.regions.models import Region
    from shian.trace import codes
    from shian.trace.models import Batch, Category, Product, TraceCode
    from shian.trace.selectors.trace import downstream
    from shian.trace.services import importing

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_regions", "--villages", "370725", verbosity=0)
    DeadlineRule.objects.get_or_create(code="trace.scan_per_minute", region_prefix="", version=99, defaults={
        "name": "基准测试", "unit": "n", "amount": 10**9, "valid_from": datetime.date(2000, 1, 1), "source": "基准测试"})  # fmt: skip
    root = User.objects.create_superuser(username="bench-root", password="bench-pass")
    village = (
        Region.objects.filter(code__startswith="370725", level=5).order_by("code").values_list("code", flat=True)[0]
    )
    businesses = max(1000, EVENTS // 1000)
    started = time.perf_counter()
    Entity.objects.bulk_create(
        [Entity(name=f"主体{n}", business_type="sales", address="基准路", region_id=village,
                uscc=f"91370725B{n:09d}") for n in range(businesses)], batch_size=5000,
    )  # fmt: skip
    first = Entity.objects.order_by("pk").values_list("pk", flat=True).first()
    general = Category.objects.get(code="general")
    products = Product.objects.bulk_create(
        [Product(producer_id=first + n, region_id=village, category=general, name=f"产品{n}", created_by=root)
         for n in range(min(businesses, 2000))]
    )  # fmt: skip
    batches = max(1, EVENTS // PER_BATCH)
    k, w, e = PER_BATCH, WHOLESALERS, businesses
    with connection.cursor() as cursor:
        for start in range(0, batches, CHUNK):
            end = min(start + CHUNK, batches)
            cursor.execute(
                """INSERT INTO trace_batch (product_id, producer_id, region_id, batch_number, produced_on, quantity,
                                            created_by_id, created_at)
                   SELECT p.id, p.producer_id, %s, 'B' || g, DATE '2026-01-01' + (g %% 300), %s, %s, now()
                     FROM generate_series(%s, %s) g JOIN trace_product p ON p.id = %s + (g %% %s)""",
                [village, k * w, root.pk, start, end - 1, products[0].pk, len(products)],
            )  # fmt: skip
        cursor.execute("INSERT INTO trace_tracecode (batch_id, token, created_at, revoked_reason) "
                       "SELECT id, 'b' || lpad(id::text, 7, '0'), now(), '' FROM trace_batch")  # fmt: skip
        cursor.execute("SELECT min(id), max(id) FROM trace_batch")
        low, high = cursor.fetchone()
        node = "(%(first)s + ((b.id * 7919 + {j} * 104729) %% %(e)s))"
        parent = node.format(j=f"(((i - {w} - 1) %% {w}) + 1)")
        for start in range(low, high + 1, CHUNK):
            cursor.execute(
                f"""INSERT INTO trace_chainevent (batch_id, kind, from_entity_id, to_entity_id, region_id, quantity,
                        occurred_at, attributes, source, idempotency_key, request_hash, created_by_id, created_at,
                        counted)
                    SELECT b.id, CASE WHEN i = 0 THEN 'produced' ELSE 'sold' END,
                           CASE WHEN i = 0 THEN NULL WHEN i <= {w} THEN b.producer_id ELSE {parent} END,
                           CASE WHEN i = 0 THEN b.producer_id ELSE {node.format(j="i")} END,
                           %(village)s, CASE WHEN i = 0 THEN {k * w} WHEN i <= {w} THEN {k} ELSE 1 END,
                           b.produced_on + make_interval(hours => i), '{{}}', 'bench', '', '', %(root)s, now(), true
                      FROM trace_batch b CROSS JOIN generate_series(0, {k - 1}) i
                     WHERE b.id BETWEEN %(lo)s AND %(hi)s""",
                {"first": first, "e": e, "village": village, "root": root.pk, "lo": start, "hi": start + CHUNK - 1},
            )  # fmt: skip
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM trace_chainevent")
        events = cursor.fetchone()[0]
    load_s = time.perf_counter() - started
    rng = random.Random(26)
    ids = [rng.randint(low, high) for _ in range(SAMPLES)]
    downstream([ids[0]])  # warm the connection and the plan
    timings, holders = [], []
    for pk in ids:
        begun = time.perf_counter()
        found = downstream([pk])
        timings.append(time.perf_counter() - begun)
        holders.append(len(found))
    client = Client()
    scans = []
    for pk in ids:
        code = codes.sign(TraceCode.objects.get(batch_id=pk).token)
        begun = time.perf_counter()
        answer = client.get(f"/public/trace/{code}/", HTTP_HOST="127.0.0.1")
        scans.append((time.perf_counter() - begun) * 1000)
        assert answer.status_code == 200, answer.status_code
    # the ingest: fresh batches (one per 1,000 rows) handed by their producers to other businesses, as a CSV
    product = products[0]
    fresh = Batch.objects.bulk_create(
        [Batch(product=product, producer_id=product.producer_id, region_id=village, batch_number=f"I{n}",
               produced_on=datetime.date(2026, 6, 1), quantity=10**6, created_by=root)
         for n in range(max(1, INGEST // 1000))]
    )  # fmt: skip
    TraceCode.objects.bulk_create([TraceCode(batch=b, token=f"i{b.pk:07d}"[-8:]) for b in fresh])
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO trace_chainevent (batch_id, kind, to_entity_id, region_id, quantity, occurred_at, "
                       "attributes, source, idempotency_key, request_hash, created_by_id, created_at, counted) "
                       "SELECT id, 'produced', producer_id, region_id, quantity, '2026-06-01', '{}', 'bench', '', '', "
                       "%s, now(), true FROM trace_batch WHERE batch_number LIKE 'I%%'", [root.pk])  # fmt: skip
    signed = [codes.sign(f"i{b.pk:07d}"[-8:]) for b in fresh]
    producer_uscc = Entity.objects.get(pk=product.producer_id).uscc
    lines = ["追溯码,环节,交出方统一社会信用代码,接收方统一社会信用代码,数量,日期"]
    lines += [f"{signed[n % len(signed)]},销售给企业,{producer_uscc},91370725B{(n % (businesses - 1)) + 1:09d},1,2026-06-02"
              for n in range(INGEST)]  # fmt: skip
    data = ("\n".join(lines) + "\n").encode()
    begun = time.perf_counter()
    outcome = importing.import_events(actor=root, data=data, filename="bench.csv")
    ingest_s = time.perf_counter() - begun
    assert outcome.created == INGEST, outcome.as_dict()
    return {"events": events, "batches": batches, "businesses": businesses, "load_s": round(load_s, 1),
            "trace_p95_ms": round(percentile(timings, 95) * 1000, 1), "holders_median": sorted(holders)[len(holders) // 2],
            "scan_p95_ms": round(percentile(scans, 95), 1), "ingest_rows": INGEST, "ingest_s": round(ingest_s, 1)}  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(one(sys.argv[2])))
        sys.exit(0)
    with scratch_pg() as url:
        out = subprocess.run([sys.executable, __file__, "--one", url], check=True, capture_output=True, text=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
    emit("trace", trace_target_ms=1000, scan_target_ms=100, ingest_target_s=60, **result)
