"""Settings, read from the environment so that every app server is configured the same way.

Every variable is documented in README.md (Configuration).
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(os.environ.get("HUODONG_HOME", PACKAGE_DIR.parent)).resolve()
VAR_DIR = BASE_DIR / "var"


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("HUODONG_DEBUG", False)
# Production sets its own key; the fallback only serves the demo and the tests.
SECRET_KEY = os.environ.get("HUODONG_SECRET_KEY") or "insecure-demo-key-set-HUODONG_SECRET_KEY"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("HUODONG_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("HUODONG_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    # django-ninja: its bundled swagger-ui files are served by whitenoise (no CDN).
    "ninja",
    "huodong.core",
    "huodong.orgs",
    "huodong.campaigns",
    "huodong.notifications",
    "huodong.supervision",
    "huodong.inspections",
    "huodong.participation",
    "huodong.originality",
    "huodong.surveys",
    "huodong.engagement",
    "huodong.suggestions",
    "huodong.contests",
    "huodong.publicity",
    "huodong.reports",
    "huodong.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "huodong.config.urls"
WSGI_APPLICATION = "huodong.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "huodong.core.context_processors.site",
            ],
        },
    }
]

# SQLite is the embedded default; DATABASE_URL (postgres://…) selects PostgreSQL.
_sqlite_path = Path(os.environ.get("HUODONG_SQLITE_PATH", VAR_DIR / "huodong.sqlite3"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{_sqlite_path}",
        conn_max_age=int(os.environ.get("HUODONG_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # Connections persist as on PostgreSQL: opening one (the file, the schema, the PRAGMAs
    # below) cost 8.7 ms of every request in the deadline-rush load test (bench/rush.py).
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on busy_timeout instead of failing mid-transaction with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("HUODONG_TEST_SQLITE_PATH") or None}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The pages' queries are short; JIT compilation would add more time than it saves.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off -c work_mem=32MB")

# The cache lives in the database so that every app server sees the same entries (the
# dashboard's figures are computed once per state of the data, not once per server); its table
# is made by a migration (huodong/core/migrations/0004_cache_table.py).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "huodong_cache",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
# How long the dashboard keeps computed figures at most; and for how long after a write it may
# still show them (saying so) while a background task counts the new data.
HUODONG_DASHBOARD_CACHE_SECONDS = int(os.environ.get("HUODONG_DASHBOARD_CACHE_SECONDS", "600"))
HUODONG_DASHBOARD_STALE_SECONDS = int(os.environ.get("HUODONG_DASHBOARD_STALE_SECONDS", "30"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("HUODONG_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("HUODONG_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("HUODONG_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or _env_bool("HUODONG_PLAIN_STATIC", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("HUODONG_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = os.environ.get(
    "HUODONG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("HUODONG_FROM_EMAIL", "huodong@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _env_bool("HUODONG_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind nginx terminating TLS: trust its X-Forwarded-Proto, so Django knows the request was
# HTTPS (secure redirects, CSRF origin checks). Only when the proxy always sets the header.
if _env_bool("HUODONG_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Uploads: keep request bodies bounded; the import services apply their own, stricter limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The plan review form posts about ten fields per task; a 500-task plan must still fit.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
HUODONG_MAX_IMPORT_BYTES = int(os.environ.get("HUODONG_MAX_IMPORT_BYTES", str(10 * 1024 * 1024)))

# Processes a full originality rescan checks with (at most the machine's cores). They are forked
# from the worker after it has built the office's corpus, so they share its memory.
HUODONG_RESCAN_PROCESSES = int(os.environ.get("HUODONG_RESCAN_PROCESSES", "2"))

# Public questionnaires: answers accepted from one network address per ten minutes.
HUODONG_SURVEY_RATE_LIMIT = int(os.environ.get("HUODONG_SURVEY_RATE_LIMIT", "60"))
# Suggestions one network address may leave in the public mailbox per hour and office.
HUODONG_MAILBOX_RATE_LIMIT = int(os.environ.get("HUODONG_MAILBOX_RATE_LIMIT", "20"))

# The load test's bare insert endpoint (bench/rush.py); never on in production.
HUODONG_BENCH_ENDPOINTS = _env_bool("HUODONG_BENCH_ENDPOINTS", False)

# Links in e-mails and digests point here (the address users reach the app at).
HUODONG_BASE_URL = os.environ.get("HUODONG_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# "Today" for lights and deadlines; the demo pins it to the middle of the 2018 campaign.
HUODONG_TODAY = os.environ.get("HUODONG_TODAY", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HUODONG_LOG_LEVEL", "INFO")},
}
