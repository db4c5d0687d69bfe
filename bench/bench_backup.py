"""Issue 18 on SQLite: backup and restore of the demo county (昌乐县, `manage.py demo`) each < 30 s.

The demo is built once in a throwaway site with a few uploaded files beside it; `manage.py backup` is timed, then
the database file and the uploads are removed and `manage.py restore` is timed into the brand-new database. Both
are whole manage.py runs (start-up included), as an operator or the nightly job pays them."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, emit, manage

LIMIT_S = 30

with tempfile.TemporaryDirectory() as tmp:
    var = Path(tmp) / "var"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{var}/shian.sqlite3", "SHIAN_VAR_DIR": str(var)}
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_regions", "--villages", "370725")
    manage(env, "demo")
    media = var / "media" / "visits"
    media.mkdir(parents=True)
    for i in range(20):
        (media / f"photo{i}.jpg").write_bytes(os.urandom(200_000))

    def timed(*args) -> tuple[float, dict]:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "manage.py", *args, "--json"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return time.perf_counter() - started, json.loads(result.stdout.strip().splitlines()[-1])

    backup_s, made = timed("backup", "--to", str(Path(tmp) / "backups"))
    for path in var.glob("shian.sqlite3*"):
        path.unlink()
    shutil.rmtree(var / "media")
    restore_s, restored = timed("restore", made["path"])

emit(
    "backup",
    vendor=made["vendor"],
    tables=made["tables"],
    rows=made["rows"],
    files=made["files"],
    megabytes=round(made["bytes"] / 1e6, 1),
    backup_s=round(backup_s, 2),
    restore_s=round(restore_s, 2),
    restored_rows=restored["rows"],
    ok=backup_s < LIMIT_S and restore_s < LIMIT_S and restored["rows"] == made["rows"],
)
