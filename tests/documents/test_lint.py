"""Lint checks on authored text (performance spec 6.2): beacon.domain.lint, and the findings in
the report model and at publication."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beacon.domain.lint import KpiFacts, derived_aliases, lint_text, split_sentences
from beacon.domain.qpr_model import Counts, KpiEntry, PeriodInfo, QprModel
from beacon.domain.records import from_plain
from beacon.domain.wording import number_word

END = date(2022, 9, 30)  # 2022/23 Q2
ASC = Counts(kpis=6, green=2, amber=2, red=2, improving=1, stable=4, worsening=1)
CYPE = Counts(kpis=7, green=4, amber=2, red=1, improving=1, stable=3, worsening=3)

FTE = KpiFacts(name="Number of first-time entrants to youth justice system – rolling 12 months",
               aliases=("first-time entrants",), code="ED6", rag="AMBER", dot="stable", value=290, previous=300,
               unit="number", polarity="lower", target=270, floor=320)
HIGHWAY = KpiFacts(name="Percentage of routine highway repairs reported by residents completed within 28 days",
                   aliases=("routine highway repairs",), code="ET2", rag="AMBER", dot="stable", value=89, previous=92,
                   unit="percent", target=90, floor=80)
INCIDENTS = KpiFacts(name="Percentage of emergency highway incidents attended within 2 hours of notification",
                     short_name="emergency incidents", code="ET3", rag="GREEN", dot="stable", value=97.7, previous=98.4,
                     unit="percent", target=98, floor=95)
FOSTER = KpiFacts(name="Percentage of foster care placements which are in-house or with relatives and friends",
                  short_name="foster care placements", code="SC6", rag="RED", dot="worsening", value=74.8, previous=75.4,
                  decimals=1, unit="percent", target=85, floor=75)
HEALTH_CHECKS = KpiFacts(name="Number of eligible people receiving an NHS Health Check", short_name="NHS Health Checks",
                         code="PH1", rag="AMBER", dot="improving", value=24500, previous=23000, unit="number",
                         target=27000, floor=22000)
CARE_LEAVERS = KpiFacts(name="Percentage of care leavers in education, employment or training", short_name="care leavers",
                        code="SC7", rag="GREEN", dot="improving", value=62.4, previous=60.5, decimals=1, unit="percent",
                        target=60, floor=55)
EXCLUSIONS = KpiFacts(name="Percentage of pupils permanently excluded from school", short_name="permanent exclusions",
                      code="ED5", rag="GREEN", dot="stable", value=0.02, previous=0.03, decimals=2, unit="percent",
                      polarity="lower", target=0.03, floor=0.05)
ALL_KPIS = [FTE, HIGHWAY, INCIDENTS, FOSTER, HEALTH_CHECKS, CARE_LEAVERS, EXCLUSIONS]


def lint(text, kpis=ALL_KPIS, counts=ASC, attached=None, block="Adult Social Care", **kw):
    return lint_text(text, kpis, counts, END, attached=attached, block=block, **kw)


def rules(text, **kw):
    return [f.rule for f in lint(text, **kw)]


# --- the published errors of spec section 7 ---------------------------------------------------
def test_error_3_asc_two_out_of_the_seven_kpis_in_a_six_kpi_directorate():
    [f] = lint("Two out of the seven KPIs met target.")
    assert f.rule == "count"
    assert f.sentence == "Two out of the seven KPIs met target."
    assert "there are 6 KPIs in Adult Social Care, not 7" in f.message


def test_error_4_first_time_entrants_did_not_meet_floor_while_amber():
    text = ("First-time entrants did not meet its floor standard, yet it is now above the target of 270. "
            "It has improved since last Quarter.")
    [f] = lint(text)
    assert f.rule == "rag" and f.kpi == "ED6"
    assert f.sentence.startswith("First-time entrants did not meet its floor standard")
    assert '"did not meet its floor standard"' in f.message and "rated Amber" in f.message


def test_error_5_highway_repairs_also_improved_while_the_value_dropped():
    [f] = lint("Routine highway repairs also improved.")
    assert (f.rule, f.kpi) == ("movement", "ET2")
    assert "92% to 89%" in f.message and "worse" in f.message
    # the section's own wording is right
    assert lint("Routine highway repairs dropped this Quarter to 89%.") == []
    # a later edition: "increased slightly" for the same fall
    assert rules("Routine highway repairs increased slightly in the Quarter.") == ["movement"]


def test_error_15_percent_written_for_percentage_points():
    [f] = lint("This represents just a 0.1% change.", attached=FOSTER)
    assert f.rule == "percentage_points" and "percentage points" in f.message
    assert rules("Foster care placements decreased by 0.6% in the Quarter.") == ["percentage_points"]
    assert lint("Foster care placements reduced by 0.6 percentage points in the Quarter.") == []
    # a number KPI may move by a percentage
    assert lint("NHS Health Checks increased by 7% on the Quarter.") == []


def test_error_9_rolling_period_naming_the_previous_year():
    [f] = lint("Performance for the 12 months to September 2021 is shown below.")
    assert f.rule == "rolling_period" and "previous year" in f.message
    # the published comparison of two rolling periods is right
    text = ("The 12 months to September 2022 saw a 3% increase in calls compared to the 12 months to "
            "September 2021.")
    assert lint(text) == []
    assert rules("Data is for the rolling 12 months to Sep 21.") == ["rolling_period"]
    assert lint("Data is for the rolling 12 months to Sep 22.") == []


# --- RAG words and target/floor phrases -----------------------------------------------------
@pytest.mark.parametrize(
    "sentence, kpi",
    [
        ("Foster care placements is RAG rated Green.", "SC6"),
        ("Foster care placements met target this Quarter.", "SC6"),
        ("Foster care placements remains at Amber.", "SC6"),
        ("Emergency incidents remains below the floor standard.", "ET3"),
        ("Emergency incidents did not meet the target of 98%.", "ET3"),
        ("NHS Health Checks is rated Red.", "PH1"),
        ("NHS Health Checks is Green rated.", "PH1"),
        ("NHS Health Checks achieved target.", "PH1"),
        ("Care leavers moved from a RAG rating of Green to Amber.", "SC7"),
        ("Care leavers did not achieve its floor standard.", "SC7"),
        ("Permanent exclusions is above the floor standard.", "ED5"),  # lower is better: above the floor is Red
    ],
)
def test_rag_contradictions(sentence, kpi):
    [f] = lint(sentence)
    assert (f.rule, f.kpi) == ("rag", kpi)


@pytest.mark.parametrize(
    "sentence",
    [
        # spec 5.3 examples, each with a KPI whose data agrees
        "Foster care placements has now dropped below the floor standard of 75.0%.",
        "Foster care placements reduced by 0.6 percentage points in the Quarter, from 75.4% at the end of June 2022 "
        "to 74.8% at the end of September 2022.",
        "Foster care placements continues on a negative trend and so remain RAG rated Red.",
        "Emergency incidents remained on target at 98% (RAG rated Green).",
        "Care leavers has improved during the Quarter, from 60.5% in June 2022 to 62.4% in September 2022.",
        "Care leavers improved to move back above target.",
        "NHS Health Checks is below target but remains on a positive trend.",
        "NHS Health Checks remains above the floor standard but below target (RAG rated Amber).",
        "NHS Health Checks moved from a RAG rating of Red to Amber.",
        "Permanent exclusions continued to achieve the target of below 0.03%.",
        "Permanent exclusions is below the target of 0.03%.",
        "Routine highway repairs is narrowly missing the target of 90%.",
        "Routine highway repairs dropped one percentage point below target to 89%.",
        "First-time entrants remains at Amber, within the floor standard.",
        "Having achieved target for a long period of time, foster care placements has dropped below the floor standard.",
        "Foster care placements was rated Green last Quarter.",
        "Routine highway repairs is slightly below the 90% target, at 89%.",
        "Emergency incidents remains on target at 98%.",
    ],
)
def test_correct_sentences_are_not_flagged(sentence):
    assert lint(sentence) == []


def test_a_change_of_rating_in_one_sentence_is_not_a_contradiction():
    assert lint("Care leavers moved above target and is now rated Green, having been below the floor last year.") == []


# --- movement -------------------------------------------------------------------------------
def test_movement_words_against_current_minus_previous():
    assert rules("Care leavers decreased in the Quarter.") == ["movement"]
    assert rules("Care leavers worsened in the Quarter.") == ["movement"]
    assert lint("Care leavers increased in the Quarter.") == []
    # polarity: fewer first-time entrants is better
    assert lint("First-time entrants improved in the Quarter.") == []
    assert rules("First-time entrants increased in the Quarter.") == ["movement"]
    assert rules("First-time entrants worsened in the Quarter.") == ["movement"]


def test_streak_sentence_is_a_movement_claim():
    assert lint("It dropped for the first time in over 6 Quarters.", attached=FOSTER) == []
    assert rules("It dropped for the first time in over 6 Quarters.", attached=CARE_LEAVERS) == ["movement"]


def test_movement_conservative_cases():
    # the same at display precision: no finding either way
    same = KpiFacts(name="calls answered", rag="GREEN", value=95.2, previous=94.9, unit="percent")
    assert lint("Calls answered decreased slightly.", kpis=[same]) == []
    # no previous value
    new = KpiFacts(name="calls answered", rag="GREEN", value=95, unit="percent")
    assert lint("Calls answered increased.", kpis=[new]) == []
    # negated, mixed, another time, or the target moving
    assert lint("Care leavers has not decreased.") == []
    assert lint("Care leavers increased in July but decreased in August.") == []
    assert lint("Care leavers decreased compared to the same Quarter last year.") == []
    assert lint("The target for care leavers decreased to 60%.") == []


# --- trend ----------------------------------------------------------------------------------
def test_trend_words_against_the_direction_of_travel():
    [f] = lint("Foster care placements is on a positive trend.")
    assert f.rule == "trend" and "worsening" in f.message
    assert rules("NHS Health Checks is on a declining trend.") == ["trend"]
    assert rules("Emergency incidents shows a negative trend.") == ["trend"]
    assert rules("Care leavers shows no clear trend.") == ["trend"]
    assert lint("Care leavers is on an upward trend.") == []
    assert lint("Foster care placements is on a downward trend.") == []
    assert rules("Foster care placements is on an upward trend.") == ["trend"]
    # polarity: an upward trend of a lower-is-better KPI is worsening
    worse = KpiFacts(name="repeat referrals", dot="worsening", polarity="lower", value=22, previous=21)
    assert lint("Repeat referrals is on an upward trend.", kpis=[worse]) == []
    assert lint("Foster care placements: the trend remains negative.") == []
    assert lint("Foster care placements is no longer on a positive trend.") == []
    assert lint("Routine highway repairs shows no clear trend.") == []


# --- counts ---------------------------------------------------------------------------------
def test_count_phrases():
    assert lint("Four of the seven indicators met target, the same as in previous two Quarters.", counts=CYPE) == []
    [f] = lint("Three of the seven indicators met target.", counts=CYPE, block="CYPE")
    assert f.rule == "count" and "4 of the 7 KPIs in CYPE met target (Green), not 3" in f.message
    assert rules("Two out of seven KPIs are rated Red.", counts=CYPE) == ["count"]
    assert lint("One of the seven KPIs is rated Red.", counts=CYPE) == []
    assert lint("Three of the seven KPIs show a worsening trend.", counts=CYPE) == []
    assert rules("Two of the seven KPIs show a worsening trend.", counts=CYPE) == ["count"]
    assert lint("Two of the six KPIs met target.") == []
    assert lint("17 of the 37 indicators are rated as Green.", counts=Counts(kpis=37, green=17)) == []
    assert rules("17 of the 36 indicators are rated as Green.", counts=Counts(kpis=37, green=17)) == ["count"]
    # no total, or another time: not checked
    assert lint("Two Highways KPIs were RAG rated Green.") == []
    assert lint("Last Quarter three of the six KPIs met target.") == []
    # without counts nothing is checked
    assert lint("Two out of the seven KPIs met target.", counts=None) == []


def test_count_phrase_naming_another_block():
    blocks = {"Adult Social Care": ASC, "Children, Young People and Education": CYPE}
    text = "In Adult Social Care, two out of the seven KPIs met target."
    [f] = lint(text, counts=Counts(kpis=37, green=17), block="", blocks=blocks)
    assert "6 KPIs in Adult Social Care" in f.message
    assert lint("In Adult Social Care, two of the six KPIs met target.", counts=Counts(kpis=37), block="", blocks=blocks) == []


def test_a_count_sentence_is_not_read_as_a_kpi_claim():
    # attached to a KPI, a sentence about the block is not about the KPI
    assert lint("Two of the six KPIs met target.", attached=FOSTER) == []


@given(n=st.integers(0, 12), total=st.integers(1, 12), actual=st.integers(1, 12), word=st.booleans())
@settings(max_examples=200, deadline=None)
def test_count_totals_property(n, total, actual, word):
    n = min(n, total)
    counts = Counts(kpis=actual, green=n, amber=0, red=actual - n if actual >= n else 0)
    first = number_word(n).capitalize() if word else str(n)
    text = f"{first} of the {number_word(total) if word else total} KPIs met target."
    found = lint(text, counts=counts)
    if total == actual and n <= actual:
        assert found == []
    else:
        assert [f.rule for f in found] == ["count"]


# --- quoted values --------------------------------------------------------------------------
def test_quoted_values_at_display_precision():
    [f] = lint("Foster care placements is at 74.6%.")
    assert f.rule == "value" and "74.8%" in f.message
    assert lint("Foster care placements is at 74.8%.") == []
    assert lint("Emergency incidents is at 98%.") == []  # 97.7 is shown as 98
    assert rules("Emergency incidents is at 97%.") == ["value"]
    assert rules("Routine highway repairs dropped this Quarter to 87%.") == ["value"]
    assert lint("NHS Health Checks increased to 24,500 in the Quarter.") == []
    assert rules("NHS Health Checks increased to 25,500 in the Quarter.") == ["value"]
    # benchmarks, thresholds and other counts are not the value
    assert lint("Emergency incidents compares to the national figure of 88%.") == []
    assert lint("Foster care placements is below the floor standard of 75.0%.") == []
    assert lint("NHS Health Checks were delivered at 40 GP practices.") == []


# --- dates ----------------------------------------------------------------------------------
def test_dates_after_the_report_period():
    [f] = lint("Care leavers was 62.4% in December 2022.")
    assert f.rule == "date" and "September 2022" in f.message
    assert rules("Figures for Quarter 3, 2022/23 show a rise.") == ["date"]
    assert rules("Data to Oct-22 is included.") == ["date"]
    assert lint("Care leavers was 62.4% in September 2022.") == []
    assert lint("Figures for Quarter 2, 2022/23 show a rise.") == []
    # future plans may name later dates
    assert lint("Care leavers is expected to reach 65% by March 2023.") == []
    assert lint("A new target will apply from April 2023.") == []
    # a day of the month is not a year
    assert lint("The figure was published on 31 March 2022.") == []


# --- sentences and names --------------------------------------------------------------------
def test_split_sentences_keeps_decimals_and_splits_lists():
    text = "It was 74.8% in the Quarter. It fell.\n\n- first item\n- Second item. Third."
    assert split_sentences(text) == ["It was 74.8% in the Quarter.", "It fell.", "first item", "Second item.", "Third."]


def test_sentences_naming_two_kpis_are_not_matched():
    assert lint("Care leavers and foster care placements both decreased.") == []


def test_kpi_matched_by_name_short_name_alias_code_or_attachment():
    assert rules("SC7 decreased in the Quarter.") == ["movement"]
    assert rules("CARE LEAVERS decreased in the Quarter.") == ["movement"]
    assert rules("It decreased in the Quarter.", attached=CARE_LEAVERS) == ["movement"]
    # attached to one KPI but naming another: the named one
    assert lint("Care leavers increased.", attached=FOSTER) == []
    # not attached, naming none: nothing
    assert lint("It decreased in the Quarter.") == []
    # attached, naming none, but about something else: nothing
    assert lint("Complaints received decreased by 2% on the previous Quarter.", attached=CARE_LEAVERS) == []
    assert lint("There has been a 2% decrease in complaints received.", attached=CARE_LEAVERS) == []
    assert rules("In Quarter 2, performance decreased.", attached=CARE_LEAVERS) == ["movement"]
    assert rules("The indicator decreased.", attached=CARE_LEAVERS) == ["movement"]
    # "carers" is not "care leavers"; "care leaversX" is not a whole word
    assert lint("Young carers decreased.") == []


def test_derived_aliases():
    assert derived_aliases(HIGHWAY.name) == ["routine highway repairs"]
    assert derived_aliases("Number of first-time entrants to youth justice system – rolling 12 months") == ["first-time entrants"]
    assert derived_aliases("Percentage of new Care Needs Assessments delivered within 28 days") == ["new Care Needs Assessments"]
    assert derived_aliases("Successful completion") == []


@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None)
def test_never_raises_and_is_deterministic(text):
    assert lint(text, attached=FOSTER) == lint(text, attached=FOSTER)
    for f in lint(text, attached=FOSTER):
        assert f.rule in ("rag", "movement", "trend", "count", "value", "percentage_points", "date", "rolling_period")


def test_generated_kpi_sentences_pass_the_lint():
    """The sentences Beacon writes itself must never be flagged."""
    from beacon.domain.narrative import kpi_sentence

    period = PeriodInfo(label="2022/23 Q2", quarter=2)
    for k in ALL_KPIS:
        entry = {"name": k.name, "unit": k.unit, "decimals": k.decimals, "rag": k.rag, "value": k.value,
                 "value_displayed": None, "previous": k.previous, "polarity": k.polarity, "target": k.target,
                 "floor": k.floor, "dot": k.dot, "series": [], "previous_rag": None}
        from beacon.domain.numbers import displayed

        entry["value_displayed"] = displayed(k.value, k.decimals)
        text = kpi_sentence(from_plain(KpiEntry, entry), period)
        assert lint(text, kpis=[k]) == [], text


# --- the report model and publishing ---------------------------------------------------------
PERIOD = "2022/23 Q2"


@pytest.fixture
def demo(demo_imported):
    from beacon.reports.report_settings import DEMO_REPORT_SETTINGS, seed_report_settings

    seed_report_settings(DEMO_REPORT_SETTINGS)
    return demo_imported


def _add_commentary(kpi_code: str, text: str):
    from beacon.performance.models import Commentary, Kpi

    kpi = Kpi.objects.filter(code=kpi_code).order_by("-pk").first()
    return Commentary.objects.create(period=PERIOD, directorate=kpi.directorate, kpi=kpi, text=text, author="tester")


def test_demo_without_commentary_has_no_findings(demo):
    from beacon.domain.periods import Quarter
    from beacon.reports.qpr import build_qpr

    assert build_qpr(Quarter.parse(PERIOD)).lint == ()


def test_contradicting_commentary_is_a_finding_in_the_json_model_and_publish_needs_acceptance(demo, tmp_path):
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from beacon.domain.periods import Quarter
    from beacon.reports.models import PublishedReport
    from beacon.reports.qpr import build_qpr

    model = build_qpr(Quarter.parse(PERIOD))
    kpi = model.kpi("SC6")
    assert kpi.value < kpi.previous  # foster care placements fell from 75.4% to 74.8%
    _add_commentary("SC6", "Performance also improved this Quarter.")
    out = tmp_path / "qpr.json"
    call_command("report", period=PERIOD, format="json", out=str(out), stdout=io.StringIO())
    data = json.loads(out.read_text(encoding="utf-8"))
    [f] = data["lint"]
    assert f["rule"] == "movement" and f["kpi"] == "SC6" and f["directorate"] == "CYPE"
    assert f["sentence"] == "Performance also improved this Quarter."
    assert f["topic"] == "" and "improved" in f["message"]

    reason = "The calls table is reproduced as printed."
    with pytest.raises(CommandError) as exc:
        call_command("publish", period=PERIOD, user="tester", allow_failed_check=["6.1.9"], reason=reason,
                     stdout=io.StringIO())
    assert "lint finding" in str(exc.value) and "Performance also improved this Quarter." in str(exc.value)
    assert "--accept-lint" in str(exc.value)
    assert not PublishedReport.objects.exists()

    stdout = io.StringIO()
    call_command("publish", period=PERIOD, user="tester", allow_failed_check=["6.1.9"], accept_lint=True,
                 reason="Checked with the author: the sentence is corrected in the next edition.", stdout=stdout)
    row = PublishedReport.objects.get(period=PERIOD)
    accepted = {c["id"]: c for c in row.overridden_checks}
    assert accepted["6.2"]["reason"].startswith("Checked with the author")
    assert any("Performance also improved this Quarter." in x for x in accepted["6.2"]["failures"])
    assert row.model["lint"][0]["rule"] == "movement"
    assert "accepted 1 lint finding" in stdout.getvalue()


def test_accept_lint_without_findings_is_refused(demo):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no lint findings"):
        call_command("publish", period=PERIOD, allow_failed_check=["6.1.9"], accept_lint=True, reason="x",
                     stdout=io.StringIO())
    with pytest.raises(CommandError, match="needs --reason"):
        call_command("publish", period=PERIOD, accept_lint=True, stdout=io.StringIO())


# --- generated text never trips the lint (property tests) --------------------------------------
def _rag(value, target, floor, polarity, decimals):
    from beacon.domain.numbers import displayed

    v = displayed(value, decimals)
    if polarity == "higher":
        return "GREEN" if v >= target else "AMBER" if v >= floor else "RED"
    return "GREEN" if v <= target else "AMBER" if v <= floor else "RED"


@given(
    value=st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 2)),
    previous=st.one_of(st.none(), st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 2))),
    target=st.integers(1, 100),
    gap=st.integers(0, 30),
    polarity=st.sampled_from(["higher", "lower"]),
    decimals=st.integers(0, 2),
    unit=st.sampled_from(["percent", "number", "days"]),
    dot=st.sampled_from(["improving", "stable", "worsening"]),
    previous_rag=st.sampled_from([None, "GREEN", "AMBER", "RED"]),
)
@settings(max_examples=300, deadline=None)
def test_generated_kpi_sentences_never_flagged(value, previous, target, gap, polarity, decimals, unit, dot, previous_rag):
    from beacon.domain.narrative import kpi_sentence
    from beacon.domain.numbers import displayed

    floor = target - gap if polarity == "higher" else target + gap
    rag = _rag(value, target, floor, polarity, decimals)
    name = "Percentage of widgets delivered on time"
    facts = KpiFacts(name=name, code="W1", rag=rag, dot=dot, value=value, previous=previous, decimals=decimals,
                     unit=unit, polarity=polarity, target=target, floor=floor)
    entry = {"name": name, "unit": unit, "decimals": decimals, "rag": rag, "value": value,
             "value_displayed": displayed(value, decimals), "previous": previous, "polarity": polarity,
             "target": target, "floor": floor, "dot": dot, "series": [], "previous_rag": previous_rag}
    text = kpi_sentence(from_plain(KpiEntry, entry), PeriodInfo(label="2022/23 Q2", quarter=2))
    assert lint_text(text, [facts], None, END) == [], text
    assert lint_text(text.replace(name, "It"), [], None, END, attached=facts) == [], text


@given(
    green=st.integers(0, 8), amber=st.integers(0, 8), red=st.integers(0, 8),
    improving=st.integers(0, 8), worsening=st.integers(0, 8),
)
@settings(max_examples=300, deadline=None)
def test_generated_block_sentences_never_flagged(green, amber, red, improving, worsening):
    from beacon.domain.narrative import block_sentence

    n = green + amber + red
    if n == 0 or improving + worsening > n:
        return
    counts = Counts(kpis=n, green=green, amber=amber, red=red, improving=improving,
                    worsening=worsening, stable=n - improving - worsening, not_rated=0, not_available=0)
    text = block_sentence("Adult Social Care", counts)
    assert lint_text(text, ALL_KPIS, counts, END, block="Adult Social Care") == [], text


SPEC_5_3_OTHER = [
    "Contact Point received 7% more calls compared to the previous Quarter but 3% fewer calls than the same period "
    "last year.",
    "The 12 months to September 2022 saw a 3% increase in calls compared to the 12 months to September 2021.",
    "Quarter 2 saw the number of complaints received increase from the previous Quarter by 31%, and by 12% on the "
    "same Quarter last year.",
    "Over the last 12 months there has been a 2% decrease in complaints received compared to the same time previous "
    "year.",
    "Quarter 2 saw close to 2.4 million visits to the website, which is above expectations.",
    "This compares to an average for England of 23.3% (March 2022).",
    "It is equal to the latest published National figure.",
    "It has achieved its best performance since September 2020.",
    "Having achieved target for a long period of time, it is now below target.",
    "Four of the seven indicators met target, the same as in previous two Quarters.",
]


@pytest.mark.parametrize("sentence", SPEC_5_3_OTHER)
@pytest.mark.parametrize("attached", [CARE_LEAVERS, HEALTH_CHECKS, FOSTER])
def test_spec_5_3_sentences_on_other_things_are_not_flagged(sentence, attached):
    # CYPE has seven KPIs, four of them Green
    assert lint(sentence, attached=attached, counts=CYPE) == []


def test_commentary_lint_uses_the_rows_block_and_kpi():
    from beacon.reports.lint import commentary_lint, finding_line

    def kpi(code, name, directorate, value, previous, rag):
        return {"code": code, "name": name, "short_name": name, "directorate": directorate, "unit": "percent",
                "polarity": "higher", "decimals": 0, "value": value, "previous": previous, "target": 90, "floor": 80,
                "rag": rag, "dot": "stable"}

    counts = lambda n, g: {"kpis": n, "green": g, "amber": n - g, "red": 0, "improving": 0,  # noqa: E731
                           "stable": n, "worsening": 0}
    model = {
        "period": {"data_to": "2022-09-30"},
        "kpis": [kpi("A1", "Percentage of routine pothole repairs completed within 28 days", "A", 86, 70, "AMBER"),
                 kpi("A2", "Percentage of routine highway repairs completed within 28 days", "A", 89, 92, "AMBER"),
                 kpi("B1", "Percentage of calls answered", "B", 95, 94, "GREEN")],
        "directorates": [{"code": "A", "name": "Growth", "kpis": ["A1", "A2"], "counts": counts(2, 0),
                          "sub_areas": [{"name": "Highways", "kpis": ["A1", "A2"], "counts": counts(2, 0)}]},
                         {"code": "B", "name": "Customer Services", "kpis": ["B1"], "counts": counts(1, 1), "sub_areas": []}],
        "totals": counts(3, 1),
        "commentary": [
            {"directorate": None, "sub_area": None, "kpi": None, "topic": "Summary",
             "text": "One of the three KPIs met target. Routine highway repairs also improved."},
            {"directorate": "A", "sub_area": None, "kpi": None, "topic": "",
             "text": "One of the two KPIs met target. Routine pothole repairs improved."},
            {"directorate": "A", "sub_area": None, "kpi": "A2", "topic": "", "text": "Performance dropped to 89%."},
            {"directorate": "B", "sub_area": None, "kpi": "B1", "topic": "", "text": "It is RAG rated Amber."},
        ],
    }
    found = commentary_lint(from_plain(QprModel, model))
    assert [(f.directorate, f.topic, f.kpi, f.rule) for f in found] == [
        (None, "Summary", "A2", "movement"),
        ("A", "", None, "count"),
        ("B", "", "B1", "rag"),
    ]
    assert "0 of the 2 KPIs in Growth met target (Green), not 1" in found[1].message
    assert finding_line(found[2]).startswith('B / B1: [rag] "It is RAG rated Amber."')
