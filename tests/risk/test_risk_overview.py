"""The QPR "Corporate Risk Register – Overview" section, from the register as it stood at the data date."""

import datetime as dt

import pytest

from beacon.bundle.importer import import_bundle
from beacon.demo import HERE
from beacon.domain.risk import Rating
from beacon.reports.register import build_risk_overview
from beacon.risk import lifecycle
from beacon.risk.models import Action, Risk

pytestmark = pytest.mark.django_db


def test_none_without_risks():
    assert build_risk_overview("2022/23 Q2") is None


@pytest.fixture
def december():
    # imported on 1 December 2022; the bundle dates its ratings and updates 30 November 2022
    import_bundle(HERE / "kcc-risk-register-2023-01", user="test", now=dt.datetime(2022, 12, 1, tzinfo=dt.timezone.utc))


def test_counts_changes_and_actions(december):
    overview = build_risk_overview("2022/23 Q3").to_json()
    assert (overview["compare_to"], overview["data_to"]) == ("2022-09-30", "2022-12-31")
    assert overview["title"] == "Corporate Risk Register – Overview"
    assert overview["paragraphs"][0] == (
        "The table below shows the number of corporate risks in each risk level (based on the risk score) in "
        "December 2022, compared with September 2022.")
    assert overview["paragraphs"][1].startswith(
        "No current rating is recorded at 30 September 2022 for 3 of the 15 risks on the corporate register then "
        "(CRR0039, CRR0045 and CRR0049)")
    table = overview["tables"][0]
    assert table["header"] == ["", "Low Risk", "Medium Risk", "High Risk", "Rating not held"]
    assert table["rows"] == [
        ["Current risk level September 2022", "0", "1", "11", "3"],  # the 12 ratings known at July 2022
        ["Current risk level December 2022", "0", "4", "12", "0"],  # CRR0056, CRR0058: joined by 5 January 2023
    ]
    groups = {g["title"]: g["entries"] for g in overview["key_changes"]}
    assert [e["heading"] for e in groups["NEW RISKS"]] == ["CRR0057 - Home to School Transport"]
    # the seven updates are dated 30 November 2022; only CRR0056's is held as due by December 2022
    assert overview["actions"]["counts"] == {"completed": 0, "partially_complete": 1, "regular_review": 0, "outstanding": 0}
    mitigations = next(s for s in overview["subsections"] if s["title"] == "Mitigating Actions")
    assert mitigations["paragraphs"][1].startswith("Updates have been provided for 1 action to mitigate")
    assert mitigations["tables"][0]["rows"] == [
        ["Up to and including December 2022", "0", "1", "0"],
        ["Due or review date held is after December 2022, or not given", "0", "0", "6"],
    ]
    assert [u["risk"] for u in overview["updates"]] == ["CRR0002", "CRR0003", "CRR0009", "CRR0039", "CRR0053", "CRR0056"]


def test_changes_at_the_refresh_and_superseded_block(december):
    # events of the January refresh fall in Q4 (to March 2023)
    r53 = Risk.objects.get(risk_id="CRR0053")
    old = list(r53.actions.filter(due_date__lte=dt.date(2022, 12, 31)))
    assert len(old) == 2
    for a in old:
        lifecycle.record_update(a, "not_completed", "Superseded: change of approach.", by="rm", status_as_printed="Not completed",
                                on=dt.date(2023, 1, 5))
    lifecycle.supersede_actions(old, [{"title": "New approach", "due": "June 2023"}], by="rm", on=dt.date(2023, 1, 5))
    rr = Action.objects.get(risk__risk_id="CRR0053", title__startswith="Extensive lobbying")
    overview = build_risk_overview("2022/23 Q4", compare_to=dt.date(2022, 12, 31), data_to=dt.date(2023, 1, 31)).to_json()
    groups = {g["title"]: [e["risk"] for e in g["entries"]] for g in overview["key_changes"]}
    assert groups["RISK LEVEL INCREASED"] == ["CRR0009", "CRR0045"]
    assert groups["RISK LEVEL REDUCED"] == ["CRR0039"]
    assert "CRR0058" in groups["NEW RISKS"]
    assert {"CRR0051", "CRR0055", "CRR0010", "CRR0014", "CRR0056"} <= set(groups["CHANGES DURING LAST QUARTER"]) | set(groups["DE-ESCALATED RISKS"])
    assert groups["DE-ESCALATED RISKS"] == ["CRR0010"]
    # the two superseded actions share their replacement and update: one action in the summary
    counts = overview["actions"]["counts"]
    assert counts["completed"] == 1
    assert overview["actions"]["total"] == sum(counts.values())
    crr53 = next(u for u in overview["updates"] if u["risk"] == "CRR0053")
    assert crr53["items"][0]["status"] == "Not completed"
    assert "will be superseded by new actions" in crr53["items"][0]["text"]
    assert rr.status == "regular_review"
    # updates are grouped by risk, in id order, each heading once
    ids = [u["risk"] for u in overview["updates"]]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    # the comparison date must come first
    with pytest.raises(ValueError):
        build_risk_overview("2022/23 Q4", compare_to=dt.date(2023, 3, 31), data_to=dt.date(2023, 1, 31))


def test_leaving_and_re_escalation_change_the_count(december):
    r49 = Risk.objects.get(risk_id="CRR0049")
    lifecycle.delegate(r49, "CED directorate register", de_escalate=True, by="rm", on=dt.date(2023, 2, 1))
    mid = build_risk_overview("2022/23 Q4", compare_to=dt.date(2022, 12, 31), data_to=dt.date(2023, 2, 28)).to_json()
    assert mid["counts"]["data_to"]["Medium"] == 3
    lifecycle.re_escalate(r49, by="rm", on=dt.date(2023, 3, 1))
    end = build_risk_overview("2022/23 Q4").to_json()
    assert end["counts"]["data_to"]["Medium"] == 4
