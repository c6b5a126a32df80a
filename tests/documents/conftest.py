"""The demo QPR rendered once per test session: HTML, Word and PDF, from a database that is
rolled back afterwards. Tests read the documents' structure, never pixels."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def demo_documents(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.db import transaction

    from beacon.bundle.importer import import_bundle
    from beacon.demo import DEMO_BUNDLE, DEMO_PERIOD
    from beacon.domain.periods import Quarter
    from beacon.reports import documents
    from beacon.reports.report_settings import DEMO_REPORT_SETTINGS, seed_report_settings

    folder = tmp_path_factory.mktemp("qpr")
    with django_db_blocker.unblock():
        with transaction.atomic():
            import_bundle(DEMO_BUNDLE, user="demo-test")
            seed_report_settings(DEMO_REPORT_SETTINGS)
            edition = documents.edition_inputs(Quarter.parse(DEMO_PERIOD))
            out = {"edition": edition, "folder": folder}
            for fmt in ("html", "docx", "pdf"):
                data = documents.render(edition, fmt)
                path = folder / f"qpr.{fmt}"
                path.write_bytes(data)
                out[fmt] = path
            transaction.set_rollback(True)
    return out
