"""The corpus of bad bundles (test_bundle_bad.py) against a database that already holds
the demo data: still exact errors, and nothing written.

The demo is imported once for this module (committed outside the per-test transaction,
removed at the end); each test runs in its own transaction as usual.
"""

from __future__ import annotations

import pytest
from test_bundle_bad import CASES, assert_rejected_whole

from beacon.bundle.importer import import_bundle


@pytest.fixture(scope="module")
def demo_in_database(django_db_setup, django_db_blocker, demo_dir_module):
    from django.apps import apps

    with django_db_blocker.unblock():
        import_bundle(demo_dir_module, user="setup")
        yield
        # children before parents
        for name in ("Revision", "ImportRun", "KpiMeasure", "ComparatorValue", "ComparisonGroupMember",
                     "ComparisonGroup", "BenchmarkMeasure", "Area", "TargetChange", "SupportingTableCell", "SupportingTable", "PublishedCounts",
                     "PublishedRating", "Commentary", "ActivityObservation", "ActivityIndicator",
                     "Observation", "KpiTarget", "Kpi", "SubArea", "Directorate"):
            app = "core" if name in ("Revision", "ImportRun", "SubArea", "Directorate") else "performance"
            apps.get_model(app, name).objects.all().delete()


@pytest.fixture(scope="module")
def demo_dir_module():
    from beacon.demo import DEMO_BUNDLE

    return DEMO_BUNDLE


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_bad_bundle_is_rejected_whole_on_the_demo_database(case, demo_in_database, make_bundle, row_counts, db_dump):
    assert row_counts()["Kpi"] == 37
    assert_rejected_whole(case, make_bundle, row_counts, db_dump)
