"""Django settings, read once from the environment; fails fast on unsafe production settings."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("TECHMARKET_VAR_DIR", "var")).resolve()

DEBUG = os.environ.get("TECHMARKET_DEBUG", "1") == "1"
PLACEHOLDER_SECRET = "insecure-development-key-change-me"
SECRET_KEY = os.environ.get("TECHMARKET_SECRET_KEY", PLACEHOLDER_SECRET)
if not DEBUG and SECRET_KEY == PLACEHOLDER_SECRET:
    raise ImproperlyConfigured("Set TECHMARKET_SECRET_KEY when TECHMARKET_DEBUG=0.")
ALLOWED_HOSTS = [h for h in os.environ.get("TECHMARKET_ALLOWED_HOSTS", "*").split(",") if h]

# Where the public reaches this server: printed in certificates' QR codes (/verify/<code>).
PUBLIC_BASE_URL = os.environ.get("TECHMARKET_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
if not PUBLIC_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("TECHMARKET_PUBLIC_BASE_URL must start with http:// or https://.")

DATABASE_URL = os.environ.get(
    "TECHMARKET_DATABASE_URL", f"sqlite:///{VAR_DIR / 'techmarket.sqlite3'}"
)


def _database(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=0)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
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
        config["TEST"] = (
            {"NAME": str(VAR_DIR / "test.sqlite3")}
            if os.environ.get("TECHMARKET_TEST_SQLITE_FILE")
            else {}
        )
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
    "django.contrib.staticfiles",
    "techmarket.accounts",
    "techmarket.registry",
    "techmarket.stats",
    "techmarket.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
            ]
        },
    }
]
WSGI_APPLICATION = "techmarket.wsgi.application"

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
