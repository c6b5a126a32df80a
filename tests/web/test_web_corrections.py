"""Corrected editions of a published report: the differences in plain words (a pure function
of two typed models, tested case by case), and the journey: publish, correct with a reason, both
editions readable, the first unchanged and marked superseded, the compare page in the same words."""

import pytest
from django.utils.html import escape

from beacon.domain.dot import Dot
from beacon.domain.periods import Quarter
from beacon.domain.qpr_editions import differences
from beacon.domain.qpr_model import Commentary, Counts, KpiEntry, QprModel, Source
from beacon.domain.rag import Rag
from beacon.performance import models as pm
from beacon.reports.models import PublishedFile, PublishedReport
from beacon.reports.publish import PublishError, publish
from beacon.web.services.reports import draft_checks

from web_fixtures import PERIOD, SLUG


# --- the wording (pure) ------------------------------------------------------------------------
def kpi(code="CS1", value=96.0, unit="percent", decimals=0, rag=Rag.GREEN, dot=Dot.IMPROVING, **kw) -> KpiEntry:
    return KpiEntry(code=code, name=kw.pop("name", "Calls answered"), short_name=kw.pop("short_name", "% answered"),
                    unit=unit, decimals=decimals, value=value, rag=rag, rag_source=Source.COMPUTED if rag else None,
                    dot=dot, dot_source=Source.COMPUTED if dot else None, **kw)


def model(*kpis, commentary=(), **totals) -> QprModel:
    return QprModel(kpis=tuple(kpis), commentary=tuple(commentary), totals=Counts(**totals))


def words(old, new) -> list[str]:
    return [d.sentence for d in differences(old, new)]


def test_the_same_edition_has_no_differences():
    assert words(model(kpi()), model(kpi())) == []


@pytest.mark.parametrize("old, new, expected", [
    (kpi(value=96.0), kpi(value=None), "CS1 value removed (was 96%)"),
    (kpi(value=None), kpi(value=94.0), "CS1 value added: 94%"),
    (kpi(value=96.0), kpi(value=94.0), "CS1 value changed to 94% (was 96%)"),
    (kpi(value=96.0), kpi(value=96.04), "CS1 value changed to 96.04% (was 96.00%)"),
    (kpi(value=12.0, unit="days"), kpi(value=9.5, unit="days", decimals=1), "CS1 value changed to 9.5 days (was 12 days)"),
    (kpi(value=23844.0, unit="number"), kpi(value=23900.0, unit="number"), "CS1 value changed to 23,900 (was 23,844)"),
    (kpi(value=384.0, unit="seconds"), kpi(value=390.0, unit="seconds"),
     "CS1 value changed to 6 minutes 30 seconds (was 6 minutes 24 seconds)"),
])
def test_values(old, new, expected):
    assert words(model(old), model(new)) == [expected]


@pytest.mark.parametrize("old, new, expected", [
    (kpi(rag=Rag.GREEN), kpi(rag=Rag.AMBER), "CS1 rating changed to Amber (was Green)"),
    (kpi(rag=None), kpi(rag=Rag.RED), "CS1 rating changed to Red (was not rated)"),
    (kpi(rag=Rag.RED), kpi(rag=None), "CS1 no longer rated (was Red)"),
    (kpi(dot=Dot.IMPROVING), kpi(dot=Dot.WORSENING), "CS1 direction of travel changed to worsening (was improving)"),
    (kpi(dot=Dot.STABLE), kpi(dot=Dot.NOT_AVAILABLE),
     "CS1 direction of travel changed to no direction of travel (was stable)"),
    (kpi(dot=None), kpi(dot=Dot.IMPROVING), "CS1 direction of travel changed to improving (was no direction of travel)"),
    (kpi(target=90.0), kpi(target=95.0), "CS1 target changed to 95% (was 90%)"),
    (kpi(target=None), kpi(target=95.0), "CS1 target added: 95%"),
    (kpi(floor=80.0), kpi(floor=None), "CS1 floor standard removed (was 80%)"),
    (kpi(floor=80.0), kpi(floor=85.0), "CS1 floor standard changed to 85% (was 80%)"),
])
def test_ratings_directions_targets_and_floors(old, new, expected):
    assert words(model(old), model(new)) == [expected]


def test_a_direction_too_few_values_to_report_is_no_direction_of_travel_in_both():
    from beacon.domain.qpr_model import DotEvidence

    thin = DotEvidence(flags=("insufficient data",))
    assert words(model(kpi(dot=Dot.STABLE, dot_evidence=thin)), model(kpi(dot=Dot.NOT_AVAILABLE))) == []


def test_kpis_added_and_removed():
    old = model(kpi("CS1"), kpi("CS2", value=12.0, unit="days", rag=Rag.RED, short_name="Days waited"))
    new = model(kpi("CS1"), kpi("CS3", value=None, rag=None, short_name="New measure"))
    assert words(old, new) == ["CS3 (New measure) added: no value, not rated",
                               "CS2 (Days waited) removed (was 12 days, Red)"]


def test_several_differences_of_one_kpi_in_a_fixed_order():
    assert words(model(kpi(value=96.0, rag=Rag.GREEN, dot=Dot.IMPROVING, target=95.0)),
                 model(kpi(value=None, rag=None, dot=Dot.NOT_AVAILABLE, target=90.0))) == [
        "CS1 value removed (was 96%)", "CS1 target changed to 90% (was 95%)", "CS1 no longer rated (was Green)",
        "CS1 direction of travel changed to no direction of travel (was improving)"]


def test_commentary():
    a = Commentary(directorate="CS", text="Calls rose.")
    b = Commentary(directorate="CS", kpi="CS1", topic="Calls", text="Answered well.")
    c = Commentary(directorate=None, text="Overall good.")
    d = Commentary(directorate="CS", sub_area="Contact", text="New.")
    old = model(kpi(), commentary=[a, b, c])
    new = model(kpi(), commentary=[Commentary(directorate="CS", text="Calls fell."), b, d])
    assert words(old, new) == ["Commentary on the report removed", "Commentary on CS Contact added",
                               "Commentary on directorate CS changed"]
    assert words(model(commentary=[b]), model()) == ["Commentary on KPI CS1 (Calls) removed"]


def test_counts():
    assert words(model(kpi(), green=3, amber=1, red=0), model(kpi(), green=2, amber=1, red=1)) == [
        "KPIs rated Green changed to 2 (was 3)", "KPIs rated Red changed to 1 (was 0)"]
    assert words(model(not_rated=0), model(not_rated=2)) == ["KPIs not rated changed to 2 (was 0)"]


def test_never_a_record_diff():
    text = " ".join(words(model(kpi(value=96.0)), model(kpi(value=None))))
    assert "->" not in text and "'" not in text and "observations" not in text


# --- the journey -------------------------------------------------------------------------------
def _allow(q):
    return {c.id: "accepted for the test" for c in draft_checks(q) if not c.passed}


def _change_a1(value):
    obs = pm.Observation.objects.get(kpi__code="A1", period=PERIOD)
    obs.value = value
    obs.save()


def test_publish_then_correct_with_a_reason_and_both_editions_stay_readable(client_for):
    lead, public = client_for("lead"), client_for(None)
    q = Quarter.parse(PERIOD)
    publish(q, "lead", _allow(q))
    first = PublishedReport.objects.get(period=PERIOD)
    first_files = {f.format: (f.sha256, bytes(f.content)) for f in first.files.all()}
    assert public.get(f"/reports/{SLUG}/correct/").status_code == 302  # signed in first
    assert client_for("reader").get(f"/reports/{SLUG}/correct/").status_code == 403
    assert "Publish a corrected edition" in lead.get(f"/reports/{SLUG}/").content.decode()
    assert "Publish a corrected edition" not in public.get(f"/reports/{SLUG}/").content.decode()

    # nothing to correct yet
    page = lead.get(f"/reports/{SLUG}/correct/").content.decode()
    assert "Nothing: the current data gives the same figures" in page

    _change_a1(85)  # A1: 75 (Red) was wrong; 85 is Amber
    page = lead.get(f"/reports/{SLUG}/correct/")
    body = page.content.decode()
    assert "A1 value changed to 85% (was 75%)" in body and "A1 rating changed to Amber (was Red)" in body
    shown = page.context["form"]["shown"].value()
    allow = {f"allow-{k}": v for k, v in _allow(q).items()}
    # the reason is required
    response = lead.post(f"/reports/{SLUG}/correct/", {"shown": shown, **allow})
    assert response.status_code == 400 and "Reason: give the reason for the corrected edition" in response.content.decode()
    assert PublishedReport.objects.count() == 1

    # the data changes again after the page was opened: refused, nothing published
    _change_a1(86)
    response = lead.post(f"/reports/{SLUG}/correct/", {"shown": shown, "reason": "A1 was typed wrongly", **allow})
    assert response.status_code == 400 and "changed since you opened the page" in response.content.decode()
    assert PublishedReport.objects.count() == 1
    _change_a1(85)

    response = lead.post(f"/reports/{SLUG}/correct/", {"shown": shown, "reason": "A1 was typed wrongly", **allow})
    # the corrected edition is published in the background: the lead is sent to the job's page
    assert response.status_code == 303 and response["Location"].startswith("/jobs/")
    assert PublishedReport.objects.count() == 1
    from beacon.core import jobs

    jobs.run_queued()
    job_page = lead.get(response["Location"]).content.decode()
    assert "The corrected edition of the QPR for Quarter 2, 2022/23 is published (edition 2)." in job_page
    assert f'href="/reports/{SLUG}/"' in job_page
    assert PublishedReport.objects.count() == 2
    second = PublishedReport.objects.get(period=PERIOD, edition=2)
    assert second.corrects == first and second.correction_reason == "A1 was typed wrongly"
    assert "A1 value changed to 85% (was 75%)" in second.differences
    # the first edition is unchanged, its files too
    first.refresh_from_db()
    assert {f.format: (f.sha256, bytes(f.content)) for f in first.files.all()} == first_files
    assert first.frozen_model.kpi("A1").value == 75

    # the current edition says it is a correction, with its reason and differences
    page = public.get(f"/reports/{SLUG}/").content.decode()
    assert "This is a corrected edition" in page and "A1 was typed wrongly" in page
    assert "A1 value changed to 85% (was 75%)" in page and "A1 rating changed to Amber (was Red)" in page
    assert f'href="/reports/{SLUG}/editions/1/"' in page
    csv_now = public.get(f"/reports/{SLUG}/qpr.csv").content.decode()
    assert ",85," in csv_now
    # the first edition is still reachable, marked superseded, with its own files
    old_page = public.get(f"/reports/{SLUG}/editions/1/").content.decode()
    assert "superseded by the corrected edition of" in old_page
    assert f'href="/reports/{SLUG}/editions/1/qpr.csv"' in old_page
    old_csv = public.get(f"/reports/{SLUG}/editions/1/qpr.csv")
    assert old_csv.content == first_files["csv"][1] and ",75," in old_csv.content.decode()
    assert public.get(f"/reports/{SLUG}/editions/1/qpr.pdf").content == first_files["pdf"][1]
    assert public.get(f"/reports/{SLUG}/editions/2/").status_code == 302  # the current edition's own page
    assert public.get(f"/reports/{SLUG}/editions/3/").status_code == 404
    assert PublishedFile.objects.filter(report=second, format="pdf").get().name == "qpr-2022-23-Q2-edition-2.pdf"
    # the corrected edition's own documents say so on their cover, with the reason and differences
    stored_html = bytes(PublishedFile.objects.get(report=second, format="html").content).decode()
    assert "Corrected edition 2" in stored_html and "Reason: A1 was typed wrongly" in stored_html
    assert "<li>A1 value changed to 85% (was 75%)</li>" in stored_html
    assert "Corrected edition" not in bytes(PublishedFile.objects.get(report=first, format="html").content).decode()
    # the list shows the quarter once, as corrected
    listing = public.get("/reports/").content.decode()
    assert listing.count(f'href="/reports/{SLUG}/"') == 1 and "corrected edition" in listing
    # the compare page compares the two editions in the same words
    compare = public.get(f"/reports/compare/?a={SLUG}.1&b={SLUG}").content.decode()
    assert "A1 value changed to 85% (was 75%)" in compare and "edition 1 (superseded)" in compare


def test_publishing_rules_for_corrections(data):
    q = Quarter.parse(PERIOD)
    with pytest.raises(PublishError, match="not published"):
        publish(q, "lead", _allow(q), correction="why")
    publish(q, "lead", _allow(q))
    with pytest.raises(PublishError, match="already published"):
        publish(q, "lead", _allow(q))
    with pytest.raises(PublishError, match="nothing to correct"):
        publish(q, "lead", _allow(q), correction="why")
    _change_a1(85)
    with pytest.raises(PublishError, match="give the reason"):
        publish(q, "lead", _allow(q), correction="  ")
    result = publish(q, "lead", _allow(q), correction="A1 corrected")
    assert result.edition == 2 and "A1 value changed to 85% (was 75%)" in result.differences
    _change_a1(88)
    assert publish(q, "lead", _allow(q), correction="again").edition == 3
    assert PublishedReport.objects.get(edition=3).corrects.edition == 2


def test_changes_since_publication_are_in_plain_words(client_for):
    q = Quarter.parse(PERIOD)
    publish(q, "lead", _allow(q))
    _change_a1(85)
    page = client_for("reader").get(f"/reports/{SLUG}/").content.decode()
    assert "Value of A1 2022/23 Q2: value changed from 75 to 85" in page
    assert "A1 value changed to 85% (was 75%)" in page and "A1 rating changed to Amber (was Red)" in page
    assert "-&gt;" not in page and "->" not in page


def test_the_correction_page_says_why_a_check_fails_before_asking_to_accept_it(client_for):
    q = Quarter.parse(PERIOD)
    publish(q, "lead", _allow(q))
    from beacon.core import clock
    from beacon.core.audit import Change
    from beacon.performance import services as performance

    a1 = pm.Kpi.objects.get(code="A1")  # its value removed, with history: A1 is now not rated
    performance.record_observations([performance.ObservationEntry(a1, q, None, "")],
                                    Change(by="lead", at=clock.now(), reason="withdrawn", source="test"))
    page = client_for("lead").get(f"/reports/{SLUG}/correct/")
    failing = [c for c in page.context["checks"] if not c.passed]
    assert failing and all(c.failures for c in failing)
    body = page.content.decode()
    for c in failing:
        assert f"<li>{escape(c.failures[0])}</li>" in body
