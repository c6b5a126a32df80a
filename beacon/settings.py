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
    else:
        # each server thread keeps its connection across requests, and checks it still works
        # before reusing it: opening one for every request (a new PostgreSQL backend process each
        # time) made the web bench's p95 281 ms against 155 ms kept (docs/performance.md)
        db["CONN_MAX_AGE"] = _seconds("BEACON_DB_CONN_MAX_AGE", DB_CONN_MAX_AGE)
        db["CONN_HEALTH_CHECKS"] = True
    return db


DB_CONN_MAX_AGE = 60
"""How long (seconds) a PostgreSQL connection is kept for further requests; 0 closes it after each."""


def _seconds(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit():
        raise ValueError(f"{name} must be a whole number of seconds (got {text!r})")
    return int(text)


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
# One process (the development server, tests): a memory cache. Production settings share the
# cache between servers and workers (DatabaseCache, or BEACON_CACHE_URL; docs/deploy.md).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "beacon"},
          "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "beacon-local"},
          # the sign-in throttle's and the API rate limit's counts (beacon/settings_production.py)
          "counters": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "beacon-counters"}}
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
# Reminders and notifications (beacon/core/notifications.py, docs/notifications.md): each job
# worker starts the day's reminders (the send-reminders job, once a day whichever worker) after
# BEACON_REMINDERS_AT, council time ("off": only `beacon remind` sends them); a thing falls due
# BEACON_REMINDER_DAYS days before its date; e-mails link to pages under BEACON_SITE_URL.
BEACON_REMINDERS_AT = os.environ.get("BEACON_REMINDERS_AT", "07:00")
BEACON_REMINDER_DAYS = int(os.environ.get("BEACON_REMINDER_DAYS", "7"))
BEACON_SITE_URL = os.environ.get("BEACON_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- stored files (beacon/core/blobs.py, docs/deploy.md) ----------------------------------
# Published files, register edition files, agenda packs and uploaded papers are kept outside the
# database, named by their SHA-256, in STORAGES["beacon_files"]: the folder BEACON_FILES_DIR
# (default <VAR_DIR>/files), or with BEACON_STORAGE_BACKEND=s3 an S3-compatible bucket
# (BEACON_S3_BUCKET; BEACON_S3_ENDPOINT_URL for a service other than AWS; BEACON_S3_ACCESS_KEY_ID
# and BEACON_S3_SECRET_ACCESS_KEY, else boto3's own credential chain; BEACON_S3_REGION,
# BEACON_S3_PREFIX, BEACON_S3_ADDRESSING_STYLE, BEACON_S3_URL_SECONDS).
BEACON_STORAGE_BACKEND = os.environ.get("BEACON_STORAGE_BACKEND", "filesystem").strip().lower() or "filesystem"
BEACON_FILES_DIR = Path(os.environ.get("BEACON_FILES_DIR", VAR_DIR / "files"))


def _file_storage() -> dict:
    if BEACON_STORAGE_BACKEND in ("filesystem", "file", "files"):
        return {"BACKEND": "beacon.core.blobs.AtomicFileSystemStorage",
                "OPTIONS": {"location": str(BEACON_FILES_DIR)}}
    if BEACON_STORAGE_BACKEND != "s3":
        raise ValueError(f"BEACON_STORAGE_BACKEND must be filesystem or s3 (got {BEACON_STORAGE_BACKEND!r})")
    bucket = os.environ.get("BEACON_S3_BUCKET", "").strip()
    if not bucket:
        raise ValueError("BEACON_STORAGE_BACKEND=s3 needs BEACON_S3_BUCKET (the bucket that holds the files)")
    # only the options set are passed: one given as None would stop django-storages and boto3
    # finding it themselves (keys left unset with AWS_SESSION_TOKEN in the environment, as with
    # temporary credentials, signed requests with no key at all)
    given = {"endpoint_url": "BEACON_S3_ENDPOINT_URL", "access_key": "BEACON_S3_ACCESS_KEY_ID",
             "secret_key": "BEACON_S3_SECRET_ACCESS_KEY", "region_name": "BEACON_S3_REGION",
             "addressing_style": "BEACON_S3_ADDRESSING_STYLE"}
    options = {
        "bucket_name": bucket,
        **{option: os.environ[name].strip() for option, name in given.items() if os.environ.get(name, "").strip()},
        "location": os.environ.get("BEACON_S3_PREFIX", "").strip("/"),
        "file_overwrite": True,  # a name is its content's SHA-256: the same bytes
        "default_acl": None,  # private: the bucket's own policy; never public-read
        "querystring_auth": True,
        "querystring_expire": int(os.environ.get("BEACON_S3_URL_SECONDS", "300")),
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "beacon_files": _file_storage(),
}
# Uploaded bundles waiting for a person to confirm them (beacon/web/services/data.py) are kept in
# the file store above with a row (core.KeptUpload), so any server or worker finds them.
# An upload larger than this (bytes) is previewed and imported by background jobs rather than in the
# web request. 256 KB holds about 40,000 observation rows as a zip of CSV files (246 KB measured);
# on 4 December 2026 such a bundle took 8.9 s to preview (4,000 changes listed) and 5.0 s to import,
# each well inside `beacon serve`'s 120 s request timeout; much larger ones would not be.
BEACON_IMPORT_INLINE_BYTES = int(os.environ.get("BEACON_IMPORT_INLINE_BYTES", str(256 * 1024)))

# The output folder for reports written by the demo and by `beacon report --out`.
BEACON_OUTPUT_DIR = Path(os.environ.get("BEACON_OUTPUT_DIR", BASE_DIR / "out"))

# --- background jobs (beacon/core/jobs.py, docs/jobs.md) ----------------------------------
# django-tasks' DatabaseBackend is the queue: on SQLite and PostgreSQL alike, no broker. The
# Job row and its queue entry are written in one transaction (so ENQUEUE_ON_COMMIT is not needed).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.database.DatabaseBackend",
        "ENQUEUE_ON_COMMIT": False,
    }
}
INSTALLED_APPS += ["django_tasks", "django_tasks.backends.database"]
# A running job whose heartbeat is older than this is taken to have lost its worker and is queued
# again (beacon worker checks every quarter of it); a job whose worker stopped this many times fails.
BEACON_JOB_STALL_SECONDS = int(os.environ.get("BEACON_JOB_STALL_SECONDS", "120"))
BEACON_JOB_MAX_ATTEMPTS = int(os.environ.get("BEACON_JOB_MAX_ATTEMPTS", "3"))
# How often a worker polls the queue when it is empty (seconds).
BEACON_JOB_POLL_SECONDS = float(os.environ.get("BEACON_JOB_POLL_SECONDS", "1"))
# Extra modules that register job kinds (comma-separated), imported by workers before they run a
# job; the `jobs` module of every installed app (beacon/reports/jobs.py) is always imported.
BEACON_JOB_MODULES = [m for m in os.environ.get("BEACON_JOB_MODULES", "").split(",") if m.strip()]
