"""Background jobs: their states and what a finished job hands back (pure Python).

The engine that runs them is :mod:`beacon.core.jobs`; these are the words people read.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["JobStatus", "JobResult", "percent", "progress_text"]


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def finished(self) -> bool:
        """Done or failed: nothing more will happen to the job."""
        return self in (JobStatus.DONE, JobStatus.FAILED)

    @classmethod
    def unfinished(cls) -> tuple[JobStatus, ...]:
        return tuple(s for s in cls if not s.finished)


_LABELS = {
    JobStatus.QUEUED: "Waiting to start",
    JobStatus.RUNNING: "Running",
    JobStatus.DONE: "Done",
    JobStatus.FAILED: "Failed",
}


@dataclass(frozen=True)
class JobResult:
    """What a finished job says: a sentence, and the page where the person goes next."""

    message: str
    url: str = ""


def percent(done: int, total: int | None) -> int | None:
    """How far a job has got, 0-100 (rounded down, so 100 only when every step is done); None
    while the number of steps is unknown."""
    if not total or total <= 0:
        return None
    return max(0, min(100, (done * 100) // total))


def progress_text(done: int, total: int | None, step: str) -> str:
    """``3 of 7 steps: Rendering the PDF`` (``3 steps done: ...`` while the total is unknown)."""
    if total:
        head = f"{min(done, total)} of {total} step{'s' if total != 1 else ''}"
    else:
        head = f"{done} step{'s' if done != 1 else ''} done"
    return f"{head}: {step}" if step else head
