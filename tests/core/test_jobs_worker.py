"""Real ``beacon worker`` processes: a job survives its worker being killed mid-job (SIGKILL: no
clean-up at all) and is finished exactly once by another; on PostgreSQL two workers share a
queue without running any job twice.

The workers are subprocesses on the test database: on SQLite the in-memory test database is
copied to a file the test switches to; on PostgreSQL they use the test database itself."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
import test_jobs_kinds  # noqa: F401 - registers the kinds in this process too
from django.db import connection, connections, transaction

from beacon.core import jobs
from beacon.core.models import Job
from beacon.domain.jobs import JobStatus

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
STALL = 120


@pytest.fixture
def shared_database(tmp_path):
    """The URL of a database this process and worker subprocesses share (see the module doc)."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
        yield f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        return
    path = tmp_path / "jobs.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    original = connections["default"]
    wrapper = type(original)({**original.settings_dict, "NAME": str(path)}, "default")
    connections._connections.default = wrapper
    try:
        yield f"sqlite:///{path}"
    finally:
        wrapper.close()
        connections._connections.default = original


def worker_env(url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "BEACON_CLOCK"}
    env.update(
        DJANGO_SETTINGS_MODULE="beacon.settings", BEACON_DATABASE_URL=url, BEACON_JOB_MODULES="test_jobs_kinds",
        BEACON_JOB_STALL_SECONDS=str(STALL), BEACON_JOB_POLL_SECONDS="0.1",
        PYTHONPATH=os.pathsep.join([str(HERE), str(ROOT), env.get("PYTHONPATH", "")]),
    )
    return env


def worker(url: str, *args: str, **popen) -> subprocess.Popen:
    # --skip-checks: the system checks add seconds to each start on a busy machine, and test nothing here
    return subprocess.Popen([sys.executable, "-m", "django", "worker", "--skip-checks", *args], cwd=ROOT, env=worker_env(url),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **popen)


def _wait_until(predicate, process: subprocess.Popen, what: str, timeout: float = 20.0):
    """``predicate()``'s first true answer, polled while the worker runs (the test fails, with the
    worker's output, if it exits or ``timeout`` passes first)."""
    deadline = time.monotonic() + timeout
    while not (found := predicate()):
        if process.poll() is not None:
            pytest.fail(f"the worker exited ({process.returncode}) before {what}:\n{process.stdout.read()}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"no {what} within {timeout} s:\n{process.stdout.read()}")
        time.sleep(0.05)
    return found


def wait_for(path: Path, process: subprocess.Popen, timeout: float = 20.0) -> None:
    _wait_until(path.exists, process, "start of the job (its file)", timeout)


def test_a_job_survives_its_worker_being_killed_and_finishes_exactly_once(shared_database, tmp_path, clock, settings):
    settings.BEACON_JOB_STALL_SECONDS = STALL
    files = {name: str(tmp_path / name) for name in ("release", "started", "log")}
    view = jobs.start("test-block", by="alice", **files)

    first = worker(shared_database)
    try:
        wait_for(Path(files["started"]), first)
        # the step named just after total() was kept back by the throttle; the worker's heartbeat
        # thread writes it within half a second although the job calls nothing more
        deadline = time.monotonic() + 10
        while (running := Job.objects.get(pk=view.id)).step == "" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (running.status, running.attempts, running.step) == ("running", 1, "Waiting for the release file")
        first.send_signal(signal.SIGKILL)  # mid-job: no clean-up, no last write
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
        first.stdout.close()
    assert first.returncode == -signal.SIGKILL
    assert Job.objects.get(pk=view.id).status == "running"  # nobody knows it died yet

    heartbeat = Job.objects.get(pk=view.id).heartbeat_at
    clock.set(heartbeat + dt.timedelta(seconds=STALL - 1))
    assert jobs.recover_stalled() == []  # a heartbeat this recent may be a slow step
    clock.set(heartbeat + dt.timedelta(seconds=STALL + 1))
    assert jobs.recover_stalled() == [view.id]
    assert jobs.get(view.id).status is JobStatus.QUEUED

    Path(files["release"]).write_text("go")
    second = worker(shared_database, "--once")
    output, _ = second.communicate(timeout=60)
    assert second.returncode == 0, output
    assert "ran 1 job" in output

    done = jobs.get(view.id)
    assert done.status is JobStatus.DONE and done.attempts == 2 and done.result.message == "released"
    finished = Path(files["log"]).read_text().splitlines()
    assert finished == [f"finished by {second.pid}"]

    # nothing runs it again: not the queue, not a stray task
    assert jobs.run_queued() == 0
    assert jobs.run_job.call(view.id) == "skipped"
    assert Path(files["log"]).read_text().splitlines() == finished


@pytest.mark.postgres
def test_two_workers_share_the_queue_and_run_each_job_once(shared_database, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent claiming is checked on PostgreSQL (scripts/with-postgres); SQLite serialises it")
    release = tmp_path / "release"
    release.write_text("go")
    views = [jobs.start("test-block", by="alice", release=str(release), started=str(tmp_path / f"s{i}"),
                        log=str(tmp_path / "log")) for i in range(8)]
    workers = [worker(shared_database, "--once") for _ in range(2)]
    outputs = [w.communicate(timeout=60)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    assert {jobs.get(v.id).status for v in views} == {JobStatus.DONE}
    assert {jobs.get(v.id).attempts for v in views} == {1}
    lines = (tmp_path / "log").read_text().splitlines()
    assert len(lines) == 8
    ran = [int(o.strip().rsplit("ran ", 1)[1].split()[0]) for o in outputs]
    assert sum(ran) == 8


def test_steps_taken_inside_one_transaction_show_while_it_runs(shared_database, tmp_path):
    """Publishing renders every document inside one transaction: its job page shows each step as
    it is taken, not the first and then the end (on SQLite through a note beside the database)."""
    release, started = tmp_path / "release", tmp_path / "started"
    view = jobs.start("test-steps-in-a-transaction", by="alice", release=str(release), started=str(started))
    process = worker(shared_database, "--once")
    try:
        for n, name in enumerate(["Computing", "Rendering", "Freezing"], start=1):
            _wait_until(lambda: started.exists() and started.read_text() == str(n), process, f"step {n}")
            seen = _wait_until(lambda: (v := jobs.get(view.id)).step == name and v, process, f"{name!r} shown")
            assert (seen.status, seen.done, seen.total) == (JobStatus.RUNNING, n - 1, 3)
            assert seen.progress_text.endswith(name)
            # the job's own write in its transaction is not visible yet: the transaction is open
            assert not Job.objects.filter(kind="test-written").exists()
            release.write_text(str(n))
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
    assert process.returncode == 0, output
    done = jobs.get(view.id)
    assert (done.status, done.done, done.total, done.result.message) == (JobStatus.DONE, 3, 3, "all steps taken")
    assert Job.objects.get(kind="test-written").title == f"written by {view.id}"
    if connection.vendor == "sqlite":
        assert list((tmp_path / "jobs.sqlite3-job-progress").glob("*")) == []  # the note went with the job


def test_a_progress_note_counts_while_its_transaction_is_open_and_goes_at_the_commit(shared_database, tmp_path,
                                                                                      clock):
    if connection.vendor != "sqlite":
        pytest.skip("the progress note is SQLite's")
    clock.set("2023-01-05T09:00:00")  # a fixed clock, as BEACON_CLOCK gives: the note and the row agree on the time
    started = jobs.start("test-steps", by="alice", n=3)
    row = jobs._claim(started.id, "here:1")
    before = jobs._view(row)  # the row as another process sees it while the transaction is open
    progress = jobs.Progress(row.id, row.attempts, base=before)
    note = tmp_path / "jobs.sqlite3-job-progress" / f"{row.id}.json"
    with transaction.atomic():
        progress.total(3)
        progress.step("Rendering the PDF", advance=2)
        assert note.exists()
        shown = jobs._ProgressNote.read(before, row.heartbeat_at)
        assert (shown.done, shown.total, shown.step) == (2, 3, "Rendering the PDF")
        assert jobs._ProgressNote.read(replace(before, attempts=2), row.heartbeat_at) == replace(before, attempts=2)
        later = row.heartbeat_at + dt.timedelta(seconds=1)  # the row written after the note: the row wins
        assert jobs._ProgressNote.read(before, later) == before
    assert not note.exists()  # committed: the row holds the step now
    assert (jobs.get(row.id).done, jobs.get(row.id).step) == (2, "Rendering the PDF")
