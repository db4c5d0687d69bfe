"""Issue 22 (docs/portal.md §5), load: 200 concurrent public users, without accounts, on the production server
(gunicorn with shian/gunicorn_conf.py and the task worker, as `make serve` starts them): the portal's home and
search, business pages, editions, the map points, the public API's establishment pages and sampling results, driven
by locust (bench/locustfile_public.py, headless). Prints p50/p95/p99 per page group and the error count as JSON;
the target is 0 errors.

The server trusts 127.0.0.1 as its proxy (SHIAN_TRUSTED_PROXIES) and each visitor sends its own X-Forwarded-For,
as nginx would, so the per-client limits (`portal.per_minute`, `open_api.per_minute`) apply per visitor, as in
production. An error is any answer but 200, or no answer (a 429 counts). Visitors start over the ramp; the figures
are reset when all have started (locust's --reset-stats), so only the steady state is timed.

By default the demo county is built into a scratch database (SQLite, or BENCH_DATABASE_URL) and served;
BENCH_PUBLIC_LOAD_URL measures a server that is already running with the demo county loaded and 127.0.0.1 trusted
(the province demo in PostgreSQL, for instance; loopback only). BENCH_PUBLIC_LOAD_USERS (200),
BENCH_PUBLIC_LOAD_SECONDS (120), BENCH_PUBLIC_LOAD_THINK ("1-5"), BENCH_PUBLIC_LOAD_RAMP (20)."""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from bench_load import DEFAULT_TARGET_P95_MS as TARGET_P95_MS  # a page's p95 target, as for signed-in pages

from common import build_demo, emit, loopback_only, production_server, scratch_env

HERE = Path(__file__).resolve().parent


def sample_businesses(base: str) -> tuple[list[str], list[int]]:
    """Names and ids of the demo county's businesses, read from the public API itself (first pages)."""
    names, ids, after = [], [], ""
    for _ in range(6):
        url = f"{base}/api/open/v1/establishments?region=370725" + (f"&after={after}" if after else "")
        with urllib.request.urlopen(urllib.request.Request(url, headers={"X-Forwarded-For": "10.255.255.1"})) as r:
            page = json.loads(r.read())
        names += [e["name"] for e in page["items"]]
        ids += [e["id"] for e in page["items"]]
        after = page["next"]
        if not after:
            break
    if not ids:
        raise SystemExit("the server's demo county has no businesses")
    return names, ids


def measure(base: str, opts) -> dict:
    """Run locust headless against `base`; its per-group statistics (the CSV it writes) as the figures."""
    names, ids = sample_businesses(base)
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "sample.json"
        sample.write_text(json.dumps({"names": names, "ids": ids}))
        env = {**os.environ, "BENCH_PUBLIC_LOAD_SAMPLE": str(sample), "BENCH_PUBLIC_LOAD_THINK": opts.think}
        rate = max(1.0, opts.users / max(opts.ramp, 1.0))
        command = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile_public.py"), "--headless",
                   "--users", str(opts.users), "--spawn-rate", f"{rate:g}", "--run-time", f"{int(opts.ramp + opts.seconds)}s",
                   "--host", base, "--reset-stats", "--only-summary", "--csv", str(Path(tmp) / "run"), "--exit-code-on-error", "0"]  # fmt: skip
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        stats_file = Path(tmp) / "run_stats.csv"
        if not stats_file.exists():
            raise SystemExit(f"locust did not run: {done.stderr[-800:]}")
        rows = list(csv.DictReader(stats_file.open()))
        failures = list(csv.DictReader((Path(tmp) / "run_failures.csv").open()))
    groups = {}
    for row in rows:
        if row["Name"] == "Aggregated":
            continue
        groups[row["Name"]] = {"requests": int(row["Request Count"]), "errors": int(row["Failure Count"]),
                               "p50_ms": float(row["50%"]), "p95_ms": float(row["95%"]), "p99_ms": float(row["99%"]),
                               "target_p95_ms": TARGET_P95_MS}  # fmt: skip
    total = next(r for r in rows if r["Name"] == "Aggregated")
    errors = int(total["Failure Count"])
    return {"runner": "locust", "users": opts.users, "seconds": opts.seconds, "think_s": opts.think,
            "ramp_s": opts.ramp, "requests": int(total["Request Count"]),
            "requests_per_s": round(float(total["Requests/s"]), 1), "errors": errors,
            "error_samples": [f"{f['Name']}: {f['Error']} ×{f['Occurrences']}" for f in failures[:5]],
            "p50_ms": float(total["50%"]), "p95_ms": float(total["95%"]), "p99_ms": float(total["99%"]),
            "groups": dict(sorted(groups.items())),
            "targets_met": errors == 0 and all(g["p95_ms"] < g["target_p95_ms"] for g in groups.values())}  # fmt: skip


def options(argv=None):
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=int(env("BENCH_PUBLIC_LOAD_USERS", 200)))
    parser.add_argument("--seconds", type=float, default=float(env("BENCH_PUBLIC_LOAD_SECONDS", 120)))
    parser.add_argument("--think", default=env("BENCH_PUBLIC_LOAD_THINK", "1-5"))
    parser.add_argument("--ramp", type=float, default=float(env("BENCH_PUBLIC_LOAD_RAMP", 20)))
    parser.add_argument("--url", default=env("BENCH_PUBLIC_LOAD_URL", ""))
    return parser.parse_args(argv)


def main() -> int:
    opts = options()
    if opts.url:
        figures = measure(loopback_only(opts.url), opts)
    else:
        with scratch_env() as env:
            env = {**env, "SHIAN_DEBUG": "0", "SHIAN_TRUSTED_PROXIES": "127.0.0.1",
                   "SHIAN_ACCESS_LOG": str(Path(env["SHIAN_VAR_DIR"]) / "access.log")}  # fmt: skip
            built = build_demo(env)
            with production_server(env) as url:
                figures = measure(url, opts)
            figures = {**figures, "database": "postgresql" if env["DATABASE_URL"].startswith("postgres") else "sqlite",
                       "server": {"workers": int(os.environ.get("SHIAN_WEB_WORKERS") or 2), "cpus": os.cpu_count()},
                       "demo_build_s": round(built, 1)}  # fmt: skip
    emit("public_load", **figures)
    return 0 if figures["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
