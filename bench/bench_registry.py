"""Issue 4: county demo generation (target < 60 s on SQLite); on province-scale data in PostgreSQL, entity
search by name substring, by USCC prefix and the first list page of a county (p95 < 150 ms each);
province generation itself (target < 15 min)."""

import os
import random
import sys
import time

from common import ROOT, emit, manage, percentile, scratch_env, scratch_pg

SAMPLES = 40

with scratch_env() as env:
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_regions", "--villages", "370725")
    county_s = manage(env, "demo")

with scratch_pg() as url:
    env = {**os.environ, "DATABASE_URL": url}
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_regions", "--villages", "37")
    province_s = manage(env, "demo", "--province", "37")

    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="shian.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from shian.accounts.models import Role, User
    from shian.baobao.models import Cadre
    from shian.core.paging import paginator_for
    from shian.entities import selectors
    from shian.entities.models import Entity
    from shian.regions.models import Region

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    user = User.objects.create_user(username="bench-province", role=Role.PROVINCE_ADMIN, region_id="37")
    rng = random.Random(4)
    top = Entity.objects.order_by("-pk").values_list("pk", flat=True).first()
    picked = list(Entity.objects.filter(pk__in=rng.sample(range(1, top + 1), SAMPLES * 2)).values_list("name", "uscc"))
    counties = list(
        Region.objects.filter(code__startswith="37", level=Region.Level.COUNTY).values_list("code", flat=True)
    )
    cases = {
        # what a clerk types: four characters out of a shop's name, the first ten of a USCC
        "name_substring": [{"q": name[2:6]} for name, _ in picked][:SAMPLES],
        "uscc_prefix": [{"q": uscc[:10]} for _, uscc in picked if uscc][:SAMPLES],
        "county_first_page": [{"region_code": code} for code in rng.sample(counties, SAMPLES)],
    }
    figures = {}
    for label, queries in cases.items():
        timings, hits, capped = [], 0, 0
        for filters in queries:  # what the list page does: first page of 50 plus the total (capped for a search)
            started = time.perf_counter()
            objects = selectors.entity_list(user=user, **filters)
            page = paginator_for(objects, 50, capped=bool(filters.get("q"))).get_page(1)
            rows = list(page)
            hits += page.paginator.count > 0 and len(rows) > 0
            capped += getattr(page.paginator, "capped", False)
            timings.append(time.perf_counter() - started)
        figures[f"{label}_p50_ms"] = round(1000 * percentile(timings, 50), 1)
        figures[f"{label}_p95_ms"] = round(1000 * percentile(timings, 95), 1)
        figures[f"{label}_found"] = f"{hits}/{len(queries)}"
        figures[f"{label}_count_capped"] = capped  # totals shown as "N+" (SHIAN_SEARCH_COUNT_CAP)
    entities, cadres = Entity.objects.count(), Cadre.objects.count()

emit(
    "registry",
    county_demo_sqlite_s=round(county_s, 2),
    county_demo_target_s=60,
    province_generation_pg_s=round(province_s, 1),
    province_generation_target_s=900,
    province_entities=entities,
    province_cadres=cadres,
    **figures,
    search_target_p95_ms=150,
)
