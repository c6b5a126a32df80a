"""A progress bar for long commands: ``[#####.....] 5/10 Rendering the PDF``.

On a terminal the bar is redrawn in place (a carriage return, the line cleared); written to a
file or a pipe (a log, CI) it prints one line each time the step or the count changes, so a log
reads as a list of steps. Commands pass ``ProgressBar(self.stderr).update`` as ``on_progress``
to :func:`beacon.core.jobs.run_inline`, pass the bar itself where code takes a progress object
(``total(n)``, ``step(message, advance=1)``: ``beacon import``), or call :meth:`ProgressBar.show`.
"""

from __future__ import annotations

from typing import TextIO

from beacon.domain.jobs import JobStatus

__all__ = ["ProgressBar", "bar_text", "QUIET", "steps"]

WIDTH = 20


def bar_text(done: int, total: int | None, step: str = "", width: int = WIDTH) -> str:
    """``[#####...............] 5/20 Importing observations`` (``[...] 5 Importing`` with no
    total: a count without a bar)."""
    if total:
        done = max(0, min(done, total))
        filled = (done * width) // total
        head = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
    else:
        head = f"[{'?' * width}] {done}"
    return f"{head} {step}".rstrip()


class ProgressBar:
    """Draws a job's progress on ``stream`` (a file, or a management command's ``self.stderr``)."""

    def __init__(self, stream: TextIO, *, tty: bool | None = None, width: int = WIDTH):
        self.stream = stream
        self.width = width
        if tty is None:
            target = getattr(stream, "_out", stream)  # Django's OutputWrapper keeps the real stream here
            isatty = getattr(target, "isatty", None)
            tty = bool(isatty and isatty())
        self.tty = tty
        self._last: tuple | None = None
        self._drawn = 0
        self._total: int | None = None
        self._done = 0
        self._step = ""

    # --- the Progress protocol (total, step), for code that reports progress itself ------------
    def total(self, n: int) -> None:
        """How many steps there are (``beacon import`` passes the bar as the importer's ``progress``)."""
        self._total = max(0, int(n))
        self._done = min(self._done, self._total)
        self.show(self._done, self._total, self._step)

    def step(self, message: str, advance: int = 1) -> None:
        """``advance`` more steps are finished; now doing ``message``."""
        self._done += int(advance)
        total = self._total
        if total is not None:
            self._done = min(self._done, total)
        self._step = str(message)
        self.show(self._done, total, self._step)

    def finish(self, message: str = "Done", *, complete: bool = True) -> None:
        """The work is over: the bar full (unless it stopped short), and on a terminal the line ended."""
        done = self._total if complete and self._total else self._done
        self.show(done, self._total, message, finished=True)

    def update(self, view) -> None:
        """Show a :class:`~beacon.core.jobs.JobView` (the ``on_progress`` of ``run_inline``)."""
        status = JobStatus(view.status)
        total = view.total
        done = (total if total else view.done) if status is JobStatus.DONE else view.done
        step = view.step
        if status is JobStatus.DONE:
            step = (view.result.message if view.result else "") or "Done"
        elif status is JobStatus.FAILED:
            step = "Failed"
        self.show(done, total, step, finished=status.finished)

    def show(self, done: int, total: int | None, step: str = "", *, finished: bool = False) -> None:
        state = (done, total, step)
        if state == self._last and not finished:
            return
        if state == self._last and finished and not self.tty:
            return
        self._last = state
        text = bar_text(done, total, step, self.width)
        if self.tty:
            pad = " " * max(0, self._drawn - len(text))
            self._write(f"\r{text}{pad}" + ("\n" if finished else ""))
            self._drawn = 0 if finished else len(text)
        else:
            self._write(text + "\n")
        self._flush()

    def _write(self, text: str) -> None:
        # Django's OutputWrapper adds a newline unless told not to
        try:
            self.stream.write(text, ending="")
        except TypeError:
            self.stream.write(text)

    def _flush(self) -> None:
        flush = getattr(self.stream, "flush", None)
        if flush:
            flush()


class Quiet:
    """A progress nobody watches: long work given no progress (``progress=None``) reports to
    this, so the work itself is written once whether a job, a command or a test runs it."""

    def total(self, n: int) -> None:
        pass

    def step(self, message: str, advance: int = 1) -> None:
        pass


QUIET = Quiet()


def steps(progress):
    """``progress``, or one that records nothing."""
    return QUIET if progress is None else progress
