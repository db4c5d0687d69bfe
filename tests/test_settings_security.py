import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client

from shian import settings as project_settings
from shian.accounts.models import Role

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    env = {
        **os.environ,
        "SHIAN_SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-0123456789",
        "SHIAN_DEBUG": "0",
        "SHIAN_HTTPS": "1",
        "SHIAN_ALLOWED_HOSTS": "shian.example.gov.cn",
        "SHIAN_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_hasher_is_argon2():
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    # the test suite swaps in MD5 for speed; the production hasher must still work here
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("correct horse battery staple", hasher.salt())
    assert encoded.startswith("argon2$") and hasher.verify("correct horse battery staple", encoded)


def test_sqlite_file_database_runs_in_wal_mode(tmp_path):
    env = {**os.environ, "SHIAN_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'wal.sqlite3'}"}
    code = "from django.db import connection; c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.strip().splitlines()[-1] == "wal", result.stderr


def test_login_lockout_after_repeated_failures(db, make_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_user(Role.COUNTY_ADMIN, "370725", username="clerk")
    client = Client()
    for _ in range(3):
        r = client.post("/accounts/login/", {"username": "clerk", "password": "wrong"})
    r = client.post("/accounts/login/", {"username": "clerk", "password": "correct horse battery staple"})
    assert r.status_code == 429
    assert "锁定" in r.content.decode()


def test_security_headers(db):
    r = Client().get("/accounts/login/")
    assert "default-src 'self'" in r["Content-Security-Policy"]
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"


def test_chinese_by_default_english_on_request(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert "Log in" in page and 'lang="en"' in page
    # The choice stays with that request: the thread (and the next test or request) is Chinese again.
    from django.utils import translation

    assert translation.get_language() == "zh-hans"


def test_uploads_go_to_s3_compatible_storage_when_a_bucket_is_named(tmp_path):
    """No network needed: the configured backend, bucket and endpoint are what a deployment would use."""
    env = {
        **os.environ,
        "SHIAN_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 's3.sqlite3'}",
        "SHIAN_S3_BUCKET": "shian-photos",
        "SHIAN_S3_ENDPOINT": "http://minio.internal:9000",
    }
    code = (
        'from django.core.files.storage import storages; s = storages["default"]; '
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.strip().splitlines()[-1].split() == [
        "S3Storage",
        "shian-photos",
        "http://minio.internal:9000",
        "private",
    ], result.stderr
