"""Rule-set configuration (performance spec 8)."""

import dataclasses
import json

import pytest

from beacon.domain.rules import (
    RULE_SETS,
    ActivityRules,
    CountsRules,
    DotRules,
    RagRules,
    RuleSet,
    RuleSetError,
    SeverityRules,
    WatchlistRules,
    get_rule_set,
)


def test_defaults_are_the_spec_section_8_defaults():
    rs = RuleSet()
    assert rs.name == "2022"
    assert rs.rag == RagRules(
        wording="2022",
        equal_to_target="green",
        equal_to_floor="amber",
        range_without_floor_band="red",
        comparison_basis="displayed",
    )
    assert (rs.dot.method, rs.dot.window_quarters, rs.dot.min_points) == ("trend", 6, 4)
    assert (rs.dot.insufficient, rs.dot.test, rs.dot.alpha, rs.dot.gaps) == ("stable", "ols_t", 0.05, "skip")
    assert rs.dot.range_metric == "distance_outside_band"
    assert rs.dot.include_illustrative is False
    assert (rs.severity.relative_to, rs.severity.well_below_over, rs.severity.moderately_from) == ("floor", 10, 5)
    assert (rs.watchlist.closeness_pp, rs.watchlist.closeness_percent_of_floor) == (2.0, 2.0)
    assert rs.activity.edge_band == 0.10
    assert (rs.counts.clauses, rs.counts.zero_display) == ("all", "blank")
    assert (rs.comparison.quarterly, rs.comparison.year_end) == ("previous_quarter", "same_quarter_last_year")
    assert rs.tables.twelve_month_order == "current, previous"


def test_named_rule_sets():
    assert RULE_SETS["2022"] == RuleSet()
    assert get_rule_set() == RuleSet()
    old = get_rule_set("2016")
    assert old.name == "2016" and old.rag.wording == "2016" and old.dot.method == "previous_period"
    later = get_rule_set("2023")
    assert later.rag.wording == "2023" and later.dot.method == "trend"


def test_overrides_apply_on_top_of_a_named_set():
    rs = get_rule_set("2016", {"dot": {"alpha": 0.1}, "rag": {"equal_to_floor": "red"}})
    assert rs.dot.alpha == 0.1 and rs.dot.method == "previous_period"
    assert rs.rag.equal_to_floor == "red" and rs.rag.wording == "2016"
    assert RULE_SETS["2016"].dot.alpha == 0.05  # the registry is untouched
    assert get_rule_set("2022", None) is RULE_SETS["2022"]
    assert get_rule_set("2022", {"name": "local"}).name == "local"


def test_unknown_rule_set_name():
    with pytest.raises(RuleSetError, match=r"^name: unknown rule set '1999'"):
        get_rule_set("1999")


@pytest.mark.parametrize(
    "d, message",
    [
        ({"dot": {"alpha": 1.5}}, r"^dot\.alpha: must be between 0 and 1"),
        ({"dot": {"alpha": 0}}, r"^dot\.alpha: must be between 0 and 1"),
        ({"dot": {"alpha": "0.05"}}, r"^dot\.alpha: must be a number"),
        ({"dot": {"alpha": float("nan")}}, r"^dot\.alpha: must be a finite number"),
        ({"dot": {"window_quarters": 2}}, r"^dot\.window_quarters: must be at least 3"),
        ({"dot": {"window_quarters": 6.0}}, r"^dot\.window_quarters: must be a whole number"),
        ({"dot": {"window_quarters": True}}, r"^dot\.window_quarters: must be a whole number"),
        ({"dot": {"min_points": 2}}, r"^dot\.min_points: must be at least 3"),
        ({"dot": {"min_points": 7}}, r"^dot\.min_points: must not exceed dot\.window_quarters"),
        ({"dot": {"method": "regression"}}, r"^dot\.method: must be one of 'trend', 'previous_period'"),
        ({"dot": {"insufficient": "red"}}, r"^dot\.insufficient:"),
        ({"dot": {"test": "mann_kendall"}}, r"^dot\.test:"),
        ({"dot": {"gaps": "zero"}}, r"^dot\.gaps:"),
        ({"dot": {"range_metric": "x"}}, r"^dot\.range_metric:"),
        ({"dot": {"include_illustrative": "yes"}}, r"^dot\.include_illustrative: must be true or false"),
        ({"dot": {"colour": 1}}, r"^dot\.colour: unknown setting"),
        ({"rag": {"wording": "2019"}}, r"^rag\.wording:"),
        ({"rag": {"equal_to_floor": "green"}}, r"^rag\.equal_to_floor:"),
        ({"rag": {"equal_to_target": "red"}}, r"^rag\.equal_to_target:"),
        ({"rag": {"range_without_floor_band": "green"}}, r"^rag\.range_without_floor_band:"),
        ({"rag": {"comparison_basis": "integer"}}, r"^rag\.comparison_basis:"),
        ({"severity": {"moderately_from": 0}}, r"^severity\.moderately_from: must be greater than 0"),
        ({"severity": {"well_below_over": 4}}, r"^severity\.well_below_over: must be at least"),
        ({"severity": {"relative_to": "target"}}, r"^severity\.relative_to:"),
        ({"watchlist": {"closeness_pp": -1}}, r"^watchlist\.closeness_pp: must not be negative"),
        ({"activity": {"edge_band": 0.5}}, r"^activity\.edge_band:"),
        ({"counts": {"zero_display": "-"}}, r"^counts\.zero_display:"),
        ({"counts": {"clauses": "none"}}, r"^counts\.clauses:"),
        ({"comparison": {"year_end": "last_year"}}, r"^comparison\.year_end:"),
        ({"tables": {"twelve_month_order": "newest"}}, r"^tables\.twelve_month_order:"),
        ({"colours": {}}, r"^colours: unknown section"),
        ({"dot": 5}, r"^dot: must be a mapping"),
        ({"name": ""}, r"^name: must be a non-empty text"),
    ],
)
def test_bad_keys_and_values_name_the_setting(d, message):
    with pytest.raises(RuleSetError, match=message):
        RuleSet.from_dict(d)
    with pytest.raises(RuleSetError, match=message):
        get_rule_set("2022", d)


def test_rule_set_error_is_a_value_error():
    assert issubclass(RuleSetError, ValueError)
    with pytest.raises(ValueError):
        DotRules(alpha=2)


def test_from_dict_fills_in_defaults():
    rs = RuleSet.from_dict({"dot": {"window_quarters": 8}})
    assert rs.dot.window_quarters == 8 and rs.dot.min_points == 4 and rs.rag == RagRules()
    assert RuleSet.from_dict({}) == RuleSet()


def test_numbers_are_normalised_to_float():
    rs = RuleSet.from_dict({"severity": {"well_below_over": 12}, "dot": {"alpha": 1 / 10}})
    assert isinstance(rs.severity.well_below_over, float) and rs.severity.well_below_over == 12.0
    assert SeverityRules().well_below_over == 10 and isinstance(SeverityRules().moderately_from, float)


def test_to_dict_is_plain_json():
    d = RuleSet().to_dict()
    assert d["rag"]["wording"] == "2022" and d["dot"]["alpha"] == 0.05 and d["name"] == "2022"
    assert set(d) == {"name", "rag", "dot", "severity", "watchlist", "activity", "counts", "comparison", "tables"}
    assert json.loads(json.dumps(d)) == d


@pytest.mark.parametrize("name", sorted(RULE_SETS))
def test_named_sets_round_trip_through_json(name):
    rs = RULE_SETS[name]
    assert RuleSet.from_dict(json.loads(json.dumps(rs.to_dict()))) == rs


def test_rule_sets_are_frozen_and_hashable():
    rs = RuleSet()
    with pytest.raises(dataclasses.FrozenInstanceError):
        rs.name = "x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        rs.dot.alpha = 0.1
    assert hash(rs) == hash(RuleSet())


def test_sections_can_be_built_directly():
    assert WatchlistRules(closeness_pp=1).closeness_pp == 1.0
    assert ActivityRules(edge_band=0).edge_band == 0.0
    assert CountsRules(zero_display="0").zero_display == "0"
    with pytest.raises(RuleSetError, match=r"^rag: must be a RagRules"):
        RuleSet(rag={"wording": "2016"})
