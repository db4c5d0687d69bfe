"""Backup and restore (`manage.py backup`, `manage.py restore`, shian.core.backup), run as an operator runs them:
in subprocesses against a database of their own (a SQLite file, or a scratch database on the test run's
PostgreSQL server), populated with a small county (regions, entities, cadres, 包保, visits, duties) and a few
uploaded files. "Wiping" the site is what an operator does before a restore: PostgreSQL is flushed (TRUNCATE);
SQLite gets a brand-new database file (its append-only audit trigger refuses `flush`'s DELETE), and the uploaded
files are removed."""

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from shian.core import backup
from shian.core.backup import BOOKKEEPING_TABLES

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

POPULATE = """
import datetime
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from shian.accounts.models import User
from shian.baobao import services
from shian.demo.accounts import load_demo_accounts, load_demo_grids
from shian.demo.cadres import load_county_cadres
from shian.demo.duties import load_county_duties
from shian.demo.entities import load_county_entities
from shian.demo.visits import load_county_visits
from shian.regions.models import Region
county = Region.objects.select_related("parent").get(code="370725")
today = datetime.date(2026, 11, 25)
load_demo_grids(county=county)
load_county_entities(county=county, seed=1, count=150, today=today, flaws=True)
load_county_cadres(county=county, seed=1)
load_demo_accounts(county=county)
admin = User.objects.filter(is_superuser=True).order_by("pk").first()
services.grade_entities(actor=admin, region_code=county.code)
services.publish_run(actor=admin, run=services.assign_cadres(actor=admin, region_code=county.code))
load_county_visits(county=county, seed=1, today=today)
load_county_duties(county=county, seed=1, today=today)
for i, name in enumerate(["visits/2026/11/照片1.jpg", "visits/2026/11/photo2.jpg", "ledgers/台账.xlsx"]):
    default_storage.save(name, ContentFile(bytes([i]) * (1000 + i)))
"""

STATE = """
import json
from shian.core.backup import live_counts
print(json.dumps(live_counts()))
"""


class Site:
    """One installation: its own var folder (uploads under var/media) and its own database."""

    def __init__(self, folder: Path):
        self.var = folder / "var"
        self.var.mkdir(parents=True)
        self.media = self.var / "media"
        self.pg_name = None
        if POSTGRES:
            self.pg_name = f"shian_backup_{uuid.uuid4().hex[:10]}"
            self._pg(f'CREATE DATABASE "{self.pg_name}"')
            db = settings.DATABASES["default"]
            auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
            url = f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{self.pg_name}"
        else:
            url = f"sqlite:///{self.var / 'shian.sqlite3'}"
        self.env = {**os.environ, "SHIAN_VAR_DIR": str(self.var), "DATABASE_URL": url}

    @staticmethod
    def _pg(sql: str) -> None:
        import psycopg

        db = settings.DATABASES["default"]
        with psycopg.connect(
            host=db["HOST"], port=db["PORT"], user=db["USER"], password=db.get("PASSWORD") or None,
            dbname=db["NAME"], autocommit=True,
        ) as conn:  # fmt: skip
            conn.execute(sql)

    def manage(self, *args, check=True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def counts(self) -> dict[str, int]:
        return json.loads(self.manage("shell", "-c", STATE).stdout.strip().splitlines()[-1])

    def files(self) -> dict[str, str]:
        return {
            p.relative_to(self.media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(self.media.rglob("*"))
            if p.is_file()
        }

    def wipe(self) -> None:
        if POSTGRES:
            self.manage("flush", "--noinput")
        else:
            for path in self.var.glob("shian.sqlite3*"):
                path.unlink()
        shutil.rmtree(self.media, ignore_errors=True)

    def data_rows(self) -> dict[str, int]:
        return {table: rows for table, rows in self.counts().items() if rows and table not in BOOKKEEPING_TABLES}

    def drop(self) -> None:
        if self.pg_name:
            self._pg(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A populated site, what it holds (rows per table, uploaded files by hash) and one backup of it."""
    folder = tmp_path_factory.mktemp("site")
    site = Site(folder)
    try:
        site.manage("migrate", "--noinput", "-v0")
        site.manage("load_regions", "--villages", "370725")
        site.manage("shell", "-c", POPULATE)
        site.before = (site.counts(), site.files())
        out = site.manage("backup", "--to", str(folder / "backups"), "--json").stdout.strip().splitlines()[-1]
        site.backup = Path(json.loads(out)["path"])
        yield site
    finally:
        site.drop()


def test_a_backup_holds_the_database_the_files_and_a_manifest(site):
    """The folder is named by its time, lists every file with its hash and size, and counts every table."""
    counts, files = site.before
    assert backup.NAME_RE.match(site.backup.name)
    manifest = json.loads((site.backup / "manifest.json").read_text())
    assert manifest["vendor"] == ("postgresql" if POSTGRES else "sqlite")
    assert manifest["tables"] == counts and sum(counts.values()) > 1000
    assert len([t for t, n in counts.items() if n and t not in BOOKKEEPING_TABLES]) >= 20  # many tables
    assert ["core", "0001_initial"] in manifest["migrations"]
    assert {f"media/{name}" for name in files} | {manifest["database"]} == set(manifest["files"])
    for name, digest in files.items():
        assert manifest["files"][f"media/{name}"]["sha256"] == digest
    assert len(files) == 3
    assert not list(site.backup.parent.glob(".shian-backup-*"))  # nothing left of the work folder


def test_restore_into_a_wiped_site_gives_back_every_row_and_file(site):
    """Wipe (database and uploads), restore: every table's row count and every file's hash are as before."""
    site.wipe()
    assert not site.files()
    result = site.manage("restore", str(site.backup), "--json")
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["ok"] and summary["rows"] == sum(site.before[0].values()) and summary["files"] == 3
    assert (site.counts(), site.files()) == site.before


def test_a_corrupted_backup_is_refused_before_anything_is_written(site, tmp_path):
    """One flipped byte in an uploaded file: refused, naming the file, and the database stays empty."""
    broken = tmp_path / site.backup.name
    shutil.copytree(site.backup, broken)
    photo = broken / "media" / "visits" / "2026" / "11" / "photo2.jpg"
    data = bytearray(photo.read_bytes())
    data[10] ^= 0xFF
    photo.write_bytes(bytes(data))
    site.wipe()
    result = site.manage("restore", str(broken), "--json", check=False)
    assert result.returncode == 1
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert not out["ok"] and "已损坏" in out["message"] and "media/visits/2026/11/photo2.jpg" in out["message"]
    assert "已损坏" in result.stderr
    assert site.data_rows() == {} and not site.files()


def test_a_truncated_database_dump_is_refused(site, tmp_path):
    broken = tmp_path / site.backup.name
    shutil.copytree(site.backup, broken)
    manifest = json.loads((broken / "manifest.json").read_text())
    dump = broken / manifest["database"]
    dump.write_bytes(dump.read_bytes()[:-100])
    site.wipe()
    result = site.manage("restore", str(broken), check=False)
    assert result.returncode == 1 and manifest["database"] in result.stderr and "大小" in result.stderr
    assert site.data_rows() == {}


def test_restore_into_a_database_with_data_is_refused_naming_a_table(site):
    """A site holding data is never overwritten: refused with the name of a table that has rows, untouched."""
    site.wipe()
    site.manage("restore", str(site.backup))
    result = site.manage("restore", str(site.backup), "--json", check=False)
    assert result.returncode == 1
    message = json.loads(result.stdout.strip().splitlines()[-1])["message"]
    assert "不是空库" in message and "表 " in message and "flush" in message
    assert (site.counts(), site.files()) == site.before


def test_an_unwritable_destination_is_refused_and_nothing_is_written(site, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = site.manage("backup", "--to", str(blocker / "backups"), "--json", check=False)
    assert result.returncode == 1 and "无法备份" in result.stderr
    assert str(blocker) in json.loads(result.stdout.strip().splitlines()[-1])["message"]
    if os.geteuid() != 0:  # root writes into a read-only folder anyway
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        result = site.manage("backup", "--to", str(locked), check=False)
        assert result.returncode == 1 and "不可写" in result.stderr
        assert not list(locked.iterdir())


def test_bad_usage_exits_2(site, tmp_path):
    assert site.manage("restore", check=False).returncode == 2
    result = site.manage("restore", str(tmp_path / "nowhere"), check=False)
    assert result.returncode == 2 and "找不到备份目录" in result.stderr


def test_the_nightly_job_writes_a_backup_and_prunes_by_the_rules(site, tmp_path):
    """The registered job `core.backup`: a backup in SHIAN_BACKUP_DIR, and of 40 older nightly backups only
    those retention keeps (7 daily, 4 weekly, 12 monthly by default) remain."""
    old = [datetime.datetime(2026, 1, 1, 2) + datetime.timedelta(days=n) for n in range(40)]
    for when in old:
        make_backup_folder(tmp_path, when)
    code = (
        "from django.utils import timezone; from shian.core import schedule; "
        "job = {j.name: j for j in schedule.jobs()}['core.backup']; print(job.run(timezone.now()))"
    )
    counts = site.counts()
    site.env["SHIAN_BACKUP_DIR"] = str(tmp_path)
    try:
        out = site.manage("shell", "-c", code).stdout.strip().splitlines()[-1]
    finally:
        del site.env["SHIAN_BACKUP_DIR"]
    left = backup.backups_in(tmp_path)
    newest = left[0][1]
    assert str(newest) in out and json.loads((newest / "manifest.json").read_text())["tables"] == counts
    expected = backup.to_keep([t for t, _ in left] + old, daily=7, weekly=4, monthly=12)
    assert {t for t, _ in left} == expected and len(left) < 41


# -- retention and the nightly job (in process) ---------------------------------------------------------------


def stamps(*days: str) -> list[datetime.datetime]:
    return [datetime.datetime.fromisoformat(d) for d in days]


def test_retention_keeps_the_newest_of_each_day_week_and_month():
    """Nightly backups for 400 days: 7 daily + 4 weekly + 12 monthly classes, overlapping, newest of each kept."""
    start = datetime.datetime(2025, 1, 1, 2, 0)
    all_ = [start + datetime.timedelta(days=n) for n in range(400)]
    keep = backup.to_keep(all_, daily=7, weekly=4, monthly=12)
    newest = all_[-1]
    assert set(all_[-7:]) <= keep  # the last 7 days
    weeks = {t.isocalendar()[:2] for t in keep}
    months = {(t.year, t.month) for t in keep}
    assert len(months) == 12 and len(weeks) >= 4
    assert min(keep) > newest - datetime.timedelta(days=366)
    assert len(keep) <= 7 + 4 + 12
    # two backups on one day: only the newer one counts for that day
    twice = stamps("2026-01-01T02:00", "2026-01-01T14:00")
    assert backup.to_keep(twice, daily=7, weekly=4, monthly=12) == {twice[1]}


def make_backup_folder(root: Path, when: datetime.datetime) -> Path:
    path = root / when.strftime(backup.NAME_FORMAT)
    path.mkdir(parents=True)
    (path / "manifest.json").write_text("{}")
    return path


def test_prune_deletes_only_what_retention_drops_and_never_other_folders(tmp_path):
    when = [datetime.datetime(2026, 11, 1, 2) + datetime.timedelta(days=n) for n in range(30)]
    for t in when:
        make_backup_folder(tmp_path, t)
    (tmp_path / "notes").mkdir()
    (tmp_path / "shian-20200101-000000").mkdir()  # no manifest: not a finished backup, left alone
    removed = backup.prune(tmp_path, daily=3, weekly=2, monthly=1)
    left = {t for t, _ in backup.backups_in(tmp_path)}
    assert left == backup.to_keep(when, daily=3, weekly=2, monthly=1) and len(removed) == 30 - len(left)
    assert (tmp_path / "notes").is_dir() and (tmp_path / "shian-20200101-000000").is_dir()


@pytest.mark.django_db
def test_retention_numbers_are_rules():
    from shian.core import rules

    assert [rules.value(f"backup.keep_{c}") for c in ("daily", "weekly", "monthly")] == [7, 4, 12]
    assert rules.value("backup.hour") == 2


@pytest.mark.django_db
def test_the_nightly_job_is_due_from_the_rule_hour_until_a_backup_of_today_exists(settings, tmp_path):
    from django.utils import timezone

    from shian.core import jobs

    settings.SHIAN_BACKUP_DIR = tmp_path
    tz = timezone.get_current_timezone()
    night = datetime.datetime(2026, 12, 4, 1, 59, tzinfo=tz)
    assert not jobs._backup_due(night)
    assert jobs._backup_due(night + datetime.timedelta(minutes=1))
    make_backup_folder(tmp_path, datetime.datetime(2026, 12, 3, 2, 0))
    assert jobs._backup_due(night + datetime.timedelta(hours=5))
    make_backup_folder(tmp_path, datetime.datetime(2026, 12, 4, 2, 0))
    assert not jobs._backup_due(night + datetime.timedelta(hours=5))


def test_the_postgresql_client_is_found_off_path(monkeypatch, tmp_path):
    """Debian keeps pg_dump in /usr/lib/postgresql/<version>/bin; SHIAN_PG_BIN names another folder."""
    monkeypatch.setenv("SHIAN_PG_BIN", str(tmp_path))
    assert backup.pg_tool("pg_dump") == str(tmp_path / "pg_dump")
    monkeypatch.delenv("SHIAN_PG_BIN")
    monkeypatch.setenv("PATH", str(tmp_path))
    installed = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"))
    if not installed:
        with pytest.raises(backup.BackupRefused, match="postgresql-client"):
            backup.pg_tool("pg_dump")
    else:
        assert Path(backup.pg_tool("pg_dump")).parent.parent.parent == Path("/usr/lib/postgresql")
