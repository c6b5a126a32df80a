"""Background jobs (beacon/core/jobs.py): starting, claiming, finishing, failing, idempotency keys,
stalled-job recovery and progress throttling, all driven by Beacon's clock (no sleeping)."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging

import pytest
import test_jobs_kinds as kinds
from django.core.management import call_command
from django.db import transaction
from django_tasks.backends.database.models import DBTaskResult
from django_tasks.task import ResultStatus

from beacon.core import jobs
from beacon.core.models import Job
from beacon.core.progress import ProgressBar, bar_text
from beacon.domain.jobs import JobResult, JobStatus, percent, progress_text

pytestmark = pytest.mark.django_db

T0 = "2024-03-01T10:00:00+00:00"


@pytest.fixture(autouse=True)
def _fresh_calls():
    kinds.CALLS.clear()
    yield
    kinds.CALLS.clear()


def at(seconds: float) -> dt.datetime:
    return dt.datetime.fromisoformat(T0) + dt.timedelta(seconds=seconds)


def entries():
    return list(DBTaskResult.objects.filter(task_path=jobs.run_job.module_path).order_by("enqueued_at"))


def running_row(clock, *, heartbeat=0.0, attempts=1, kind="test-steps", kwargs=None) -> Job:
    """A job a worker claimed at ``T0 + heartbeat`` seconds (as if its worker then died)."""
    clock.set(at(heartbeat))
    return Job.objects.create(kind=kind, title="t", kwargs=kwargs or {"n": 2}, status="running", created_by="alice",
                              created_at=at(0), started_at=at(0), heartbeat_at=at(heartbeat), attempts=attempts)


# --- the words -------------------------------------------------------------------------------
def test_statuses_have_labels_and_know_when_they_are_finished():
    assert [s.label for s in JobStatus] == ["Waiting to start", "Running", "Done", "Failed"]
    assert [s.finished for s in JobStatus] == [False, False, True, True]
    assert JobStatus.unfinished() == (JobStatus.QUEUED, JobStatus.RUNNING)
    assert tuple(Job.UNFINISHED) == tuple(s.value for s in JobStatus.unfinished())


def test_percent_and_progress_text():
    assert percent(0, None) is None and percent(3, 0) is None
    assert percent(1, 3) == 33 and percent(3, 3) == 100 and percent(5, 3) == 100
    assert progress_text(3, 7, "Rendering the PDF") == "3 of 7 steps: Rendering the PDF"
    assert progress_text(1, 1, "") == "1 of 1 step"
    assert progress_text(2, None, "Reading") == "2 steps done: Reading"


# --- starting --------------------------------------------------------------------------------
def test_start_queues_a_job_and_one_queue_entry(clock):
    clock.set(T0)
    view = jobs.start("test-steps", by="alice", n=3)
    assert view.status is JobStatus.QUEUED and view.title == "Count to 3" and view.created_by == "alice"
    assert view.created_at == at(0) and view.done == 0 and view.total is None and view.percent is None
    assert view.result is None and view.attempts == 0
    [entry] = entries()
    assert entry.status == ResultStatus.READY and entry.args_kwargs == {"args": [view.id], "kwargs": {}}
    assert jobs.get(view.id) == view
    assert kinds.CALLS == []  # nothing ran yet


def test_start_refuses_unknown_kinds_and_arguments_that_are_not_json():
    with pytest.raises(jobs.UnknownJobKind, match="no job kind 'nope'"):
        jobs.start("nope", by="alice")
    with pytest.raises(TypeError, match="JSON"):
        jobs.start("test-steps", by="alice", n=dt.date(2024, 1, 1))
    assert not Job.objects.exists() and entries() == []


def test_a_job_started_in_a_transaction_that_rolls_back_never_existed():
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            jobs.start("test-steps", by="alice", n=1)
            raise RuntimeError("the page failed after starting the job")
    assert not Job.objects.exists() and entries() == []


def test_the_registry_knows_titles_and_permissions():
    found = jobs.spec("test-steps")
    assert found.permission == "reports.publish" and found.title_for({"n": 4}) == "Count to 4"
    assert found.title_for({}) == "Count to {n}"  # a title whose argument is missing is left as written
    assert "test-steps" in [s.kind for s in jobs.kinds()]
    with pytest.raises(ValueError, match="already registered"):
        jobs.job("test-steps", "Other")(lambda progress: None)


def test_get_of_an_unknown_job_raises_job_not_found():
    with pytest.raises(jobs.JobNotFound):
        jobs.get("2b1f0a52-2a8c-4c62-9b43-1a0c1f0c0d11")
    with pytest.raises(jobs.JobNotFound):
        jobs.get("not-a-uuid")


# --- idempotency keys ------------------------------------------------------------------------
def test_a_key_returns_the_unfinished_job_instead_of_starting_another(clock):
    clock.set(T0)
    first = jobs.start("test-steps", by="alice", key="publish 2023-Q2", n=2)
    again = jobs.start("test-steps", by="bob", key="publish 2023-Q2", n=5)
    other = jobs.start("test-steps", by="bob", key="publish 2023-Q3", n=5)
    unkeyed = [jobs.start("test-steps", by="bob", n=1) for _ in range(2)]
    assert again.id == first.id and again.created_by == "alice"
    assert other.id != first.id and unkeyed[0].id != unkeyed[1].id
    assert Job.objects.count() == 4 and len(entries()) == 4

    # while it runs the key still holds; once it is finished, the key starts a new job
    Job.objects.filter(pk=first.id).update(status="running")
    assert jobs.start("test-steps", by="bob", key="publish 2023-Q2", n=5).id == first.id
    Job.objects.filter(pk=first.id).update(status="done")
    fresh = jobs.start("test-steps", by="bob", key="publish 2023-Q2", n=5)
    assert fresh.id != first.id and fresh.status is JobStatus.QUEUED


def test_the_database_refuses_two_unfinished_jobs_with_one_key():
    from django.db import IntegrityError

    Job.objects.create(kind="test-steps", title="a", key="k", status="running", created_by="a")
    Job.objects.create(kind="test-steps", title="b", key="k", status="done", created_by="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind="test-steps", title="c", key="k", status="queued", created_by="a")


# --- running and finishing -------------------------------------------------------------------
def test_run_queued_runs_the_job_to_done_with_its_result(clock):
    clock.set(T0)
    view = jobs.start("test-steps", by="alice", n=3)
    clock.set(at(5))
    assert jobs.run_queued() == 1
    done = jobs.get(view.id)
    assert done.status is JobStatus.DONE and done.finished
    assert done.result == JobResult("counted to 3", "/counted/3/")
    assert (done.done, done.total, done.percent, done.step) == (3, 3, 100, "Counting 3")
    assert done.finished_at == at(5) and done.attempts == 1 and done.error == ""
    assert [e.status for e in entries()] == [ResultStatus.SUCCEEDED]
    assert entries()[0].return_value == "done"
    assert jobs.run_queued() == 0  # nothing waits


def test_run_queued_honours_its_limit_and_runs_oldest_first(clock):
    clock.set(T0)
    ids = [jobs.start("test-steps", by="alice", n=n).id for n in (1, 2, 3)]
    assert jobs.run_queued(limit=2) == 2
    assert [jobs.get(i).status for i in ids] == [JobStatus.DONE, JobStatus.DONE, JobStatus.QUEUED]
    assert [c["n"] for c in kinds.CALLS] == [1, 2]


def test_running_a_finished_job_again_does_nothing(clock):
    clock.set(T0)
    view = jobs.start("test-steps", by="alice", n=2)
    jobs.run_queued()
    finished = jobs.get(view.id)
    assert jobs.run_job.call(view.id) == "skipped"
    assert jobs.get(view.id) == finished and len(kinds.CALLS) == 1

    failed = jobs.start("test-steps", by="alice", n=1, fail="no")
    jobs.run_queued()
    assert jobs.run_job.call(failed.id) == "skipped" and len(kinds.CALLS) == 2


def test_a_job_running_with_a_live_heartbeat_cannot_be_claimed(clock, settings):
    settings.BEACON_JOB_STALL_SECONDS = 120
    row = running_row(clock, heartbeat=0)
    clock.set(at(119))
    assert jobs._claim(row.pk, "other") is None
    assert jobs.run_job.call(str(row.pk)) == "skipped" and kinds.CALLS == []


def test_a_job_running_with_a_stale_heartbeat_is_claimed_and_run_again(clock, settings):
    settings.BEACON_JOB_STALL_SECONDS = 120
    row = running_row(clock, heartbeat=0)
    clock.set(at(121))
    assert jobs.run_job.call(str(row.pk)) == "done"
    view = jobs.get(row.pk)
    assert view.status is JobStatus.DONE and view.attempts == 2 and len(kinds.CALLS) == 1


def test_a_claim_counts_an_attempt_and_names_the_worker(clock):
    clock.set(T0)
    view = jobs.start("test-steps", by="alice", n=1)
    claimed = jobs._claim(view.id, "host:123")
    assert (claimed.status, claimed.attempts, claimed.worker, claimed.heartbeat_at) == ("running", 1, "host:123", at(0))
    assert jobs._claim(view.id, "host:456") is None  # the first claim holds


def test_a_run_that_lost_its_job_writes_nothing_more(clock, settings):
    """A worker presumed dead comes back after another took its job over: its progress and its
    result are refused (the attempt number is its fencing token)."""
    settings.BEACON_JOB_STALL_SECONDS = 120
    row = running_row(clock, heartbeat=0, attempts=1)
    old = jobs.Progress(row.pk, attempt=1)
    clock.set(at(200))
    jobs._claim(row.pk, "new worker")
    with pytest.raises(jobs.JobLost):
        old.step("still here")
    assert not jobs._finish(row.pk, 1, old, result=JobResult("twice"))
    fresh = Job.objects.get(pk=row.pk)
    assert (fresh.status, fresh.attempts, fresh.step, fresh.result_message) == ("running", 2, "", "")


# --- failing ---------------------------------------------------------------------------------
def test_a_beacon_error_fails_the_job_with_its_message_and_lines(clock):
    clock.set(T0)
    view = jobs.start("test-steps", by="alice", n=2, fail="Q2 cannot be published")
    jobs.run_queued()
    failed = jobs.get(view.id)
    assert failed.status is JobStatus.FAILED and failed.result is None and failed.finished_at == at(0)
    assert failed.error == "Q2 cannot be published\nfirst reason\nsecond reason"
    assert (failed.done, failed.total) == (2, 2)  # how far it got
    # the queue entry ran to its end: the job's failure is the Job's, not the queue's
    assert [e.status for e in entries()] == [ResultStatus.SUCCEEDED]


def test_an_unexpected_error_fails_the_job_with_a_plain_message_and_is_logged(clock, caplog):
    clock.set(T0)
    view = jobs.start("test-steps", by="alice", n=1, bug=True)
    with caplog.at_level(logging.ERROR, logger="beacon.jobs"):
        jobs.run_queued()
    failed = jobs.get(view.id)
    assert failed.status is JobStatus.FAILED and failed.error == jobs.GENERIC_ERROR
    assert "division by zero" not in failed.error
    assert any("ZeroDivisionError" in (r.exc_text or "") for r in caplog.records)


def test_a_job_of_a_kind_no_longer_registered_fails_saying_so(clock):
    row = Job.objects.create(kind="gone-kind", title="old", status="queued", created_by="a", created_at=at(0))
    jobs._enqueue(row.pk)
    jobs.run_queued()
    assert "no job kind 'gone-kind'" in jobs.get(row.pk).error


# --- inline (the CLI) ------------------------------------------------------------------------
def test_run_inline_runs_now_records_the_job_and_reports_progress(clock):
    clock.set(T0)
    seen = []
    result = jobs.run_inline("test-steps", by="carol", on_progress=seen.append, n=3)
    assert result == JobResult("counted to 3", "/counted/3/")
    [row] = Job.objects.all()
    assert (row.status, row.created_by, row.attempts, row.done, row.total) == ("done", "carol", 1, 3, 3)
    assert entries() == []  # never queued
    assert [(v.status, v.done) for v in seen] == [
        (JobStatus.RUNNING, 0), (JobStatus.RUNNING, 1), (JobStatus.RUNNING, 2), (JobStatus.RUNNING, 3),
        (JobStatus.DONE, 3)]
    assert seen[2].step == "Counting 2" and seen[-1].result.message == "counted to 3"


def test_run_inline_raises_job_failed_with_the_error():
    with pytest.raises(jobs.JobFailed) as failed:
        jobs.run_inline("test-steps", by="carol", n=1, fail="not today")
    assert str(failed.value) == "not today\nfirst reason\nsecond reason"
    assert failed.value.view.status is JobStatus.FAILED
    assert Job.objects.get().status == "failed"


# --- stalled jobs ----------------------------------------------------------------------------
def test_recover_stalled_requeues_only_jobs_whose_heartbeat_is_older_than_the_stall_time(clock, settings):
    settings.BEACON_JOB_STALL_SECONDS = 120
    stalled = running_row(clock, heartbeat=0)
    alive = running_row(clock, heartbeat=100)
    queued = Job.objects.create(kind="test-steps", title="q", status="queued", created_by="a", created_at=at(0))
    assert jobs.recover_stalled(now=at(119)) == []
    clock.set(at(121))
    assert jobs.recover_stalled() == [str(stalled.pk)]
    assert Job.objects.get(pk=stalled.pk).status == "queued"
    assert Job.objects.get(pk=alive.pk).status == "running" and Job.objects.get(pk=queued.pk).status == "queued"
    assert [e.args_kwargs["args"] for e in entries()] == [[str(stalled.pk)]]
    assert jobs.recover_stalled() == []  # once

    assert jobs.run_queued() == 1
    done = jobs.get(stalled.pk)
    assert done.status is JobStatus.DONE and done.attempts == 2 and len(kinds.CALLS) == 1


def test_recover_stalled_closes_the_lost_runs_queue_entry(clock, settings):
    settings.BEACON_JOB_STALL_SECONDS = 120
    clock.set(T0)
    view = jobs.start("test-steps", by="alice", n=1)
    entry = jobs._next_task("dead worker")  # claimed by a worker that then died mid-job
    jobs._claim(view.id, "dead worker")
    assert jobs.recover_stalled(now=at(121)) == [view.id]
    entry.refresh_from_db()
    assert entry.status == ResultStatus.FAILED and "JobLost" in entry.exception_class_path
    assert jobs.run_queued() == 1 and jobs.get(view.id).status is JobStatus.DONE


def test_a_job_whose_worker_keeps_dying_fails_after_the_maximum_attempts(clock, settings):
    settings.BEACON_JOB_STALL_SECONDS = 120
    settings.BEACON_JOB_MAX_ATTEMPTS = 3
    row = running_row(clock, heartbeat=0, attempts=3)
    assert jobs.recover_stalled(now=at(121)) == []
    failed = jobs.get(row.pk)
    assert failed.status is JobStatus.FAILED and "stopped 3 times" in failed.error and entries() == []


def test_the_stall_time_is_a_setting(clock, settings):
    settings.BEACON_JOB_STALL_SECONDS = 10
    row = running_row(clock, heartbeat=0)
    assert jobs.recover_stalled(now=at(11)) == [str(row.pk)]


# --- progress --------------------------------------------------------------------------------
class Timer:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_progress_writes_at_most_twice_a_second_and_the_last_state_at_the_end(clock):
    row = running_row(clock, heartbeat=0)
    timer = Timer()
    progress = jobs.Progress(row.pk, attempt=1, monotonic=timer)
    progress.total(100)  # the first change is written at once
    assert progress.writes == 1 and Job.objects.get(pk=row.pk).total == 100
    for i in range(20):  # 20 steps in 0.19 s: none written
        timer.t += 0.01
        progress.step(f"step {i + 1}")
    assert progress.writes == 1 and Job.objects.get(pk=row.pk).done == 0
    timer.t += 0.31  # half a second after the last write
    clock.set(at(30))
    progress.step("step 21")
    fresh = Job.objects.get(pk=row.pk)
    assert progress.writes == 2 and (fresh.done, fresh.step, fresh.heartbeat_at) == (21, "step 21", at(30))
    for i in range(10):  # four seconds of steps every 0.4 s: one write each 0.5 s at most
        timer.t += 0.4
        progress.step(f"late {i}")
    assert progress.writes == 2 + 5 and Job.objects.get(pk=row.pk).done == 31  # the 10th fell on a write
    timer.t += 0.1
    progress.step("last")  # too soon after the last write: kept ...
    assert progress.writes == 7 and Job.objects.get(pk=row.pk).done == 31
    progress.flush()  # ... until the end writes it
    assert Job.objects.get(pk=row.pk).done == 32 and progress.writes == 8
    progress.flush()  # nothing new: nothing written
    assert progress.writes == 8


def test_progress_never_counts_past_its_total(clock):
    row = running_row(clock, heartbeat=0)
    progress = jobs.Progress(row.pk, attempt=1)
    progress.total(2)
    progress.step("a", advance=5)
    progress.flush()
    assert (progress.done, Job.objects.get(pk=row.pk).done) == (2, 2)


def test_a_job_view_gives_its_percent_and_text(clock):
    row = running_row(clock, heartbeat=0)
    Job.objects.filter(pk=row.pk).update(done=3, total=7, step="Rendering the PDF")
    view = jobs.get(row.pk)
    assert view.percent == 42 and view.progress_text == "3 of 7 steps: Rendering the PDF"


# --- the commands ----------------------------------------------------------------------------
def test_beacon_worker_once_runs_what_waits_and_exits(clock):
    clock.set(T0)
    ids = [jobs.start("test-steps", by="alice", n=n).id for n in (1, 2)]
    out = io.StringIO()
    call_command("worker", once=True, stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip() == "ran 2 jobs"
    assert {jobs.get(i).status for i in ids} == {JobStatus.DONE}


def test_beacon_worker_once_also_recovers_stalled_jobs(clock, settings):
    settings.BEACON_JOB_STALL_SECONDS = 120
    row = running_row(clock, heartbeat=0)
    clock.set(at(121))
    call_command("worker", once=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert jobs.get(row.pk).status is JobStatus.DONE


def test_beacon_jobs_lists_the_latest_jobs_as_text_and_json(clock):
    clock.set(T0)
    done = jobs.start("test-steps", by="alice", n=2)
    jobs.run_queued()
    clock.set(at(60))
    failed = jobs.start("test-steps", by="bob", n=1, fail="Refused")
    jobs.run_queued()
    clock.set(at(120))
    waiting = jobs.start("test-steps", by="carol", n=4)

    out = io.StringIO()
    call_command("jobs", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("2024-03-01 10:02") and waiting.id in lines[0] and "Waiting to start" in lines[0]
    assert lines[1].strip() == "waiting for a worker"
    assert failed.id in lines[2] and "Failed" in lines[2] and "(by bob)" in lines[2]
    assert lines[3].strip() == "Refused; first reason; second reason"
    assert done.id in lines[4] and lines[5].strip() == "counted to 2 /counted/2/"

    out = io.StringIO()
    call_command("jobs", format="json", status="done", stdout=out)
    [item] = json.loads(out.getvalue())
    assert item["id"] == done.id and item["status"] == "done" and item["percent"] == 100
    assert item["result"] == {"message": "counted to 2", "url": "/counted/2/"} and item["attempts"] == 1

    out = io.StringIO()
    call_command("jobs", limit=1, format="json", stdout=out)
    assert [i["id"] for i in json.loads(out.getvalue())] == [waiting.id]


def test_beacon_jobs_recover_requeues_stalled_jobs(clock, settings):
    settings.BEACON_JOB_STALL_SECONDS = 120
    row = running_row(clock, heartbeat=0)
    clock.set(at(121))
    out = io.StringIO()
    call_command("jobs", recover=True, stdout=out)
    assert out.getvalue().splitlines()[0] == f"queued again: 1 stalled job ({row.pk})"
    assert jobs.get(row.pk).status is JobStatus.QUEUED


# --- the CLI progress bar --------------------------------------------------------------------
def test_bar_text():
    assert bar_text(5, 10, "Rendering the PDF", width=10) == "[#####.....] 5/10 Rendering the PDF"
    assert bar_text(0, 3, "", width=3) == "[...] 0/3"
    assert bar_text(12, 10, "x", width=10) == "[##########] 10/10 x"
    assert bar_text(4, None, "Reading", width=3) == "[???] 4 Reading"


def test_progress_bar_prints_one_line_per_step_off_a_terminal():
    out = io.StringIO()
    jobs.run_inline("test-steps", by="carol", on_progress=ProgressBar(out, width=4).update, n=2)
    assert out.getvalue().splitlines() == [
        "[....] 0/2", "[##..] 1/2 Counting 1", "[####] 2/2 Counting 2", "[####] 2/2 counted to 2"]


def test_progress_bar_redraws_one_line_on_a_terminal():
    out = io.StringIO()
    bar = ProgressBar(out, tty=True, width=4)
    bar.show(1, 2, "A long step name")
    bar.show(2, 2, "B")
    bar.show(2, 2, "Done", finished=True)
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    frames = text.rstrip("\n").split("\r")[1:]
    assert frames[0] == "[##..] 1/2 A long step name"
    assert frames[1].startswith("[####] 2/2 B") and len(frames[1]) == len(frames[0])  # the old text is wiped
    assert frames[2].rstrip() == "[####] 2/2 Done"


def test_progress_bar_shows_a_failure():
    out = io.StringIO()
    with pytest.raises(jobs.JobFailed):
        jobs.run_inline("test-steps", by="carol", on_progress=ProgressBar(out, width=2).update, n=1, fail="x")
    assert out.getvalue().splitlines()[-1] == "[##] 1/1 Failed"


def test_progress_bar_takes_progress_itself_as_an_importer_does():
    out = io.StringIO()
    bar = ProgressBar(out, width=4)
    bar.total(4)
    bar.step("Reading", advance=0)
    bar.step("Checking")
    bar.step("Loading", advance=2)
    bar.finish("Imported")
    assert out.getvalue().splitlines() == [
        "[....] 0/4", "[....] 0/4 Reading", "[#...] 1/4 Checking", "[###.] 3/4 Loading", "[####] 4/4 Imported"]
    stopped = io.StringIO()
    bar = ProgressBar(stopped, width=4)
    bar.total(4)
    bar.step("Checking")
    bar.finish("Stopped", complete=False)
    assert stopped.getvalue().splitlines()[-1] == "[#...] 1/4 Stopped"


def test_beacon_import_shows_each_step_with_progress(tmp_path):
    from beacon.demo import DEMO_BUNDLE

    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(DEMO_BUNDLE), user="tester", progress=True, stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].endswith(" 0/" + lines[0].split("/")[-1]) and "Reading the bundle" in lines[1]
    total = int(lines[0].rsplit("/", 1)[1])
    assert lines[-1] == f"[{'#' * 20}] {total}/{total} Imported"
    assert len(lines) > 4 and "imported" in out.getvalue().lower()

    quiet = io.StringIO()
    call_command("import", str(DEMO_BUNDLE), user="tester", stdout=io.StringIO(), stderr=quiet)
    assert quiet.getvalue() == ""  # not a terminal, not asked: no progress


def test_a_worker_stopped_mid_job_queues_the_job_again(clock, monkeypatch):
    clock.set(T0)
    view = jobs.start("test-steps", by="alice", n=2)

    def stopped(progress, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setitem(jobs._REGISTRY, "test-steps", jobs.JobSpec("test-steps", "t", None, stopped))
    with pytest.raises(KeyboardInterrupt):
        jobs.run_queued()
    again = jobs.get(view.id)
    assert again.status is JobStatus.QUEUED and again.attempts == 1
    assert [e.status for e in entries()] == [ResultStatus.FAILED, ResultStatus.READY]


def test_an_inline_job_stopped_by_ctrl_c_fails_saying_so(monkeypatch):
    def stopped(progress, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setitem(jobs._REGISTRY, "test-steps", jobs.JobSpec("test-steps", "t", None, stopped))
    with pytest.raises(KeyboardInterrupt):
        jobs.run_inline("test-steps", by="carol", n=1)
    row = Job.objects.get()
    assert (row.status, row.error) == ("failed", jobs.STOPPED) and entries() == []


def test_on_sqlite_a_job_whose_worker_process_still_runs_is_not_taken_for_dead(clock, settings):
    """SQLite: a job's long write transaction blocks its own heartbeat; its worker is on this
    machine, so recovery asks whether that process still runs. PostgreSQL trusts the heartbeat."""
    import os
    import socket

    from django.db import connection

    settings.BEACON_JOB_STALL_SECONDS = 120
    row = running_row(clock, heartbeat=0)
    Job.objects.filter(pk=row.pk).update(worker=f"{socket.gethostname()}:{os.getpid()}")  # this process: alive
    recovered = jobs.recover_stalled(now=at(121))
    assert recovered == ([] if connection.vendor == "sqlite" else [str(row.pk)])
    assert jobs._alive_here(f"{socket.gethostname()}:{os.getpid()}")
    assert not jobs._alive_here("another-machine:1") and not jobs._alive_here("")
