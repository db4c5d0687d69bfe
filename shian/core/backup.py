"""Backup and restore of a whole installation: the database and the uploaded files, with a manifest that lets a
restore prove the backup is whole before it touches anything (docs/commands.md, "Backup and restore").

A backup is one folder ``shian-YYYYmmdd-HHMMSS`` (local time) holding:

    manifest.json        format, app version, database vendor, applied migrations, row counts per table,
                         SHA-256 and size of every other file, created time
    database.sqlite3     SQLite: a consistent copy made with the online backup API (the site keeps running)
    database.pgdump      PostgreSQL: ``pg_dump --format=custom`` of one snapshot (the row counts come from it too)
    media/...            the uploaded files (MEDIA_ROOT); skipped with a warning when uploads live in S3 storage

The folder is written under a hidden temporary name beside its final place and renamed at the end, so a failed
or interrupted backup never leaves something that looks like a backup.

A restore goes into an EMPTY database: brand new (created, never migrated) or migrated and flushed, that is with
no rows except the ones ``migrate``/``flush`` write themselves (the migration record, content types and
permissions). A freshly migrated database holds seed rows (rules, holidays, checklists): ``flush`` it first.
Everything is checked before the first write: the manifest, every file's hash and size, the database vendor,
the migrations (all known to this code), the target database's emptiness and the media folder. The database is
then replaced in one step (SQLite: the backup API in reverse; PostgreSQL: ``pg_restore --clean
--single-transaction``), the files copied, and the row counts compared with the manifest.
"""

import datetime
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

logger = logging.getLogger("shian.backup")

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_DIR = "media"
NAME_FORMAT = "shian-%Y%m%d-%H%M%S"
NAME_RE = re.compile(r"^shian-(\d{8}-\d{6})(-\d+)?$")
# Rows `migrate` and `flush` write by themselves: a database holding only these is empty.
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
VENDORS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupRefused(Exception):
    """A backup or restore that cannot go ahead; the message (Chinese) says what is wrong and where."""


@dataclass
class Result:
    path: Path
    vendor: str
    tables: dict[str, int]
    files: int
    bytes: int
    media: bool
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "path": str(self.path),
            "vendor": self.vendor,
            "tables": len(self.tables),
            "rows": sum(self.tables.values()),
            "files": self.files,
            "bytes": self.bytes,
            "media": self.media,
            "warnings": self.warnings,
        }


def backup_root() -> Path:
    """Where backups go by default and where the nightly job prunes (SHIAN_BACKUP_DIR, else var/backups)."""
    return Path(getattr(settings, "SHIAN_BACKUP_DIR", None) or Path(settings.VAR_DIR) / "backups")


def app_version() -> str:
    try:
        return metadata.version("shian")
    except metadata.PackageNotFoundError:
        return "unknown"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pg_tool(name: str) -> str:
    """The PostgreSQL client program `name`: from SHIAN_PG_BIN, else PATH, else the newest
    /usr/lib/postgresql/<version>/bin (Debian keeps it off PATH)."""
    folder = os.environ.get("SHIAN_PG_BIN")
    if folder:
        return str(Path(folder) / name)
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if p.parent.name.isdigit()),
        key=lambda p: int(p.parent.name),
    )
    for folder in reversed(versions):
        if (folder / name).exists():
            return str(folder / name)
    raise BackupRefused(
        f"找不到 PostgreSQL 客户端程序 {name}：请安装 postgresql-client（scripts/system-deps.sh）或设置 SHIAN_PG_BIN"
    )


def _pg_env() -> dict:
    db = connection.settings_dict
    env = {**os.environ}
    for key, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
        ("PGSSLMODE", (db.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[key] = str(value)
    return env


def _run(args: list[str], what: str, env: dict | None = None) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupRefused(
            f"{what}失败（{Path(args[0]).name} 退出码 {result.returncode}）：{result.stderr.strip()[-800:]}"
        )


# -- what a database holds --------------------------------------------------------------------------------------


def _counts_sqlite(db: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def _migrations_sqlite(db: sqlite3.Connection) -> list[list[str]]:
    return [list(row) for row in db.execute("SELECT app, name FROM django_migrations ORDER BY app, name")]


def live_counts() -> dict[str, int]:
    """Rows per table of the configured database (every table, Django's own included)."""
    with connection.cursor() as cursor:
        counts = {}
        for name in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def _live_migrations() -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [list(row) for row in cursor.fetchall()]


# -- backup -----------------------------------------------------------------------------------------------------


def _writable_parent(parent: Path) -> Path:
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupRefused(f"无法创建备份目录 {parent}：{exc.strerror or exc}") from exc
    if not parent.is_dir():
        raise BackupRefused(f"备份位置不是目录：{parent}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise BackupRefused(f"备份目录不可写：{parent}（请检查权限，或用 --to 指定其他目录）")
    return parent


def _final_name(parent: Path, now: datetime.datetime) -> Path:
    base = timezone.localtime(now).strftime(NAME_FORMAT)
    path, n = parent / base, 1
    while path.exists():
        n += 1
        path = parent / f"{base}-{n}"
    return path


def _dump_sqlite(target: Path) -> tuple[dict[str, int], list[list[str]]]:
    source = Path(connection.settings_dict["NAME"])
    if not source.exists():
        raise BackupRefused(f"数据库文件不存在：{source}")
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, whatever the live database's mode
        counts, migrations = _counts_sqlite(dst), _migrations_sqlite(dst)
    finally:
        dst.close()
        src.close()
    return counts, migrations


def _dump_postgresql(target: Path) -> tuple[dict[str, int], list[list[str]]]:
    """pg_dump and the row counts read one snapshot: a repeatable-read transaction exports it to pg_dump."""
    pg_dump = pg_tool("pg_dump")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                ],
                "pg_dump 导出数据库",
                env=_pg_env(),
            )
            counts = live_counts()
            migrations = _live_migrations()
    return counts, migrations


def _media_storage_is_local() -> bool:
    return isinstance(storages["default"], FileSystemStorage)


def _copy_media(target: Path) -> None:
    source = Path(settings.MEDIA_ROOT)
    target.mkdir()
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True, symlinks=False)


def _file_entries(folder: Path) -> dict[str, dict]:
    entries = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path != folder / MANIFEST:
            rel = path.relative_to(folder).as_posix()
            entries[rel] = {"sha256": sha256(path), "size": path.stat().st_size}
    return entries


def create_backup(to: Path | None = None, now: datetime.datetime | None = None) -> Result:
    """Write a backup folder under `to` (default backup_root()); raise BackupRefused when it cannot."""
    now = now or timezone.now()
    vendor = connection.vendor
    if vendor not in VENDORS:
        raise BackupRefused(f"不支持备份此类数据库：{vendor}")
    parent = _writable_parent(Path(to) if to else backup_root())
    warnings = []
    work = Path(tempfile.mkdtemp(prefix=".shian-backup-", dir=parent))
    try:
        if vendor == "sqlite":
            database = SQLITE_FILE
            tables, migrations = _dump_sqlite(work / database)
        else:
            database = PG_FILE
            tables, migrations = _dump_postgresql(work / database)
        media = _media_storage_is_local()
        if media:
            _copy_media(work / MEDIA_DIR)
        else:
            warnings.append(
                "上传文件存放在对象存储（S3）中，本备份不包含上传文件：请用对象存储自身的版本或复制功能备份"
            )
            logger.warning(warnings[-1])
        files = _file_entries(work)
        manifest = {
            "format": FORMAT,
            "app": "shian",
            "version": app_version(),
            "vendor": vendor,
            "created": now.isoformat(),
            "database": database,
            "media": media,
            "migrations": migrations,
            "tables": tables,
            "files": files,
            "warnings": warnings,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        final = _final_name(parent, now)
        os.rename(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    logger.info("backup written to %s", final)
    return Result(
        path=final,
        vendor=vendor,
        tables=tables,
        files=len(files),
        bytes=sum(f["size"] for f in files.values()),
        media=media,
        warnings=warnings,
    )


# -- restore ----------------------------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict:
    """The manifest of the backup in `folder`, after checking every file it lists (hash and size)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupRefused(f"备份目录不存在：{folder}")
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupRefused(f"不是有效的备份：{folder} 中没有 {MANIFEST}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupRefused(f"备份清单损坏：{path} 不是有效的 JSON（{exc}）") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupRefused(f"备份清单格式不受支持：{path}（format 应为 {FORMAT}）")
    for key in ("vendor", "database", "files", "tables", "migrations"):
        if key not in manifest:
            raise BackupRefused(f"备份清单缺少「{key}」：{path}")
    files = manifest["files"]
    if not isinstance(files, dict) or not all(isinstance(entry, dict) for entry in files.values()):
        raise BackupRefused(f"备份清单中的文件列表格式不对：{path}")
    if manifest["database"] not in files:
        raise BackupRefused(f"备份清单没有列出数据库文件 {manifest['database']}：{path}")
    for rel, expected in sorted(files.items()):
        target = (folder / rel).resolve()
        if folder.resolve() not in target.parents:
            raise BackupRefused(f"备份清单中的路径越出备份目录：{rel}")
        if not target.is_file():
            raise BackupRefused(f"备份不完整：缺少文件 {rel}")
        if target.stat().st_size != expected.get("size"):
            raise BackupRefused(
                f"备份已损坏：文件 {rel} 大小为 {target.stat().st_size} 字节，清单记录为 {expected.get('size')} 字节"
            )
        if sha256(target) != expected.get("sha256"):
            raise BackupRefused(f"备份已损坏：文件 {rel} 的 SHA-256 校验值与清单不符")
    return manifest


def _check_migrations(manifest: dict) -> None:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known]
    if unknown:
        raise BackupRefused(
            f"备份来自更新的版本（{manifest.get('version', '未知')}）：本程序没有迁移 {'、'.join(unknown[:5])}"
            f"{' 等' if len(unknown) > 5 else ''}；请用相同或更新版本的程序恢复"
        )


def _check_empty() -> None:
    for table, rows in live_counts().items():
        if rows and table not in BOOKKEEPING_TABLES:
            raise BackupRefused(
                f"目标数据库不是空库：表 {table} 有 {rows} 行数据。恢复只写入空数据库（新建的库，"
                "或已运行 python manage.py flush 清空的库；刚运行 migrate 的新库含初始数据，也请先 flush）"
            )


def _media_plan(folder: Path, manifest: dict) -> list[tuple[Path, Path]]:
    """(source, destination) of every uploaded file; refuse when MEDIA_ROOT holds a different file there."""
    if not manifest.get("media"):
        return []
    if not _media_storage_is_local():
        raise BackupRefused(
            "当前配置把上传文件存放在对象存储（S3）中：请改用本地存储恢复，或自行把备份中的 media 目录上传"
        )
    root = Path(settings.MEDIA_ROOT)
    prefix = MEDIA_DIR + "/"
    plan = []
    for rel, entry in sorted(manifest["files"].items()):
        if not rel.startswith(prefix):
            continue
        destination = root / rel[len(prefix) :]
        if destination.exists() and (not destination.is_file() or sha256(destination) != entry["sha256"]):
            raise BackupRefused(f"上传文件目录中已有不同的文件：{destination}（请先清空 {root}）")
        plan.append((folder / rel, destination))
    return plan


def _restore_sqlite(source: Path) -> None:
    target = Path(connection.settings_dict["NAME"])
    connection.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # page by page under SQLite's own locking: all of it or, on failure, none
    finally:
        dst.close()
        src.close()


def _restore_postgresql(source: Path) -> None:
    pg_restore = pg_tool("pg_restore")
    connection.close()
    env = _pg_env()
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={env.get('PGDATABASE', '')}",
            str(source),
        ],
        "pg_restore 恢复数据库",
        env=env,
    )


def _copy_files(plan: list[tuple[Path, Path]]) -> int:
    copied = 0
    for source, destination in plan:
        if destination.exists():
            continue  # the same file (checked by _media_plan)
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(f".{destination.name}.restoring")
        shutil.copy2(source, partial)
        os.replace(partial, destination)
        copied += 1
    return copied


def restore_backup(folder: Path) -> dict:
    """Restore the backup in `folder` into the configured (empty) database and MEDIA_ROOT; a summary dict."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    vendor = connection.vendor
    if manifest["vendor"] != vendor:
        raise BackupRefused(
            f"数据库类型不符：备份来自 {VENDORS.get(manifest['vendor'], manifest['vendor'])}，"
            f"当前数据库是 {VENDORS.get(vendor, vendor)}"
        )
    _check_migrations(manifest)
    _check_empty()
    plan = _media_plan(folder, manifest)
    source = folder / manifest["database"]
    if vendor == "sqlite":
        _restore_sqlite(source)
    else:
        _restore_postgresql(source)
    copied = _copy_files(plan)
    counts = live_counts()
    expected = manifest["tables"]
    differences = [
        f"{table}（备份 {rows} 行，恢复后 {counts.get(table, '无此表')}）"
        for table, rows in sorted(expected.items())
        if counts.get(table) != rows
    ]
    if differences:
        raise BackupRefused(f"恢复后行数与备份清单不符：{'；'.join(differences[:10])}")
    logger.info("backup %s restored", folder)
    return {
        "path": str(folder),
        "vendor": vendor,
        "version": manifest.get("version"),
        "created": manifest.get("created"),
        "tables": len(expected),
        "rows": sum(expected.values()),
        "files": len(plan),
        "copied": copied,
        "warnings": list(manifest.get("warnings") or []),
    }


# -- retention --------------------------------------------------------------------------------------------------


def backups_in(root: Path) -> list[tuple[datetime.datetime, Path]]:
    """The finished backups in `root`, newest first, by the time in their folder name."""
    found = []
    if not root.is_dir():
        return found
    for path in root.iterdir():
        match = NAME_RE.match(path.name)
        if match and path.is_dir() and (path / MANIFEST).is_file():
            found.append((datetime.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S"), path))
    return sorted(found, reverse=True)


def to_keep(stamps: list[datetime.datetime], daily: int, weekly: int, monthly: int) -> set[datetime.datetime]:
    """Grandfather-father-son: the newest backup of each of the newest `daily` days, `weekly` ISO weeks and
    `monthly` months that have backups."""
    keep = set()
    for count, period in (
        (daily, lambda t: t.date()),
        (weekly, lambda t: t.isocalendar()[:2]),
        (monthly, lambda t: (t.year, t.month)),
    ):
        seen = []
        for stamp in sorted(stamps, reverse=True):
            key = period(stamp)
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(key)
            keep.add(stamp)
    return keep


def prune(root: Path, daily: int, weekly: int, monthly: int) -> list[Path]:
    """Delete the backups in `root` that retention does not keep; the deleted folders."""
    found = backups_in(root)
    keep = to_keep([stamp for stamp, _ in found], daily, weekly, monthly)
    removed = []
    for stamp, path in found:
        if stamp not in keep:
            shutil.rmtree(path)
            removed.append(path)
    return removed
