"""Job kinds used by the job tests (imported by the tests, and by a ``beacon worker`` subprocess
through ``BEACON_JOB_MODULES=test_jobs_kinds`` with this folder on ``PYTHONPATH``).

No tests here; the kinds write what they did to files so a test in another process can see it."""

from __future__ import annotations

import os
import time
from pathlib import Path

from beacon.core.jobs import JobResult, job


class ExampleError(Exception):
    """Stands for a Beacon domain error (its module is under ``beacon.``)."""

    def __init__(self, message, failures=()):
        super().__init__(message)
        self.failures = list(failures)


ExampleError.__module__ = "beacon.tests_support"

CALLS: list[dict] = []


@job("test-steps", "Count to {n}", permission="reports.publish")
def count(progress, *, n: int, fail: str = "", bug: bool = False):
    CALLS.append({"n": n})
    progress.total(n)
    for i in range(n):
        progress.step(f"Counting {i + 1}")
    if fail:
        raise ExampleError(fail, ["first reason", "second reason"])
    if bug:
        raise ZeroDivisionError("division by zero in the job")
    return JobResult(f"counted to {n}", url=f"/counted/{n}/")


@job("test-block", "Wait for {release}")
def wait_for_file(progress, *, release: str, started: str, log: str, timeout: float = 30.0):
    """Announces it started (``started`` file), then waits for the ``release`` file; appends one
    line to ``log`` when it finishes, so a test can count how many times it did."""
    progress.total(2)
    progress.step("Waiting for the release file", advance=0)
    Path(started).write_text(str(os.getpid()))
    deadline = time.monotonic() + timeout
    while not Path(release).exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the release file never came")
        time.sleep(0.05)
    progress.step("Released")
    with open(log, "a") as f:
        f.write(f"finished by {os.getpid()}\n")
    return JobResult("released")


@job("test-steps-in-a-transaction", "Steps in one transaction")
def steps_in_a_transaction(progress, *, release: str, started: str, timeout: float = 30.0):
    """Like publishing: its steps are taken inside one write transaction. It writes a row there
    (never its own Job row, which publishing does not hold either), announces each step
    (``started`` file: the step's number), and waits for the ``release`` file to name that number
    before taking the next."""
    from django.db import transaction

    from beacon.core.models import Job

    progress.total(3)
    with transaction.atomic():
        Job.objects.create(kind="test-written", title=f"written by {progress.job_id}", created_by="alice",
                           status="done")
        for n, name in enumerate(["Computing", "Rendering", "Freezing"], start=1):
            progress.step(name, advance=0 if n == 1 else 1)
            Path(started).write_text(str(n))
            deadline = time.monotonic() + timeout
            while not (Path(release).exists() and Path(release).read_text() == str(n)):
                if time.monotonic() > deadline:
                    raise TimeoutError("the release file never came")
                time.sleep(0.05)
    return JobResult("all steps taken")
