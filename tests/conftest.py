"""Shared fixtures: a small region tree spanning two provinces, and one user per role."""

import pytest

from shian.accounts.models import Role, User
from shian.entities.models import Entity
from shian.regions.models import Region

TREE = [
    ("37", "山东省", None),
    ("3707", "潍坊市", "37"),
    ("370725", "昌乐县", "3707"),
    ("370725001", "宝都街道", "370725"),
    ("370725001001", "站前社区", "370725001"),
    ("370725107", "乔官镇", "370725"),
    ("370725107201", "乔官村", "370725107"),
    ("3703", "淄博市", "37"),
    ("370304", "博山区", "3703"),
    ("370304001", "城东街道", "370304"),
    ("11", "北京市", None),
    ("1101", "市辖区", "11"),
    ("110105", "朝阳区", "1101"),
]

# Role -> region it sits in for the access matrix (all inside 昌乐县 or above).
ROLE_HOME = {
    Role.PROVINCE_ADMIN: "37",
    Role.CITY_ADMIN: "3707",
    Role.COUNTY_ADMIN: "370725",
    Role.TOWNSHIP_ADMIN: "370725001",
    Role.STATION_STAFF: "370725001",
    Role.DEPARTMENT_STAFF: "370725",
    Role.CADRE: "370725001001",
    Role.GRID_WORKER: "370725001001",
    Role.ENTERPRISE: "370725001001",
    Role.AUDITOR: "370725",
}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """PostgreSQL: no autovacuum on the test database's tables. Every test's rows are rolled back, so autovacuum
    would analyze the tables as empty (reltuples 0); a later test that loads thousands of rows in its transaction
    then gets one-row estimates, nested loops over sequential scans, and queries of seconds (the CI run took 3.6x
    SQLite's time). Without it the tables keep the freshly migrated state the first tests see (estimates from
    their size on disk), whatever ran before."""
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor != "postgresql":
                continue
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind = 'r' AND n.nspname = current_schema()"
                )
                for (table,) in cursor.fetchall():
                    cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    """Argon2 is the production hasher (tested separately); tests hash with MD5 for speed."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files and reports go to the test's own folder, not the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_nightly_backup(settings, tmp_path, monkeypatch):
    """The nightly backup job would copy the test database in any test that runs the scheduler: it is left out
    (tests/core/test_backup.py tests it by itself), and backups go to the test's own folder."""
    from shian.core import schedule

    settings.SHIAN_BACKUP_DIR = tmp_path / "backups"
    monkeypatch.delitem(schedule._jobs, "core.backup", raising=False)


@pytest.fixture(autouse=True)
def _strict_panels(settings):
    """A failing entity-page panel raises in the tests instead of being logged and left out (production)."""
    settings.SHIAN_STRICT_PANELS = True


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Background tasks run inside the test that enqueues them (the e2e server uses the real worker)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_figures_cache(settings):
    """The shared figures cache (shian/core/figcache.py; files under var/ in production) is kept in memory and
    emptied for every test, so no test reads figures another test counted; it stays on, so that the invalidation
    on writes is exercised wherever a test writes and reads the figures again."""
    from django.core.cache import caches

    settings.CACHES = {
        **settings.CACHES,
        "figures": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-figures"},
    }
    caches["figures"].clear()
    yield
    caches["figures"].clear()


@pytest.fixture
def regions(db):
    objs = {}
    for code, name, parent in TREE:
        objs[code] = Region.objects.create(
            code=code, name=name, level=Region.level_for_code(code), parent=objs.get(parent)
        )
    return objs


@pytest.fixture
def make_user(regions):
    counter = {"n": 0}

    def make(role=None, region="370725", **fields):
        counter["n"] += 1
        if role == Role.ENTERPRISE and "entity" not in fields:
            fields["entity"] = Entity.objects.create(name=f"演示主体{counter['n']}", region_id=region)
        if role == Role.DEPARTMENT_STAFF:
            fields.setdefault("department_id", "education")
        return User.objects.create_user(
            username=fields.pop("username", f"u{counter['n']}-{role or 'superuser'}"),
            password="correct horse battery staple",
            role=role or "",
            region_id=region if role else None,
            **fields,
        )

    return make


@pytest.fixture
def superuser(make_user):
    return make_user(None, username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def users_by_role(make_user):
    return {role: make_user(role, region) for role, region in ROLE_HOME.items()}
