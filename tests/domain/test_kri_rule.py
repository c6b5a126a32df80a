"""The trigger rule of key risk indicators (beacon.domain.kri.evaluate): every rule against every
kind of quarter, and properties over any history (hypothesis)."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beacon.domain.kri import IndicatorPoint, TriggerError, TriggerRule, evaluate, meets

SETTINGS = settings(max_examples=150, deadline=None)
RAGS = (None, "GREEN", "AMBER", "RED")
DOTS = (None, "improving", "stable", "worsening", "not_available")


def _periods(n):
    return [f"20{22 + (i // 4)}/{23 + (i // 4)} Q{i % 4 + 1}" for i in range(n)]


def point(period="2022/23 Q1", rag=None, dot=None, below=False, outside=False, illustrative=False, value=""):
    return IndicatorPoint(period, rag, dot, below, outside, illustrative, value)


# --- every rule against every kind of quarter (exhaustive) ------------------------------------
@pytest.mark.parametrize("rule,rag,dot,below,outside,illustrative", list(itertools.product(
    TriggerRule, RAGS, DOTS, (False, True), (False, True), (False, True))))
def test_one_quarter_meets_exactly_its_rule(rule, rag, dot, below, outside, illustrative):
    p = point(rag=rag, dot=dot, below=below, outside=outside, illustrative=illustrative)
    expected = not illustrative and {
        TriggerRule.NONE: False,
        TriggerRule.BELOW_FLOOR: below,
        TriggerRule.RED: rag == "RED",
        TriggerRule.WORSENING_WHILE_AMBER: rag == "AMBER" and dot == "worsening",
        TriggerRule.OUTSIDE_RANGE: outside,
    }[rule]
    assert meets(rule, p) is expected
    assert (evaluate(rule, 1, [p], "X1") is not None) is expected


def test_the_evidence_in_words():
    h = [point("2022/23 Q1", "RED", below=True, value="70%"), point("2022/23 Q2", "RED", below=True, value="68%")]
    h = [IndicatorPoint(p.period, p.rag, p.dot, p.below_floor, False, False, p.value_text, "75%") for p in h]
    t = evaluate(TriggerRule.BELOW_FLOOR, 2, h, "CS1")
    assert t.evidence == ("CS1 below its floor standard of 75% for 2 consecutive quarters: "
                          "70% in 2022/23 Q1, 68% in 2022/23 Q2")
    assert (t.period, t.quarters, t.rule) == ("2022/23 Q2", 2, TriggerRule.BELOW_FLOOR)
    assert evaluate("below_floor", 1, h, "CS1").evidence == "CS1 below its floor standard of 75% in 2022/23 Q2: 68%"
    # a floor that differs between the quarters is given with each value
    h2 = [h[0], IndicatorPoint("2022/23 Q2", "RED", None, True, False, False, "68%", "80%")]
    assert evaluate("below_floor", 2, h2, "CS1").evidence == (
        "CS1 below its floor standard for 2 consecutive quarters: 70% in 2022/23 Q1 (floor standard 75%), "
        "68% in 2022/23 Q2 (floor standard 80%)")
    amber = [point("2022/23 Q1", "AMBER", "worsening", value="81%"), point("2022/23 Q2", "AMBER", "worsening", value="80%")]
    assert evaluate("worsening_while_amber", 2, amber, "A1").evidence == (
        "A1 Amber and worsening for 2 consecutive quarters: 81% in 2022/23 Q1, 80% in 2022/23 Q2")
    manual = [point("2022/23 Q2", "RED")]
    assert evaluate("red", 1, manual, "A1").evidence == "A1 rated Red in 2022/23 Q2: rated Red by hand (no value)"
    out = [IndicatorPoint("2022/23 Q2", outside_range=True, value_text="1,600",
                          position_text="above expectations: expected 1,000 to 1,500")]
    assert evaluate("outside_range", 1, out, "AI1").evidence == (
        "AI1 outside its expected range in 2022/23 Q2: 1,600 (above expectations: expected 1,000 to 1,500)")


def test_a_gap_or_an_illustrative_quarter_breaks_the_run():
    red = point("2022/23 Q1", "RED", below=True)
    assert evaluate("red", 2, [red, point("2022/23 Q2")]) is None
    assert evaluate("red", 2, [red, point("2022/23 Q2", "RED", below=True, illustrative=True)]) is None
    assert evaluate("red", 3, [red, red]) is None  # too short a history


@pytest.mark.parametrize("quarters", [0, -1, 13, 2.0, True])
def test_a_quarters_setting_out_of_range_is_refused(quarters):
    with pytest.raises(TriggerError):
        evaluate("red", quarters, [point(rag="RED")])


# --- properties --------------------------------------------------------------------------------
points = st.builds(
    lambda rag, dot, below, outside, illustrative: (rag, dot, below, outside, illustrative),
    st.sampled_from(RAGS), st.sampled_from(DOTS), st.booleans(), st.booleans(), st.booleans(),
)
histories = st.lists(points, min_size=0, max_size=10).map(
    lambda ps: [IndicatorPoint(p, *q) for p, q in zip(_periods(len(ps)), ps)])


@SETTINGS
@given(histories, st.sampled_from(list(TriggerRule)), st.integers(1, 12))
def test_triggers_exactly_when_the_last_n_quarters_all_meet_the_rule(history, rule, n):
    t = evaluate(rule, n, history)
    expected = len(history) >= n and rule is not TriggerRule.NONE and all(meets(rule, p) for p in history[-n:])
    assert (t is not None) is expected
    if t is not None:
        assert t.period == history[-1].period and t.points == tuple(history[-n:])
        assert all(p.period in t.evidence for p in history[-n:])


@SETTINGS
@given(histories, histories, st.sampled_from(list(TriggerRule)), st.integers(1, 5))
def test_earlier_quarters_never_matter(before, history, rule, n):
    assert evaluate(rule, n, before + history) == evaluate(rule, n, history) or len(history) < n


@SETTINGS
@given(histories, st.sampled_from(list(TriggerRule)), st.integers(2, 12))
def test_a_rule_met_for_n_quarters_is_met_for_fewer(history, rule, n):
    if evaluate(rule, n, history) is not None:
        assert evaluate(rule, n - 1, history) is not None


@SETTINGS
@given(histories, st.sampled_from(list(TriggerRule)), st.integers(1, 12))
def test_an_illustrative_latest_quarter_never_triggers(history, rule, n):
    if history:
        last = history[-1]
        history = history[:-1] + [IndicatorPoint(last.period, last.rag, last.dot, last.below_floor,
                                                 last.outside_range, True)]
        assert evaluate(rule, n, history) is None
