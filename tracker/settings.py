"""Attune settings: one module, every knob an environment variable (documented in README.md).

Defaults run the app locally on SQLite in ./var/; DATABASE_URL switches to PostgreSQL. Importing this
module only reads the environment (and the secret-key file): DATA_DIR and its files are created by
tracker.datadir.prepare() in the entry points, once, so several workers starting together cannot race.
"""

import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from tracker import datadir

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """true/false (any case), or 1/0 as the README's examples and older installs write them."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true"):
        return True
    if value.lower() in ("0", "false"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (or 1 or 0), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = (os.environ.get(name) or default).upper()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


TESTING = datadir.testing()
# Created, with the files below, by tracker.datadir.prepare() in the entry points, never here.
DATA_DIR = datadir.data_dir()


def _secret_key() -> str:
    """SECRET_KEY from the environment, else the one generated per install into DATA_DIR.

    There is no built-in default key, so no install can run with a key published in this repository.
    """
    if key := os.environ.get("SECRET_KEY"):
        if len(key) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters")
        return key
    key_file = DATA_DIR / datadir.SECRET_KEY_FILE_NAME
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        if TESTING:
            return secrets.token_urlsafe(50)  # a test process that never ran an entry point
        raise ImproperlyConfigured(
            f"No SECRET_KEY and no {key_file}: start the app with `make run` (or `python -m tracker.serve`),"
            " run any manage.py command once, or set SECRET_KEY"
        ) from None


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
if TESTING:
    ALLOWED_HOSTS += ["testserver"]

# Behind a TLS-terminating proxy: secure cookies, HSTS, and trust X-Forwarded-Proto.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    # The app owns its host name: its subdomains are HTTPS too, and the header may be preloaded.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# Sessions on a personal phone: signed out after SESSION_IDLE_DAYS without use and SESSION_LIFETIME_DAYS
# after signing in however much it is used (NIST SP 800-63B AAL1 and ASVS 3.3.2 level 1: 30 days).
# Every request of a session reads its user with the profile joined in, SQL built once (issue 12).
# ModelBackend only serves sessions signed in before ProfileBackend (they name it); it never checks a
# password (ProfileBackend ends the chain).
AUTHENTICATION_BACKENDS = ["tracker.credentials.ProfileBackend", "django.contrib.auth.backends.ModelBackend"]
SESSION_ENGINE = "tracker.sessions"  # database sessions that know their user (tracker.credentials)
SESSION_IDLE_DAYS = env_int("SESSION_IDLE_DAYS", 14)
SESSION_LIFETIME_DAYS = env_int("SESSION_LIFETIME_DAYS", 30)
SESSION_COOKIE_AGE = SESSION_LIFETIME_DAYS * 24 * 60 * 60
# API tokens (one per client) unused for this long stop working.
TOKEN_IDLE_DAYS = env_int("TOKEN_IDLE_DAYS", 90)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "tracker",
    "api",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "api.middleware.SessionLimitsMiddleware",
    "api.middleware.ApiCacheControlMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "api.middleware.AuthenticationMiddleware",  # the session's user read with its row (tracker.sessions)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Strict CSP: no inline script, no third-party origins; the PWA is all same-origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite tuned for concurrent writers: IMMEDIATE transactions take the write lock up front (a deferred
# read-then-write cannot upgrade its lock and fails with "database is locked"), WAL lets readers run
# beside the writer, and the busy timeout queues writers instead of failing them. A writer still waiting
# after it gets "database is locked": the API answers 503 with Retry-After (api.exceptions).
DATABASE_BUSY_TIMEOUT = env_int("DATABASE_BUSY_TIMEOUT", 20)
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": DATABASE_BUSY_TIMEOUT,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 600))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / datadir.SQLITE_FILE_NAME,
            "OPTIONS": SQLITE_OPTIONS,
        }
    }
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["ENGINE"] = "tracker.sqlite"  # Django's, placeholders rewritten once per statement (tracker.sqlite)
    _db.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    # Keep connections: opening one (and running its PRAGMAs) per request costs more than most queries.
    _db["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 600)
    # Tests use a real file, not the runner's shared in-memory database, whose table-level locking
    # behaves unlike a real SQLite file under concurrent writers. One file per test process.
    _db["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"attune-test-{os.getpid()}.sqlite3")}
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db["CONN_HEALTH_CHECKS"] = True
    # The same bound on waiting for a lock as SQLite's busy timeout (PostgreSQL would wait forever).
    _options = _db.setdefault("OPTIONS", {})
    _options["options"] = (
        f"{_options.get('options', '')} -c lock_timeout={DATABASE_BUSY_TIMEOUT * 1000}".strip()
    )
    # One test database per test process, so parallel runs on one server do not collide.
    _db["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or f"test_attune_{os.getpid()}"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: login throttling and rendered charts. A file cache is shared by all gunicorn workers
# of a small install without another service; REDIS_URL moves it to Redis for multi-host installs.
REDIS_URL = os.environ.get("REDIS_URL", "")
if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),  # 0700 (tracker.datadir): rendered charts describe feelings
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing dominates a test that registers users; the fast hasher keeps the suite short.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Password attempts (tracker.credentials; over a limit: HTTP 429 with Retry-After). Per account and client
# address: LOGIN_FAILURE_LIMIT within LOGIN_LOCKOUT_SECONDS. Per account from all addresses:
# LOGIN_ACCOUNT_FAILURE_LIMIT an hour (ASVS V2.2.1: at most 100). Per address: AUTH_ADDRESS_LIMIT register,
# sign-in and token requests an hour (each hashes a password).
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 300)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 100)
AUTH_ADDRESS_LIMIT = env_int("AUTH_ADDRESS_LIMIT", 30)
# Proxies in front of the app that append to X-Forwarded-For; 0: the client address is REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # created by tracker.datadir.prepare(): whitenoise warns if missing
# `make run` collects static files with their gzip and Brotli copies (whitenoise serves those); tests and
# DEBUG serve straight from the app folders and notice edits (the shell's version follows its files).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"

REST_FRAMEWORK = {
    # Token first so an anonymous call is a 401 with WWW-Authenticate (a 403 means "not yours").
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser"],  # size and depth limits
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.JSONRenderer"]  # DRF's bytes, encoded by orjson
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.ApiNegotiation",  # the usual Accept at once
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    # ?format= is the export's own parameter; the API has no format suffixes.
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Attune API",
    "DESCRIPTION": "Check-ins of emotions, unmet needs and body sensations; trends; reminders.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's files come from our own origin (no CDN), its script from a URL (no inline script).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # The profile and the week trends answer with the same week start: one enum for both.
    "ENUM_NAME_OVERRIDES": {"WeekdayEnum": "tracker.models.Weekday"},
}

# Maximum upload for POST /api/import (bytes).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# Form fields other than files (the import's `mapping`, at most 100,000 characters); files count towards
# IMPORT_MAX_BYTES, JSON bodies towards api.parsers.JSON_BODY_MAX_BYTES.
DATA_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024

# Web Push: the VAPID key pair lives in DATA_DIR (created by `manage.py vapid` or on first start).
VAPID_PRIVATE_KEY_FILE = Path(os.environ.get("VAPID_PRIVATE_KEY_FILE") or DATA_DIR / "vapid_private.pem")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:admin@localhost")
# The server POSTs to subscription endpoints, so they must be a browser push service (host suffixes;
# "*" admits any https host). Plain http on loopback only when explicitly allowed (tests, development).
PUSH_SERVICE_HOSTS = [
    host.lower().lstrip(".")
    for host in env_list(
        "PUSH_SERVICE_HOSTS",
        "fcm.googleapis.com,android.googleapis.com,push.services.mozilla.com,notify.windows.com,push.apple.com",
    )
]
if "PUSH_SERVICE_HOSTS" in os.environ and not PUSH_SERVICE_HOSTS:
    # An empty list used to mean "any host": a typo must not open the server's outgoing POSTs to anywhere.
    raise ImproperlyConfigured("PUSH_SERVICE_HOSTS is empty: list push service host suffixes, or * for any")
PUSH_ALLOW_INSECURE_ENDPOINTS = env_bool("PUSH_ALLOW_INSECURE_ENDPOINTS", False)

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))
# Logs never carry request bodies, emotion words or notes: only method, path and status.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # fontTools logs, at INFO, the glyphs it embeds in a report PDF: the letters of the person's notes.
    "loggers": {"fontTools": {"level": "WARNING"}},
}
