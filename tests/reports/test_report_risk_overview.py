"""The QPR carries the Corporate Risk Register overview when Beacon holds risks, for the dates
the period's report settings give (the January 2023 QPR: November 2022 against June 2022)."""

import json

import pytest

from beacon.bundle.importer import import_bundle
from beacon.demo import DEMO_BUNDLE, HERE
from beacon.domain.periods import Quarter
from beacon.reports import documents
from beacon.reports.qpr import build_qpr, model_from_json, model_json
from beacon.reports.report_settings import DEMO_REPORT_SETTINGS, seed_report_settings

Q2 = Quarter(2022, 2)
HEADING = "Corporate Risk Register – Overview"


@pytest.mark.django_db
def test_no_risks_no_section():
    import_bundle(DEMO_BUNDLE, user="test")
    model = build_qpr(Q2)
    assert model.risk_overview is None
    html = documents.render(documents.edition_inputs(Q2), "html").decode("utf-8")
    assert HEADING not in html


@pytest.mark.django_db
def test_overview_at_the_settings_dates():
    import_bundle(DEMO_BUNDLE, user="test")
    import_bundle(HERE / "kcc-risk-register-2023-01", user="test")
    seed_report_settings(DEMO_REPORT_SETTINGS)
    model = build_qpr(Q2)
    data = model_json(model)  # the whole model, overview included, is JSON
    json.dumps(data, allow_nan=False)
    assert model_from_json(data) == model  # and reads back typed (a published snapshot)
    overview = data["risk_overview"]
    assert overview is not None
    assert overview["data_to"] == "2022-11-30" and overview["compare_to"] == "2022-06-30"
    html = documents.render(documents.edition_inputs(Q2), "html").decode("utf-8")
    assert HEADING in html
    assert "November 2022" in html and "June 2022" in html
