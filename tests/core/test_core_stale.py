"""Stale-safe edits' plumbing (beacon.core.stale): the sealed view, versions, the refusal."""

import pytest

from beacon.core import stale


def test_a_sealed_view_reads_back_and_a_forged_one_does_not(settings):
    token = stale.seal({"value": "96", "note": ""})
    assert stale.unseal(token) == {"value": "96", "note": ""}
    assert stale.unseal(token[:-2] + "xx") is None
    assert stale.unseal("") is None


def test_the_version_changes_with_any_value_and_not_with_order():
    a = stale.version({"value": "96", "note": ""})
    assert a == stale.version({"note": "", "value": "96"})
    assert a != stale.version({"value": "96", "note": "x"})


def test_a_write_against_another_version_is_refused():
    current = {"value": "96"}
    stale.check_version("CS1", None, current)
    stale.check_version("CS1", f'"{stale.version(current)}"', current)
    with pytest.raises(stale.StaleEdit, match="CS1 changed since you opened it"):
        stale.check_version("CS1", "0000", current)


def test_a_conflict_says_what_changed_in_plain_words():
    with pytest.raises(stale.StaleEdit) as caught:
        stale.merge_or_refuse("The return", {"v": "96"}, {"v": "98"}, {"v": ""}, labels={"v": "CS1 value"})
    assert caught.value.field_errors == {"v": "CS1 value was 96 when you opened the form and is now 98; you entered blank"}
    assert stale.merge_or_refuse("The return", {"v": "96"}, {"v": "98"}, {"v": "96"}) == {"v": "98"}
    assert stale.merge_or_refuse("The return", None, {"v": "98"}, {"v": "1"}) == {"v": "1"}

