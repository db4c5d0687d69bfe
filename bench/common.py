"""Helpers for benchmarks: a throwaway database per run, the production server on a demo database, and a JSON
printer."""

import ipaddress
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def scratch_env():
    """Environment for manage.py pointing at a fresh SQLite file (or BENCH_DATABASE_URL when set)."""
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        yield {**os.environ, "DATABASE_URL": url, "SHIAN_VAR_DIR": tmp}


@contextmanager
def scratch_pg():
    """DATABASE_URL of a PostgreSQL database: BENCH_PG_URL when set, else a throwaway cluster for this run."""
    if os.environ.get("BENCH_PG_URL"):
        yield os.environ["BENCH_PG_URL"]
        return
    with tempfile.TemporaryDirectory(prefix="shian-bench-pg.") as tmp:
        script = str(ROOT / "scripts" / "pg-scratch.sh")
        url = subprocess.run([script, "start", tmp], check=True, capture_output=True, text=True).stdout.strip()
        try:
            yield url
        finally:
            subprocess.run([script, "stop", tmp], check=False)


def django_setup(url: str, **settings_env: str) -> None:
    """Set up Django in this process on `url`; `settings_env` are further environment settings (SHIAN_VAR_DIR, a
    disabled figures cache) read by shian/settings.py at import."""
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="shian.settings", **settings_env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 40 samples is the 38th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * pct // 100) - 1)]


def manage(env, *args) -> float:
    """Run a manage.py command; return its wall-clock seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def emit(name: str, **figures) -> None:
    print(json.dumps({"bench": name, **figures}, ensure_ascii=False))


# -- the production server (gunicorn with shian/gunicorn_conf.py and the task worker beside it, as `make serve`) --


def loopback_only(url: str) -> str:
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise SystemExit(f"the server to measure must be a loopback address (127.0.0.1, ::1, localhost), not {host!r}")
    return url.rstrip("/")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, procs, log: Path, limit: float = 120) -> None:
    deadline = time.time() + limit
    while True:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=10) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.time() > deadline or any(p.poll() is not None for p in procs):
            raise RuntimeError(log.read_text()[-3000:])
        time.sleep(0.5)


def build_demo(env) -> float:
    """Migrate, load the demo county's regions and the demo; the seconds it took."""
    built = manage(env, "migrate", "--noinput", "-v0")
    built += manage(env, "load_regions", "--villages", "370725")
    return built + manage(env, "demo")


@contextmanager
def production_server(env):
    """Start gunicorn (shian/gunicorn_conf.py) and the task worker on `env`'s database; yield the base URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = Path(env["SHIAN_VAR_DIR"]) / "server.log"
    with open(log_path, "w") as log:
        server = [sys.executable, "-m", "gunicorn", "-c", "python:shian.gunicorn_conf", "--bind", f"127.0.0.1:{port}"]
        procs = [
            subprocess.Popen(server, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT),
            subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload"], cwd=ROOT, env=env,
                             stdout=log, stderr=subprocess.STDOUT),
        ]  # fmt: skip
        try:
            wait_ready(url, procs, log_path)
            yield url
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
