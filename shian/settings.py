"""Settings from environment variables, with defaults that are safe for the demo.

Production sets SHIAN_SECRET_KEY, SHIAN_DEBUG=0, SHIAN_ALLOWED_HOSTS, DATABASE_URL
and SHIAN_HTTPS=1; `manage.py check --deploy` is then clean.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SHIAN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Use SHIAN_SECRET_KEY; otherwise a random key kept in var/ so demo sessions survive restarts."""
    key = os.environ.get("SHIAN_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("SHIAN_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("SHIAN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
HTTPS = env_bool("SHIAN_HTTPS", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "shian.core",
    "shian.checklists",
    "shian.regions",
    "shian.accounts",
    "shian.entities",
    "shian.baobao",
    "shian.ledgers",
    "shian.visits",
    "shian.knowledge",
    "shian.duties",
    "shian.inspections",
    "shian.sampling",
    "shian.complaints",
    "shian.cases",
    "shian.emergency",
    "shian.lists",
    "shian.notices",
    "shian.markets",
    "shian.trace",
    "shian.dinners",
    "shian.foodborne",
    "shian.surveys",
    "shian.warnings",
    "shian.credit",
    "shian.riskmodel",
    "shian.portal",
    "shian.commission",
    "shian.evaluation",
    "shian.dashboard",
    "shian.demo",
    "shian.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shian.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shian.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shian.core.middleware.RequestSizeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shian.urls"
WSGI_APPLICATION = "shian.wsgi.application"
ASGI_APPLICATION = "shian.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "shian" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shian.accounts.context_processors.shell",
            ],
        },
    }
]

# --- database: SQLite (WAL) by default, PostgreSQL through DATABASE_URL ---
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'shian.sqlite3'}"),
        conn_max_age=int(os.environ.get("SHIAN_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth and security ---
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = int(os.environ.get("SHIAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
# Lock an account after too many failures from anywhere, and an address after too many failures on any account
# (docs/security.md); the address is the real client's, from a trusted proxy's header (shian.core.clientip).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "shian.core.clientip.client_ip"
SHIAN_TRUSTED_PROXIES = [p for p in os.environ.get("SHIAN_TRUSTED_PROXIES", "").split(",") if p.strip()]
SHIAN_FORWARDED_FOR_HEADER = "HTTP_" + os.environ.get("SHIAN_FORWARDED_FOR_HEADER", "X-Forwarded-For").upper().replace(
    "-", "_"
)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the meta tag, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SHIAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Background work (imports, long jobs): stored in the database and run by `manage.py db_worker`, which
# `make serve` starts beside the web server. Tests run tasks at once (tests/conftest.py).
# Reminder channels (shian.core.notifiers): in-app by default; comma-separated dotted paths to add SMS/WeChat.
# Request bodies: refused by declared size before they are read (shian.core.middleware.RequestSizeMiddleware), the
# longest matching path prefix deciding; uploads above FILE_UPLOAD_MAX_MEMORY_SIZE stream to a temporary file.
SHIAN_REQUEST_LIMITS = {
    "": 64 << 20,  # a visit with its photos
    "/ledgers/": (50 << 20) + (1 << 20),  # a 50 MiB ledger file and the form around it
    "/api/v1/ledgers/": (50 << 20) + (1 << 20),
    "/knowledge/bank/": (20 << 20) + (1 << 20),  # a question bank of at most 20 MB
    "/api/v1/knowledge/questions/import": (20 << 20) + (1 << 20),
    "/api/v1/visits/attachments": (10 << 20) + (1 << 20),  # one photo or PDF of at most 10 MB
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 << 20
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 << 20  # form fields and JSON bodies (files are counted apart)

# Text messages (one-time registration codes, shian.core.sms): the console backend only logs them; production names a
# class with a send(phone, text) method for its SMS gateway.
SHIAN_SMS_BACKEND = os.environ.get("SHIAN_SMS_BACKEND", "shian.core.sms.ConsoleBackend")
SHIAN_NOTIFIERS = [
    p.strip() for p in os.environ.get("SHIAN_NOTIFIERS", "shian.core.notifiers.InAppNotifier").split(",") if p.strip()
]

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- language and time ---
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "shian" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media ---
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"  # collectstatic target for production
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "shian" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded photos and evidence go to S3-compatible object storage (MinIO, Aliyun OSS, Tencent COS, ...) when a
# bucket is named; keys come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables. Files are never
# public: the app serves them after its own scope check.
if os.environ.get("SHIAN_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["SHIAN_S3_BUCKET"],
            "endpoint_url": os.environ.get("SHIAN_S3_ENDPOINT") or None,
            "region_name": os.environ.get("SHIAN_S3_REGION") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
# `manage.py backup` and the nightly backup job write here by default (shian.core.backup); retention prunes here.
# A failing entity-page panel (shian/core/entitypanels.py) is logged and left out in production, so one broken module
# does not take the page down; in development and in the tests it raises, so a broken panel cannot pass unseen.
SHIAN_STRICT_PANELS = env_bool("SHIAN_STRICT_PANELS", DEBUG)
SHIAN_BACKUP_DIR = Path(os.environ.get("SHIAN_BACKUP_DIR") or VAR_DIR / "backups")
MEDIA_URL = "/media/"

# The 包保 assignment solves a province's cities in this many forked worker processes (shian/baobao/services/
# assignment.py); 1 = one after the other in the calling process. Default: the machine's cores, at most 4.
SHIAN_SOLVE_WORKERS = max(int(os.environ.get("SHIAN_SOLVE_WORKERS") or min(os.cpu_count() or 1, 4)), 1)

# --- caches ---
# The figures of a county and below (the dashboard, duty completion) are counted live from the records (tens of
# grouped queries). The last count of each region is kept this many seconds in a cache that every web worker, the
# task worker and the scheduler share (files under $SHIAN_VAR_DIR/cache: the deploy has no cache server), and
# dropped at once when a service writes anything in that county (shian/core/figcache.py). 0: always count live.
SHIAN_FIGURES_CACHE_SECONDS = max(int(os.environ.get("SHIAN_FIGURES_CACHE_SECONDS") or 60), 0)
# A text search's total is counted exactly up to this many matches, then shown as "N+" (shian/core/paging.py): the
# exact count of a common name across a province reads every match once more (docs/performance.md).
SHIAN_SEARCH_COUNT_CAP = max(int(os.environ.get("SHIAN_SEARCH_COUNT_CAP") or 1000), 1)
# The holiday table is kept in each process's memory this many seconds, so that a holiday written by another
# worker process is seen within that time (shian/core/workdays.py).
SHIAN_HOLIDAY_CACHE_SECONDS = max(int(os.environ.get("SHIAN_HOLIDAY_CACHE_SECONDS") or 60), 0)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "cache" / "figures",
        "TIMEOUT": SHIAN_FIGURES_CACHE_SECONDS or None,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
    # A running import's rows checked so far, while its transaction is open (shian/imports/batches.py): files, so
    # that the web processes see what the task worker writes.
    "progress": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "cache" / "progress",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SHIAN_LOG_LEVEL", "WARNING")},
}
