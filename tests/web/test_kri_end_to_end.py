"""Key risk indicators end to end: a KPI falls below its floor standard for the configured quarters
(new values through a bundle import, or an approved return), its risk is flagged with the
evidence, and the flag is on the register page, the risk page, the KPI page, in the next
edition's change notes and in the owner's notifications; the owner marks it reviewed."""

from __future__ import annotations

import datetime as dt

import pytest

from beacon.bundle.importer import import_bundle
from beacon.core.models import Notification, Revision
from beacon.domain.kri import FlagStatus
from beacon.reports import risk_indicators as kri
from beacon.risk.models import RiskFlag, RiskIndicator

EVIDENCE = "A1 below its floor standard of 80% for 2 consecutive quarters: 75% in 2022/23 Q2, 70% in 2022/23 Q3"


def _write(folder, name, rows):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")


@pytest.fixture
def linked(risks, tmp_path, django_capture_on_commit_callbacks):
    """A1 (floor 80%; 75% in 2022/23 Q2) linked to the first risk with "below floor for 2 quarters",
    through the bundle file."""
    first, second = risks
    folder = tmp_path / "links"
    _write(folder, "risk_indicators.csv", [
        ["risk_id", "kind", "indicator", "trigger", "quarters", "note"],
        [first.risk_id, "kpi", "A1", "below_floor", "2", "Calls answered evidence the front door"],
        [first.risk_id, "activity", "AI1", "outside_range", "1", ""],
    ])
    _write(folder, "risk_relations.csv", [
        ["risk_id", "related_risk_id", "kind", "note"],
        [second.risk_id, first.risk_id, "contributes_to", "An attack stops the front door"],
    ])
    with django_capture_on_commit_callbacks(execute=True):
        import_bundle(folder, user="lead")
    return first, second


def _import_q3(tmp_path, value: str, captured):
    folder = tmp_path / f"q3-{value}"
    _write(folder, "observations.csv", [["kpi", "period", "value"], ["A1", "2022/23 Q3", value]])
    with captured(execute=True):
        return import_bundle(folder, user="lead")


def test_one_quarter_below_floor_raises_nothing(linked):
    assert RiskIndicator.objects.count() == 2
    assert not RiskFlag.objects.exists()  # 2022/23 Q2 alone is below the floor


def test_below_floor_for_two_quarters_flags_the_risk_everywhere(linked, tmp_path, django_capture_on_commit_callbacks,
                                                                client_for, users):
    first, _ = linked
    _import_q3(tmp_path, "70", django_capture_on_commit_callbacks)
    flag = RiskFlag.objects.get()
    assert (flag.risk, flag.indicator_code, flag.trigger, flag.period) == (first, "A1", "below_floor", "2022/23 Q3")
    assert flag.evidence == EVIDENCE
    assert Revision.objects.filter(entity="risk_flag", field="evidence", new_value=EVIDENCE).exists()

    # the risk's owner and the risk managers are told, once each
    told = Notification.objects.filter(kind="risk_flagged")
    assert sorted(n.user.username for n in told) == ["riskmanager", "riskowner"]
    assert all(EVIDENCE in n.body and n.url == f"/risks/{first.risk_id}/#flags" for n in told)

    # evaluating again (the same import, the daily run) raises nothing new and tells no one again
    _import_q3(tmp_path, "70", django_capture_on_commit_callbacks)
    kri.reminder_notices(dt.date(2026, 11, 21))
    assert RiskFlag.objects.count() == 1 and told.count() == 2

    # the register page marks the risk, in words
    page = client_for("reader").get("/risks/").content.decode()
    assert "Flagged for review" in page and f'href="/risks/{first.risk_id}/#flags"' in page

    # the risk page: the flag with its evidence, the indicator's latest value, RAG and trend words
    page = client_for("reader").get(f"/risks/{first.risk_id}/").content.decode()
    assert EVIDENCE in page and "70% in 2022/23 Q3" in page and "Red" in page
    assert "Contributed to by" in page and "Mark reviewed" not in page  # a reader may not review

    # the KPI page names the risk and its open flag
    from django.urls import reverse

    page = client_for("reader").get(reverse("web:kpi", args=["A1"])).content.decode()
    assert first.risk_id in page and "Flagged for review" in page and EVIDENCE in page

    # the next committee edition's change notes name the flag with its evidence
    from beacon.risk.editions import build_edition

    edition = build_edition("Cabinet", dt.date(2026, 12, 1), baseline=dt.date(2026, 6, 1))
    notes = [c for c in edition.changes if c.risk == first.risk_id and c.event == "review_flagged"]
    assert [c.summary for c in notes] == [f"Flagged for review by its key risk indicator A1: {EVIDENCE}"]
    # an edition dated before the flag was raised does not list it
    assert not [c for c in build_edition("Cabinet", dt.date(2026, 11, 1), baseline=dt.date(2026, 6, 1)).changes
                if c.event == "review_flagged"]

    # the owner marks it reviewed (recorded); it is then no longer marked on the register
    owner = client_for("riskowner")
    page = owner.get(f"/risks/{first.risk_id}/").content.decode()
    assert "Mark reviewed" in page
    response = owner.post(f"/risks/{first.risk_id}/", {"operation": "review_flag", "prefix": f"flag-{flag.pk}",
                                                        f"flag-{flag.pk}-flag": flag.pk,
                                                        f"flag-{flag.pk}-note": "Call handling staff recruited"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.status, flag.reviewed_by, flag.review_note) == (FlagStatus.REVIEWED, "riskowner",
                                                                  "Call handling staff recruited")
    assert Revision.objects.filter(entity="risk_flag", field="status", new_value="reviewed",
                                   changed_by="riskowner").exists()
    assert "Flagged for review" not in client_for("reader").get("/risks/").content.decode()
    # reviewing it again is refused in words, not a crash
    response = owner.post(f"/risks/{first.risk_id}/", {"operation": "review_flag", "prefix": f"flag-{flag.pk}",
                                                        f"flag-{flag.pk}-flag": flag.pk})
    assert response.status_code == 400 and "already reviewed by riskowner" in response.content.decode()


def test_a_reader_and_another_risks_owner_may_not_review(linked, tmp_path, django_capture_on_commit_callbacks,
                                                         client_for, risks):
    first, second = linked
    _import_q3(tmp_path, "70", django_capture_on_commit_callbacks)
    flag = RiskFlag.objects.get()
    data = {"operation": "review_flag", "prefix": f"flag-{flag.pk}", f"flag-{flag.pk}-flag": flag.pk}
    assert client_for("reader").post(f"/risks/{first.risk_id}/", data).status_code == 403
    # the flag belongs to the first risk: posting it on the second risk's page changes nothing
    response = client_for("riskmanager").post(f"/risks/{second.risk_id}/", data)
    assert response.status_code == 400
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


def test_an_approved_return_flags_the_risk(linked, open_period, django_capture_on_commit_callbacks):
    from web_fixtures import submit_through_services

    from beacon.returns.models import Return

    ret = Return.objects.get(period=open_period, directorate__code="AA")
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_services(ret, {"A1": "68", "A2": "9"}, "owner", approve_as="lead")
    flag = RiskFlag.objects.get()
    assert flag.evidence == EVIDENCE.replace("70%", "68%")
    assert Notification.objects.filter(kind="risk_flagged", user__username="riskowner").exists()


def test_an_illustrative_value_never_triggers(linked, tmp_path, django_capture_on_commit_callbacks):
    folder = tmp_path / "illustrative"
    _write(folder, "observations.csv", [["kpi", "period", "value", "illustrative"], ["A1", "2022/23 Q3", "60", "true"]])
    with django_capture_on_commit_callbacks(execute=True):
        import_bundle(folder, user="lead")
    assert not RiskFlag.objects.exists()


def test_the_risk_manager_links_and_unlinks_on_the_risk_page(risks, client_for):
    first, second = risks
    manager = client_for("riskmanager")
    url = f"/risks/{first.risk_id}/"
    bad = manager.post(url, {"operation": "link_indicator", "prefix": "link", "link-kind": "kpi", "link-code": "ZZ9",
                             "link-trigger": "red", "link-quarters": "2"})
    assert bad.status_code == 400 and "There is no KPI &#x27;ZZ9&#x27;" in bad.content.decode()
    wrong = manager.post(url, {"operation": "link_indicator", "prefix": "link", "link-kind": "kpi", "link-code": "A1",
                               "link-trigger": "outside_range", "link-quarters": "2"})
    assert wrong.status_code == 400 and "A KPI has no expected range" in wrong.content.decode()
    ok = manager.post(url, {"operation": "link_indicator", "prefix": "link", "link-kind": "kpi", "link-code": "A1",
                            "link-trigger": "red", "link-quarters": "1"})
    assert ok.status_code == 302
    link = RiskIndicator.objects.get()
    assert (link.kpi.code, link.trigger, link.quarters) == ("A1", "red", 1)
    assert Revision.objects.filter(entity="risk_indicator", key=f"{first.risk_id} A1", field="trigger").exists()
    ok = manager.post(url, {"operation": "relate_risk", "prefix": "relate", "relate-kind": "related",
                            "relate-related_risk_id": second.risk_id})
    assert ok.status_code == 302
    page = client_for("reader").get(f"/risks/{second.risk_id}/").content.decode()
    assert f"Related to <a class=\"govuk-link\" href=\"/risks/{first.risk_id}/\">" in page
    # a risk owner may not link indicators
    assert client_for("riskowner").post(url, {"operation": "unlink_indicator", "prefix": f"unlink-{link.pk}",
                                              f"unlink-{link.pk}-kind": "kpi",
                                              f"unlink-{link.pk}-code": "A1"}).status_code == 403
    ok = manager.post(url, {"operation": "unlink_indicator", "prefix": f"unlink-{link.pk}",
                            f"unlink-{link.pk}-kind": "kpi", f"unlink-{link.pk}-code": "A1"})
    assert ok.status_code == 302 and not RiskIndicator.objects.exists()
    assert Revision.objects.filter(entity="risk_indicator", field="link", old_value="red 1", new_value="").exists()
