"""Issue 20: the public results page at province scale (docs/sampling.md §5): p95 < 150 ms over requests to
/sampling/public/ and /api/open/v1/sampling/results with ~300,000 published samples across the province (Shandong,
bulk-inserted: ~2.5 % failed, each failure with its failed item and a published disposal), first pages, each
filter (a city, a county, a category, failed only, a month) and deep pages reached by the keyset cursor.

SQLite by default (a throwaway file, or BENCH_DATABASE_URL); BENCH_PUBLIC_PG=1 measures on a throwaway PostgreSQL
(or BENCH_PG_URL). BENCH_PUBLIC_SAMPLES sets the number of samples (e.g. 20000 for a quick check)."""

import datetime
import os
import random
import time

from common import django_setup, emit, manage, percentile, scratch_env, scratch_pg

SAMPLES = int(os.environ.get("BENCH_PUBLIC_SAMPLES", "300000"))
ENTITIES = max(1000, SAMPLES // 10)
PROVINCE = "37"
REQUESTS = 40  # per path
FAIL_EVERY = 40  # one sample in 40 failed (2.5 %)
CATEGORIES = ["farm_veg", "farm_meat", "farm_aquatic", "farm_egg", "catering", "grain", "condiment", "dairy"]


def populate() -> dict:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from shian.accounts.models import Role, User
    from shian.core.bulk import insert_many
    from shian.entities.models import Entity
    from shian.regions.models import Region
    from shian.sampling.models import Disposal, Sample, SampleResult

    rng = random.Random(20)
    towns = list(Region.objects.filter(code__startswith=PROVINCE, level=Region.Level.TOWNSHIP).values_list("code",
                                                                                                          flat=True))  # fmt: skip
    user = User.objects.create(username="bench-public", role=Role.STATION_STAFF, region_id=PROVINCE,
                               password=make_password("bench"))  # fmt: skip
    entities = [Entity(name=f"抽检主体{i:06d}", region_id=rng.choice(towns), business_type="sales",
                       address=f"测试路{i}号") for i in range(ENTITIES)]  # fmt: skip
    insert_many(Entity, entities)
    now = timezone.now()
    started = time.perf_counter()
    samples = []
    for i in range(SAMPLES):
        e = entities[rng.randrange(ENTITIES)]
        sampled = now - datetime.timedelta(days=730 * i / SAMPLES + 30)
        published = sampled + datetime.timedelta(days=28 + rng.randrange(3))
        samples.append(Sample(
            number=f"CJBENCH-{i:07d}", entity_id=e.pk, region_id=e.region_id, category=CATEGORIES[i % len(CATEGORIES)],
            product=f"样品{i % 500}", quantity="2kg", producer_name=f"生产企业{i % 3000}", sampled_at=sampled,
            to_lab_due=sampled + datetime.timedelta(days=7), status=Sample.Status.REPORTED,
            conclusion=Sample.Conclusion.FAIL if i % FAIL_EVERY == 0 else Sample.Conclusion.PASS,
            report_number=f"RB{i:07d}", report_date=(published - datetime.timedelta(days=2)).date(),
            published_at=published, created_by_id=user.pk, due_rules={},
        ))  # fmt: skip
        if len(samples) == 20000:
            insert_many(Sample, samples)
            _failures(samples, now)
            samples = []
    insert_many(Sample, samples)
    _failures(samples, now)
    return {"samples": Sample.objects.count(), "failed": SampleResult.objects.count(),
            "disposals": Disposal.objects.count(), "entities": ENTITIES, "insert_s": round(time.perf_counter() - started, 1)}  # fmt: skip


def _failures(samples, now) -> None:
    from shian.core.bulk import insert_many
    from shian.sampling.models import Disposal, Sample, SampleResult

    failed = [s for s in samples if s.conclusion == Sample.Conclusion.FAIL]
    insert_many(SampleResult, [SampleResult(sample_id=s.pk, item="菌落总数", value="5×10⁵", limit="≤10⁴",
                                            unit="CFU/g", verdict="fail") for s in failed])  # fmt: skip
    insert_many(Disposal, [Disposal(sample_id=s.pk, entity_id=s.entity_id, region_id=s.region_id,
                                    status=Disposal.Status.CLOSED, opened_at=s.published_at, due_at=s.published_at,
                                    retest_due=s.published_at, closed_at=s.published_at, on_time=True,
                                    published_at=s.published_at, due_rules={}, steps={})
                           for s in failed])  # fmt: skip


def measure() -> dict:
    from django.core.cache import cache
    from django.test import Client
    from django.utils import timezone

    from shian.sampling.models import Sample

    client = Client(REMOTE_ADDR="127.0.0.1")
    some = Sample.objects.order_by("pk").first()
    city, county = some.region_id[:4], some.region_id[:6]
    month = (timezone.localdate() - datetime.timedelta(days=200)).strftime("%Y-%m")
    queries = {"first": {}, "city": {"region": city}, "county": {"region": county}, "category": {"category": "grain"},
               "failed": {"conclusion": "fail"}, "month": {"month": month},
               "county_failed": {"region": county, "conclusion": "fail"}}  # fmt: skip
    out: dict = {}
    all_ms = []
    for base, label in (("/sampling/public/", "page"), ("/api/open/v1/sampling/results", "api")):
        client.get(base, HTTP_HOST="127.0.0.1")  # warm up: the first request of a process builds its caches
        for key, q in queries.items():
            ms, after = [], ""
            for n in range(REQUESTS):
                cache.clear()  # the open API's per-address limit is not what is measured
                params = {**q, **({"after": after} if after else {})}
                started = time.perf_counter()
                response = client.get(base, params, HTTP_HOST="127.0.0.1")
                ms.append(1000 * (time.perf_counter() - started))
                if response.status_code != 200:
                    out[f"{label}_{key}_status"] = response.status_code
                    break
                if label == "api":  # walk deeper with the cursor: every page costs the same
                    after = response.json()["next"] if n % 2 == 0 else after
            out[f"{label}_{key}_p95_ms"] = round(percentile(ms, 95), 1)
            all_ms += ms
    out["p95_ms"] = round(percentile(all_ms, 95), 1)
    out["target_ms"] = 150
    out["ok"] = out["p95_ms"] < 150
    return out


def run(url: str, env: dict) -> None:
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_regions")
    django_setup(url)
    figures = populate()
    figures["load_s"] = round(time.perf_counter() - started, 1)
    emit("public", database=url.split(":", 1)[0], **figures, **measure())


def main() -> None:
    if os.environ.get("BENCH_PUBLIC_PG"):
        with scratch_pg() as url, scratch_env() as env:
            env["DATABASE_URL"] = url
            run(url, env)
    else:
        with scratch_env() as env:
            run(env["DATABASE_URL"], env)


if __name__ == "__main__":
    main()
