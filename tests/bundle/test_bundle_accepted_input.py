"""What the contract accepts besides the plain form (import-format.md, rules for every file):
`84%` for percent KPIs, quoted thousands separators, other spellings of a period, files saved
by Excel (byte-order mark, CRLF line ends), files the contract does not list."""

from __future__ import annotations

import pytest

from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import import_bundle
from beacon.performance import models

OBS = "observations.csv"


@pytest.mark.django_db
def test_other_spellings_of_the_same_values_change_nothing(demo_dir, make_bundle):
    import_bundle(demo_dir, user="alice")
    bundle = make_bundle()
    bundle.set_cell(OBS, "CS1,2022/23 Q2", "value", "96%")
    bundle.set_cell(OBS, "SC5,2022/23 Q2", "value", "368.00")
    bundle.set_cell(OBS, "SC5,2022/23 Q1", "period", "2022-23-Q1")
    bundle.set_cell("targets.csv", "SC4,", "floor_low", "15")  # 15.0 in the demo
    bundle.set_cell("kpis.csv", "CS1,", "rolling_12_months", "FALSE")

    result = import_bundle(bundle.root, user="bob")

    assert not result.changed, result.report()


@pytest.mark.django_db
def test_quoted_thousands_separators_are_accepted(demo_dir, make_bundle):
    import_bundle(demo_dir, user="alice")
    bundle = make_bundle()
    bundle.set_cell(OBS, "SC5,2022/23 Q2", "value", "1,368.5")  # written quoted by the csv module
    assert '"1,368.5"' in bundle.text(OBS)
    import_bundle(bundle.root, user="bob")
    assert str(models.Observation.objects.get(kpi__code="SC5", period="2022/23 Q2").value.normalize()) == "1368.5"


def excel_saved(bundle) -> None:
    """Every file with a byte-order mark and CRLF line ends, as Excel's "CSV UTF-8" saves."""
    for path in bundle.root.rglob("*.csv"):
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))


@pytest.mark.django_db
def test_files_saved_by_excel_import_like_the_originals(demo_dir, make_bundle):
    import_bundle(demo_dir, user="alice")
    bundle = make_bundle()
    excel_saved(bundle)
    result = import_bundle(bundle.root, user="bob")
    assert not result.changed, result.report()
    # multi-line cells keep their text (line ends inside a quoted cell included)
    table = models.SupportingTable.objects.get(name="calls_by_service")
    assert table.footnotes.startswith("* Kent Support and Assistance Service")


@pytest.mark.django_db
def test_errors_in_files_saved_by_excel_name_the_right_line(make_bundle):
    bundle = make_bundle()
    line = bundle.set_cell(OBS, "SC4,2022/23 Q2", "value", "abc")
    tables_line = bundle.line_of("tables.csv", "speed_offences,")
    (bundle.root / "tables" / "speed_offences.csv").unlink()
    excel_saved(bundle)
    with pytest.raises(BundleErrors) as caught:
        import_bundle(bundle.root, user="bob")
    assert sorted(m.split(" ", 2)[0] for m in caught.value.messages) == sorted(
        [f"{OBS}:{line}:", f"tables.csv:{tables_line}:"])


@pytest.mark.django_db
def test_files_outside_the_contract_are_skipped_and_named(make_bundle):
    bundle = make_bundle()
    bundle.write("notes.txt", "not a bundle file\n")
    bundle.write("extra.csv", "a,b\n1,2\n")
    result = import_bundle(bundle.root, user="bob")
    assert {"README.md", "notes.txt", "extra.csv"} <= set(result.skipped)
    report = result.report()
    assert "skipped extra.csv" in report and "skipped README.md" in report


@pytest.mark.django_db
def test_an_empty_file_outside_the_contract_is_skipped(make_bundle):
    bundle = make_bundle()
    bundle.write("scratch.csv", "")
    assert "scratch.csv" in import_bundle(bundle.root, user="bob").skipped


@pytest.mark.django_db
def test_read_errors_in_several_files_are_all_reported(make_bundle):
    bundle = make_bundle()
    bundle.write("published.csv", "")
    bundle.path("targets.csv").write_bytes("kpi,financial_year\nCS1,2022/23 \xa3\n".encode("latin-1"))
    with pytest.raises(BundleErrors) as caught:
        import_bundle(bundle.root, user="bob")
    assert sorted(m.split(" ", 2)[0] for m in caught.value.messages) == ["published.csv:1:", "targets.csv:2:"]
