"""Issue 3: `load_regions` must take under 30 s (whole mainland to township level)."""

from common import emit, manage, scratch_env

with scratch_env() as env:
    manage(env, "migrate", "--noinput", "-v0")
    first = manage(env, "load_regions", "--villages", "370725")
    again = manage(env, "load_regions", "--villages", "370725")
    with_villages = manage(env, "load_regions")
    demo = manage(env, "demo")
    demo_again = manage(env, "demo")

emit(
    "regions",
    database=env["DATABASE_URL"].split(":", 1)[0],
    load_regions_fresh_s=round(first, 2),
    load_regions_again_s=round(again, 2),
    load_regions_with_shandong_villages_s=round(with_villages, 2),
    target_s=30,
    demo_accounts_and_grids_s=round(demo, 2),
    demo_again_s=round(demo_again, 2),
)
