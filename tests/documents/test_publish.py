"""Publishing freezes an edition; diff lists what changed in the data since."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beacon.domain.periods import Quarter

PERIOD = "2022/23 Q2"
REASON = "The calls table is reproduced as printed; its 12-month column does not add up (spec 7, error 7)."


@pytest.fixture
def demo(demo_imported):
    from beacon.reports.report_settings import DEMO_REPORT_SETTINGS, seed_report_settings

    seed_report_settings(DEMO_REPORT_SETTINGS)
    return demo_imported


def test_publish_refuses_naming_each_failure(demo):
    from beacon.reports.models import PublishedReport

    with pytest.raises(CommandError) as exc:
        call_command("publish", period=PERIOD, user="tester", stdout=io.StringIO())
    message = str(exc.value)
    assert "cannot be published: 1 consistency check failed" in message
    assert "6.1.9 Supporting tables: totals and 12-month columns add up" in message
    assert "Registrations Yr to Sep 22 38 is not the sum of its four quarters (4 + 6 + 8 + 8 = 26)" in message
    assert "KSAS* Yr to Sep 22 13 is not the sum of its four quarters" in message
    assert not PublishedReport.objects.exists()
    with pytest.raises(CommandError, match="needs --reason"):
        call_command("publish", period=PERIOD, allow_failed_check=["6.1.9"], stdout=io.StringIO())
    with pytest.raises(CommandError, match="no such failed check"):
        call_command("publish", period=PERIOD, allow_failed_check=["6.1.9", "6.1.2"], reason=REASON, stdout=io.StringIO())
    assert not PublishedReport.objects.exists()


def test_publish_checks_the_printed_document(demo, monkeypatch):
    from dataclasses import replace

    from beacon.reports import publish as pub

    def broken(html):
        checks = pub_document_checks(html)
        assert [c.passed for c in checks] == [True, True]  # the real document passes
        checks[0] = replace(checks[0], passed=False,
                            failures=("Children, Young People and Education: KPI Summary row differs",))
        return checks

    from beacon.reports.documents.checks import document_checks as pub_document_checks

    monkeypatch.setattr("beacon.reports.documents.checks.document_checks", broken)
    with pytest.raises(pub.PublishError) as exc:
        pub.publish(Quarter.parse(PERIOD), "tester", {"6.1.9": REASON})
    assert exc.value.failures == [
        "6.1.1 Section KPI Summary rows equal the Executive Summary rows (as printed): "
        "Children, Young People and Education: KPI Summary row differs"
    ]


def test_publish_freezes_and_diff_lists_changes(demo, tmp_path):
    from beacon.performance.models import Observation
    from beacon.reports import documents
    from beacon.reports.models import PublishedReport

    out = io.StringIO()
    call_command("publish", period=PERIOD, user="tester", allow_failed_check=["6.1.9"], reason=REASON,
                 out=str(tmp_path / "published"), stdout=out)
    assert f"Published {PERIOD} by tester" in out.getvalue()
    row = PublishedReport.objects.get(period=PERIOD)
    assert row.published_by == "tester"
    assert row.overridden_checks[0]["id"] == "6.1.9" and row.overridden_checks[0]["reason"] == REASON
    assert row.rule_set["name"] == "2022"
    assert {c["id"]: c["passed"] for c in row.checks}["6.1.1"] is True
    assert {c["id"]: c["passed"] for c in row.checks}["6.1.6-printed"] is True
    assert row.context["settings"]["meeting_date"] == "5 January 2023"
    assert {f.format for f in row.files.all()} == {"json", "html", "pdf", "docx", "csv", "xlsx"}
    for f in row.files.all():
        content = bytes(f.content)
        assert hashlib.sha256(content).hexdigest() == f.sha256 and len(content) == f.size
        assert (tmp_path / "published" / f.name).read_bytes() == content
    html = bytes(row.files.get(format="html").content).decode()
    assert "Published edition: frozen on" in html and "Accepted exceptions to the consistency checks" in html
    assert "Draft, not published" not in html

    # a second publication of the same period is refused
    with pytest.raises(CommandError, match="already published"):
        call_command("publish", period=PERIOD, allow_failed_check=["6.1.9"], reason=REASON, stdout=io.StringIO())

    out = io.StringIO()
    call_command("diff", period=PERIOD, stdout=out)
    assert "The data is unchanged since publication." in out.getvalue()

    # later data revision: CS1 moves from 96% (Amber) to 98% (Green)
    Observation.objects.filter(kpi__code="CS1", period=PERIOD).update(value=98)
    out = io.StringIO()
    call_command("diff", period=PERIOD, stdout=out)
    text = out.getvalue()
    assert "observations CS1 2022/23 Q2: value: '96' -> '98'" in text
    assert "results CS1: value: 96 -> 98; rag: 'AMBER' -> 'GREEN'" in text
    assert "results TOTAL:" in text and "green: 17 -> 18" in text

    # the published edition renders the same figures forever
    frozen = documents.published_edition(PERIOD)
    assert frozen.model.totals.green == 17
    target = tmp_path / "again.html"
    call_command("report", period=PERIOD, format="html", out=str(target), stdout=io.StringIO())
    again = target.read_text(encoding="utf-8")
    assert "17 are rated Green" in again and "Current: 96%" in again
    assert hashlib.sha256(target.read_bytes()).hexdigest() == row.files.get(format="html").sha256  # the stored bytes
    live = tmp_path / "live.html"
    call_command("report", period=PERIOD, format="html", out=str(live), live=True, stdout=io.StringIO())
    assert "18 are rated Green" in live.read_text(encoding="utf-8")


def test_report_settings_file_is_checked(tmp_path, db):
    from beacon.reports.report_settings import SettingsError, parse

    with pytest.raises(SettingsError, match="unknown field"):
        parse({"period": PERIOD, "colour": "red"})
    with pytest.raises(SettingsError, match="period"):
        parse({"period": "spring"})
    assert parse([{"period": "2022-23-Q2", "to_text": "Cabinet"}]) == [{"period": PERIOD, "to_text": "Cabinet"}]
    Quarter.parse(PERIOD)


def test_narrative_override_command_is_kept_with_the_period(demo):
    from beacon.reports import documents
    from beacon.reports.models import NarrativeOverride

    out = io.StringIO()
    call_command("narrative", period=PERIOD, stdout=out)
    assert "cover.2.2.green: 17 are rated Green – the target was achieved or exceeded (four fewer than the previous Quarter), including 6 rated manually where no value is held." in out.getvalue()
    call_command("narrative", period=PERIOD, key="cover.2.2.green", text="Seventeen KPIs met target.", reason="house style",
                 user="editor", stdout=io.StringIO())
    row = NarrativeOverride.objects.get(period=PERIOD, key="cover.2.2.green")
    assert row.generated.startswith("17 are rated Green") and row.author == "editor" and row.reason == "house style"
    html = documents.qpr_html(documents.edition_inputs(Quarter.parse(PERIOD)))
    assert "Seventeen KPIs met target." in html and "17 are rated Green – the target" not in html
    with pytest.raises(CommandError, match="no generated sentence"):
        call_command("narrative", period=PERIOD, key="cover.9.9", text="x", stdout=io.StringIO())
    call_command("narrative", period=PERIOD, clear="cover.2.2.green", stdout=io.StringIO())
    assert not NarrativeOverride.objects.exists()


def test_year_end_edition_from_the_database(demo):
    """Q4 of the demo year: the year-end variant is chosen from the period, prior-year RAGs come
    from the same quarter last year, and the documents render even when nothing is rated yet."""
    from beacon.reports import documents

    from beacon.reports.qpr import model_json

    edition = documents.edition_inputs(Quarter.parse("2022/23 Q4"))
    model = model_json(edition.model)  # the year-end fields are in its JSON
    assert model["period"]["variant"] == "year_end"
    assert model["comparison"]["basis"] == "same_quarter_last_year"
    assert all("rag_prior_year" in k and k["prior_year_period"] == "2021/22 Q4" for k in model["kpis"])
    html = documents.qpr_html(edition)
    assert "3. Commentary" in html and "Q4 21/22" in html and "Q4 22/23" in html
    assert "Draft, not published" in html  # unrated KPIs fail the checks
