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
    "beacon.core",
    "beacon.performance",
    "beacon.risk",
    "beacon.governance",
    "beacon.returns",
    "beacon.reports",
    "beacon.web",
    "beacon.api",
    "ninja",
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
    "beacon.web.middleware.ContentSecurityPolicyMiddleware",
    "beacon.web.middleware.SessionActivityMiddleware",
    "beacon.web.middleware.DraftKeepingMiddleware",
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
                "beacon.web.context.navigation",
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
            "OPTIONS": SQLITE_OPTIONS,
        }
    if not url.startswith(("sqlite:", "postgres:", "postgresql:")):
        raise ValueError(
            f"BEACON_DATABASE_URL must start with sqlite:// or postgresql:// (got {url.split(':', 1)[0]}://)"
        )
    db = dj_database_url.parse(url)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    return db


# Several gunicorn workers write to one SQLite file: write transactions take the lock when they
# start (no read-to-write upgrade that fails at once with "database is locked"), wait up to 20 s
# for it, and WAL lets readers carry on while one writes.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
try:  # whitenoise warns on every start when the collected-files folder is missing
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:
    pass
# GOV.UK Frontend and htmx come from npm (package.json); `npm ci` puts them in node_modules.
NODE_MODULES = Path(os.environ.get("BEACON_NODE_MODULES", BASE_DIR / "node_modules"))
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "beacon.web.staticfinders.NodeModulesFinder",
]
# Development and tests serve static files through the finders; production collects them
# (beacon serve runs collectstatic) and whitenoise serves the hashed, compressed copies.
WHITENOISE_USE_FINDERS = True

# --- the web application (beacon.web) -----------------------------------------------------
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "beacon"}}
# Sign-in throttling (beacon/web/throttle.py, docs/security.md): after this many failed sign-ins
# for one username from one address, or from one address whatever the username, each further
# attempt waits 2, 4, 8 ... seconds (at most BEACON_LOGIN_MAX_DELAY_SECONDS); failures are
# forgotten BEACON_LOGIN_WINDOW_SECONDS after the last wait ends.
BEACON_LOGIN_MAX_FAILURES = int(os.environ.get("BEACON_LOGIN_MAX_FAILURES", "5"))
BEACON_LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("BEACON_LOGIN_MAX_FAILURES_PER_ADDRESS", "20"))
BEACON_LOGIN_MAX_DELAY_SECONDS = int(os.environ.get("BEACON_LOGIN_MAX_DELAY_SECONDS", "900"))
BEACON_LOGIN_WINDOW_SECONDS = int(os.environ.get("BEACON_LOGIN_WINDOW_SECONDS", "900"))
# The JSON API (beacon/api/ratelimit.py): at most this many requests per token, or per address
# without a valid token, in each BEACON_API_RATE_WINDOW_SECONDS (then 429 with Retry-After); a
# new token expires after BEACON_API_TOKEN_DAYS days.
BEACON_API_RATE_LIMIT = int(os.environ.get("BEACON_API_RATE_LIMIT", "600"))
BEACON_API_ANONYMOUS_RATE_LIMIT = int(os.environ.get("BEACON_API_ANONYMOUS_RATE_LIMIT", "120"))
BEACON_API_RATE_WINDOW_SECONDS = int(os.environ.get("BEACON_API_RATE_WINDOW_SECONDS", "60"))
BEACON_API_TOKEN_DAYS = int(os.environ.get("BEACON_API_TOKEN_DAYS", "90"))
# Behind a reverse proxy: the request header holding the client address (e.g. HTTP_X_FORWARDED_FOR).
BEACON_CLIENT_ADDRESS_HEADER = os.environ.get("BEACON_CLIENT_ADDRESS_HEADER", "")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A session ends after SESSION_COOKIE_AGE seconds without a page being opened (the expiry is
# renewed at most every BEACON_SESSION_REFRESH_SECONDS, beacon/web/middleware.py); the pages warn
# BEACON_SESSION_WARNING_SECONDS before it ends and offer to stay signed in (web/session.js).
SESSION_COOKIE_AGE = int(os.environ.get("BEACON_SESSION_SECONDS", str(8 * 60 * 60)))
BEACON_SESSION_REFRESH_SECONDS = 60
BEACON_SESSION_WARNING_SECONDS = int(os.environ.get("BEACON_SESSION_WARNING_SECONDS", "300"))
# A form posted with an out-of-date CSRF token (the page had expired, or the person signed in
# again in another tab) gets a page that explains, and keeps what was typed (beacon/web/drafts.py).
CSRF_FAILURE_VIEW = "beacon.web.views.errors.csrf_failure"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A password-reset link works for this long (seconds).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("BEACON_PASSWORD_RESET_SECONDS", str(24 * 60 * 60)))
# At most this many reset links to one e-mail address per BEACON_LOGIN_WINDOW_SECONDS.
BEACON_PASSWORD_RESET_MAX = int(os.environ.get("BEACON_PASSWORD_RESET_MAX", "3"))
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
NINJA_PAGINATION_PER_PAGE = 50

# E-mail (password reset links, new accounts): printed on the console in development and the
# demo; BEACON_EMAIL_BACKEND=file writes each message to a file in BEACON_EMAIL_FILE_PATH
# (default var/mail); production settings send by SMTP (see beacon/settings_production.py).
EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}[os.environ.get("BEACON_EMAIL_BACKEND", "console")]
EMAIL_FILE_PATH = os.environ.get("BEACON_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("BEACON_EMAIL_FROM", "Beacon <beacon@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The output folder for reports written by the demo and by `beacon report --out`.
BEACON_OUTPUT_DIR = Path(os.environ.get("BEACON_OUTPUT_DIR", BASE_DIR / "out"))
