"""Browser and API-robustness tests against the real server (gunicorn with shian/gunicorn_conf.py and the task
worker beside it), started like `make demo` does.

The server gets its own database: a temporary SQLite file, or `<name>_e2e` on the
PostgreSQL server named by DATABASE_URL. It is migrated and loaded with the demo county.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dj_database_url
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
DEMO_PASSWORD = "shian-demo-2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_database(url: str):
    """Create a fresh `<name>_e2e` database beside the configured one; return its URL and a dropper."""
    import psycopg

    cfg = dj_database_url.parse(url)
    name = f"{cfg['NAME']}_e2e"
    admin = psycopg.connect(
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )

    def drop():
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}", lambda: (drop(), admin.close())


def _run(env, *args):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="session")
def server_env(tmp_path_factory):
    var = tmp_path_factory.mktemp("e2e")
    url = os.environ.get("DATABASE_URL", "")
    cleanup = None
    if url.startswith(("postgres://", "postgresql://")):
        url, cleanup = _postgres_database(url)
    else:
        url = f"sqlite:///{var / 'e2e.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SHIAN_VAR_DIR": str(var),
        "SHIAN_DEBUG": "0",
        "SHIAN_HOLIDAY_CACHE_SECONDS": "2",
    }
    _run(env, "migrate", "--noinput", "-v0")
    _run(env, "load_regions", "--villages", "370725")
    _run(env, "demo")
    yield env
    if cleanup:
        cleanup()


@pytest.fixture(scope="session")
def live_url(server_env):
    port = _free_port()
    log = open(Path(server_env["SHIAN_VAR_DIR"]) / "server.log", "w")
    proc = subprocess.Popen(  # the production server, exactly as `make serve` starts it
        [sys.executable, "-m", "gunicorn", "-c", "python:shian.gunicorn_conf", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(  # the task worker, as `make serve` runs it beside the server
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2"],
        cwd=ROOT,
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=10) as r:  # the database and the worker answer
                if r.status == 200:
                    break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill(), worker.kill()
                raise RuntimeError((Path(server_env["SHIAN_VAR_DIR"]) / "server.log").read_text()) from None
            time.sleep(0.3)
    yield url
    for process in (proc, worker):
        process.terminate()
        process.wait(timeout=30)
    log.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    assert Path(CHROMIUM).exists(), "Debian chromium is required: run `make system-deps` (apt-get install chromium)"
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }
