"""Published wording per rule-set version, arrows and change clauses (spec 3.1, 3.3, 3.10)."""

import pytest

from beacon.domain.dot import Dot
from beacon.domain.rules import RULE_SETS
from beacon.domain.wording import (
    DOT_LEGEND,
    DOT_SYMBOL,
    RAG_SEPARATOR,
    RAG_WORDING,
    change_clause,
    dot_text_alternative,
    no_dot_reason,
    number_word,
    reported_dot,
)


def test_rag_wording_2016():
    w = RAG_WORDING["2016"]
    assert w["GREEN"]["key"] == "Target has been achieved or exceeded"
    assert w["AMBER"]["key"] == "Performance at acceptable level, below Target but above Floor"
    assert w["RED"]["key"] == "Performance is below a pre-defined Floor Standard *"
    assert w["footnote"] == "* Floor Standards represent the minimum level of acceptable performance."


def test_rag_wording_2022():
    w = RAG_WORDING["2022"]
    assert w["GREEN"] == {"key": "Target has been achieved", "cover": "the target was achieved or exceeded"}
    assert w["AMBER"]["key"] == "Floor Standard* achieved but Target has not been met"
    assert w["AMBER"]["cover"] == (
        "performance achieved or exceeded the expected floor standard but did not meet target"
    )
    assert w["RED"] == {
        "key": "Floor Standard* has not been achieved",
        "cover": "performance did not meet the expected floor standard",
    }
    assert w["footnote"] == (
        "*Floor Standards are the minimum performance expected and if not achieved must result in "
        "management action."
    )


def test_rag_wording_2023_green_achieved_or_exceeded():
    assert RAG_WORDING["2023"]["GREEN"]["key"] == "Target has been achieved or exceeded"
    assert RAG_WORDING["2023"]["RED"] == RAG_WORDING["2022"]["RED"]


def test_every_rule_set_has_its_wording():
    for rs in RULE_SETS.values():
        w = RAG_WORDING[rs.rag.wording]
        for rag in ("GREEN", "AMBER", "RED"):
            assert w[rag]["key"] and w[rag]["cover"]
        assert w["footnote"].startswith("*") or w["footnote"].startswith("* ")
        assert set(DOT_LEGEND[rs.dot.method]) == {"intro", *(d.value for d in Dot)}


def test_cover_sentence_reads_as_published():
    # a separator between the RAG word and its definition, as the paper prints it
    assert f"17 are rated Green{RAG_SEPARATOR}{RAG_WORDING['2022']['GREEN']['cover']}" == (
        "17 are rated Green – the target was achieved or exceeded"
    )


def test_2016_cover_phrases_are_the_2016_papers():
    # "21 are rated Green - target achieved or exceeded, 15 are rated Amber - below target but above floor
    # standard, 2 are rated Red – below floor standard"
    w = RAG_WORDING["2016"]
    assert (w["GREEN"]["cover"], w["AMBER"]["cover"], w["RED"]["cover"]) == (
        "target achieved or exceeded", "below target but above floor standard", "below floor standard")


def test_a_trend_from_too_few_values_is_reported_as_no_direction_of_travel():
    assert reported_dot("stable", "computed", ("insufficient data",)) == "not_available"
    assert reported_dot("not_available", "computed", ("insufficient data",)) == "not_available"
    assert reported_dot("worsening", "manual", ("insufficient data",)) == "worsening"  # recorded by hand
    assert reported_dot("stable", "computed", ()) == "stable"
    assert reported_dot(None) == "not_available"
    assert no_dot_reason(("insufficient data",), 5, 8) == "fewer than five of the last eight Quarters held"
    assert no_dot_reason(("no previous value",)) == "no value is recorded for the previous Quarter"
    assert no_dot_reason(("no current value",)) == "no value is recorded for this Quarter"


def test_dot_legends():
    assert DOT_LEGEND["previous_period"]["improving"] == "Performance has improved"
    assert DOT_LEGEND["previous_period"]["worsening"] == "Performance has worsened"
    assert DOT_LEGEND["previous_period"]["stable"] == "Performance has remained the same"
    assert DOT_LEGEND["previous_period"]["not_available"] == "Not available"
    assert DOT_LEGEND["previous_period"]["intro"] == (
        "Progress is also assessed in terms of Direction of Travel (DoT) through use of arrows."
    )
    assert DOT_LEGEND["trend"]["improving"] == "Performance is improving (positive trend)"
    assert DOT_LEGEND["trend"]["worsening"] == "Performance is worsening (negative trend)"
    assert DOT_LEGEND["trend"]["stable"] == "Performance has remained stable or shows no clear trend"
    assert DOT_LEGEND["trend"]["intro"].endswith(
        "Direction of Travel is based on regression analysis across the whole timeframe shown in the graphs."
    )


def test_arrows_are_real_single_glyphs():
    assert DOT_SYMBOL == {"improving": "↑", "stable": "↔", "worsening": "↓", "not_available": "N/A"}
    for dot in ("improving", "stable", "worsening"):
        assert len(DOT_SYMBOL[dot]) == 1 and ord(DOT_SYMBOL[dot]) in (0x2191, 0x2193, 0x2194)
    assert dot_text_alternative(Dot.IMPROVING) == "Performance is improving (positive trend)"
    assert dot_text_alternative("stable", "previous_period") == "Performance has remained the same"


@pytest.mark.parametrize(
    "n, word",
    [
        (0, "zero"), (1, "one"), (4, "four"), (7, "seven"), (11, "eleven"), (13, "thirteen"),
        (19, "nineteen"), (20, "twenty"), (21, "twenty-one"), (37, "thirty-seven"), (40, "forty"),
        (58, "fifty-eight"), (90, "ninety"), (99, "ninety-nine"), (100, "one hundred"),
        (101, "101"), (2423, "2423"), (-3, "-3"),
    ],
)
def test_number_word(n, word):
    assert number_word(n) == word


def test_number_word_rejects_fractions():
    with pytest.raises(ValueError):
        number_word(2.5)


def test_change_clauses_for_q2_2022_23():
    # Against Q1 (G21 A8 R8; improving 5, stable 27, worsening 5): G17 A13 R7, improving 2, worsening 5.
    assert change_clause(17 - 21) == "four fewer than the previous Quarter"
    assert change_clause(13 - 8) == "five more than the previous Quarter"
    assert change_clause(7 - 8) == "one fewer than the previous Quarter"
    assert change_clause(2 - 5) == "three fewer than the previous Quarter"
    assert change_clause(5 - 5) == "the same as the previous Quarter"
    assert change_clause(30 - 27) == "three more than the previous Quarter"


def test_change_clause_other_comparisons():
    assert change_clause(-4, "last Quarter") == "four fewer than last Quarter"
    assert change_clause(2, "the same Quarter last year") == "two more than the same Quarter last year"
    assert change_clause(0, "last Quarter") == "the same as last Quarter"
    assert change_clause(-120) == "120 fewer than the previous Quarter"
