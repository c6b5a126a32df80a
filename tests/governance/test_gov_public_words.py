"""A paper's cover details and the packs in words on the public pages (pure rules)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beacon.domain import governance as g
from beacon.domain.governance_public import contact_rows, decision_number_text, pack_name, pathway_step_words


@pytest.mark.parametrize(("number", "printed", "expected"), [
    (None, "", "N/A"), ("", "", "N/A"), (None, "n/a", "n/a"), ("22/00123", "", "22/00123"),
    ("22/00123", "22/00123 ", "22/00123"), (None, "  ", "N/A")])
def test_the_decision_number_never_reads_none(number, printed, expected):
    assert decision_number_text(number, printed) == expected


def test_one_label_per_contact_labels_each_contact():
    assert contact_rows(["Report Author", "Relevant Director"], 2) == (("Report Author", (0,)), ("Relevant Director", (1,)))


def test_one_label_heads_all_the_contacts():
    assert contact_rows(["Contact details"], 2) == (("Contact details", (0, 1)),)
    assert contact_rows([], 1) == (("Contact details", (0,)),)
    assert contact_rows(["Report Author", "Relevant Director"], 3) == (("Contact details", (0, 1, 2)),)
    assert contact_rows(["Contact details"], 0) == ()


@given(st.lists(st.text(max_size=8), max_size=4), st.integers(min_value=0, max_value=5))
def test_every_contact_is_under_exactly_one_heading(labels, count):
    rows = contact_rows(labels, count)
    assert sorted(i for _, positions in rows for i in positions) == list(range(count))
    assert all(label.strip() and " / " not in label for label, _ in rows)


def test_pathway_steps_in_words_never_codes():
    for role in g.PathwayRole:
        for status in g.PathwayStatus:
            words = pathway_step_words(role, status)
            assert "," not in words and role.value not in words.split() and "planned" not in words
    assert pathway_step_words("current", "planned") == "to be considered at this meeting"
    assert pathway_step_words("future", "planned") == "to be considered after this meeting"
    assert pathway_step_words("future", "skipped", "decided by officers") == \
        "not to be taken after this meeting (decided by officers)"


def test_each_pack_version_has_its_own_name():
    assert pack_name("Public pack", 1) == "Public pack"
    assert pack_name("Public pack", 2) == "Supplement 1 to the public pack"
    assert pack_name("Public pack", 3) == "Supplement 2 to the public pack"
    assert len({pack_name("Public pack", v) for v in range(1, 6)}) == 5
