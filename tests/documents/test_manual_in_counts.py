"""Count sentences, the Key and the lists say what was recorded by hand (issue 8, the demo read
page by page): manual ratings and directions of travel are named as such, never presented as
computed; the Key's activity text and regression sentence appear only when true; parts of a
whole are said as a council paper says them ("all 15 risks", "both are rated Red")."""

from __future__ import annotations

from beacon.domain import narrative as n
from beacon.domain.dot import Dot
from beacon.domain.qpr_model import Counts, DotEvidence, KpiEntry, PeriodInfo, QprModel, Source
from beacon.domain.rag import Rag
from beacon.domain.wording import n_of_total
from beacon.reports.documents.context import key_page, red_line


def _manual(code: str, rag: Rag = Rag.RED, dot: Dot = Dot.STABLE) -> KpiEntry:
    return KpiEntry(code=code, name=f"KPI {code}", rag=rag, rag_source=Source.MANUAL, manual_reason="as published",
                    dot=dot, dot_source=Source.MANUAL, dot_manual_reason="as published")


def _computed(code: str, rag: Rag = Rag.GREEN, dot: Dot = Dot.IMPROVING) -> KpiEntry:
    return KpiEntry(code=code, name=f"KPI {code}", value=95.0, rag=rag, rag_source=Source.COMPUTED, dot=dot,
                    dot_source=Source.COMPUTED, dot_evidence=DotEvidence(points_used=6))


def _model(kpis: list[KpiEntry]) -> QprModel:
    totals = Counts(
        green=sum(k.rag == Rag.GREEN for k in kpis), amber=sum(k.rag == Rag.AMBER for k in kpis),
        red=sum(k.rag == Rag.RED for k in kpis), improving=sum(k.reported_dot == Dot.IMPROVING for k in kpis),
        stable=sum(k.reported_dot == Dot.STABLE for k in kpis),
        worsening=sum(k.reported_dot == Dot.WORSENING for k in kpis), kpis=len(kpis))
    return QprModel(period=PeriodInfo(quarter=2, financial_year="2022/23", data_to_label="September 2022"),
                    kpis=tuple(kpis), totals=totals)


def test_every_direction_counted_manual_is_said_so_in_cover_and_headline():
    model = _model([_manual(f"M{i}") for i in range(3)])
    text = n.cover_sentences(model, body="Cabinet")
    said = "All 3 directions of travel are recorded manually; none could be computed from the data held."
    assert said in text["cover.2.4"]
    assert said in n.headline(model)
    assert "All 3 ratings are recorded manually, where no value is held." in text["cover.summary.counts"]
    assert text["cover.2.2.red"].endswith(", including 3 rated manually where no value is held.")


def test_some_directions_manual():
    model = _model([_manual("M1", Rag.AMBER), _computed("C1"), _computed("C2")])
    text = n.cover_sentences(model, body="Cabinet")
    assert text["cover.2.4"].endswith(" 1 of the 3 directions of travel is recorded manually, not computed.")
    assert "1 of the 3 ratings is recorded manually" in n.headline(model)
    assert "rated manually" not in text["cover.2.2.green"]


def test_nothing_manual_adds_nothing():
    model = _model([_computed("C1"), _computed("C2")])
    assert "manual" not in " ".join(n.cover_sentences(model, body="Cabinet").values())
    assert "manual" not in n.headline(model)
    assert n.dot_key_note(model.kpis) == ""


def test_block_sentence_names_manual_and_says_both():
    kpis = [_manual("M1"), _manual("M2")]
    sentence = n.block_sentence("Governance and Law", Counts(red=2, stable=2, kpis=2),
                                manual=n.manual_sentence(kpis, digits=False))
    assert sentence == (
        "Governance and Law – Neither KPI met target; both are rated Red. Both are stable or show no clear trend. "
        "Both ratings are recorded manually, where no value is held. Both directions of travel are recorded "
        "manually; none could be computed from the data held.")
    three = n.block_sentence("X", Counts(red=3, stable=3, kpis=3))
    assert three.startswith("X – None of the three KPIs met target; all three are rated Red.")


def test_part_of_a_whole():
    assert n_of_total(15, 15, "risk", "risks") == "all 15 risks"
    assert n_of_total(2, 2, "risk", "risks") == "both risks"
    assert n_of_total(1, 1, "risk", "risks") == "the risk"
    assert n_of_total(3, 15, "risk", "risks") == "3 of the 15 risks"


def test_key_says_no_direction_was_computed_and_activity_key_only_with_activity():
    manual = _model([_manual("M1"), _manual("M2")])
    key = key_page(manual)
    assert key["dot_intro"].endswith(
        "In this report no direction of travel could be computed: each is recorded manually, with its reason in "
        "the KPI's notes.")
    assert not key["activity_key"]
    computed = key_page(_model([_computed("C1"), _manual("M1")]))
    assert "no direction of travel could be computed" not in computed["dot_intro"]
    assert "regression analysis" in computed["dot_intro"]


def test_cover_reds_list_marks_a_manual_rating():
    assert red_line(_manual("M1")) == "KPI M1 (manual)"
    assert red_line(_computed("C1", Rag.RED)) == "KPI C1"
