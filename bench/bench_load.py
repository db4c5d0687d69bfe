"""Issue 18 item 10, load: signed-in users of the county, a township, a cadre and an enterprise click through their
pages (dashboard, entity list, visits, problems, duties, home) against the production server (gunicorn with
shian/gunicorn_conf.py and the task worker beside it, as `make serve` starts them) on the demo county. Prints the
p50/p95/p99 per page group and the error count as JSON. Targets: 0 errors, county dashboard p95 < 300 ms, every
other page p95 < 500 ms.

Each virtual user signs in once with its own session (the demo password), then opens a page of its role, waits a
think time drawn uniformly from BENCH_LOAD_THINK seconds, and again. Users start spread over BENCH_LOAD_RAMP
seconds; only requests after the ramp are timed, but an error counts whenever it happens (a refused login too). An
error is any answer but 200 (302 for the login), or no answer.

Configuration (environment, or the same as flags: --users, --seconds, --think, --ramp, --url):
- BENCH_LOAD_USERS ("100,50": one run per count, one after the other on the same server; the first prints as
  bench "load" (issue 18's 100 users), each further count as "load_<n>_users" (issue 25's 50 users)),
  BENCH_LOAD_SECONDS (120), BENCH_LOAD_THINK ("1-5"), BENCH_LOAD_RAMP (20);
- BENCH_LOAD_URL: measure a server that is already running with the demo loaded (loopback addresses only)
  instead of building the demo into a scratch database and starting one; BENCH_DATABASE_URL as in the other
  benchmarks.

Why threads and the standard library rather than locust: locust brings gevent, Flask and a dozen packages for what
this file does, and the figures are the same kind (latency seen by the client, per request). 100 users with think
time are a few dozen requests a second, which one Python process generates without becoming the bottleneck.
"""

import argparse
import http.client
import os
import random
import re
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

from common import build_demo, emit, loopback_only, percentile, production_server, scratch_env

PASSWORD = "shian-demo-2026"
TARGET_P95_MS = {"county_dashboard": 300}
DEFAULT_TARGET_P95_MS = 500

# account -> (page group, path); a user picks one of its role's pages at random each time.
PAGES = {
    "county": [
        ("county_dashboard", "/dashboard/"),
        ("home", "/"),
        ("entity_list", "/entities/"),
        ("visits", "/visits/coverage/"),
        ("problems", "/visits/problems/"),
        ("duties", "/duties/oversight/"),
    ],
    "township": [
        ("home", "/"),
        ("entity_list", "/entities/"),
        ("visits", "/visits/coverage/"),
        ("problems", "/visits/problems/"),
        ("duties", "/duties/oversight/"),
    ],
    "cadre": [
        ("home", "/"),
        ("visits", "/visits/"),
        ("problems", "/visits/problems/"),
    ],
    "enterprise": [
        ("home", "/"),
        ("duties", "/duties/"),
        ("problems", "/visits/problems/"),
    ],
}


class Session:
    """One signed-in browser: its own cookies, a new connection per request (as nginx talks to gunicorn)."""

    def __init__(self, base: str, headers: dict[str, str] | None = None):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.cookies: dict[str, str] = {}
        self.headers = headers or {}  # sent with every request (e.g. a proxy's X-Forwarded-For)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, float]:
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "shian-bench-load", **self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        elapsed = (time.perf_counter() - started) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, content, elapsed

    def login(self, username: str) -> None:
        status, page, _ = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise RuntimeError(f"login page answered {status}")
        form = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1].decode()}
        )
        status, _, _ = self.request("POST", "/accounts/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {username} answered {status}")


class Load:
    def __init__(self, base: str, users: int, seconds: float, think: tuple[float, float], ramp: float):
        self.base, self.users, self.seconds, self.think, self.ramp = base, users, seconds, think, ramp
        self.samples: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.error_samples: list[str] = []
        self.lock = threading.Lock()
        self.start = self.measure_from = self.stop = 0.0

    def record(self, group: str, ms: float | None, began: float, error: str | None = None) -> None:
        """Times count from the end of the ramp on; errors (a failed login too) count whenever they happen."""
        if error is None and began < self.measure_from:
            return
        with self.lock:
            if error is None:
                self.samples.setdefault(group, []).append(ms)
            else:
                self.errors[group] = self.errors.get(group, 0) + 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(f"{group}: {error}")

    def user(self, index: int, account: str) -> None:
        rng = random.Random(index)
        time.sleep(self.ramp * index / max(1, self.users))
        session = Session(self.base)
        began = time.perf_counter()
        try:
            session.login(account)
        except Exception as exc:  # a refused or failed login is an error of the run, and this user stops
            self.record("login", None, began, f"{account}: {exc}")
            return
        while True:
            time.sleep(rng.uniform(*self.think))
            began = time.perf_counter()
            if began >= self.stop:
                return
            group, path = rng.choice(PAGES[account])
            try:
                status, _, ms = session.request("GET", path)
            except Exception as exc:  # no answer: counted, and the user goes on
                self.record(group, None, began, f"{path} {type(exc).__name__}")
                continue
            self.record(group, ms, began, None if status == 200 else f"{path} answered {status}")

    def run(self) -> dict:
        accounts = list(PAGES)
        self.start = time.perf_counter()
        self.measure_from = self.start + self.ramp
        self.stop = self.measure_from + self.seconds
        threads = [
            threading.Thread(target=self.user, args=(i, accounts[i % len(accounts)]), daemon=True)
            for i in range(self.users)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1.0, self.stop - time.perf_counter() + 90))
        groups = {}
        for group in sorted(set(self.samples) | set(self.errors)):
            values = self.samples.get(group, [])
            groups[group] = {
                "requests": len(values) + self.errors.get(group, 0),
                "errors": self.errors.get(group, 0),
                "p50_ms": round(percentile(values, 50), 1) if values else None,
                "p95_ms": round(percentile(values, 95), 1) if values else None,
                "p99_ms": round(percentile(values, 99), 1) if values else None,
                "target_p95_ms": TARGET_P95_MS.get(group, DEFAULT_TARGET_P95_MS) if group != "login" else None,
            }
        total = sum(g["requests"] for g in groups.values())
        errors = sum(g["errors"] for g in groups.values())
        met = errors == 0 and all(
            g["p95_ms"] is not None and g["p95_ms"] < g["target_p95_ms"]
            for g in groups.values()
            if g["target_p95_ms"] is not None
        )
        return {
            "users": self.users,
            "seconds": self.seconds,
            "think_s": list(self.think),
            "ramp_s": self.ramp,
            "requests": total,
            "requests_per_s": round(total / self.seconds, 1),
            "errors": errors,
            "error_samples": self.error_samples,
            "groups": groups,
            "targets_met": met,
        }


def measure(url: str, options) -> list[dict]:
    """One run per user count of `options.users`, one after the other against the server at `url`."""
    return [Load(url, users, options.seconds, options.think, options.ramp).run() for users in options.users]


def serve_demo_and_measure(options) -> list[dict]:
    """Build the demo county into a scratch database, start the production server beside the worker, measure."""
    with scratch_env() as env:
        env = {**env, "SHIAN_DEBUG": "0", "SHIAN_ACCESS_LOG": str(Path(env["SHIAN_VAR_DIR"]) / "access.log")}
        built = build_demo(env)
        with production_server(env) as url:
            runs = measure(url, options)
        database = "postgresql" if env["DATABASE_URL"].startswith("postgres") else "sqlite"
        server = {"workers": int(os.environ.get("SHIAN_WEB_WORKERS") or 2), "cpus": os.cpu_count()}
        return [
            {**figures, "database": database, "server": server, "demo_build_s": round(built, 1)} for figures in runs
        ]


def options(argv=None):
    def think(text: str) -> tuple[float, float]:
        low, _, high = text.partition("-")
        return float(low), float(high or low)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])

    def counts(text: str) -> list[int]:
        return [int(part) for part in text.split(",") if part.strip()]

    parser.add_argument("--users", type=counts, default=counts(os.environ.get("BENCH_LOAD_USERS", "100,50")))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_LOAD_SECONDS", 120)))
    parser.add_argument("--think", type=think, default=think(os.environ.get("BENCH_LOAD_THINK", "1-5")))
    parser.add_argument("--ramp", type=float, default=float(os.environ.get("BENCH_LOAD_RAMP", 20)))
    parser.add_argument("--url", default=os.environ.get("BENCH_LOAD_URL", ""))
    return parser.parse_args(argv)


def main() -> int:
    opts = options()
    runs = measure(loopback_only(opts.url), opts) if opts.url else serve_demo_and_measure(opts)
    for i, figures in enumerate(runs):
        emit("load" if i == 0 else f"load_{figures['users']}_users", **figures)
    return 0 if all(figures["errors"] == 0 for figures in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
