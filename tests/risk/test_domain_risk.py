"""The pure risk rules: scales, score, level, TBC, At target, due dates, owners, ids, DoT."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beacon.domain.risk import (
    ACHIEVABLE_SCORES,
    IMPACT,
    IMPOSSIBLE_SCORES,
    LIKELIHOOD,
    Direction,
    HistoryEvent,
    Level,
    Rating,
    RiskRuleError,
    at_target,
    check_risk_id,
    check_scale_value,
    check_score,
    direction_of_travel,
    is_at_target_text,
    level_for_score,
    next_risk_id,
    parse_due,
    parse_owners,
    parse_printed_direction,
    parse_scale,
    target_problems,
)

D = dt.date


# --- scales -------------------------------------------------------------------------------
def test_scale_labels():
    assert [LIKELIHOOD[n] for n in range(1, 6)] == ["Very Unlikely", "Unlikely", "Possible", "Likely", "Very Likely"]
    assert [IMPACT[n] for n in range(1, 6)] == ["Minor", "Moderate", "Significant", "Serious", "Major"]


@pytest.mark.parametrize(
    "text, field, value",
    [
        ("3", "likelihood", 3),
        ("Possible (3)", "likelihood", 3),
        ("V. Likely (5)", "likelihood", 5),
        ("V. Unlikely (1)", "likelihood", 1),
        ("Very likely (5)", "likelihood", 5),
        ("VERY UNLIKELY (1)", "likelihood", 1),
        ("Impact Major (5)", "impact", 5),
        ("Major (5)", "impact", 5),
        ("Serious (4)", "impact", 4),
        ("Moderate(2)", "impact", 2),
        ("TBC", "impact", None),
        ("tbc", "likelihood", None),
        ("", "likelihood", None),
    ],
)
def test_parse_scale_variants(text, field, value):
    reading = parse_scale(text, field)
    assert reading.value == value
    assert reading.flag == ""


def test_label_contradicting_number_is_flagged_and_number_kept():
    reading = parse_scale("Possible (4)", "target likelihood")  # CRR0042
    assert reading.value == 4
    assert "4 = Likely" in reading.flag and "Possible = 3" in reading.flag


def test_unknown_label_is_flagged():
    assert parse_scale("Huge (5)", "impact").flag


@pytest.mark.parametrize("text", ["0", "6", "-1", "2.5", "Likely", "Likely (x)", "Likely (6)", "Major (0)"])
def test_parse_scale_refuses(text):
    with pytest.raises(RiskRuleError):
        parse_scale(text, "current likelihood")


@pytest.mark.parametrize("value", [0, 6, -1, 2.5, True, None, "3"])
def test_scale_value_refused(value):
    with pytest.raises(RiskRuleError) as info:
        check_scale_value(value, "current impact")
    assert "current impact" in str(info.value)


def test_scale_value_accepts_integral_float():
    assert check_scale_value(4.0) == 4


# --- score and level --------------------------------------------------------------------------
def test_achievable_and_impossible_scores():
    assert sorted(ACHIEVABLE_SCORES) == [1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25]
    assert sorted(IMPOSSIBLE_SCORES) == [7, 11, 13, 14, 17, 18, 19, 21, 22, 23, 24]


@pytest.mark.parametrize(
    "score, level",
    [(1, "Low"), (5, "Low"), (6, "Low"), (8, "Medium"), (9, "Medium"), (10, "Medium"), (12, "Medium"),
     (15, "Medium"), (16, "High"), (20, "High"), (25, "High")],
)
def test_bands(score, level):
    assert level_for_score(score) == Level(level)


@pytest.mark.parametrize("score", [7, 11, 13, 14, 17, 18, 19, 21, 22, 23, 24, 0, 26, -4, 2.5, True])
def test_impossible_scores_refused(score):
    with pytest.raises(RiskRuleError) as info:
        check_score(score, "to_score")
    assert "to_score" in str(info.value)


def test_display():
    assert Rating(5, 2).display == "Medium (10)"  # CRR0049, printed "High (10)"
    assert Rating(5, 5).display == "High (25)"
    assert Rating(1, 5).display == "Low (5)"
    assert Rating(3, 3).display == "Medium (9)"
    assert Rating.tbc().display == "TBC"
    assert Rating(4, 5).likelihood_label == "Likely (4)"
    assert Rating(4, 5).impact_label == "Major (5)"
    assert Rating(None, None).as_dict() == {
        "likelihood": None, "impact": None, "score": None, "level": None, "display": "TBC"}


def test_single_value_is_invalid():
    with pytest.raises(RiskRuleError, match="impact is missing"):
        Rating(3, None, "current")
    with pytest.raises(RiskRuleError, match="likelihood is missing"):
        Rating(None, 3, "target")
    with pytest.raises(RiskRuleError, match="target impact"):
        Rating(3, 6, "target")


@given(st.integers(1, 5), st.integers(1, 5))
def test_score_is_product_and_level_is_band(l, i):
    r = Rating(l, i)
    assert r.score == l * i
    assert r.score in ACHIEVABLE_SCORES
    low, high = r.level.bounds
    assert low <= r.score <= high
    assert r.display == f"{r.level.value} ({l * i})"


@given(st.integers(-100, 100))
def test_every_integer_score_is_accepted_iff_achievable(score):
    if score in ACHIEVABLE_SCORES:
        assert check_score(score) == score
    else:
        with pytest.raises(RiskRuleError):
            check_score(score)


@given(st.integers(-50, 50), st.integers(-50, 50))
def test_out_of_range_ratings_refused(l, i):
    if 1 <= l <= 5 and 1 <= i <= 5:
        assert Rating(l, i).score == l * i
    else:
        with pytest.raises(RiskRuleError):
            Rating(l, i)


@given(st.floats(allow_nan=True, allow_infinity=True).filter(lambda f: not float(f).is_integer() if f == f and f not in (float("inf"), float("-inf")) else True))
def test_non_integers_refused(value):
    with pytest.raises(RiskRuleError):
        check_scale_value(value)


@given(st.integers(1, 5), st.integers(1, 5), st.sampled_from(list(LIKELIHOOD.values())))
def test_parse_scale_number_always_wins(n, _, label):
    reading = parse_scale(f"{label} ({n})", "likelihood")
    assert reading.value == n
    assert (reading.flag == "") == (LIKELIHOOD[n] == label)


# --- at target ----------------------------------------------------------------------------------
def test_at_target():
    assert at_target(Rating(3, 5), Rating(3, 5)) is True  # CRR0001
    assert at_target(Rating(4, 5), Rating(4, 4)) is False
    assert at_target(Rating(4, 5), Rating.tbc()) is None
    assert is_at_target_text("At Target") and is_at_target_text("at  target") and not is_at_target_text("1-2 years")


def test_target_problems():
    assert target_problems(Rating(4, 5), Rating(4, 5), "At Target") == []
    assert "differs" in target_problems(Rating(4, 5), Rating(4, 4), "At target")[0]
    assert "higher than the current" in target_problems(Rating(2, 2), Rating(3, 3), "1-2 years")[0]
    assert target_problems(Rating(4, 5), Rating.tbc(), "1-2 years") == []


# --- due dates ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, date, kind",
    [
        ("April 2023", D(2023, 4, 1), "completion"),
        ("March 2023 (review)", D(2023, 3, 1), "review"),
        ("December 2022 (Review)", D(2022, 12, 1), "review"),
        ("TBC", None, "completion"),
        ("", None, "completion"),
        ("2023-04", D(2023, 4, 1), "completion"),
        ("2023-04-30", D(2023, 4, 30), "completion"),
        ("Sept 2023", D(2023, 9, 1), "completion"),
        ("Ongoing", None, "completion"),
    ],
)
def test_parse_due(text, date, kind):
    due = parse_due(text)
    assert (due.text, due.date, due.kind) == (text, date, kind)


@pytest.mark.parametrize("text", ["2023-13", "2023-02-30"])
def test_parse_due_refuses_impossible_dates(text):
    with pytest.raises(RiskRuleError):
        parse_due(text)


# --- owners -----------------------------------------------------------------------------------------
def test_owner_prefixes():
    o = parse_owners(["On behalf of CMT: Zena Cooke, Corporate Director Finance (Section 151 Officer)"])
    assert o.on_behalf_of == "CMT" and o.names == ("Zena Cooke, Corporate Director Finance (Section 151 Officer)",)
    assert o.printed() == ["On behalf of CMT: Zena Cooke, Corporate Director Finance (Section 151 Officer)"]
    o = parse_owners(["On behalf of CMT Paul Royel – Director of HR OD"])  # CRR0058, no colon
    assert o.on_behalf_of == "CMT" and o.names == ("Paul Royel – Director of HR OD",)
    o = parse_owners(["On behalf of Cabinet: Mike Hill, Community & Regulatory Services", "X, Y"])
    assert o.on_behalf_of == "Cabinet" and len(o.names) == 2
    assert parse_owners(["All Cabinet Members"]).all_cabinet
    o = parse_owners(["Ben Watts, General Counsel in collaboration with David Whittle, Director SPRCA"])
    assert o.names == ("Ben Watts, General Counsel in collaboration with David Whittle, Director SPRCA",)


# --- ids ------------------------------------------------------------------------------------------------
def test_ids():
    assert check_risk_id("CRR0057") == "CRR0057"
    for bad in ("CRR57", "crr0057", "CRR00577", "RR0057", ""):
        with pytest.raises(RiskRuleError):
            check_risk_id(bad)
    assert next_risk_id(["CRR0001", "CRR0055", "CRR0051"]) == "CRR0056"
    assert next_risk_id([]) == "CRR0001"


@given(st.sets(st.integers(1, 9998), max_size=30))
def test_next_id_is_never_reused(numbers):
    ids = [f"CRR{n:04d}" for n in numbers]
    new = next_risk_id(ids)
    assert new not in ids and all(int(new[3:]) > n for n in numbers)


# --- direction of travel -----------------------------------------------------------------------------------
JULY = D(2022, 7, 1)


def test_dot_from_history():
    assert direction_of_travel(JULY, 20, [(JULY, 20)], []).direction == Direction.UNCHANGED
    assert direction_of_travel(JULY, 25, [(JULY, 20)], []).direction == Direction.INCREASED
    assert direction_of_travel(JULY, 15, [(D(2022, 1, 1), 20), (D(2022, 8, 1), 15)], []).direction == Direction.REDUCED


def test_dot_new_and_merged():
    new = HistoryEvent("new", occurred_after=JULY, occurred_by=D(2023, 1, 5))
    assert direction_of_travel(JULY, None, [], [new]).direction == Direction.NEW
    merged = HistoryEvent("merged", occurred_after=JULY, occurred_by=D(2023, 1, 5), rating="current", to_score=25)
    assert direction_of_travel(JULY, 25, [], [merged]).direction == Direction.MERGED
    # CRR0057: the window of its "new" event straddles July 2022 -> not known
    straddle = HistoryEvent("new", occurred_after=D(2022, 3, 1), occurred_by=D(2022, 11, 30))
    assert direction_of_travel(JULY, 16, [], [straddle]).direction == Direction.NOT_KNOWN
    # ...but against March 2022 it is New
    assert direction_of_travel(D(2022, 3, 1), 16, [], [straddle]).direction == Direction.NEW


def test_dot_from_events():
    down = HistoryEvent("rerated", occurred_after=JULY, occurred_by=D(2023, 1, 5), rating="current", direction="reduced")
    up = HistoryEvent("rerated", occurred_after=JULY, occurred_by=D(2023, 1, 5), rating="current", direction="increased")
    assert direction_of_travel(JULY, 15, [], [down]).direction == Direction.REDUCED
    assert direction_of_travel(JULY, 15, [], [up]).direction == Direction.INCREASED
    assert direction_of_travel(JULY, 15, [], [up, down]).direction == Direction.NOT_KNOWN
    undated = HistoryEvent("rerated", occurred_by=D(2023, 1, 5), rating="current", direction="reduced")
    assert direction_of_travel(JULY, 15, [], [undated]).direction == Direction.NOT_KNOWN
    assert direction_of_travel(JULY, 15, [], []).direction == Direction.NOT_KNOWN


def test_dot_flags_contradictions():
    # CRR0009: event says 25, register says 20
    e = HistoryEvent("rerated", occurred_by=D(2023, 1, 5), rating="current", direction="increased", to_score=25)
    result = direction_of_travel(JULY, 20, [(JULY, 20)], [e])
    assert result.direction == Direction.UNCHANGED
    assert any("gives 25" in f for f in result.flags)
    wholly_after = HistoryEvent("rerated", occurred_after=D(2022, 8, 1), occurred_by=D(2023, 1, 5), rating="current")
    result = direction_of_travel(JULY, 20, [(JULY, 20)], [wholly_after])
    assert any("re-rating is recorded after" in f for f in result.flags)


def test_direction_vocabulary():
    assert Direction.UNCHANGED.printed == "No change ↔"
    assert Direction.INCREASED.printed == "Increased ↑"
    assert Direction.REDUCED.printed == "Reduced ↓"
    assert Direction.NEW.printed == "New"
    assert Direction.NOT_KNOWN.printed == "Not known"
    assert parse_printed_direction("⇔") == Direction.UNCHANGED
    assert parse_printed_direction("↔") == Direction.UNCHANGED
    assert parse_printed_direction("New Risk") == Direction.NEW
    assert parse_printed_direction("Merged risk") == Direction.MERGED
    assert parse_printed_direction("Merged Risk") == Direction.MERGED
    assert parse_printed_direction("Û") is None


@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5), st.integers(1, 5))
def test_dot_compares_scores(l0, i0, l1, i1):
    before, now = l0 * i0, l1 * i1
    d = direction_of_travel(JULY, now, [(JULY, before)], []).direction
    expected = Direction.INCREASED if now > before else Direction.REDUCED if now < before else Direction.UNCHANGED
    assert d == expected


def test_counts_by_level():
    from beacon.domain.risk import counts_by_level

    ratings = [Rating(5, 2), Rating(5, 5), Rating.tbc(), Rating(1, 5), Rating(4, 4)]
    assert counts_by_level(ratings) == {"Low": 1, "Medium": 1, "High": 2, "Not yet rated": 1}
    assert counts_by_level([]) == {"Low": 0, "Medium": 0, "High": 0, "Not yet rated": 0}


def test_heat_map():
    from beacon.domain.risk import heat_map

    grid = heat_map([("CRR0003", Rating(5, 5)), ("CRR0058", Rating.tbc()), ("CRR0049", Rating(5, 2)), ("CRR0015", Rating(5, 5))])
    assert [row.likelihood for row in grid.rows] == [5, 4, 3, 2, 1]
    top = grid.rows[0].cells
    assert [c.impact for c in top] == [1, 2, 3, 4, 5]
    assert (top[4].likelihood, top[4].impact, top[4].score, top[4].level, top[4].risks) == (
        5, 5, 25, "High", ("CRR0003", "CRR0015"))
    assert top[1].risks == ("CRR0049",) and top[1].level == "Medium"
    assert grid.not_rated == ("CRR0058",)
    bands = [[c.level[0] for c in row.cells] for row in grid.rows]
    assert bands == [list("LMMHH"), list("LMMHH"), list("LLMMM"), list("LLLMM"), list("LLLLL")]


# the 24 updates of the January 2023 QPR overview (bundle README), superseded block counted once
QPR_Q2_STATUSES = [
    "regular_review", "regular_review", "regular_review", "complete", "regular_review", "regular_review",
    "partially_complete", "partially_complete", "complete", "partially_complete", "complete", "regular_review",
    "partially_complete", "partially_complete", "partially_complete", "regular_review", "partially_complete",
    "not_completed", "regular_review", "complete", "complete", "complete", "partially_complete", "complete",
]


def test_qpr_action_summary_reproduces_8_8_8():
    from beacon.domain.risk import action_summary

    assert len(QPR_Q2_STATUSES) == 24
    summary = action_summary(QPR_Q2_STATUSES)
    assert summary["counts"] == {"completed": 8, "partially_complete": 8, "regular_review": 8, "outstanding": 0}
    assert summary["total"] == 24
    assert [k for k, _ in summary["columns"]] == ["completed", "partially_complete", "regular_review"]
    assert [k for k, _ in action_summary(["outstanding"])["columns"]][-1] == "outstanding"
    with pytest.raises(RiskRuleError):
        action_summary(["planned"])


@given(st.lists(st.sampled_from(["complete", "not_completed", "partially_complete", "regular_review", "outstanding"])))
def test_action_total_is_the_row_sum(statuses):
    from beacon.domain.risk import action_summary

    summary = action_summary(statuses)
    assert summary["total"] == sum(summary["counts"].values()) == len(statuses)
