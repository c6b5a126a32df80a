"""A corpus of bad bundles: the demo bundle with one defect each (import-format.md).

For every defect the import must fail, report exactly the expected ``file:line: column:``
(the line is counted here from the edited file, not asked of the importer), list every bad
row, and write nothing, both into an empty database and into one that holds the demo data.
"""

from __future__ import annotations

import re

import pytest

from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import import_bundle

PREFIX = re.compile(r"^([^:]+:\d+: [^:]+:)")

OBS = "observations.csv"
KPIS = "kpis.csv"
TARGETS = "targets.csv"


def prefix_of(message: str) -> str:
    m = PREFIX.match(message)
    assert m, f"not a file:line: column: message: {message!r}"
    return m.group(1)


# Each case edits a fresh copy of the demo bundle and returns [(expected prefix, text the
# reason must contain), ...], one entry per error the import must report.
def missing_required_column(b):
    b.drop_column(KPIS, "unit")
    return [("kpis.csv:1: unit:", "required column is missing")]


def unknown_column_typo(b):
    b.rename_column(KPIS, "polarity", "polarty")
    # the typo is named, and the column it should have been is missing
    return [("kpis.csv:1: polarty:", "unknown column"), ("kpis.csv:1: polarity:", "required column is missing")]


def unknown_column_in_observations(b):
    b.rename_column(OBS, "note", "notes")
    return [("observations.csv:1: notes:", "unknown column")]


def value_not_a_number(b):
    line = b.set_cell(OBS, "CS2,2022/23 Q2", "value", "abc")
    return [(f"observations.csv:{line}: value:", "'abc' is not a number")]


def two_bad_values_in_one_file(b):
    first = b.set_cell(OBS, "CS2,2022/23 Q2", "value", "abc")
    second = b.set_cell(OBS, "SC7,2022/23 Q1", "value", "6O.5")
    return [(f"observations.csv:{first}: value:", "abc"), (f"observations.csv:{second}: value:", "6O.5")]


def decimals_not_a_number(b):
    line = b.set_cell(KPIS, "ET3,", "decimals", "x")
    return [(f"kpis.csv:{line}: decimals:", "'x' is not a whole number")]


def bool_maybe(b):
    line = b.set_cell(KPIS, "SC4,", "in_arrears", "maybe")
    return [(f"kpis.csv:{line}: in_arrears:", "'maybe' is not true or false")]


def kpi_unknown_directorate(b):
    line = b.set_cell(KPIS, "CS1,", "directorate", "ZZ")
    return [(f"kpis.csv:{line}: directorate:", "unknown directorate 'ZZ'")]


def observation_unknown_kpi(b):
    line = b.append_row(OBS, {"kpi": "XX9", "period": "2022/23 Q2", "value": "50"})
    return [(f"observations.csv:{line}: kpi:", "unknown KPI 'XX9'")]


def target_unknown_kpi(b):
    line = b.append_row(TARGETS, {"kpi": "XX9", "financial_year": "2022/23", "target": "50", "floor": "40"})
    return [(f"targets.csv:{line}: kpi:", "unknown KPI 'XX9'")]


def duplicate_observation(b):
    first = b.line_of(OBS, "CS1,2022/23 Q2")
    line = b.append_row(OBS, {"kpi": "CS1", "period": "2022/23 Q2", "value": "95"})
    return [(f"observations.csv:{line}: kpi:", f"first at line {first}")]


def duplicate_observation_other_spelling(b):
    # the same quarter written as a slug is still the same key
    first = b.line_of(OBS, "CS1,2022/23 Q2")
    line = b.append_row(OBS, {"kpi": "CS1", "period": "2022-23-Q2", "value": "95"})
    return [(f"observations.csv:{line}: kpi:", f"first at line {first}")]


def duplicate_kpi_code(b):
    row = b.row(KPIS, "CS1,")
    first = b.line_of(KPIS, "CS1,")
    line = b.append_row(KPIS, {**row, "name": "Another name"})
    return [(f"kpis.csv:{line}: code:", f"first at line {first}")]


def period_years_not_consecutive(b):
    line = b.set_cell(OBS, "CS2,2022/23 Q2", "period", "2022/24 Q2")
    return [(f"observations.csv:{line}: period:", "2022/24")]


def period_quarter_five(b):
    line = b.set_cell(OBS, "CS2,2022/23 Q2", "period", "2022/23 Q5")
    return [(f"observations.csv:{line}: period:", "Q5")]


def period_month_thirteen(b):
    line = b.set_cell(OBS, "CS2,2022/23 Q2", "period", "2022-13")
    return [(f"observations.csv:{line}: period:", "13")]


def percent_over_100(b):
    line = b.set_cell(OBS, "CS1,2022/23 Q2", "value", "100.5")
    return [(f"observations.csv:{line}: value:", "over 100")]


def percent_negative(b):
    line = b.set_cell(OBS, "CS1,2022/23 Q2", "value", "-1")
    return [(f"observations.csv:{line}: value:", "negative")]


def percent_sign_on_count(b):
    line = b.set_cell(OBS, "ED6,2022/23 Q2", "value", "279%")  # ED6 is a count
    return [(f"observations.csv:{line}: value:", "% sign")]


def floor_above_target_on_higher_kpi(b):
    line = b.set_cell(TARGETS, "CS1,", "floor", "98")  # target 97, higher is better
    return [(f"targets.csv:{line}: floor:", "floor standard (98) must be below target (97)")]


def floor_below_target_on_lower_kpi(b):
    line = b.set_cell(TARGETS, "ED4,", "floor", "1")  # lower is better
    return [(f"targets.csv:{line}: floor:", "must be above target")]


def range_floor_band_inside_target_band(b):
    b.set_cell(TARGETS, "SC4,", "floor_low", "18")
    line = b.set_cell(TARGETS, "SC4,", "floor_high", "21")
    return [(f"targets.csv:{line}: floor_low:", "must contain the target band")]


def manual_rating_without_reason(b):
    line = b.set_cell(OBS, "GL1,2022/23 Q2", "manual_reason", "")
    return [(f"observations.csv:{line}: manual_reason:", "needs its reason")]


def value_not_finite(b):
    line = b.set_cell(OBS, "SC5,2022/23 Q2", "value", "NaN")
    return [(f"observations.csv:{line}: value:", "not a finite number")]


def value_too_large(b):
    line = b.set_cell(OBS, "SC5,2022/23 Q2", "value", "1e20")
    return [(f"observations.csv:{line}: value:", "too large")]


def value_too_precise(b):
    line = b.set_cell(OBS, "SC5,2022/23 Q2", "value", "368.12345678901")
    return [(f"observations.csv:{line}: value:", "more than 10 decimal places")]


def code_too_long(b):
    # SQLite would store it; PostgreSQL refuses it at insert: it must be a row error on both
    code = "CS1-" + "X" * 40
    kpi_line = b.set_cell(KPIS, "CS1,", "code", code)
    for name in (OBS, TARGETS, "published.csv"):  # every reference follows the new code
        b.write(name, "\n".join(code + line[3:] if line.startswith("CS1,") else line for line in b.lines(name)))
    return [(f"kpis.csv:{kpi_line}: code:", "at most 32")]


def value_missing_without_manual_rating(b):
    line = b.set_cell(OBS, "CS1,2022/23 Q2", "value", "")
    return [(f"observations.csv:{line}: value:", "a value is required")]


def not_utf8(b):
    text = b.text(OBS)
    line = b.line_of(OBS, "CS3,2022/23 Q2")
    b.path(OBS).write_bytes(text.replace("July to September 2022.", "Juillet à septembre 2022.").encode("latin-1"))
    return [(f"observations.csv:{line}: (file):", "not UTF-8")]


def empty_file(b):
    b.write("published.csv", "")
    return [("published.csv:1: (file):", "empty")]


def row_with_extra_fields(b):
    # an unquoted comma in a note makes one field too many
    line = b.line_of(OBS, "CS3,2022/23 Q2")
    lines = b.lines(OBS)
    lines[line - 1] = lines[line - 1].replace("July to September 2022.", "July, August and September 2022.")
    b.write(OBS, "\n".join(lines))
    return [(f"observations.csv:{line}: (row):", "fields but the header has")]


def table_file_missing(b):
    b.path("tables/speed_offences.csv").unlink()
    line = b.line_of("tables.csv", "speed_offences,")
    return [(f"tables.csv:{line}: name:", "no file tables/speed_offences.csv")]


def table_row_spanning_two_lines(b):
    # calls_by_service's footnotes cell spans two lines: the error names the line the row starts on
    line = b.line_of("tables.csv", "calls_by_service,")
    lines = b.lines("tables.csv")
    lines[line - 1] = lines[line - 1].replace(",CS,2022/23 Q2,", ",ZZ,2022/23 Q2,")
    b.write("tables.csv", "\n".join(lines))
    return [(f"tables.csv:{line}: directorate:", "unknown directorate 'ZZ'")]


def table_value_not_a_number(b):
    name = "tables/speed_offences.csv"
    line = b.line_of(name, "2022/23 Q2,July-September 2022,Medway,")
    b.set_cell(name, "2022/23 Q2,July-September 2022,Medway,", "offences", "lots")
    return [(f"{name}:{line}: offences:", "'lots' is not a number")]


def three_defects_in_three_files(b):
    a = b.set_cell(KPIS, "ET3,", "decimals", "x")
    c = b.set_cell(TARGETS, "CS1,", "floor", "98")
    d = b.set_cell(OBS, "SC4,2022/23 Q2", "value", "abc")
    return [(f"kpis.csv:{a}: decimals:", "x"), (f"targets.csv:{c}: floor:", "98"), (f"observations.csv:{d}: value:", "abc")]


CASES = [
    missing_required_column,
    unknown_column_typo,
    unknown_column_in_observations,
    value_not_a_number,
    two_bad_values_in_one_file,
    decimals_not_a_number,
    bool_maybe,
    kpi_unknown_directorate,
    observation_unknown_kpi,
    target_unknown_kpi,
    duplicate_observation,
    duplicate_observation_other_spelling,
    duplicate_kpi_code,
    period_years_not_consecutive,
    period_quarter_five,
    period_month_thirteen,
    percent_over_100,
    percent_negative,
    percent_sign_on_count,
    floor_above_target_on_higher_kpi,
    floor_below_target_on_lower_kpi,
    range_floor_band_inside_target_band,
    manual_rating_without_reason,
    value_missing_without_manual_rating,
    value_not_finite,
    value_too_large,
    value_too_precise,
    code_too_long,
    not_utf8,
    empty_file,
    row_with_extra_fields,
    table_file_missing,
    table_row_spanning_two_lines,
    table_value_not_a_number,
    three_defects_in_three_files,
]


def assert_rejected_whole(case, make_bundle, row_counts, db_dump):
    """Apply ``case`` to a copy of the demo bundle, import it, and check the errors and that
    nothing was written."""
    bundle = make_bundle()
    expected = case(bundle)
    counts_before, dump_before = row_counts(), db_dump()

    with pytest.raises(BundleErrors) as caught:
        import_bundle(bundle.root, user="tester")

    messages = caught.value.messages
    assert sorted(prefix_of(m) for m in messages) == sorted(p for p, _ in expected), "\n".join(messages)
    for prefix, text in expected:
        [message] = [m for m in messages if m.startswith(prefix)] or [None]
        assert message is not None and text in message, f"{prefix} ... {text!r} not in {messages}"
    assert row_counts() == counts_before
    assert db_dump() == dump_before


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_bad_bundle_is_rejected_whole_on_an_empty_database(case, make_bundle, row_counts, db_dump):
    assert set(row_counts().values()) == {0}
    assert_rejected_whole(case, make_bundle, row_counts, db_dump)


@pytest.mark.django_db
def test_error_report_lists_every_problem(make_bundle):
    bundle = make_bundle()
    expected = three_defects_in_three_files(bundle)
    with pytest.raises(BundleErrors) as caught:
        import_bundle(bundle.root, user="tester")
    report = caught.value.report()
    assert report.startswith("The bundle was not imported: 3 problems; nothing was written.")
    for prefix, _ in expected:
        assert prefix in report


@pytest.mark.django_db
def test_the_unchanged_demo_bundle_has_no_errors(make_bundle, row_counts):
    """The control for the corpus: a copy edited by nothing imports."""
    bundle = make_bundle()
    result = import_bundle(bundle.root, user="tester")
    assert row_counts()["Kpi"] == 37
    assert "README.md" in result.skipped
