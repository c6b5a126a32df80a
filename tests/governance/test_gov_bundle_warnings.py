"""Every warning of the Governance "Validation" list (import-format.md; governance.md §12: warn,
do not fail) with a bundle that breaks it: the bundle is imported and the warning reported and
kept with the import run."""

import pytest
from gov_bundle_support import COUNTY, REFERENCE, Copy

from beacon.bundle.importer import import_bundle
from beacon.core.models import ImportRun
from beacon.governance import models

pytestmark = pytest.mark.django_db

C, A = "COUNCIL-2024-07-18", "COUNCIL-2024-05-16"
CAB = "CABINET-2023-01-05"


@pytest.fixture
def ref(tmp_path):
    return Copy(REFERENCE, tmp_path / "ref")


@pytest.fixture
def county(tmp_path):
    return Copy(COUNTY, tmp_path / "county")


def _warnings(root) -> list[str]:
    result = import_bundle(root, user="test")
    assert models.Meeting.objects.exists()  # imported, not refused
    assert ImportRun.objects.latest("pk").summary["warnings"] == result.warnings
    return result.warnings


# --- page ranges ---

def test_page_ranges_not_starting_at_1(ref):
    ref.edit("agenda_items.csv", {"number": "3"}, page_from="2")
    assert f"{CAB}: page ranges: item 3: the first paper starts on page 2, not page 1" in _warnings(ref.root)


def test_page_ranges_with_a_gap(ref):
    ref.edit("agenda_items.csv", {"number": "6"}, page_from="9")
    assert f"{CAB}: page ranges: item 6: pages 7 - 8 are in no item's range (a gap)" in _warnings(ref.root)


def test_page_ranges_overlapping(ref):
    ref.edit("agenda_items.csv", {"number": "7"}, page_from="60")
    assert f"{CAB}: page ranges: item 7: pages 60 - 64 are also in an earlier item's range (an overlap)" in _warnings(ref.root)


# --- recommendations ---

def test_header_and_body_recommendations_differ(ref):
    ref.edit("papers.csv", {"id": f"{CAB}-07"}, recommendation_body="Cabinet Members are asked to APPROVE the report.")
    warnings = _warnings(ref.root)
    assert (f"paper {CAB}-07: header recommendation differs from the body recommendation: "
            f"'Cabinet Members are asked to NOTE the report.' vs 'Cabinet Members are asked to APPROVE the report.'"
            ) in warnings


# --- minutes against the agenda ---

def test_minute_item_not_on_the_agenda(county):
    county.edit("minute_items.csv", {"meeting": C, "minute_number": "16"}, item_number="11")
    warnings = _warnings(county.root)
    assert f"minute {C} 16: (Item 11) is not on the meeting's agenda" in warnings
    assert f"{C}: agenda item(s) [10] have no minute" in warnings


def test_minute_item_is_checked_only_when_the_agenda_is_in_the_bundle(county):
    county.edit("minute_items.csv", {"meeting": A, "minute_number": "6"}, item_number="16")
    warnings = _warnings(county.root)
    assert not any("is not on the meeting's agenda" in w for w in warnings)


def test_minute_numbers_with_gaps_and_agenda_items_without_a_minute(county):
    county.delete("minute_items.csv", {"meeting": C, "minute_number": "10"})
    warnings = _warnings(county.root)
    assert f"{C}: minute numbers have gaps: [10] (minute numbers: 7-16)" in warnings
    assert f"{C}: agenda item(s) [4] have no minute" in warnings


def test_items_without_a_minute_when_the_agenda_is_not_in_the_bundle(ref):
    """The reference bundle has no agenda for 1 December 2022: the gap in the minutes' (Item n)."""
    assert "CABINET-2022-12-01: agenda item(s) [2] have no minute (item numbers of the minutes: 1-9)" in _warnings(ref.root)


# --- speakers, voters, proposers, seconders, elected persons ---

def test_speaker_not_in_attendance(ref):
    warnings = _warnings(ref.root)
    assert "minute CABINET-2022-12-01 3: speaker love-r (Mr Love) is not in the attendance of the meeting or the item" in warnings
    # in attendance for another item only is not enough
    ref.edit("minute_items.csv", {"minute_number": "7"}, speakers="chandler-s;betts-j")
    assert ("minute CABINET-2022-12-01 7: speaker betts-j (Mr Betts) is not in the attendance of the meeting or "
            "the item") in _warnings(ref.root)


def test_speakers_in_attendance_for_their_item_or_in_attendance_are_fine(county):
    warnings = _warnings(county.root)
    assert not any("patel-v" in w and f"{C} 13" in w for w in warnings)  # in attendance for minute 13
    assert not any("nash-f" in w for w in warnings)  # IN ATTENDANCE at the Pension Fund Panel


def test_voter_not_in_present(county):
    county.edit("votes.csv", {"motion": f"{C}-M14", "person": "jones-d"}, person="knight-l")
    assert f"motion {C}-M14: voter knight-l (Mrs Knight) (against) is not in PRESENT" in _warnings(county.root)


@pytest.mark.parametrize("role", ["proposer", "seconder"])
def test_proposer_or_seconder_not_in_present(county, role):
    county.edit("motions.csv", {"id": f"{C}-M14"}, **{role: "knight-l"})
    assert f"motion {C}-M14: {role} knight-l (Mrs Knight) is not in PRESENT" in _warnings(county.root)


def test_elected_person_not_in_present(county):
    county.delete("attendance.csv", {"meeting": A, "person": "carter-t"})
    warnings = _warnings(county.root)
    assert (f"election {A} minute 2 (Vice-Chairman of the County Council): elected person carter-t (Mr Carter) "
            f"is not in PRESENT") in warnings


def test_a_substitute_is_present(county):
    county.edit("minute_items.csv", {"meeting": "PENSION-2024-06-20", "minute_number": "2"}, speakers="fox-r;lowe-b")
    assert not any("lowe-b" in w for w in _warnings(county.root))


# --- vote counts ---

def test_printed_count_differs_and_the_warning_lists_who_was_present_but_did_not_vote(county):
    county.delete("votes.csv", {"motion": f"{C}-M14", "person": "irwin-k"})
    warnings = _warnings(county.root)
    assert (f"motion {C}-M14: printed vote count differs from the names listed: For: the printed count is 4 but 3 "
            f"names are listed; present but did not vote: brook-j (Mrs Brook), irwin-k (Miss Irwin)") in warnings


# --- attendance ---

def test_virtual_or_late_without_present(county):
    county.delete("attendance.csv", {"meeting": C, "person": "irwin-k", "category": "present"})
    county.delete("attendance.csv", {"meeting": C, "person": "jones-d", "category": "present"})
    warnings = _warnings(county.root)
    assert f"{C}: irwin-k (Miss Irwin) is present virtually but is not in PRESENT" in warnings
    assert f"{C}: jones-d (Mr Jones) arrived late but is not in PRESENT" in warnings


def test_present_and_an_apology(county):
    county.add("attendance.csv", meeting=C, person="fox-r", category="apologies", name_as_printed="Mr R Fox")
    assert f"{C}: fox-r (Mr Fox) is both present and an apology" in _warnings(county.root)


# --- outcomes and exempt items ---

def test_resolved_minute_without_a_resolution(ref):
    ref.delete("resolutions.csv", {"minute_number": "7"})
    assert ("minute CABINET-2022-12-01 7: the outcome is resolved but resolutions.csv has no row for it"
            in _warnings(ref.root))


def test_noted_minute_without_a_resolution(county):
    county.delete("resolutions.csv", {"meeting": "PENSION-2024-06-20", "minute_number": "2"})
    assert ("minute PENSION-2024-06-20 2: the outcome is noted but resolutions.csv has no row for it"
            in _warnings(county.root))


def test_exempt_item_without_a_reason(county):
    county.edit("agenda_items.csv", {"meeting": C, "number": "10"}, exempt_reason="")
    assert f"{C}: exempt item 10 (Disposal of Land at Harrow Farm) has no exempt_reason" in _warnings(county.root)
