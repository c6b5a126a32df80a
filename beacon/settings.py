"""Django settings for Beacon.

The embedded default is SQLite at ``var/beacon.sqlite3`` under the checkout (git ignores
``var/``). ``BEACON_DATABASE_URL`` selects another database, for example
``postgresql://beacon@127.0.0.1:5432/beacon`` or ``sqlite:////tmp/other.sqlite3``.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BEACON_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("BEACON_SECRET_KEY", "beacon-development-key-not-for-production")
DEBUG = os.environ.get("BEACON_DEBUG", "0") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("BEACON_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "beacon.performance",
    "beacon.risk",
    "beacon.reports",
    "beacon.web",
    "beacon.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "beacon.urls"

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

WSGI_APPLICATION = "beacon.wsgi.application"


def _database():
    url = os.environ.get("BEACON_DATABASE_URL")
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "beacon.sqlite3",
        }
    if not url.startswith(("sqlite:", "postgres:", "postgresql:")):
        raise ValueError(
            f"BEACON_DATABASE_URL must start with sqlite:// or postgresql:// (got {url.split(':', 1)[0]}://)"
        )
    return dj_database_url.parse(url)


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# The output folder for reports written by the demo and by `beacon report --out`.
BEACON_OUTPUT_DIR = Path(os.environ.get("BEACON_OUTPUT_DIR", BASE_DIR / "out"))
