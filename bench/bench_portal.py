"""Issue 22 (docs/portal.md §5) on PostgreSQL: public search p95 < 100 ms and establishment API page p95 < 100 ms.

Province scale by default: the demo county in full (its inspections and samples), then the province's registry
(Shandong, ~1.06M businesses; the build takes 20-30 min of CPU). BENCH_PORTAL_SCALE=county measures the demo county
alone (a quick check). PostgreSQL always (the trigram indexes are what is measured): a throwaway cluster, or
BENCH_PG_URL; BENCH_REUSE=1 measures again on a database this benchmark loaded.

Searches (each uncached: the page cache and the per-address counts are cleared before every request): a common
name word, a rare full name, an address fragment, a USCC prefix, a query with SQL and script fragments. API pages:
the first page, a city, a county, a county by 业态, a county by rating, updated-since, and deep pages reached by the
keyset cursor. Timed in-process through the Django test client (the view, the queries and the rendering)."""

import os
import time

from common import django_setup, emit, manage, percentile, scratch_pg

SCALE = os.environ.get("BENCH_PORTAL_SCALE", "province")
PROVINCE, COUNTY = "37", "370725"
REQUESTS = 40  # per query
TARGET_MS = 100


def load(env: dict) -> float:
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_regions", "--villages", COUNTY if SCALE == "county" else PROVINCE)
    manage(env, "demo")
    if SCALE != "county":
        manage(env, "demo", "--province", PROVINCE)
    return time.perf_counter() - started


def timed(client, path: str, params: dict, n: int = REQUESTS, walk: bool = False) -> tuple[list[float], int]:
    from django.core.cache import cache

    ms, status, after = [], 200, ""
    for i in range(n):
        cache.clear()  # uncached answers, and the per-address limit is not what is measured
        query = {**params, **({"after": after} if after else {})}
        started = time.perf_counter()
        response = client.get(path, query, HTTP_HOST="127.0.0.1")
        ms.append((time.perf_counter() - started) * 1000)
        status = response.status_code
        if status != 200:
            break
        if walk:
            after = response.json()["next"] or ""
            if not after or i % 10 == 9:  # back to the first page now and then
                after = ""
    return ms, status


def measure() -> dict:
    from django.db import connection
    from django.test import Client

    from shian.entities.models import Entity

    client = Client(REMOTE_ADDR="127.0.0.1")
    county = {"region_id__gte": COUNTY, "region_id__lte": COUNTY.ljust(12, "9")}
    some = Entity.objects.filter(**county).exclude(uscc="").order_by("pk").first()
    rare = Entity.objects.exclude(**county).order_by("-pk").first() or some
    city = some.region_id[:4]
    searches = {
        "common_word": {"q": "超市"},
        "rare_name": {"q": rare.name},
        "address": {"q": some.address[-6:]},
        "uscc_prefix": {"q": some.uscc[:10]},
        "injection": {"q": "' OR 1=1; DROP TABLE x; -- <script>"},
    }
    pages = {
        "first": {},
        "city": {"region": city},
        "county": {"region": COUNTY},
        "county_catering": {"region": COUNTY, "format": "catering"},
        "county_rating": {"region": COUNTY, "rating": "excellent"},
        "updated_since": {"updated_since": "2020-01-01"},
    }
    client.get("/public/", {"q": "预热"}, HTTP_HOST="127.0.0.1")
    out: dict = {"entities": Entity.objects.count(), "scale": SCALE, "vendor": connection.vendor}
    search_ms, api_ms = [], []
    for key, params in searches.items():
        ms, status = timed(client, "/public/", params)
        out[f"search_{key}_p95_ms"] = round(percentile(ms, 95), 1)
        if status != 200:
            out[f"search_{key}_status"] = status
        search_ms += ms
    for key, params in pages.items():
        ms, status = timed(client, "/api/open/v1/establishments", params, walk=True)
        out[f"api_{key}_p95_ms"] = round(percentile(ms, 95), 1)
        if status != 200:
            out[f"api_{key}_status"] = status
        api_ms += ms
    out["search_p95_ms"] = round(percentile(search_ms, 95), 1)
    out["api_page_p95_ms"] = round(percentile(api_ms, 95), 1)
    out["target_ms"] = TARGET_MS
    out["ok"] = out["search_p95_ms"] < TARGET_MS and out["api_page_p95_ms"] < TARGET_MS
    return out


def main() -> None:
    with scratch_pg() as url:
        env = {**os.environ, "DATABASE_URL": url}
        built = 0.0 if os.environ.get("BENCH_REUSE") else load(env)
        django_setup(url)
        emit("portal", load_s=round(built, 1), **measure())


if __name__ == "__main__":
    main()
