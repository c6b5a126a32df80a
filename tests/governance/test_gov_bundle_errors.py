"""Every error of the Governance "Validation" list (import-format.md) with a bundle that breaks
it: the import is refused with ``file:line: column: reason`` and nothing is written."""

import pytest
from gov_bundle_support import COUNTY, REFERENCE, Copy, nothing_written

from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import import_bundle

pytestmark = pytest.mark.django_db

C = "COUNCIL-2024-07-18"


def _refused(root) -> list[str]:
    with pytest.raises(BundleErrors) as caught:
        import_bundle(root, user="test")
    assert nothing_written()
    return caught.value.messages


def _line(index: int) -> int:
    """The line of a row (0-based) in a file without multi-line cells."""
    return index + 2


def _expect(messages: list[str], prefix: str, *words: str) -> None:
    hits = [m for m in messages if m.startswith(prefix) and all(w in m for w in words)]
    assert hits, f"no error {prefix!r} {words} in:\n" + "\n".join(messages)


@pytest.fixture
def ref(tmp_path):
    return Copy(REFERENCE, tmp_path / "ref")


@pytest.fixture
def county(tmp_path):
    return Copy(COUNTY, tmp_path / "county")


# --- a column is unknown; a required column or value is missing; a wrong type; not an allowed value ---

def test_unknown_column(ref):
    ref.rename_column("people.csv", "known_as", "knownas")
    _expect(_refused(ref.root), "people.csv:1: knownas: unknown column", "known_as")


def test_required_column_missing(ref):
    columns, rows = ref.read("agenda_items.csv")
    columns.remove("category")
    ref.write("agenda_items.csv", columns, [{k: v for k, v in r.items() if k != "category"} for r in rows])
    _expect(_refused(ref.root), "agenda_items.csv:1: category: required column is missing")


def test_required_value_missing(ref):
    i = ref.edit("agenda_items.csv", {"number": "5"}, title="")
    _expect(_refused(ref.root), f"agenda_items.csv:{_line(i)}: title: a value is required")


@pytest.mark.parametrize("file,match,column,value,reason", [
    ("agenda_items.csv", {"number": "6"}, "page_from", "seven", "is not a whole number"),
    ("meetings.csv", {"id": "CABINET-2022-12-01"}, "date", "1 December 2022", "is not a date"),
    ("meetings.csv", {"id": "CABINET-2023-01-05"}, "start_time", "10.00 am", "is not a time"),
    ("people.csv", {"id": "gough-r"}, "is_member", "member", "is not true or false"),
    ("minute_items.csv", {"minute_number": "3"}, "paragraphs", "-1", "must not be negative"),
])
def test_wrong_type(ref, file, match, column, value, reason):
    i = ref.edit(file, match, **{column: value})
    _expect(_refused(ref.root), f"{file}:{_line(i)}: {column}:", reason)


@pytest.mark.parametrize("file,match,column,value", [
    ("agenda_items.csv", {"number": "6"}, "category", "paper"),
    ("bodies.csv", {"code": "GAC"}, "kind", "audit_committee"),
    ("minute_items.csv", {"minute_number": "1"}, "outcome_kind", "recorded"),
    ("attendance.csv", {"person": "bell-c"}, "category", "attended"),
    ("resolutions.csv", {"minute_number": "4"}, "verb", "notes"),
])
def test_value_not_allowed(ref, file, match, column, value):
    i = ref.edit(file, match, **{column: value})
    _expect(_refused(ref.root), f"{file}:{_line(i)}: {column}:", "is not one of")


# --- a reference does not resolve, or a key is duplicated ---

@pytest.mark.parametrize("file,match,column,value,noun", [
    ("attendance.csv", {"person": "bell-c"}, "person", "bell-x", "person 'bell-x' (not in people.csv)"),
    ("minute_items.csv", {"minute_number": "5"}, "speakers", "murphy-d;finch-x", "person 'finch-x'"),
    ("role_assignments.csv", {"person": "gough-r", "role": "chair"}, "body", "EXEC", "body 'EXEC' (not in bodies.csv)"),
    ("agenda_items.csv", {"number": "6"}, "meeting", "CABINET-2023-01-06", "meeting 'CABINET-2023-01-06'"),
    ("minutes.csv", {"meeting": "CABINET-2022-12-01"}, "printed_as_paper", "CABINET-2023-01-05-3", "paper"),
    ("pathways.csv", {"paper": "CABINET-2023-01-05-06"}, "body", "CMTT", "body 'CMTT'"),
])
def test_reference_does_not_resolve(ref, file, match, column, value, noun):
    i = ref.edit(file, match, **{column: value})
    _expect(_refused(ref.root), f"{file}:{_line(i)}: {column}: unknown", noun)


def test_papers_list_references_resolve(ref):
    ref.edit("papers.csv", {"id": "CABINET-2023-01-05-07"}, author="scrivener-x")
    _expect(_refused(ref.root), "papers.csv:", "author: unknown person 'scrivener-x'")


def test_resolution_motion_must_resolve(county):
    i = county.edit("resolutions.csv", {"meeting": C, "minute_number": "13"}, motion=f"{C}-M99")
    _expect(_refused(county.root), f"resolutions.csv:{_line(i)}: motion: unknown motion")


@pytest.mark.parametrize("file,row", [
    ("agenda_items.csv", {"meeting": "CABINET-2023-01-05", "number": "2", "title": "Declarations again",
                          "section": "unrestricted", "category": "standing"}),
    ("bodies.csv", {"code": "GAC", "name": "Audit", "kind": "committee"}),
    ("minute_items.csv", {"meeting": "CABINET-2022-12-01", "minute_number": "8", "title": "x", "paragraphs": "1",
                          "outcome_kind": "none"}),
])
def test_duplicate_key(ref, file, row):
    ref.add(file, **row)
    _, rows = ref.read(file)
    _expect(_refused(ref.root), f"{file}:{_line(len(rows) - 1)}:", "duplicate row")


def test_duplicate_minute_number_in_a_running_series(county):
    county.add("minute_items.csv", meeting=C, minute_number="3", item_number="", title="Urgent business",
               paragraphs="1", outcome_kind="none")
    _, rows = county.read("minute_items.csv")
    _expect(_refused(county.root), f"minute_items.csv:{_line(len(rows) - 1)}: minute_number:",
            "COUNCIL-2024-05-16", "running series")


def test_per_meeting_series_may_repeat_numbers_across_meetings(county):
    """The Pension Fund Panel numbers its minutes per meeting: 1-3 again at another meeting is fine."""
    county.add("meetings.csv", id="PENSION-2024-09-19", body="PENSION", date="2024-09-19", status="held")
    county.add("minutes.csv", meeting="PENSION-2024-09-19", numbering="per_meeting")
    county.add("minute_items.csv", meeting="PENSION-2024-09-19", minute_number="1", item_number="1",
               title="Apologies", paragraphs="1", outcome_kind="statement")
    import_bundle(county.root, user="test")


# --- page ranges and papers of agenda items ---

def test_page_from_without_page_to(ref):
    i = ref.edit("agenda_items.csv", {"number": "6"}, page_to="")
    _expect(_refused(ref.root), f"agenda_items.csv:{_line(i)}: page_to:", "both page columns or neither")


def test_page_to_without_page_from(ref):
    i = ref.edit("agenda_items.csv", {"number": "6"}, page_from="")
    _expect(_refused(ref.root), f"agenda_items.csv:{_line(i)}: page_from:", "both page columns or neither")


def test_page_to_before_page_from(ref):
    i = ref.edit("agenda_items.csv", {"number": "6"}, page_from="64", page_to="7")
    _expect(_refused(ref.root), f"agenda_items.csv:{_line(i)}: page_to:", "before page_from")


def test_paper_without_page_range(ref):
    i = ref.edit("agenda_items.csv", {"number": "6"}, page_from="", page_to="")
    _expect(_refused(ref.root), f"agenda_items.csv:{_line(i)}: paper:", "has a paper but no page range")


def test_page_range_without_paper(ref):
    i = ref.edit("agenda_items.csv", {"number": "5"}, page_from="135", page_to="140")
    _expect(_refused(ref.root), f"agenda_items.csv:{_line(i)}: paper:", "has a page range but no paper")


def test_paper_of_another_item(ref):
    i = ref.edit("agenda_items.csv", {"number": "6"}, paper="CABINET-2023-01-05-07")
    _expect(_refused(ref.root), f"agenda_items.csv:{_line(i)}: paper:", "is item 7 of CABINET-2023-01-05, not item 6")


def test_paper_of_another_meeting(ref):
    ref.edit("papers.csv", {"id": "CABINET-2023-01-05-06"}, meeting="CABINET-2022-12-01")
    i = ref.edit("agenda_items.csv", {"number": "6"}, title="Quarterly Performance Report (Quarter 2 2022/23)")
    _expect(_refused(ref.root), f"agenda_items.csv:{_line(i)}: paper:", "of CABINET-2022-12-01, not item 6 of CABINET-2023-01-05")


# --- dispatch date ---

def test_dispatch_date_after_the_meeting(ref):
    ref.edit("agendas.csv", {"meeting": "CABINET-2023-01-05"}, dispatch_date="2023-01-06")
    _expect(_refused(ref.root), "agendas.csv:2: dispatch_date:", "after the meeting")


# --- minutes named by other files ---

@pytest.mark.parametrize("file,match", [
    ("resolutions.csv", {"meeting": C, "minute_number": "13"}),
    ("motions.csv", {"id": f"{C}-M14"}),
    ("elections.csv", {"office": "Vice-Chairman of the County Council"}),
    ("questions.csv", {"seq": "2"}),
    ("question_sessions.csv", {"meeting": C}),
    ("petitions.csv", {"meeting": C}),
    ("declarations.csv", {"meeting": C}),
])
def test_minute_not_in_minute_items(county, file, match):
    i = county.edit(file, match, minute_number="99")
    _expect(_refused(county.root), f"{file}:{_line(i)}: minute_number:", "minute 99", "is not in minute_items.csv")


def test_in_attendance_for_item_without_its_minute(ref):
    i = ref.edit("attendance.csv", {"person": "betts-j"}, minute_number="")
    _expect(_refused(ref.root), f"attendance.csv:{_line(i)}: minute_number:", "needs the minute")


# --- approval and noting of minutes ---

def test_minutes_approved_at_an_earlier_meeting(ref):
    ref.add("meetings.csv", id="CABINET-2022-09-01", body="CABINET", date="2022-09-01", status="held")
    i = ref.edit("minutes.csv", {"meeting": "CABINET-2022-09-29"}, approved_at_meeting="CABINET-2022-09-01")
    _expect(_refused(ref.root), f"minutes.csv:{_line(i)}: approved_at_meeting:", "earlier meeting")


def test_minutes_noted_at_an_earlier_meeting(county):
    county.add("meetings.csv", id="COUNCIL-2024-06-01", body="COUNCIL", date="2024-06-01", status="held")
    i = county.edit("minutes.csv", {"meeting": "PENSION-2024-06-20"}, noted_at_meeting="COUNCIL-2024-06-01",
                    noted_at_minute="")
    _expect(_refused(county.root), f"minutes.csv:{_line(i)}: noted_at_meeting:", "earlier meeting")


# --- recorded votes and roles ---

def test_recorded_vote_without_printed_counts(county):
    i = county.edit("motions.csv", {"id": f"{C}-M14"}, for_count_printed="", against_count_printed="",
                    abstain_count_printed="")
    _expect(_refused(county.root), f"motions.csv:{_line(i)}: for_count_printed:", "printed counts")


def test_recorded_vote_with_names_but_no_count_for_them(county):
    i = county.edit("motions.csv", {"id": f"{C}-M13-A1"}, abstain_count_printed="")
    _expect(_refused(county.root), f"motions.csv:{_line(i)}: abstain_count_printed:", "no count is printed")


def test_role_to_before_from(county):
    i = county.edit("role_assignments.csv", {"person": "brook-j"}, to="2024-05-15")
    _expect(_refused(county.root), f"role_assignments.csv:{_line(i)}: to:", "before from 2024-05-16")


def test_every_error_is_listed_at_once(ref):
    ref.edit("agenda_items.csv", {"number": "6"}, page_to="")
    ref.edit("attendance.csv", {"person": "bell-c"}, person="bell-x")
    messages = _refused(ref.root)
    assert len(messages) >= 2


def test_a_running_series_starts_again_at_the_annual_meeting(county):
    """The series runs "across the year": the minutes of the meeting before the Annual Meeting
    may repeat its numbers."""
    county.add("minute_items.csv", meeting="COUNCIL-2024-03-21", minute_number="3", item_number="3",
               title="Apologies", paragraphs="1", outcome_kind="statement")
    import_bundle(county.root, user="test")


def test_a_running_series_within_the_year_refuses_a_repeat_before_the_annual_meeting(county):
    county.add("meetings.csv", id="COUNCIL-2024-05-02", body="COUNCIL", date="2024-05-02", status="held")
    county.add("minutes.csv", meeting="COUNCIL-2024-05-02", numbering="running")
    county.add("minute_items.csv", meeting="COUNCIL-2024-05-02", minute_number="3", item_number="1",
               title="Apologies", paragraphs="1", outcome_kind="statement")
    county.add("minute_items.csv", meeting="COUNCIL-2024-03-21", minute_number="3", item_number="3",
               title="Apologies", paragraphs="1", outcome_kind="statement")
    _, rows = county.read("minute_items.csv")
    _expect(_refused(county.root), f"minute_items.csv:{_line(len(rows) - 1)}: minute_number:",
            "already minute 3 of COUNCIL-2024-05-02", "running series")


def test_a_row_with_a_bad_cell_is_reported_once_not_by_every_row_naming_it(ref):
    i = ref.edit("meetings.csv", {"id": "CABINET-2022-12-01"}, date="1 December 2022")
    messages = _refused(ref.root)
    assert messages == [f"meetings.csv:{_line(i)}: date: '1 December 2022' is not a date (write it as YYYY-MM-DD)"]


def test_half_a_page_range_is_one_error(ref):
    i = ref.edit("agenda_items.csv", {"number": "6"}, page_to="")
    assert _refused(ref.root) == [
        f"agenda_items.csv:{_line(i)}: page_to: page_from is given, so page_to is required (both page columns or neither)"]
