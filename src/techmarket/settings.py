"""Django settings, read once from the environment; fails fast on unsafe production settings."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("TECHMARKET_VAR_DIR", "var")).resolve()

DEBUG = os.environ.get("TECHMARKET_DEBUG", "1") == "1"
PLACEHOLDER_SECRET = "insecure-development-key-change-me"
SECRET_KEY = os.environ.get("TECHMARKET_SECRET_KEY", PLACEHOLDER_SECRET)
if not DEBUG and SECRET_KEY.strip() in ("", PLACEHOLDER_SECRET):
    raise ImproperlyConfigured("Set TECHMARKET_SECRET_KEY when TECHMARKET_DEBUG=0.")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("TECHMARKET_ALLOWED_HOSTS", "*" if DEBUG else "").split(",")
    if h.strip()
]
if not DEBUG and (not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "Set TECHMARKET_ALLOWED_HOSTS to the site's host names (comma-separated, no '*')"
        " when TECHMARKET_DEBUG=0."
    )
# The address people and printed certificates reach the site by (scheme, host, port, no path).
PUBLIC_BASE_URL = os.environ.get("TECHMARKET_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
_public = urlsplit(PUBLIC_BASE_URL)
if _public.scheme not in ("http", "https") or not _public.netloc:
    raise ImproperlyConfigured(
        "TECHMARKET_PUBLIC_BASE_URL must be an http(s) address such as https://jssc.example.cn."
    )
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto; never trust the header otherwise,
# since any client could send it.
BEHIND_PROXY = os.environ.get("TECHMARKET_BEHIND_PROXY", "0") == "1"


DATABASE_URL = os.environ.get(
    "TECHMARKET_DATABASE_URL", f"sqlite:///{VAR_DIR / 'techmarket.sqlite3'}"
)


def _database(url: str) -> dict:
    # Connections live on between requests: a new PostgreSQL one costs milliseconds, and a new
    # SQLite one (open, then the PRAGMAs below) about 1.3 ms of a page's CPU at a million
    # contracts (docs/performance.md).
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # Django's backend, with writers taking the write lock in turn (server/sqlite/base.py).
        config["ENGINE"] = "techmarket.server.sqlite"
        config["OPTIONS"] = {
            # IMMEDIATE: a writer takes the lock at BEGIN, so concurrent registrars queue
            # instead of failing on a lock upgrade; WAL lets readers go on meanwhile.
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                " PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
            ),
        }
        # In memory unless asked for a file; said outright, as tools that look for Django's
        # own engine name (pytest-django) would otherwise name a file after the database.
        config["TEST"] = {
            "NAME": str(VAR_DIR / "test.sqlite3")
            if os.environ.get("TECHMARKET_TEST_SQLITE_FILE")
            else ":memory:"
        }
    return config


# Page cache of a SQLite connection while it bulk-imports (bounded; the usual one is 64 MiB).
SQLITE_IMPORT_CACHE_MIB = int(os.environ.get("TECHMARKET_SQLITE_IMPORT_CACHE_MIB", "256"))

DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # its Swagger page's assets, served locally (never the CDN)
    "csp",
    "axes",
    "techmarket.accounts",
    "techmarket.registry",
    "techmarket.market",
    "techmarket.entities",
    "techmarket.stats",
    "techmarket.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before sessions and views: no query ever sees a NUL character (PostgreSQL refuses them).
    "techmarket.server.nul_guard.RefuseNulCharacters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lock-out into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "techmarket.urls"
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
                "techmarket.web.context.frame",
            ]
        },
    }
]
WSGI_APPLICATION = "techmarket.wsgi.application"

# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that reads the profile with the user (one query a request fewer).
    "techmarket.accounts.backends.ProfileBackend",
]

# Checked where a person chooses a password (sign-up, password change); not on accounts an
# operator creates from the command line.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:landing"
# E-mail notices go out only where an SMTP server is named (TECHMARKET_SMTP_HOST).
EMAIL_HOST = os.environ.get("TECHMARKET_SMTP_HOST", "")
EMAIL_HOST_CONFIGURED = bool(EMAIL_HOST)
EMAIL_PORT = int(os.environ.get("TECHMARKET_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("TECHMARKET_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TECHMARKET_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("TECHMARKET_SMTP_TLS", "0") == "1"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("TECHMARKET_MAIL_FROM", "techmarket@localhost")
# The landing page names the demo users and their password (scripts/demo sets this).
DEMO_LOGINS = os.environ.get("TECHMARKET_DEMO_LOGINS", "0") == "1"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Production serves the files `techmarket serve` collected, under hashed names cached for a
# year; development serves them straight from the apps, re-read on every change.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "techmarket.server.storage.GzipManifestStaticFilesStorage"
    },
}
# Contract attachments: outside the web root (never under STATIC_ROOT), under random names.
ATTACHMENT_DIR = Path(
    os.environ.get("TECHMARKET_ATTACHMENT_DIR", VAR_DIR / "attachments")
).resolve()
# The matching engine's saved indexes (one folder per kind, rebuilt when listings change) and the
# most published listings a request rebuilds a stale index for inline; above it the rebuild runs
# in the background and searches use the previous index meanwhile (docs/matching.md).
MATCH_INDEX_DIR = Path(os.environ.get("TECHMARKET_MATCH_DIR", VAR_DIR / "match")).resolve()
MATCH_INLINE_REBUILD_LIMIT = int(os.environ.get("TECHMARKET_MATCH_INLINE_LIMIT", "2000"))
ATTACHMENT_MAX_BYTES = int(
    float(os.environ.get("TECHMARKET_ATTACHMENT_MAX_MB", "20")) * 1024 * 1024
)
# Uploads above this size are spooled to a temporary file, never held in memory whole. The
# attachment handler stops one over ATTACHMENT_MAX_BYTES as soon as the excess arrives.
FILE_UPLOAD_HANDLERS = [
    "techmarket.api.uploads.UploadSizeLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Database sessions, read with a prepared query (server/sessions.py).
SESSION_ENGINE = "techmarket.server.sessions"

# --- Security -----------------------------------------------------------------------------
# Cookies travel only over HTTPS in production, and scripts never read the session cookie.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# A form posted from the public address is ours even when a proxy rewrites the Host header.
CSRF_TRUSTED_ORIGINS = [f"{_public.scheme}://{_public.netloc}"]
# Browsers remember for a year to use HTTPS only (sent on HTTPS responses only).
SECURE_HSTS_SECONDS = 0 if DEBUG else 365 * 24 * 3600
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Only a proxy that says which scheme the client used makes a redirect to HTTPS safe;
    # without one, gunicorn itself speaks plain HTTP and the redirect would loop.
    SECURE_SSL_REDIRECT = not DEBUG
    # The proxy appends the client's address to X-Forwarded-For; REMOTE_ADDR is the proxy's.
    AXES_CLIENT_IP_CALLABLE = "techmarket.server.client_ip.forwarded_client_ip"

# No inline script or style anywhere, in development too, so a violation shows up early.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

# A locked-out sign-in sees the house-style page saying when to try again.
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
# Login lock-out: five failures for one username from one address lock that pair for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# The web server refreshes the statistics snapshot in the background after each registry commit
# (`techmarket serve` turns it on); the command line refreshes before it reads instead.
STATS_REFRESH_AFTER_COMMIT = os.environ.get("TECHMARKET_STATS_REFRESH_AFTER_COMMIT", "0") == "1"

# The last day of a high-tech enterprise certificate's three years, where the list prints none
# (domain-entities.md §1 marks it uncertain): "anniversary" (2018-11-28 → 2021-11-28, as the
# one official system seen prints it) or "day_before" (2021-11-27).
HIGH_TECH_LAST_DAY = os.environ.get("TECHMARKET_HIGH_TECH_LAST_DAY", "anniversary")
if HIGH_TECH_LAST_DAY not in ("anniversary", "day_before"):
    raise ImproperlyConfigured("TECHMARKET_HIGH_TECH_LAST_DAY must be anniversary or day_before.")
