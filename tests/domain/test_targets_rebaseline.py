"""The re-baselining rule (beacon.domain.targets.rebaseline): cases by hand, every small case
exhaustively, and properties (hypothesis). The RAG itself is beacon.domain.rag.rate."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from beacon.domain.qpr_model import KpiEntry, PeriodInfo
from beacon.domain.rag import Polarity, Rag, Thresholds, rate
from beacon.domain.rules import RagRules
from beacon.domain.targets import Rebaseline, TargetField, fields_for, rebaseline
from beacon.domain import narrative

RULES = RagRules()


def test_a_lowered_target_turns_red_into_green_and_says_so():
    found = rebaseline(75, "higher", Thresholds(target=90, floor=80), Thresholds(target=74, floor=70), 0, RULES,
                       "2022/23 Q2")
    assert found == Rebaseline(rag=Rag.RED, rag_in_force=Rag.GREEN, target=90, floor=80,
                               effective_from="2022/23 Q2")


def test_no_rebaseline_when_the_rag_is_the_same_or_nothing_changed():
    assert rebaseline(95, "higher", Thresholds(target=90, floor=80), Thresholds(target=92, floor=80), 0, RULES) is None
    assert rebaseline(75, "higher", Thresholds(target=90, floor=80), Thresholds(target=90, floor=80), 0, RULES) is None
    assert rebaseline(None, "higher", Thresholds(target=90, floor=80), Thresholds(target=70, floor=60), 0, RULES) is None
    assert rebaseline(75, "higher", None, Thresholds(target=70, floor=60), 0, RULES) is None


def test_thresholds_that_cannot_rate_give_no_rebaseline():
    # an original floor above the target for a higher-is-better KPI cannot rate it
    assert rebaseline(75, "higher", Thresholds(target=80, floor=90), Thresholds(target=70, floor=60), 0, RULES) is None


def test_lower_is_better_and_range_kpis():
    found = rebaseline(12, "lower", Thresholds(target=10, floor=20), Thresholds(target=12, floor=20), 0, RULES)
    assert found.rag == Rag.AMBER and found.rag_in_force == Rag.GREEN and found.target == 10
    band = rebaseline(50, "range", Thresholds(target_low=40, target_high=45, floor_low=30, floor_high=55),
                      Thresholds(target_low=40, target_high=55, floor_low=30, floor_high=60), 0, RULES)
    assert band.rag == Rag.AMBER and band.rag_in_force == Rag.GREEN
    assert (band.target, band.floor, band.target_low, band.target_high) == (None, None, 40, 45)


def test_comparison_is_at_display_precision_like_the_rag():
    # 89.6 shows as 90 at 0 decimals: Green against a target of 90, Amber against 91
    assert rebaseline(89.6, "higher", Thresholds(target=91, floor=80), Thresholds(target=90, floor=80), 0,
                      RULES).rag == Rag.AMBER
    assert rebaseline(89.6, "higher", Thresholds(target=91, floor=80), Thresholds(target=90, floor=80), 1, RULES) is None


def test_every_small_case_agrees_with_the_rag_rule():
    """Exhaustive over a small grid: values 0-6, every valid pair of target and floor standard on
    0-6 for both one-sided polarities, original against in force."""
    for polarity in (Polarity.HIGHER, Polarity.LOWER):
        pairs = [Thresholds(target=t, floor=f) for t, f in itertools.product(range(7), repeat=2)
                 if not Thresholds(target=t, floor=f).problems(polarity)]
        for value, original, in_force in itertools.product(range(7), pairs, pairs):
            found = rebaseline(value, polarity, original, in_force, 0, RULES)
            then = rate(value, polarity, original, 0, RULES).rag
            now = rate(value, polarity, in_force, 0, RULES).rag
            if then == now:
                assert found is None
            else:
                assert found is not None and (found.rag, found.rag_in_force) == (then, now)
                assert (found.target, found.floor) == (original.target, original.floor)


def test_the_field_enum_keeps_its_values_and_has_words():
    assert TargetField("target").label == "Target" and TargetField("floor").label == "Floor standard"
    assert fields_for("range") == (TargetField.TARGET_LOW, TargetField.TARGET_HIGH, TargetField.FLOOR_LOW,
                                   TargetField.FLOOR_HIGH)


one_sided = st.sampled_from([Polarity.HIGHER, Polarity.LOWER])
numbers = st.integers(min_value=-1000, max_value=1000).map(lambda n: n / 10)


@st.composite
def thresholds(draw, polarity):
    a, b = draw(numbers), draw(numbers)
    if a == b:
        b = a + 1
    high, low = max(a, b), min(a, b)
    return Thresholds(target=high, floor=low) if polarity is Polarity.HIGHER else Thresholds(target=low, floor=high)


@settings(max_examples=300, deadline=None)
@given(st.data(), one_sided, numbers)
def test_property_rebaselined_exactly_when_the_two_rags_differ(data, polarity, value):
    original, in_force = data.draw(thresholds(polarity)), data.draw(thresholds(polarity))
    found = rebaseline(value, polarity, original, in_force, 1, RULES)
    differ = rate(value, polarity, original, 1, RULES).rag != rate(value, polarity, in_force, 1, RULES).rag
    assert (found is not None) == differ
    if found is not None:
        assert found.rag_in_force == rate(value, polarity, in_force, 1, RULES).rag
        assert found.original == Thresholds(target=original.target, floor=original.floor)


ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


@settings(max_examples=300, deadline=None)
@given(one_sided, numbers, st.data())
def test_property_an_easier_target_never_rates_worse(polarity, value, data):
    """Moving the target and floor standard the easy way (down when higher is better) can only make
    the rating in force better than against the original: a re-baselined KPI says what it was."""
    original = data.draw(thresholds(polarity))
    easier_by = data.draw(st.integers(min_value=1, max_value=200)) / 10
    sign = -1 if polarity is Polarity.HIGHER else 1
    easier = Thresholds(target=original.target + sign * easier_by, floor=original.floor + sign * easier_by)
    found = rebaseline(value, polarity, original, easier, 1, RULES)
    if found is not None:
        assert ORDER[found.rag_in_force] > ORDER[found.rag]


@settings(max_examples=200, deadline=None)
@given(one_sided, numbers, st.data())
def test_property_same_thresholds_are_never_rebaselined(polarity, value, data):
    t = data.draw(thresholds(polarity))
    assert rebaseline(value, polarity, t, t, 1, RULES) is None


def _entry(**kw) -> KpiEntry:
    base = dict(code="A1", name="Percentage of calls answered", unit="percent", decimals=0, polarity=Polarity.HIGHER,
                value=75, value_displayed=75, target=74, floor=70, rag=Rag.GREEN, previous=None)
    base.update(kw)
    return KpiEntry(**base)


def test_the_council_words_in_the_note_the_sentence_and_the_counts():
    only_target = _entry(floor=80, rebaseline=Rebaseline(rag=Rag.RED, rag_in_force=Rag.GREEN, target=90, floor=80))
    assert narrative.rebaseline_note(only_target) == "Re-baselined: Red against the original target of 90%"
    both = _entry(rebaseline=Rebaseline(rag=Rag.RED, rag_in_force=Rag.GREEN, target=90, floor=80,
                                        effective_from="2022/23 Q2"))
    assert narrative.rebaseline_note(both) == ("Re-baselined: Red against the original target of 90% and floor "
                                               "standard of 80%")
    assert narrative.rebaseline_footnote(both).endswith("rated Green against the target and floor standard in force "
                                                        "from 2022/23 Q2.")
    sentence = narrative.kpi_sentence(both, PeriodInfo(label="2022/23 Q2", quarter=2))
    assert "(RAG rated Green)" in sentence and "Re-baselined: Red against the original target of 90%" in sentence
    note = narrative.rebaseline_counts_note([both, _entry(code="A2")])
    assert note == ("The counts are of RAG ratings against the targets and floor standards in force. 1 KPI was "
                    "re-baselined: Percentage of calls answered (Red against the original target of 90% and floor "
                    "standard of 80%).")
    assert narrative.rebaseline_counts_note([_entry()]) == "" and narrative.rebaseline_note(_entry()) == ""


def test_an_old_snapshot_without_the_field_loads_and_the_field_round_trips():
    from beacon.domain.records import from_plain, to_plain

    plain = to_plain(_entry())
    assert "rebaseline" not in plain  # left out while None: old and new snapshots read the same
    assert from_plain(KpiEntry, plain).rebaseline is None
    entry = _entry(rebaseline=Rebaseline(rag=Rag.RED, rag_in_force=Rag.GREEN, target=90, floor=80))
    assert from_plain(KpiEntry, to_plain(entry)) == entry
