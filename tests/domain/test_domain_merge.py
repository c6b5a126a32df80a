"""The field-by-field merge of two people's edits (beacon.domain.merge)."""

from hypothesis import given
from hypothesis import strategies as st

from beacon.domain.merge import changed_since, merge_fields

texts = st.sampled_from(["", "96", "97", "note a", "note b"])
records = st.dictionaries(st.sampled_from(["value", "note", "commentary"]), texts, min_size=1)


def test_nobody_else_changed_it_saves_what_was_typed():
    m = merge_fields({"value": "96"}, {"value": "96"}, {"value": "97"})
    assert m.ok and m.values == {"value": "97"} and m.kept == ()


def test_another_persons_change_is_kept_when_this_form_left_the_field_alone():
    m = merge_fields({"value": "96", "note": ""}, {"value": "98", "note": ""}, {"value": "96", "note": "checked"})
    assert m.ok and m.values == {"value": "98", "note": "checked"} and m.kept == ("value",)


def test_both_changed_one_field_differently_is_a_conflict():
    m = merge_fields({"value": "96"}, {"value": "98"}, {"value": ""})
    assert not m.ok
    (c,) = m.conflicts
    assert (c.field, c.opened, c.current, c.submitted) == ("value", "96", "98", "")


def test_both_made_the_same_change():
    assert merge_fields({"value": "96"}, {"value": "98"}, {"value": "98"}).values == {"value": "98"}


def test_a_field_the_form_did_not_show_is_not_overwritten_once_set():
    assert not merge_fields({}, {"note": "set by someone"}, {"note": "mine"}).ok
    assert merge_fields({}, {"note": ""}, {"note": "mine"}).values == {"note": "mine"}


@given(opened=records, current=records, submitted=records)
def test_a_merge_never_loses_another_persons_change_silently(opened, current, submitted):
    m = merge_fields(opened, current, submitted)
    for field in submitted:
        conflicted = any(c.field == field for c in m.conflicts)
        other_changed = field in changed_since(opened, current) or (field not in opened and current.get(field, ""))
        if other_changed and not conflicted:
            # the saved value is the other person's, or both typed the same
            assert m.values[field].strip() == current.get(field, "").strip()


@given(opened=records, submitted=records)
def test_when_nothing_changed_meanwhile_the_form_wins(opened, submitted):
    current = {**opened}
    m = merge_fields(opened, current, submitted)
    for field, value in submitted.items():
        if field in opened or not current.get(field):
            assert m.values[field] == value
