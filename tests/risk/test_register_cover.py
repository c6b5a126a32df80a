"""The covering report to Cabinet for the annual refresh, with the register as its appendix 1."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beacon.bundle.importer import import_bundle
from beacon.demo import HERE

pytestmark = pytest.mark.django_db


@pytest.fixture
def jan():
    import_bundle(HERE / "kcc-risk-register-2023-01", user="test")


def _model(tmp_path, *extra):
    out = tmp_path / "m.json"
    call_command("register", "--body", "Cabinet", "--date", "2023-01-05", "--baseline", "2022-07", "--draft",
                 "--cover", *extra, "--out", str(out))
    return json.loads(out.read_text(encoding="utf-8"))


def test_cover_header_and_numbered_sections(jan, tmp_path):
    cover = _model(tmp_path)["cover"]
    header = {h["label"]: h["value"] for h in cover["header"]}
    assert header["To"] == "Cabinet – 5 January 2023"
    assert header["Future Pathway of Paper"] == "Governance & Audit Committee"
    # the recommendation is written from one field, in the header and in section 5
    sections = {s["number"]: s for s in cover["sections"]}
    assert sections["5"]["paragraphs"] == [{"number": "5.1", "text": header["Recommendation"]}]
    changes = sections["2"]["paragraphs"]
    numbers = [p["number"] for p in changes]
    assert numbers[0] == "2.1" and "2.2" in numbers and numbers[-1] == "2.3"
    texts = [p["text"] for p in changes]
    # one paragraph per event, with the events that share a change note together
    crr51 = next(t for t in texts if t.startswith("CRR0051"))
    assert crr51.startswith("CRR0051 – Closed (related: CRR0058); CRR0058: New risk (related: CRR0051).")
    assert not any(t.startswith("CRR0058") for t in texts)
    crr14 = next(t for t in texts if t.startswith("CRR0014"))
    assert "De-scoped; Target changed to 20 (target increased)." in crr14
    assert cover["changes_ahead"] + cover["changes_refresh"] == len([n for n in numbers if n.count(".") == 2])
    # every figure of the conclusions is computed
    assert sections["4"]["paragraphs"][0]["text"] == (
        "Of the 18 risks on the register, 13 are rated High, 4 Medium and 0 Low, and 1 not yet rated. "
        "Their targets: 7 High, 6 Medium, 3 Low, 2 not yet rated.")


def test_cover_settings_and_refresh_date(jan, tmp_path):
    settings = tmp_path / "cover.json"
    settings.write_text(json.dumps({
        "from": ["Roger Gough, Leader of the Council", "David Cockburn, Chief Executive Officer"],
        "refresh_from": "2022-12-01",
        "emerging_themes": ["The broader refugee and asylum situation is being considered."],
    }), encoding="utf-8")
    cover = _model(tmp_path, "--cover-settings", str(settings))["cover"]
    assert cover["header"][0]["value"] == "Roger Gough, Leader of the Council\nDavid Cockburn, Chief Executive Officer"
    section2 = [p["text"] for p in cover["sections"][1]["paragraphs"]]
    assert section2[0] == "Ahead of the formal refresh, 1 change to the risk register had already been made:"
    assert section2[1].startswith("CRR0057 Home to School Transport – New risk.")
    assert "The broader refugee and asylum situation is being considered." in section2
    bad = tmp_path / "bad.json"
    bad.write_text('{"form": []}', encoding="utf-8")
    with pytest.raises(CommandError, match="unknown keys form"):
        _model(tmp_path, "--cover-settings", str(bad))


def test_cover_pdf(jan, tmp_path):
    out = tmp_path / "cover.pdf"
    call_command("register", "--body", "Cabinet", "--date", "2023-01-05", "--baseline", "2022-07", "--draft",
                 "--cover", "--format", "html", "--out", str(out.with_suffix(".html")))
    html = out.with_suffix(".html").read_text(encoding="utf-8")
    assert html.count("<h1") == 1 and "<h1 id=\"cover-title\"" in html
    assert "Appendix 1" in html and '<h2 class="register-title">KCC Corporate Risk Register</h2>' in html


def test_open_candidates_are_listed_as_emerging_themes(jan, tmp_path):
    import datetime as dt

    from beacon.risk import lifecycle

    lifecycle.raise_candidate("Refugee and asylum situation", by="rm", on=dt.date(2022, 12, 1))
    section2 = [p["text"] for p in _model(tmp_path)["cover"]["sections"][1]["paragraphs"]]
    assert "Candidate risk: Refugee and asylum situation." in section2
