"""Issue 22 (docs/portal.md §5), load: 200 concurrent public users, without accounts, on the production server
(gunicorn with shian/gunicorn_conf.py and the task worker, as `make serve` starts them) on the demo county: the
portal's home and search, business pages, editions, the map points, the public API's establishment pages and
sampling results. Prints p50/p95/p99 per page group and the error count as JSON; the target is 0 errors.

Each virtual user is one visitor behind the site's reverse proxy: the server trusts 127.0.0.1 as its proxy
(SHIAN_TRUSTED_PROXIES) and each user sends its own X-Forwarded-For, as nginx would, so the per-client limits
(`portal.per_minute`, `open_api.per_minute`) apply per visitor, as in production. An error is any answer but 200,
or no answer (a 429 counts: a visitor at a human pace must never meet the limit).

The threads, sessions and figures are bench_load's (`Load`, `Session`); the server and the demo build are
common's. Configuration as bench_load, with its own variables: BENCH_PUBLIC_LOAD_USERS (200),
BENCH_PUBLIC_LOAD_SECONDS (120), BENCH_PUBLIC_LOAD_THINK ("1-5"), BENCH_PUBLIC_LOAD_RAMP (20),
BENCH_PUBLIC_LOAD_URL (measure a running server with the demo loaded and 127.0.0.1 trusted; loopback only)."""

import argparse
import json
import os
import random
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench_load import Load, Session

from common import build_demo, emit, loopback_only, production_server, scratch_env


class PublicLoad(Load):
    """bench_load's Load with anonymous visitors: each picks a public page at random after each think time."""

    def __init__(self, base, users, seconds, think, ramp, names: list[str], ids: list[int]):
        super().__init__(base, users, seconds, think, ramp)
        self.names, self.ids = names, ids

    def page(self, rng: random.Random) -> tuple[str, str]:
        kind = rng.choices(["home", "search", "business", "editions", "map_points", "api_establishments",
                            "api_sampling"], weights=[1, 4, 4, 1, 1, 2, 1])[0]  # fmt: skip
        if kind == "search":
            name = rng.choice(self.names)
            return kind, "/public/?" + urllib.parse.urlencode({"q": name[-4:]})
        if kind == "business":
            return kind, f"/public/b/{rng.choice(self.ids)}/"
        paths = {"home": "/public/", "editions": "/public/editions/", "map_points": "/public/map/points.json?county=370725",
                 "api_establishments": f"/api/open/v1/establishments?region=370725&after={rng.choice(self.ids)}",
                 "api_sampling": "/api/open/v1/sampling/results?region=370725"}  # fmt: skip
        return kind, paths[kind]

    def user(self, index: int, account: str) -> None:
        rng = random.Random(index)
        time.sleep(self.ramp * index / max(1, self.users))
        address = f"10.{index // 65536 % 256}.{index // 256 % 256}.{index % 256 + 1}"
        session = Session(self.base, headers={"X-Forwarded-For": address})
        while True:
            time.sleep(rng.uniform(*self.think))
            began = time.perf_counter()
            if began >= self.stop:
                return
            group, path = self.page(rng)
            try:
                status, _, ms = session.request("GET", path)
            except Exception as exc:  # no answer: counted, and the visitor goes on
                self.record(group, None, began, f"{path} {type(exc).__name__}")
                continue
            self.record(group, ms, began, None if status == 200 else f"{path} answered {status}")


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
    names, ids = sample_businesses(base)
    return PublicLoad(base, opts.users, opts.seconds, opts.think, opts.ramp, names, ids).run()


def options(argv=None):
    def think(text: str) -> tuple[float, float]:
        low, _, high = text.partition("-")
        return float(low), float(high or low)

    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=int(env("BENCH_PUBLIC_LOAD_USERS", 200)))
    parser.add_argument("--seconds", type=float, default=float(env("BENCH_PUBLIC_LOAD_SECONDS", 120)))
    parser.add_argument("--think", type=think, default=think(env("BENCH_PUBLIC_LOAD_THINK", "1-5")))
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
