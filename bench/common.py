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


def manage(env, *args) -> float:
    """Run a manage.py command; return its wall-clock seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def emit(name: str, **figures) -> None:
    print(json.dumps({"bench": name, **figures}, ensure_ascii=False))
