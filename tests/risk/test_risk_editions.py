"""Editions: selection by body, baselines, directions of travel, frozen snapshots."""

import datetime as dt

import pytest

from beacon.bundle.importer import import_bundle
from beacon.demo import HERE
from beacon.domain.risk import Rating
from beacon.risk import lifecycle
from beacon.risk.checks import published_differences
from beacon.risk.editions import (
    EditionError,
    EditionExists,
    build_edition,
    committee_directorate,
    create_edition,
    current_edition,
    read_edition,
)
from beacon.risk.models import Risk

pytestmark = pytest.mark.django_db
JAN = HERE / "kcc-risk-register-2023-01"
CYPE = HERE / "kcc-risk-register-2023-03-cype"


def _rows(edition):
    return {r.id: r for r in edition.risks}


def test_cabinet_january_2023_edition():
    import_bundle(JAN, user="test")
    edition = build_edition("Cabinet", dt.date(2023, 1, 5), baseline=dt.date(2022, 7, 1))
    rows = _rows(edition)
    assert list(rows) == sorted(rows) and len(rows) == 18  # CRR0057 has its summary row
    assert edition.heading == "For Presentation to Cabinet on 05/01/2023"
    assert edition.direction_heading == "Direction of Travel since July 2022"
    assert edition.counts_by_level == {"Low": 0, "Medium": 4, "High": 13, "Not yet rated": 1}
    expected = {rid: "unchanged" for rid in ("CRR0001", "CRR0002", "CRR0003", "CRR0004", "CRR0009", "CRR0014",
                                             "CRR0015", "CRR0042", "CRR0050", "CRR0052", "CRR0053", "CRR0054")}
    expected.update({"CRR0039": "reduced", "CRR0045": "increased", "CRR0056": "merged", "CRR0058": "new",
                     "CRR0049": "not_known", "CRR0057": "not_known"})
    assert {rid: r.direction.value for rid, r in rows.items()} == expected
    assert rows["CRR0049"].current.display == "Medium (10)"
    assert rows["CRR0014"].target.display == "High (20)"
    assert rows["CRR0057"].current.display == "High (16)" and rows["CRR0057"].target.display == "Low (6)"
    assert rows["CRR0001"].at_target is True and rows["CRR0002"].at_target is False
    # CRR0009: the footnote gets its marker, and the contradiction with the change note is flagged
    assert rows["CRR0009"].footnote_marker == "**"
    assert [(f.marker, f.risk, f.text) for f in edition.footnotes.risks] == [("**", "CRR0009", rows["CRR0009"].review_note)]
    assert any("25" in f for f in rows["CRR0009"].flags)
    # the heat map of spec §6.2
    current = {(c.likelihood, c.impact): list(c.risks) for row in edition.heat_map.current.rows for c in row.cells}
    assert current[(5, 5)] == ["CRR0003", "CRR0015", "CRR0042", "CRR0052", "CRR0053", "CRR0056"]
    assert current[(4, 5)] == ["CRR0002", "CRR0004", "CRR0009", "CRR0014", "CRR0050", "CRR0054"]
    assert current[(3, 5)] == ["CRR0001", "CRR0045"] and current[(5, 3)] == ["CRR0039"]
    assert current[(5, 2)] == ["CRR0049"] and current[(4, 4)] == ["CRR0057"]
    assert edition.heat_map.current.not_rated == ("CRR0058",)
    target = {(c.likelihood, c.impact): list(c.risks) for row in edition.heat_map.target.rows for c in row.cells}
    assert target[(4, 4)] == ["CRR0003", "CRR0009", "CRR0042", "CRR0052", "CRR0053", "CRR0056"]
    assert target[(3, 5)] == ["CRR0001", "CRR0002", "CRR0004", "CRR0015", "CRR0050"]
    assert target[(4, 5)] == ["CRR0014"] and target[(3, 3)] == ["CRR0039"] and target[(1, 5)] == ["CRR0045"]
    assert target[(5, 1)] == ["CRR0049"] and target[(2, 3)] == ["CRR0057"]
    assert edition.heat_map.target.not_rated == ("CRR0054", "CRR0058")
    # the change notes since July 2022, in id order, including ids that have left the register
    changes = [(c.risk, c.event) for c in edition.changes]
    assert changes == sorted(changes, key=lambda c: c[0])
    assert ("CRR0051", "closed") in changes and ("CRR0010", "delegated") in changes and ("CRR0055", "withdrawn") in changes
    assert ("CRR0001", "rerated") not in changes  # by July 2022: before the baseline
    c9 = next(c for c in edition.changes if c.risk == "CRR0009" and c.event == "rerated")
    assert c9.summary == "Re-rated from 20 to 25 (current increased)" and c9.note.startswith("CRR0009 Future financial")
    c10 = next(c for c in edition.changes if c.risk == "CRR0010")
    assert c10.title is None and c10.summary == "Delegated to the CYPE directorate register"
    # the printed directions: the lost glyphs are listed, never guessed
    diffs = published_differences({rid: r.direction.direction for rid, r in rows.items()})
    unreadable = sorted(d.split(":")[0] for d in diffs if "cannot be read" in d)
    assert unreadable == ["CRR0039", "CRR0045", "CRR0049"]
    assert not any("direction printed '⇔'" in d for d in diffs)


@pytest.mark.parametrize("bundles", [(JAN, CYPE), (CYPE,)])
def test_cype_march_2023_edition(bundles):
    for bundle in bundles:
        import_bundle(bundle, user="test")
    edition = build_edition("CYPE Cabinet Committee", dt.date(2023, 3, 8))
    assert edition.baseline_date == dt.date(2022, 3, 1)
    assert edition.direction_heading == "Direction of Travel since March 2022"
    rows = _rows(edition)
    assert list(rows) == ["CRR0001", "CRR0056", "CRR0057"]
    assert [(r.current.display, r.target.display) for r in rows.values()] == [
        ("Medium (15)", "Medium (15)"), ("High (25)", "High (16)"), ("High (16)", "Low (6)")]
    assert {rid: r.direction.value for rid, r in rows.items()} == {
        "CRR0001": "reduced", "CRR0056": "merged", "CRR0057": "new"}
    assert rows["CRR0001"].direction.printed == "Reduced ↓"
    assert rows["CRR0056"].cross_references == ["CRR0057"] and rows["CRR0057"].cross_references == ["CRR0056"]
    assert edition.counts_by_level == {"Low": 0, "Medium": 1, "High": 2, "Not yet rated": 0}
    assert sorted({c.risk for c in edition.changes}) == ["CRR0001", "CRR0056", "CRR0057"]
    # the printed "↔" for CRR0001 (error 8) is reported
    diffs = published_differences({rid: r.direction.direction for rid, r in rows.items()})
    assert "CRR0001: direction printed '↔'; computed 'Reduced ↓'" in diffs


def test_committee_selection_includes_co_owned_risks():
    import_bundle(JAN, user="test")
    gedc = [r.id for r in build_edition("GEDC Cabinet Committee", dt.date(2023, 3, 8)).risks]
    assert "CRR0057" in gedc and "CRR0003" in gedc and "CRR0001" not in gedc
    assert committee_directorate("Children, Young People and Education Cabinet Committee") == "CYPE"
    assert committee_directorate("Cabinet") is None
    with pytest.raises(EditionError):
        committee_directorate("Planning Committee")
    with pytest.raises(EditionError):
        committee_directorate("NOPE Cabinet Committee")


def test_baseline_defaults_to_the_previous_edition_and_editions_are_frozen():
    import_bundle(JAN, user="test")
    first = create_edition("CYPE Cabinet Committee", dt.date(2023, 3, 8), by="rm")
    assert first.baseline_date == dt.date(2022, 3, 1)
    r1 = Risk.objects.get(risk_id="CRR0001")
    lifecycle.rerate(r1, Rating(4, 5), by="rm", on=dt.date(2023, 6, 1), note="increase")
    second = build_edition("CYPE Cabinet Committee", dt.date(2024, 3, 6))
    assert second.baseline_date == dt.date(2023, 3, 8)
    assert _rows(second)["CRR0001"].direction.value == "increased"
    override = build_edition("CYPE Cabinet Committee", dt.date(2024, 3, 6), baseline=dt.date(2022, 3, 1))
    assert override.baseline_basis == "given"
    # the frozen edition is unchanged by the later re-rating
    with pytest.raises(EditionExists):  # never a silent duplicate (issue 10)
        create_edition("CYPE Cabinet Committee", dt.date(2023, 3, 8), by="rm")
    again = current_edition("CYPE Cabinet Committee", dt.date(2023, 3, 8))
    assert again.pk == first.pk
    assert _rows(read_edition(again))["CRR0001"].current.display == "Medium (15)"
    with pytest.raises(EditionError, match="frozen"):
        create_edition("CYPE Cabinet Committee", dt.date(2023, 3, 8), by="rm", baseline=dt.date(2022, 1, 1))
    with pytest.raises(EditionError):
        build_edition("Cabinet", dt.date(2023, 1, 5), baseline=dt.date(2023, 2, 1))


def test_closed_and_delegated_risks_leave_the_edition():
    import_bundle(JAN, user="test")
    lifecycle.delegate(Risk.objects.get(risk_id="CRR0057"), "CYPE directorate register", by="rm", on=dt.date(2023, 2, 1))
    lifecycle.withdraw(Risk.objects.get(risk_id="CRR0056"), by="rm", on=dt.date(2023, 3, 1), note="gone")
    rows = _rows(build_edition("CYPE Cabinet Committee", dt.date(2023, 3, 8)))
    assert list(rows) == ["CRR0001"]
    # an edition dated before they left still holds them
    assert list(_rows(build_edition("CYPE Cabinet Committee", dt.date(2023, 1, 31)))) == ["CRR0001", "CRR0056", "CRR0057"]


def test_a_risk_entered_after_the_edition_date_is_not_in_it():
    import_bundle(JAN, user="test")
    later = lifecycle.add_risk("Later risk", ["Sarah Hammond, Corporate Director CYPE"], by="rm", on=dt.date(2023, 6, 1),
                               owner_directorates=["CYPE"], current=Rating(3, 3))
    rows = _rows(build_edition("CYPE Cabinet Committee", dt.date(2023, 3, 8)))
    assert later.risk_id not in rows and list(rows) == ["CRR0001", "CRR0056", "CRR0057"]
    assert later.risk_id in _rows(build_edition("CYPE Cabinet Committee", dt.date(2023, 7, 1)))
