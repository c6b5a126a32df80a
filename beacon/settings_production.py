"""Production settings: ``DJANGO_SETTINGS_MODULE=beacon.settings_production``.

`manage.py check --deploy` is clean under these settings with no environment at all. Beacon
expects to sit behind a TLS-terminating proxy that sets ``X-Forwarded-Proto``.

Environment:

* ``BEACON_SECRET_KEY``: the secret key. Without it, a random key is made once and kept in
  ``var/secret_key`` (readable by the owner only), so sessions survive restarts.
* ``BEACON_ALLOWED_HOSTS``: comma-separated host names (default ``localhost,127.0.0.1``).
* E-mail (password-reset links, new accounts) goes by SMTP: ``BEACON_EMAIL_HOST`` (default
  ``localhost``), ``BEACON_EMAIL_PORT`` (587), ``BEACON_EMAIL_USER``, ``BEACON_EMAIL_PASSWORD``,
  ``BEACON_EMAIL_TLS`` (``1``: STARTTLS, the default; ``0``: none), ``BEACON_EMAIL_FROM`` (the
  sender). ``BEACON_EMAIL_BACKEND=console`` or ``file`` (with ``BEACON_EMAIL_FILE_PATH``, default
  ``var/mail``) keeps mail on the machine instead (``file`` is the default for a local demo,
  ``BEACON_INSECURE_LOCAL_HTTP=1``: the reminders and digests are files to open).
* ``BEACON_SITE_URL``: the address people open Beacon at (``https://beacon.example.gov.uk``),
  for the links in e-mails. ``BEACON_REMINDERS_AT`` (``07:00``) and ``BEACON_REMINDER_DAYS``
  (``7``): when the daily reminders go out and how early (docs/notifications.md).
* Several application servers and job workers (docs/deploy.md) share the database and the file
  store, and nothing else: ``BEACON_SECRET_KEY`` must then be the same on all of them; stored files
  go to ``BEACON_FILES_DIR`` (a shared mount) or, with ``BEACON_STORAGE_BACKEND=s3``, a bucket
  (``BEACON_S3_*``, see beacon/settings.py); the caches are two tables in the database (cached
  pages, and the sign-in and API counts; ``beacon createcachetable``) unless ``BEACON_CACHE_URL``
  names a Redis server; sessions are in the database.
* ``BEACON_INSECURE_LOCAL_HTTP=1``: plain HTTP on the loopback address, for a demo on one's own
  machine: no HTTPS redirect, no HSTS, cookies without the Secure flag. ``beacon serve`` sets it
  only when it binds a loopback address; never set it for a server other people reach.
"""

import os
import secrets

from .settings import *  # noqa: F401,F403
from .settings import VAR_DIR, _file_storage

DEBUG = False


def _secret_key() -> str:
    key = os.environ.get("BEACON_SECRET_KEY", "")
    if key:
        return key
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = _secret_key()

_LOCAL_HTTP = os.environ.get("BEACON_INSECURE_LOCAL_HTTP") == "1"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = not _LOCAL_HTTP
SECURE_HSTS_SECONDS = 0 if _LOCAL_HTTP else 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not _LOCAL_HTTP
SECURE_HSTS_PRELOAD = not _LOCAL_HTTP
SESSION_COOKIE_SECURE = not _LOCAL_HTTP
CSRF_COOKIE_SECURE = not _LOCAL_HTTP
SECURE_CONTENT_TYPE_NOSNIFF = True

# Hashed static files collected by `beacon serve` (collectstatic) and served by whitenoise
# with far-future cache headers; no finders at run time. Not pre-compressed: compressing the
# API docs bundles took minutes on a small machine; a proxy in front can compress.
WHITENOISE_USE_FINDERS = False
# Stored files (published documents, packs, uploaded papers): the same store as beacon.settings,
# shared by every application server and worker (a folder they all mount, or an S3 bucket).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    "beacon_files": _file_storage(),
}


# Shared by every process of every server (gunicorn workers, job workers), so a sign-in lockout,
# an API rate limit and a cached page model hold whichever process answers: a table in Beacon's
# own database (made by `beacon createcachetable`, which `beacon serve` runs), or with
# BEACON_CACHE_URL=redis://host:6379/0 a Redis server (needs the `redis` package installed).
# Sessions are in the database (Django's default session engine) for the same reason.
# "local" is each process's own memory: for values that are the same whichever process computes
# them (keyed by a data version), where a trip to the shared cache would cost more than it saves.
# "counters" holds the sign-in throttle's and the API rate limit's counts, apart from the cached
# pages: a database cache with more than MAX_ENTRIES rows deletes the alphabetically first third of
# them, and a flood of cached pages must not wipe a count (nor a flood of counts the pages). Counts
# expire within BEACON_LOGIN_MAX_DELAY_SECONDS + BEACON_LOGIN_WINDOW_SECONDS (or two API windows),
# so its table holds only recent ones; its limit is reached only by a million live counts.
def _caches() -> dict:
    url = os.environ.get("BEACON_CACHE_URL", "").strip()
    local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "beacon-local"}
    if not url or url == "database":
        return {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE,
                            "OPTIONS": {"MAX_ENTRIES": 5000}}, "local": local,
                "counters": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": COUNTERS_TABLE,
                             "OPTIONS": {"MAX_ENTRIES": 1_000_000}}}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                            "KEY_PREFIX": "beacon"}, "local": local,
                "counters": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                             "KEY_PREFIX": "beacon-counters"}}
    raise ValueError(f"BEACON_CACHE_URL must be redis://... or rediss://... (got {url.split(':', 1)[0]}:...); "
                     "leave it unset for the cache table in the database")


CACHE_TABLE = "beacon_cache"
COUNTERS_TABLE = "beacon_counters"
CACHES = _caches()
SESSION_ENGINE = "django.contrib.sessions.backends.db"

EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}[os.environ.get("BEACON_EMAIL_BACKEND", "file" if _LOCAL_HTTP else "smtp")]  # a local demo: files in var/mail
EMAIL_HOST = os.environ.get("BEACON_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("BEACON_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("BEACON_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("BEACON_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("BEACON_EMAIL_TLS", "1") == "1"
EMAIL_TIMEOUT = 20

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
