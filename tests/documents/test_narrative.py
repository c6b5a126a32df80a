"""Narrative sentences (performance spec 5) from computed results: pure, no database."""

from dataclasses import replace

import pytest

from beacon.domain import narrative as n
from beacon.domain.qpr_model import (
    Changes,
    Comparison,
    ComparisonCounts,
    Counts,
    DotEvidence,
    KpiEntry,
    PeriodInfo,
    QprModel,
    SeriesPoint,
    Variant,
)
from beacon.domain.records import from_plain
from beacon.domain.rules import DotRules, SeverityRules, get_rule_set

PERIOD = PeriodInfo(label="2022/23 Q2", quarter=2, financial_year="2022/23", data_to_label="September 2022",
                    variant=Variant.QUARTERLY)


def model(totals=None, changes=None, basis="previous_quarter", clauses="all"):
    totals = totals or {"green": 17, "amber": 13, "red": 7, "improving": 2, "stable": 30, "worsening": 5, "kpis": 37}
    return QprModel(
        period=PERIOD,
        rule_set=get_rule_set("2022", {"counts": {"clauses": clauses}}),
        totals=Counts(**totals),
        comparison=Comparison(basis=basis, changes=Changes(**changes) if changes else None),
    )


def with_rules(m, **overrides):
    """The model with rule settings overridden (``dot={"window_quarters": 8}``)."""
    return replace(m, rule_set=m.rule_set.with_overrides(overrides))


def with_prior(m, **totals):
    return replace(m, comparison=replace(m.comparison, totals=ComparisonCounts(**totals)))


YEAR_END = replace(PERIOD, quarter=4, variant=Variant.YEAR_END)


Q2_CHANGES = {"green": -4, "amber": 5, "red": -1, "improving": -3, "stable": 3, "worsening": 0}


def test_cover_counts_with_change_clauses():
    s = n.cover_sentences(model(changes=Q2_CHANGES), body="Cabinet")
    # the published paper prints a dash between the RAG word and its definition
    assert s["cover.2.2.green"] == (
        "17 are rated Green – the target was achieved or exceeded (four fewer than the previous Quarter)."
    )
    assert s["cover.2.2.amber"].endswith("(five more than the previous Quarter).")
    assert s["cover.2.2.red"].endswith("(one fewer than the previous Quarter).")
    assert s["cover.2.4"] == (
        "With regards to Direction of Travel, 2 indicators show a positive trend (three fewer than the previous "
        "Quarter), 30 are stable or with no clear trend (three more than the previous Quarter), and 5 are showing a "
        "negative trend (the same as the previous Quarter)."
    )
    assert s["cover.summary.counts"] == (
        "Of the 37 Key Performance Indicators (KPIs) contained within the QPR, 17 achieved target (Green), 13 "
        "achieved and exceeded the floor standard but did not meet target (Amber). 7 KPIs did not meet the floor "
        "standard (Red)."
    )
    assert s["cover.2.3"] == "The 7 indicators where the RAG rating is Red, are in:"


def test_no_comparison_gives_no_clause_and_as_published_drops_stable():
    assert "(" not in n.cover_sentences(model(changes=None), body="Cabinet")["cover.2.2.green"]
    s = n.cover_sentences(model(changes=Q2_CHANGES, clauses="as_published"), body="Cabinet")
    assert "30 are stable or with no clear trend," in s["cover.2.4"]


def test_year_end_clauses_compare_with_same_quarter_last_year():
    m = model(changes={**Q2_CHANGES, "green": 2}, basis="same_quarter_last_year")
    m = replace(m, period=YEAR_END)
    s = n.cover_sentences(m, body="County Council")
    assert s["cover.2.2.green"].endswith("(two more than the same Quarter last year).")
    m = with_prior(m, green=15, amber=12, red=9)
    s = n.cover_sentences(m, body="County Council")
    assert s["cover.2.2.green"].endswith(
        "(two more than the same Quarter last year when 15 of the 36 indicators were Green).")
    assert s["cover.1.2"].startswith(
        "The QPR includes 37 Key Performance Indicators (KPIs), one more than the previous year when there were 36,")
    assert "which identifies any significant trend over the past 6 quarters" in s["cover.2.4"]


def test_headline():
    text = n.headline(model(changes=Q2_CHANGES))
    assert text.startswith("17 of the 37 indicators are rated as Green, on or ahead of target (four fewer than last Quarter).")
    assert "with 7 indicators not achieving the floor standard and so RAG rated Red (one fewer than last Quarter)" in text
    assert text.endswith("with 5 showing a worsening trend (the same as last Quarter).")


@pytest.mark.parametrize(
    "counts, expected",
    [
        ({"green": 0, "amber": 1, "red": 2, "improving": 0, "stable": 3, "worsening": 0, "kpis": 3},
         "Customer Services – None of the three KPIs met target; one is rated Amber and two are rated Red. "
         "All three are stable or show no clear trend."),
        ({"green": 2, "amber": 0, "red": 0, "improving": 0, "stable": 2, "worsening": 0, "kpis": 2},
         "Customer Services – Both KPIs met or exceeded target. Both are stable or show no clear trend."),
        ({"green": 2, "amber": 3, "red": 1, "improving": 0, "stable": 6, "worsening": 0, "kpis": 6},
         "Customer Services – Two of the six KPIs met or exceeded target, three are rated Amber and one is rated Red. "
         "All six are stable or show no clear trend."),
    ],
)
def test_block_sentence_counts_agree_with_the_block(counts, expected):
    counts = Counts(**{"not_rated": 0, "not_available": 0, **counts})
    assert n.block_sentence("Customer Services", counts) == expected


def test_block_sentence_with_unrated_kpis():
    counts = Counts(green=0, amber=0, red=0, improving=0, stable=1, worsening=0, not_rated=3, not_available=2, kpis=3)
    assert n.block_sentence("Public Health", counts) == (
        "Public Health – None of the three KPIs met target; none is rated. One is stable or shows no clear "
        "trend and two have no direction of travel."
    )


def kpi(**kw):
    base = {"code": "X1", "name": "Percentage of foster care placements in-house", "unit": "percent", "decimals": 1,
            "polarity": "higher", "value": 74.8, "value_displayed": 74.8, "previous": 75.4, "target": 85.0,
            "floor": 75.0, "rag": "RED", "previous_rag": "AMBER", "dot": "worsening", "series": [],
            "in_arrears": False, "previous_period": "2022/23 Q1", "rag_source": "computed"}
    base.update(kw)
    return from_plain(KpiEntry, base)


def test_kpi_sentence_percentage_points_and_transition():
    text = n.kpi_sentence(kpi(), PERIOD)
    assert "was 74.8% in Quarter 2, below the target of 85.0% and floor standard of 75.0% (RAG rated Red)" in text
    assert "It decreased by 0.6 percentage points from 75.4% in the previous Quarter" in text
    assert "moving from a RAG rating of Amber to Red" in text
    assert "is on a negative trend" in text
    assert "%" not in text.split("decreased by")[1].split("from")[0]  # a movement, never "0.6%"


def test_kpi_sentence_percentage_change_on_unrounded_values():
    text = n.kpi_sentence(kpi(unit="count", decimals=0, value=142.4, value_displayed=142, previous=133.1,
                              target=100, floor=90, rag="GREEN", previous_rag="GREEN", dot="stable"), PERIOD)
    # 142.4 / 133.1 - 1 = 6.99% -> 7%; on rounded 142 / 133 it would be 6.8% -> 7% as well, so check the wording
    assert "It increased by 7% from 133 in the previous Quarter, and remains at Green." in text
    assert n.percent_change(142.4, 133.1) == pytest.approx(6.987, abs=0.001)


def test_remains_at_and_equal_to_target():
    text = n.kpi_sentence(kpi(unit="percent", decimals=0, value=98, value_displayed=98, previous=None, target=98,
                              floor=95, rag="GREEN", previous_rag=None, dot="stable"), PERIOD)
    assert "on target at 98% (RAG rated Green)" in text


def test_in_arrears_names_the_data_quarter():
    text = n.kpi_sentence(kpi(in_arrears=True, previous=None, previous_rag=None), PERIOD)
    assert "in Quarter 1 (reported one Quarter in arrears)" in text


def test_streak_only_when_history_supports_it():
    def series(*values):
        return [SeriesPoint(period=f"p{i}", value=v) for i, v in enumerate(values)]

    assert n.streak(series(1, 2, 3, 4), "higher") == "increased for the third Quarter in a row"
    assert n.streak(series(None, 2, 3), "higher") == ""  # one move only: no claim
    assert n.streak(series(1, None, 3, 4), "higher") == ""  # the gap ends the run
    assert n.streak(series(5, 4, 3), "higher") == "decreased for the second Quarter in a row"
    assert n.streak(series(3, 3, 3), "higher") == ""
    illustrative = series(76.6, 75.4, 74.8)
    illustrative[0] = replace(illustrative[0], illustrative=True)  # not a published figure: no claim rests on it
    assert n.streak(illustrative, "higher") == ""
    assert "in a row" not in n.kpi_sentence(
        kpi(series=[{"period": p.period, "value": p.value} for p in series(None, None, None, None, 75.4, 74.8)]), PERIOD)


def test_movement_units():
    assert n.movement(62.4, 60.5, "percent", 1) == "increased by 1.9 percentage points"
    assert n.movement(100, 99, "percent", 0) == "increased by 1 percentage point"
    assert n.movement(24.2, 23.9, "percent", 0) == "remained the same"
    assert n.movement(368, 426, "days", 0) == "decreased by 14%"


def test_format_value():
    assert n.format_value(23844, "count", 0) == "23,844"
    assert n.format_value(74.8, "percent", 1) == "74.8%"
    assert n.format_value(384, "seconds", 0) == "6 minutes 24 seconds"
    assert n.format_value(384, "seconds", 0, short=True) == "6m 24s"
    assert n.format_value(0.02, "percent", 2) == "0.02%"


def test_activity_and_volume_phrases():
    assert n.activity_sentence("Visits to the website", 2400000, "count", 0, "above", "Quarter 2") == (
        "The latest value of Visits to the website is 2,400,000 (Quarter 2), which is above expectations."
    )
    assert n.activity_sentence("Faults reported", 10, "count", 0, "within", "Quarter 2").endswith(
        "which is in line with expectations.")
    assert n.volume_sentence("calls", 142.4, 133.1, 146.8, subject="Contact Point received") == (
        "Contact Point received 7% more calls compared to the previous Quarter but 3% fewer calls than the same "
        "period last year."
    )


def test_deterministic():
    m = model(changes=Q2_CHANGES)
    assert n.cover_sentences(m, body="Cabinet") == n.cover_sentences(m, body="Cabinet")
    assert n.kpi_sentence(kpi(), PERIOD) == n.kpi_sentence(kpi(), PERIOD)


def test_trend_phrase_is_polarity_aware():
    from beacon.domain.narrative import trend_phrase

    assert trend_phrase("AMBER", "improving", "higher") == "is below target but is on a positive trend"
    assert trend_phrase("AMBER", "improving", "lower") == "is above target but is on a positive trend"
    assert trend_phrase("RED", "improving", "range") == "is outside the target range but is on a positive trend"


def test_movement_from_zero_names_both_values():
    from beacon.domain.narrative import movement

    assert movement(12, 0, "count", 0) == "increased from 0 to 12"


# --- issue 8: statements the data does not support -------------------------------------------
def short_kpi(code, dot="stable", source="computed", flags=(), points=1, **kw):
    """A KPI of the model with just what the direction-of-travel wording reads."""
    return from_plain(KpiEntry, {"code": code, "dot": dot, "dot_source": source,
                                 "dot_evidence": {"method": "trend", "points_used": points, "flags": list(flags)}, **kw})


INSUFFICIENT = ("insufficient data",)


def test_too_few_quarters_is_no_direction_of_travel_never_stable():
    # 33 KPIs with one or two quarters each: the rule set calls them "stable (insufficient data)"
    totals = {"green": 20, "amber": 10, "red": 3, "improving": 0, "stable": 0, "worsening": 0,
              "not_rated": 0, "not_available": 33, "kpis": 33}
    m = replace(model(totals=totals), kpis=tuple(short_kpi(f"K{i}", flags=INSUFFICIENT) for i in range(33)))
    s = n.cover_sentences(m, body="Cabinet")["cover.2.4"]
    assert "33 are stable" not in s
    assert s.endswith("33 indicators have no direction of travel: fewer than four of the last six Quarters held.")
    assert n.headline(m).endswith(
        "33 indicators have no direction of travel: fewer than four of the last six Quarters held.")
    # N comes from the rule set, not a constant
    m = with_rules(m, dot={"window_quarters": 8, "min_points": 5})
    assert n.cover_sentences(m, body="Cabinet")["cover.2.4"].endswith(
        "33 indicators have no direction of travel: fewer than five of the last eight Quarters held.")


def test_block_without_a_computable_direction_of_travel_is_not_all_stable():
    counts = Counts(green=7, amber=0, red=0, improving=0, stable=0, worsening=0, not_rated=0, not_available=7, kpis=7)
    text = n.block_sentence("Public Health", counts, no_dot="fewer than four of the last six Quarters held")
    assert "stable" not in text
    assert text.endswith(
        "None of the seven has a direction of travel (fewer than four of the last six Quarters held).")
    mixed = replace(counts, stable=2, not_available=5)
    assert n.block_sentence("Public Health", mixed, no_dot="fewer than four of the last six Quarters held").endswith(
        "Two are stable or show no clear trend and five have no direction of travel (fewer than four of the last "
        "six Quarters held).")


def test_the_reasons_of_kpis_without_a_direction_of_travel_are_named():
    kpis = [short_kpi("A", flags=INSUFFICIENT), short_kpi("B", flags=INSUFFICIENT),
            short_kpi("C", dot="not_available", flags=("no current value",), points=0),
            short_kpi("D", dot="worsening", source="manual", flags=INSUFFICIENT),
            short_kpi("E", dot="improving", points=6)]
    assert [k.reported_dot for k in kpis] == ["not_available", "not_available", "not_available",
                                              "worsening", "improving"]
    assert n.no_dot_phrase(kpis) == (
        "fewer than four of the last six Quarters held (2); no value is recorded for this Quarter (1)")


def test_a_manual_direction_of_travel_is_never_a_six_quarter_trend():
    text = n.kpi_sentence(kpi(dot="worsening", dot_source="manual", dot_manual_reason="as published",
                              dot_evidence={"method": "trend", "points_used": 1, "flags": ["insufficient data"]}),
                          PERIOD)
    assert "Quarters" not in text.split("(RAG rated Red)")[1]
    assert "Its direction of travel (worsening) is recorded manually, not computed" in text


def test_the_trend_window_comes_from_the_rule_set_and_names_its_values():
    computed = kpi(dot="worsening", dot_source="computed",
                   dot_evidence={"method": "trend", "points_used": 8, "flags": []})
    assert "Over the last eight Quarters it is on a negative trend." in n.kpi_sentence(
        computed, PERIOD, "trend", DotRules(window_quarters=8, min_points=4))
    gappy = replace(computed, dot_evidence=DotEvidence(method="trend", points_used=5, flags=()))
    assert "Over the last six Quarters (five of them with a value) it is on a negative trend." in n.kpi_sentence(
        gappy, PERIOD)
    assert "six" not in n.trend_phrase("AMBER", "stable")


def test_year_end_cover_is_addressed_to_the_body_of_the_settings():
    m = model(changes={**Q2_CHANGES, "green": 2}, basis="same_quarter_last_year")
    m = replace(m, period=replace(YEAR_END, data_to_label="March 2023"))
    m = with_rules(with_prior(m, green=15, amber=12, red=9), dot={"window_quarters": 8})
    s = n.cover_sentences(m, body="Full Council")
    assert "Cabinet" not in " ".join(s.values())
    assert s["cover.summary.purpose"] == (
        "The purpose of the Quarterly Performance Report (QPR) is to inform Full Council about key areas of "
        "performance for the authority. This year-end report presents performance to the end of March 2023 "
        "(Quarter 4, 2022/23), the end of the financial year, compared with the same Quarter last year.")
    assert s["cover.summary.counts"].endswith("In the same Quarter last year, 15 of the 36 KPIs were Green, 12 Amber and 9 Red.")
    assert s["cover.recommendation"] == (
        "Full Council is asked to NOTE the year-end Quarterly Performance Report for 2022/23.")
    assert "over the past 8 quarters" in s["cover.2.4"]
    quarterly = n.cover_sentences(model(changes=Q2_CHANGES), body="Policy and Resources Committee")
    assert quarterly["cover.recommendation"] == (
        "Policy and Resources Committee is asked to NOTE the Quarter 2 Performance Report.")


def test_2016_cover_wording():
    totals = {"green": 21, "amber": 15, "red": 2, "improving": 22, "stable": 5, "worsening": 11, "kpis": 38}
    m = with_rules(model(totals=totals), rag={"wording": "2016"}, dot={"method": "previous_period"})
    s = n.cover_sentences(m, body="Cabinet")
    assert s["cover.2.2.green"] == "21 are rated Green – target achieved or exceeded."
    assert s["cover.2.2.amber"] == "15 are rated Amber – below target but above floor standard."
    assert s["cover.2.2.red"] == "2 are rated Red – below floor standard."
    assert s["cover.2.4"] == (
        "Net Direction of Travel was positive with 22 indicators improving, 5 with no change and 11 showing a fall "
        "in performance.")
    assert "trend" not in n.headline(m)
    worse = replace(model(totals={**totals, "improving": 3}), rule_set=m.rule_set)
    assert n.cover_sentences(worse, body="Cabinet")["cover.2.4"].startswith("Net Direction of Travel was negative")


def test_block_sentences_carry_change_clauses_when_comparison_counts_exist():
    counts = Counts(green=4, amber=2, red=1, improving=1, stable=4, worsening=2, not_rated=0, not_available=0, kpis=7)
    changes = Changes(green=0, amber=1, red=-1, improving=1, stable=-1, worsening=0)
    text = n.block_sentence("Children's Social Care", counts, changes=changes)
    assert text == (
        "Children's Social Care – Four of the seven KPIs met or exceeded target (the same as last Quarter), two are "
        "rated Amber (one more than last Quarter) and one is rated Red (one fewer than last Quarter). One shows an "
        "improving trend (one more than last Quarter), two show a worsening trend (the same as last Quarter) and "
        "four are stable or show no clear trend (one fewer than last Quarter).")
    # no comparison: no clause; a comparison without direction-of-travel counts: RAG clauses only
    assert "(" not in n.block_sentence("Children's Social Care", counts)
    partial = replace(changes, improving=None, stable=None, worsening=None)
    assert n.block_sentence("X", counts, changes=partial).count("last Quarter") == 3
    assert "stable or show no clear trend." in n.block_sentence("X", counts, changes=changes, clauses="as_published")


def test_severity_footnote_comes_from_the_rule_set():
    assert n.severity_footnote(SeverityRules(well_below_over=15, moderately_from=7.5)) == (
        "Well below floor standard defined as over 15% of the floor standard or over 15 percentage points below. "
        "Moderately below is between 7.5% - 15%, or 7.5 to 15 percentage points below floor standard. Slightly "
        "below is less than 7.5% of the floor standard or less than 7.5 percentage points below.")
    assert "over 10% of value" in n.severity_footnote(SeverityRules(relative_to="value"))
