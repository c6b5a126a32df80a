"""The QPR "Corporate Risk Register – Overview" for 2022/23 Q2 as it will be printed: risk data to
November 2022, compared with June 2022 (risk spec §6.3). Expected values come from the demo CSVs
and the README's evidence, never from the code under test."""

import csv
import datetime as dt
import json
import re

import pytest

from beacon.bundle.importer import export_bundle, import_bundle
from beacon.demo import HERE
from beacon.domain.periods import Quarter
from beacon.domain.risk_overview import RiskOverview
from beacon.reports.register import build_risk_overview
from beacon.risk import lifecycle
from beacon.risk.models import Action, ActionUpdate, Register, Risk, RiskRating

pytestmark = pytest.mark.django_db

JAN = HERE / "kcc-risk-register-2023-01"
JUNE, NOVEMBER = dt.date(2022, 6, 30), dt.date(2022, 11, 30)
MONTHS = {m: i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
     "December"], start=1)}
# spec §6.3: how statuses map to the summary columns
BUCKET = {"complete": "completed", "not_completed": "completed", "partially_complete": "partially_complete",
          "regular_review": "regular_review", "outstanding": "outstanding"}


def _rows(name):
    with open(JAN / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _level(likelihood, impact):
    if not likelihood:
        return "Not yet rated"
    score = int(likelihood) * int(impact)
    return "Low" if score <= 6 else "Medium" if score <= 15 else "High"


def _due_month(text):
    m = re.match(r"\s*([A-Za-z]+) (\d{4})", text or "")
    return dt.date(int(m.group(2)), MONTHS[m.group(1)], 1) if m else None


def _q2():
    """The overview as the QPR's JSON writes it (docs/register-model.md)."""
    return build_risk_overview(Quarter(2022, 2), data_to=NOVEMBER, compare_to=JUNE).to_json()


@pytest.fixture
def january():
    import_bundle(JAN, user="test")


def _cells(row, header):
    return dict(zip(header[1:], (int(c) for c in row[1:])))


def test_demo_counts_add_up_to_the_register_at_both_dates(january):
    risks = {r["id"]: r for r in _rows("risks.csv")}
    assert {r["rated_on"] for r in risks.values()} == {"2022-11-30"}
    ratings = _rows("risk_ratings.csv")
    event_only = {e["risk"] for e in _rows("risk_events.csv")} - set(risks)
    assert event_only == {"CRR0010", "CRR0051", "CRR0055"}  # left at the refresh; no rows of their own

    overview = _q2()
    header, (june, november) = overview["tables"][0]["header"], overview["tables"][0]["rows"]
    assert june[0] == "Current risk level June 2022" and november[0] == "Current risk level November 2022"
    assert "Rating not held" in header and "Not yet rated" not in header
    reg = overview["register"]

    # June 2022: every risk without an entry event was on; the earliest ratings held are dated 1 July 2022
    assert not [r for r in ratings if r["date"] <= "2022-06-30"]
    on_june = set(risks) - {"CRR0056", "CRR0057", "CRR0058"}
    assert set(reg["compare_to"]["on_register"]) == on_june
    assert {x["risk"] for x in reg["compare_to"]["membership_not_known"]} == {"CRR0057"} | event_only
    june_cells = _cells(june, header)
    assert june_cells == {"Low Risk": 0, "Medium Risk": 0, "High Risk": 0, "Rating not held": len(on_june)}
    assert sum(june_cells.values()) == len(on_june) == 15

    # November 2022: CRR0057 had joined (by 30 November); CRR0056 and CRR0058 joined by 5 January 2023
    on_november = set(risks) - {"CRR0056", "CRR0058"}
    assert set(reg["data_to"]["on_register"]) == on_november
    assert {x["risk"] for x in reg["data_to"]["membership_not_known"]} == {"CRR0056", "CRR0058"} | event_only
    expected = {"Low Risk": 0, "Medium Risk": 0, "High Risk": 0, "Rating not held": 0}
    for rid in on_november:
        expected[_level(risks[rid]["current_likelihood"], risks[rid]["current_impact"]) + " Risk"] += 1
    november_cells = _cells(november, header)
    assert november_cells == expected == {"Low Risk": 0, "Medium Risk": 4, "High Risk": 12, "Rating not held": 0}
    assert sum(november_cells.values()) == len(on_november) == 16

    # nothing silently dropped: every id Beacon knows is counted or named in a sentence, except those
    # whose entry is dated after the date (CRR0056, CRR0058: from 1 July 2022)
    for at, off in ((reg["compare_to"], {"CRR0056", "CRR0058"}), (reg["data_to"], set())):
        named = set(at["on_register"]) | {x["risk"] for x in at["membership_not_known"]}
        assert named == (set(risks) | event_only) - off
        assert sum(at["counts"].values()) == at["total"] == len(at["on_register"])
    text = " ".join(overview["paragraphs"])
    assert "No current rating is recorded at 30 June 2022 for all 15 risks" in text
    assert "Not counted at 30 November 2022, because the register does not record whether they were on the corporate register" in text
    assert "CRR0058 (joined the register between 1 July 2022 and 5 January 2023)" in text


def test_a_risk_without_a_rating_at_the_comparison_date_is_not_held_not_zero():
    corporate = Register.corporate()
    at = dt.datetime(2022, 12, 1, tzinfo=dt.timezone.utc)

    def risk(rid, *ratings):
        r = Risk.objects.create(risk_id=rid, title=f"Risk {rid}", register=corporate, owners=["Owner"])
        for day, likelihood, impact in ratings:
            RiskRating.objects.create(risk=r, kind="current", likelihood=likelihood, impact=impact, effective_date=day,
                                      recorded_by="t", recorded_at=at)
        return r

    risk("CRR0100", (dt.date(2022, 1, 1), 2, 2))              # Low throughout
    risk("CRR0101", (dt.date(2022, 9, 1), 4, 5))              # first rated after June: not held then
    risk("CRR0102", (dt.date(2022, 1, 1), None, None))        # TBC: "Not yet rated", a different thing
    risk("CRR0103")                                           # no rating at all
    overview = _q2()
    table = overview["tables"][0]
    assert table["header"] == ["", "Low Risk", "Medium Risk", "High Risk", "Not yet rated", "Rating not held"]
    assert table["rows"] == [
        ["Current risk level June 2022", "1", "0", "0", "1", "2"],
        ["Current risk level November 2022", "1", "0", "1", "1", "1"],
    ]
    assert overview["register"]["compare_to"]["rating_not_held"] == ["CRR0101", "CRR0103"]
    assert overview["register"]["compare_to"]["not_yet_rated"] == ["CRR0102"]
    assert overview["counts"]["compare_to"]["Rating not held"] == 2
    assert ("No current rating is recorded at 30 June 2022 for 2 of the 4 risks on the corporate register then "
            "(CRR0101 and CRR0103)") in overview["paragraphs"][1]
    assert "for 1 of the 4 risks on the corporate register then (CRR0103); it is counted" in overview["paragraphs"][2]


def test_demo_action_buckets_follow_the_dated_updates(january):
    expected = {"by_cut_off": dict.fromkeys(BUCKET.values(), 0), "later_or_none": dict.fromkeys(BUCKET.values(), 0)}
    for a in _rows("actions.csv"):
        if not a["update"].strip() or not ("2022-06-30" < a["updated_on"] <= "2022-11-30"):
            continue
        due = _due_month(a["due"])
        expected["by_cut_off" if due and due <= NOVEMBER else "later_or_none"][BUCKET[a["status"]]] += 1
    # the register pages print the due dates after the update, all later than November 2022
    assert sum(expected["by_cut_off"].values()) == 0
    assert expected["later_or_none"] == {"completed": 0, "partially_complete": 1, "regular_review": 6, "outstanding": 0}
    assert ActionUpdate.objects.filter(updated_on=NOVEMBER).count() == 7

    overview = _q2()
    actions = overview["actions"]
    assert (actions["updated_from"], actions["updated_to"], actions["cut_off"]) == ("2022-07-01", "2022-11-30", "2022-11-30")
    assert actions["counts"] == expected["by_cut_off"] and actions["total"] == 0
    assert [(r["due"], r["counts"], r["total"]) for r in actions["rows"]] == [
        ("by_cut_off", expected["by_cut_off"], 0), ("later_or_none", expected["later_or_none"], 7)]
    mitigations = next(s for s in overview["subsections"] if s["title"] == "Mitigating Actions")
    assert mitigations["tables"][0]["rows"] == [
        ["Up to and including November 2022", "0", "0", "0"],
        ["Due or review date held is after November 2022, or not given", "0", "1", "6"],
    ]
    text = " ".join(mitigations["paragraphs"])
    assert "Updates have been provided for 0 actions" not in text  # never a bare 0 when updates are held
    assert "No progress update dated in the period is recorded for an action due" in text
    assert "Updates dated in the period are recorded for 7 actions" in text
    assert "Counted: each action with a progress update dated 1 July 2022 to 30 November 2022" in text
    assert len([i for u in overview["updates"] for i in u["items"]]) == 7
    assert {i["updated_on"] for u in overview["updates"] for i in u["items"]} == {"2022-11-30"}


def test_action_buckets_by_due_date_and_update_date(january):
    """Synthetic: updates dated in the period on actions due by the cut-off fill the spec's row."""
    def action(rid, title, due_date):
        return Action.objects.create(risk=Risk.objects.get(risk_id=rid), title=title, due_text=f"{due_date:%B %Y}",
                                     due_date=due_date, order=99)

    sep, oct_ = dt.date(2022, 9, 1), dt.date(2022, 10, 1)
    done = action("CRR0001", "Done", sep)
    lifecycle.record_update(done, "complete", "Done.", by="rm", on=dt.date(2022, 9, 15))
    part = action("CRR0001", "Part", oct_)
    lifecycle.record_update(part, "partially_complete", "Half.", by="rm", on=dt.date(2022, 10, 15))
    late = action("CRR0002", "Late", oct_)
    lifecycle.record_update(late, "outstanding", "Not started.", by="rm", on=dt.date(2022, 11, 30))
    review = action("CRR0002", "Review", sep)
    lifecycle.record_update(review, "regular_review", "Reviewed.", by="rm", on=dt.date(2022, 8, 1))
    lifecycle.record_update(review, "complete", "Closed after the period.", by="rm", on=dt.date(2022, 12, 5))
    before = action("CRR0003", "Before", sep)
    lifecycle.record_update(before, "complete", "Updated before the period.", by="rm", on=dt.date(2022, 6, 1))
    olds = [action("CRR0053", f"Old {n}", sep) for n in (1, 2)]
    for a in olds:
        lifecycle.record_update(a, "not_completed", "Superseded.", by="rm", on=dt.date(2022, 11, 1))
    lifecycle.supersede_actions(olds, [{"title": "New", "due": "June 2023"}], by="rm", on=dt.date(2022, 11, 1))

    overview = _q2()
    # done + the superseded block (once); part; review at its latest status in the period; late
    assert overview["actions"]["counts"] == {"completed": 2, "partially_complete": 1, "regular_review": 1, "outstanding": 1}
    assert overview["actions"]["total"] == 5
    mitigations = next(s for s in overview["subsections"] if s["title"] == "Mitigating Actions")
    table = mitigations["tables"][0]
    assert table["header"][-1] == "Actions Outstanding"  # the column appears only when needed
    assert table["rows"][0] == ["Up to and including November 2022", "2", "1", "1", "1"]
    assert table["rows"][1] == ["Due or review date held is after November 2022, or not given", "0", "1", "6", "0"]
    assert mitigations["paragraphs"][1].startswith("Updates have been provided for 5 actions to mitigate")
    assert "not in the 5 above" in mitigations["paragraphs"][2]


def test_overview_is_json_serialisable(january):
    overview = _q2()
    assert json.loads(json.dumps(overview)) == overview
    typed = build_risk_overview(Quarter(2022, 2), data_to=NOVEMBER, compare_to=JUNE)
    assert RiskOverview.from_dict(overview) == typed  # a published QPR reads it back
    assert overview["data_to"] == "2022-11-30" and overview["register"]["compare_to"]["date"] == "2022-06-30"


def test_dated_import_is_idempotent_and_round_trips(january, tmp_path):
    assert {r.effective_date for r in RiskRating.objects.filter(source__contains="risks.csv")} <= {NOVEMBER}
    counts = (RiskRating.objects.count(), ActionUpdate.objects.count())
    import_bundle(JAN, user="test")
    assert (RiskRating.objects.count(), ActionUpdate.objects.count()) == counts
    export_bundle(tmp_path / "out")
    with open(tmp_path / "out" / "actions.csv", newline="", encoding="utf-8") as f:
        exported = {(r["risk"], r["title"]): r["updated_on"] for r in csv.DictReader(f)}
    assert exported == {(r["risk"], r["title"]): r["updated_on"] for r in _rows("actions.csv")}
    import_bundle(tmp_path / "out", user="test")
    assert (RiskRating.objects.count(), ActionUpdate.objects.count()) == counts
    before = _q2()
    assert _q2() == before
