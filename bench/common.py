"""Helpers for benchmarks: a throwaway database per run and a JSON printer."""

import json
import os
import subprocess
import sys
import tempfile
import time
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
