"""The dashboards' cache generation token survives the database cache's culling. When the cache
table holds more than ``MAX_ENTRIES`` rows, Django deletes the alphabetically first third of the
keys; losing the token would make every process drop the models it keeps in memory and build
them again (about 0.5 s a quarter at 1,000 KPIs), so its key sorts after every other key."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from beacon.reports import dashboards

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "beacon_test_cull_cache",
                "OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 3}},
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "beacon-test-cull-local"},
}


def test_the_generation_token_outlives_a_full_cache():
    with override_settings(CACHES=DATABASE_CACHE):
        call_command("createcachetable", verbosity=0)
        token = dashboards._generation()
        # what a busy site keeps: the dashboards' values and rendered page parts, many over the limit
        for i in range(40):
            cache.set(f"beacon:dash:{token}:ratings:2022-23-Q{i % 4 + 1}:{i}", i)
            cache.set(f"template.cache.beacon_kpi_page.{i:032x}", "<p>page</p>")
        assert cache.get(f"beacon:dash:{token}:ratings:2022-23-Q1:0") is None  # culled: the cache was full
        assert dashboards._generation() == token
