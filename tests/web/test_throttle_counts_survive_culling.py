"""The sign-in throttle's and the API rate limit's counts live in their own cache
(``counters``): a database cache over its MAX_ENTRIES deletes the alphabetically first third of
its keys, and filling the page cache must not wipe a count (which would let a guesser go on)."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.management import call_command

from beacon.web import throttle

pytestmark = pytest.mark.django_db

DB_CACHE = "django.core.cache.backends.db.DatabaseCache"


@pytest.fixture
def production_like_caches(settings):
    """The production layout (beacon/settings_production.py) with a page cache of 10 entries."""
    settings.CACHES = {
        "default": {"BACKEND": DB_CACHE, "LOCATION": "test_page_cache", "OPTIONS": {"MAX_ENTRIES": 10}},
        "counters": {"BACKEND": DB_CACHE, "LOCATION": "test_counters", "OPTIONS": {"MAX_ENTRIES": 1_000_000}},
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t-local"},
    }
    call_command("createcachetable", verbosity=0)


def test_a_full_page_cache_leaves_the_sign_in_counts(production_like_caches, clock, settings):
    clock.set("2026-01-05T09:00:00")
    for _ in range(settings.BEACON_LOGIN_MAX_FAILURES + 1):
        throttle.record_failure("lead", "192.0.2.7")
    waiting = throttle.wait_seconds("lead", "192.0.2.7")
    assert waiting > 0
    pages = caches["default"]
    for i in range(40):  # culled three times over
        pages.set(f"zz-page-{i:02d}", "x", None)
    assert pages.get("zz-page-00") is None  # the page cache was culled
    assert throttle.wait_seconds("lead", "192.0.2.7") == waiting
