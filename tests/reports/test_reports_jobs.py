"""The reports area's background jobs (beacon/reports/jobs.py): publishing and dispatching report
their real steps, are recorded as jobs (the CLI's too), leave nothing when they fail part way,
and never publish or dispatch twice when run again after their worker stopped."""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from beacon.core import clock, jobs
from beacon.domain.jobs import JobStatus
from beacon.reports.jobs import DISPATCH_PACK, PUBLISH_QPR, RENDER_PACK

for folder in ("web", "governance"):  # the small data sets of those tests
    path = str(Path(__file__).resolve().parents[1] / folder)
    if path not in sys.path:
        sys.path.append(path)

PERIOD = "2022/23 Q2"


@pytest.fixture
def data(db, clock):
    from web_fixtures import make_data

    clock.set("2026-11-20", tick=True)
    return make_data()


def _allow() -> dict:
    from beacon.domain.periods import Quarter
    from beacon.web.services.reports import draft_checks

    return {c.id: "accepted for the test" for c in draft_checks(Quarter.parse(PERIOD)) if not c.passed}


def _worker_stopped_after_commit(job_id: str) -> None:
    """As if the worker was killed after the work committed, before it could mark the job done:
    the job is running with a heartbeat long stopped; recovery queues it again."""
    from beacon.core.models import Job

    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, result_message="", result_url="", finished_at=None,
                                         heartbeat_at=clock.now() - dt.timedelta(hours=1),
                                         worker="a-machine-that-stopped:999999")
    assert jobs.recover_stalled() == [job_id]


def test_publishing_reports_its_steps_and_is_recorded(data):
    from beacon.reports.models import PublishedReport

    seen = []
    result = jobs.run_inline(PUBLISH_QPR, by="lead", on_progress=seen.append, period=PERIOD, user="lead",
                             allow=_allow())
    assert result.message == "The QPR for Quarter 2, 2022/23 is published." and result.url == "/reports/2022-23-Q2/"
    steps = [v.step for v in seen if v.status is JobStatus.RUNNING]
    for step in ("Computing the figures", "Checking the figures and the document as printed",
                 "Rendering the PDF file", "Rendering the Word file", "Freezing the edition"):
        assert step in steps
    assert steps.index("Computing the figures") < steps.index("Rendering the PDF file") < steps.index("Freezing the edition")
    (view,) = jobs.recent(kind=PUBLISH_QPR)
    assert view.status is JobStatus.DONE and view.created_by == "lead" and view.done == view.total
    row = PublishedReport.objects.get(period=PERIOD)
    assert row.context["job"] == view.id and row.published_by == "lead"


def test_a_publication_run_again_after_its_worker_stopped_is_not_published_twice(data):
    from beacon.reports.models import PublishedReport

    started = jobs.start(PUBLISH_QPR, by="lead", period=PERIOD, user="lead", allow=_allow())
    jobs.run_queued()
    first = jobs.get(started.id)
    assert first.status is JobStatus.DONE
    _worker_stopped_after_commit(started.id)
    jobs.run_queued()
    again = jobs.get(started.id)
    assert again.status is JobStatus.DONE and again.attempts == 2 and again.result == first.result
    assert PublishedReport.objects.count() == 1


def test_a_publication_that_fails_part_way_leaves_nothing(data):
    from beacon.reports.formats import QPR
    from beacon.reports.models import PublishedFile, PublishedReport

    @QPR.register("boom", label="A format that breaks", content_type="text/plain")
    def _boom(edition, **options) -> bytes:
        raise RuntimeError("the renderer broke")

    try:
        started = jobs.start(PUBLISH_QPR, by="lead", period=PERIOD, user="lead", allow=_allow())
        jobs.run_queued()
    finally:
        QPR.unregister("boom")
    failed = jobs.get(started.id)
    assert failed.status is JobStatus.FAILED and failed.error == jobs.GENERIC_ERROR  # a bug: logged, not shown
    assert failed.step == "Rendering the BOOM file"
    assert not PublishedReport.objects.exists() and not PublishedFile.objects.exists()


def test_beacon_publish_runs_as_a_job_with_a_progress_bar(data):
    out, err = io.StringIO(), io.StringIO()
    allow = _allow()
    call_command("publish", period=PERIOD, user="tester", allow_failed_check=list(allow), reason="accepted",
                 stdout=out, stderr=err)
    assert out.getvalue().startswith(f"Published {PERIOD} by tester at ")
    assert "qpr-2022-23-Q2.pdf" in out.getvalue()
    assert "Rendering the PDF file" in err.getvalue() and "] " in err.getvalue()  # one line per step (not a terminal)
    (view,) = jobs.recent(kind=PUBLISH_QPR)
    assert view.created_by == "tester" and view.status is JobStatus.DONE


def test_dispatching_a_pack_is_a_job_run_once(db, clock):
    from gov_pack_support import MEETING, make_cabinet

    from beacon.governance import models as gm

    clock.set("2022-12-20", tick=True)
    make_cabinet(exempt=False)
    started = jobs.start(DISPATCH_PACK, by="emily", meeting=MEETING, user="emily")
    assert not gm.Pack.objects.exists()
    seen = []
    original = jobs.Progress.step

    def spy(self, message, advance=1):
        seen.append(message)
        return original(self, message, advance)

    jobs.Progress.step = spy
    try:
        jobs.run_queued()
    finally:
        jobs.Progress.step = original
    done = jobs.get(started.id)
    assert done.status is JobStatus.DONE, done.error
    (pack,) = gm.Pack.objects.filter(meeting__key=MEETING)
    assert done.result.message == f"The pack was dispatched: public pack ({pack.page_count} pages)."
    assert done.result.url == f"/meetings/{MEETING}/manage/pack/"
    assert done.done == done.total
    assert seen[0] == "Checking the pack" and seen[-1] == "Storing the pack"
    assert "Rendering item 5, Budget consultation (public pack)" in seen
    assert "Joining the pages into one PDF (public pack)" in seen
    _worker_stopped_after_commit(started.id)
    jobs.run_queued()
    assert jobs.get(started.id).status is JobStatus.DONE
    assert list(gm.Pack.objects.filter(meeting__key=MEETING)) == [pack]  # not dispatched twice


def test_a_refused_dispatch_fails_with_each_problem(db, clock):
    from gov_pack_support import MEETING, make_cabinet

    clock.set("2022-12-20", tick=True)
    make_cabinet(exempt=False, upload=False)
    started = jobs.start(DISPATCH_PACK, by="emily", meeting=MEETING, user="emily")
    jobs.run_queued()
    failed = jobs.get(started.id)
    assert failed.status is JobStatus.FAILED
    head, *lines = failed.error.splitlines()
    assert head == "The pack was not dispatched: 1 problem to put right."
    assert len(lines) == 1 and lines[0].startswith("item 5 (Budget consultation): paper CABINET-2023-01-05-05 has no pages")


def test_writing_a_pack_is_a_job(db, clock, tmp_path):
    from gov_pack_support import MEETING, make_cabinet

    clock.set("2022-12-20", tick=True)
    make_cabinet(exempt=False)
    target = tmp_path / "pack.html"
    result = jobs.run_inline(RENDER_PACK, by="emily", meeting=MEETING, out=str(target), audience="public",
                             format="html")
    assert result.message.startswith(f"Wrote the public pack of {MEETING}") and target.read_text().startswith("<!")
    (view,) = jobs.recent(kind=RENDER_PACK)
    assert view.done == view.total == 2 + 3 + 1  # two papers, the agenda, the PDF, the web page, the file


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_progress_is_written_outside_the_publications_transaction(clock):
    """A worker publishes in one transaction; each step is written through a connection of its
    own, so people see it while the transaction is still open (and it never holds the job's row)."""
    from django.db import connection

    from web_fixtures import make_data

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer: the steps are written with the publication's transaction")
    clock.set("2026-11-20", tick=True)
    make_data()
    writes = []
    original = jobs.Progress.flush

    def spy(self):
        writes.append((self.message, connection.in_atomic_block))  # this thread's connection
        return original(self)

    jobs.Progress.flush = spy
    try:
        started = jobs.start(PUBLISH_QPR, by="lead", period=PERIOD, user="lead", allow=_allow())
        jobs.run_queued()
    finally:
        jobs.Progress.flush = original
    assert jobs.get(started.id).status is JobStatus.DONE
    assert writes and not any(in_transaction for _, in_transaction in writes)
    assert any(message == "Freezing the edition" for message, _ in writes)
