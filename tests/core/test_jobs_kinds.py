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
