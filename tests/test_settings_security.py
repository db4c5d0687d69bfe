import os
import re
import secrets
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


def template_values() -> dict[str, str]:
    """deploy/shian.env.example as systemd reads it: `NAME=value` lines; `# NAME=value` lines are defaults."""
    values = {}
    for line in (ROOT / "deploy" / "shian.env.example").read_text().splitlines():
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if match:
            values[match[1]] = match[2]
    return values


def template_names() -> set[str]:
    """Every variable the template names, set or shown with its default in a comment."""
    text = (ROOT / "deploy" / "shian.env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, flags=re.M))


def names_read_from_environment() -> set[str]:
    """Each variable shian/settings.py or the gunicorn settings read (os.environ, env_bool, _int), and the object
    store's keys that django-storages reads for us."""
    names = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
    for path in (ROOT / "shian" / "settings.py", ROOT / "shian" / "gunicorn_conf.py"):
        text = path.read_text()
        names |= set(re.findall(r'(?:os\.environ\.get|os\.environ\[|env_bool|_int)\(?"([A-Z][A-Z0-9_]*)"', text))
    return names


def run_check_deploy(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_environment_template_lists_every_setting_the_app_reads():
    """A new os.environ read in the settings must be documented in deploy/shian.env.example, with its default."""
    names = names_read_from_environment()
    assert {"SHIAN_SECRET_KEY", "DATABASE_URL", "SHIAN_TRUSTED_PROXIES", "SHIAN_WEB_WORKERS"} <= names
    assert names - template_names() == set()


def test_check_deploy_is_clean_with_the_environment_template(tmp_path):
    """The template's values as they are pass `check --deploy`, once the placeholder secret key is replaced;
    with the placeholder left in, the check names it (shian.W001). The var directory is the test's own."""
    values = template_values()
    assert values["SHIAN_HTTPS"] == "1" and values["SHIAN_DEBUG"] == "0"
    assert values["SHIAN_TRUSTED_PROXIES"] == "127.0.0.1"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHIAN_") and k != "DATABASE_URL"}
    env.update(values, SHIAN_VAR_DIR=str(tmp_path))

    result = run_check_deploy(env)
    assert result.returncode != 0 and "shian.W001" in result.stderr + result.stdout
    assert "W009" not in result.stderr + result.stdout  # only the placeholder warning, nothing else

    env["SHIAN_SECRET_KEY"] = secrets.token_urlsafe(50)
    result = run_check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_nginx_accepts_the_largest_body_the_app_accepts():
    """client_max_body_size in deploy/nginx/shian.conf equals the largest of SHIAN_REQUEST_LIMITS, so the app (not
    nginx) refuses an oversized ledger or photo with its Chinese message."""
    conf = (ROOT / "deploy" / "nginx" / "shian.conf").read_text()
    size = re.search(r"client_max_body_size (\d+)m;", conf)
    assert size and int(size[1]) << 20 == max(project_settings.SHIAN_REQUEST_LIMITS.values())
    assert "Strict-Transport-Security" in conf and "X-Forwarded-For" in conf and "location /static/" in conf


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
