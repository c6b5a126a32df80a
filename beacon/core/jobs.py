"""Background jobs: work that takes longer than a web request (publishing, rendering a pack, a
large import), run by a worker process with progress people can watch.

The queue is django-tasks' ``DatabaseBackend`` (Django's own task API): one task, :func:`run_job`,
takes a :class:`~beacon.core.models.Job` id. The ``Job`` row is Beacon's: the kind of work, its
arguments, who started it, how far it has got (``done`` of ``total`` steps, the step now running),
a heartbeat, and how it ended (a :class:`JobResult` or an error).

A job is a function registered with :func:`job`::

    @job("publish-qpr", "Publish the {period} report", permission="reports.publish")
    def publish_qpr(progress: Progress, *, period: str) -> JobResult:
        progress.total(3)
        ...
        progress.step("Rendering the PDF")
        return JobResult("Q2 2023/24 is published", url="/reports/2023-Q2/")

* :func:`start` queues one (its Job row and the queue entry in one transaction, so the job is
  visible to workers exactly when the caller's transaction commits); with ``key``, an unfinished
  job with the same key is returned instead of a second one.
* ``beacon worker`` (:func:`work`) runs queued jobs and, every quarter of
  ``BEACON_JOB_STALL_SECONDS``, :func:`recover_stalled`: a running job whose heartbeat has
  stopped (its worker was killed) is queued again, and after ``BEACON_JOB_MAX_ATTEMPTS`` fails.
* :func:`run_inline` runs one now in this process (the CLI), recorded like any other.
* :func:`run_queued` runs what is waiting in this process (tests, in-process mode).

Claiming is atomic: only a queued job, or a running one whose heartbeat is stale, can be claimed
(``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's write transaction, which Beacon
opens with ``BEGIN IMMEDIATE``, serialises claims). Every claim adds one to ``attempts``, and every
later write of that run is conditional on it (a fencing token): a worker that was presumed dead
and comes back cannot overwrite the run that replaced it. Re-running a finished job does nothing.

Job functions must be idempotent: a job re-run after its worker was killed finds what the first
run already made (the edition it published) and returns its result.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django_tasks import task

from beacon.core import clock, jsonio
from beacon.domain.jobs import JobResult, JobStatus
from beacon.domain.jobs import percent as _percent
from beacon.domain.jobs import progress_text

__all__ = [
    "JobStatus", "JobResult", "Progress", "JobView", "JobSpec", "job", "spec", "kinds", "start", "get", "recent",
    "run_inline", "run_queued", "recover_stalled", "run_job", "work", "JobNotFound", "JobFailed", "JobLost",
    "UnknownJobKind", "schedule",
]

log = logging.getLogger("beacon.jobs")

WRITES_PER_SECOND = 2
"""At most this many progress writes a second (the last state is always written at the end)."""

STOPPED = "Stopped before it finished (the command was interrupted)."
GENERIC_ERROR = "The job stopped because of an unexpected error; it has been logged. Try again, or ask the administrator."


class JobNotFound(Exception):
    """No job has this id."""

    def __init__(self, job_id):
        self.job_id = str(job_id)
        super().__init__(f"no job {self.job_id}")


class JobFailed(Exception):
    """:func:`run_inline`: the job failed; the message is the job's error."""

    def __init__(self, view: JobView):
        self.view = view
        super().__init__(view.error)


class JobLost(Exception):
    """This run no longer owns its job (it was presumed dead and the job was given to another
    worker): it must stop and write nothing more."""


class UnknownJobKind(ValueError):
    def __init__(self, kind: str):
        self.kind = kind
        super().__init__(f"no job kind {kind!r} is registered (known: {', '.join(sorted(_REGISTRY)) or 'none'})")


# --- the registry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class JobSpec:
    kind: str
    title: str
    permission: str | None
    function: Callable[..., JobResult]

    def title_for(self, kwargs: dict) -> str:
        """The title with the job's arguments filled in (``Publish {period}``)."""
        try:
            return self.title.format(**kwargs)
        except (KeyError, IndexError, ValueError):
            return self.title


_REGISTRY: dict[str, JobSpec] = {}

# Modules that register job kinds are imported before a kind is looked up (a worker process has
# not necessarily imported the module that registered a job when it meets one): the ``jobs``
# module of every installed app (``beacon/reports/jobs.py``), as Django's admin finds
# ``admin.py``, and any listed in ``BEACON_JOB_MODULES``.
_loaded = False


def _load_modules() -> None:
    global _loaded
    if _loaded:
        return
    import importlib

    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("jobs")
    for name in getattr(settings, "BEACON_JOB_MODULES", ()):
        importlib.import_module(name)
    _loaded = True


def job(kind: str, title: str, permission: str | None = None):
    """Register ``fn(progress, **kwargs) -> JobResult`` as the job ``kind``. ``title`` may name
    the job's arguments (``"Publish {period}"``); ``permission`` is the action
    (:mod:`beacon.core.permissions`) a person needs to start it, for the pages to check."""

    def register(fn):
        existing = _REGISTRY.get(kind)
        if existing is not None and existing.function.__qualname__ != fn.__qualname__:
            raise ValueError(f"job kind {kind!r} is already registered by {existing.function.__module__}")
        _REGISTRY[kind] = JobSpec(kind=kind, title=title, permission=permission, function=fn)
        return fn

    return register


def spec(kind: str) -> JobSpec:
    """The registered job ``kind`` (raises :class:`UnknownJobKind`)."""
    if kind not in _REGISTRY:
        _load_modules()
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise UnknownJobKind(kind) from None


def kinds() -> list[JobSpec]:
    _load_modules()
    return sorted(_REGISTRY.values(), key=lambda s: s.kind)


# --- what callers read -----------------------------------------------------------------------


@dataclass(frozen=True)
class JobView:
    id: str
    kind: str
    title: str
    status: JobStatus
    done: int
    total: int | None
    step: str
    result: JobResult | None
    error: str
    created_by: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    attempts: int

    @property
    def percent(self) -> int | None:
        return _percent(self.done, self.total)

    @property
    def progress_text(self) -> str:
        """``3 of 7 steps: Rendering the PDF``."""
        return progress_text(self.done, self.total, self.step)

    @property
    def finished(self) -> bool:
        return self.status.finished


def _view(row) -> JobView:
    status = JobStatus(row.status)
    result = JobResult(row.result_message, row.result_url) if status is JobStatus.DONE else None
    return JobView(
        id=str(row.id), kind=row.kind, title=row.title, status=status, done=row.done, total=row.total,
        step=row.step, result=result, error=row.error, created_by=row.created_by, created_at=row.created_at,
        finished_at=row.finished_at, attempts=row.attempts,
    )


def _model():
    from beacon.core.models import Job

    return Job


def get(job_id) -> JobView:
    """The job ``job_id`` as it stands (raises :class:`JobNotFound`)."""
    try:
        key = uuid.UUID(str(job_id))
    except ValueError:
        raise JobNotFound(job_id) from None
    row = _model().objects.filter(pk=key).first()
    if row is None:
        raise JobNotFound(job_id)
    view = _view(row)
    return _ProgressNote.read(view, row.heartbeat_at) if view.status is JobStatus.RUNNING else view


class _ProgressNote:
    """SQLite only: a running job's progress noted in a file beside the database while the job's
    own write transaction hides its writes to the Job row (publishing renders every document in
    one transaction). Without it the job page jumped from the first step to the end. A note is
    deleted when the transaction commits (the row then says as much) and when the job ends; it is
    read only while the job runs, only for the same attempt, and only when written no earlier
    than the row's last write (``heartbeat_at``, from the same clock), so after a transaction
    rolled back the job's next write outside it wins. None of this applies to PostgreSQL, where
    progress is written through a connection of its own and is visible at once."""

    @staticmethod
    def path(job_id) -> Path | None:
        if connection.vendor != "sqlite" or connection.is_in_memory_db():
            return None
        database = Path(str(connection.settings_dict["NAME"]))
        return database.parent / f"{database.name}-job-progress" / f"{job_id}.json"

    @classmethod
    def write(cls, progress: Progress) -> None:
        path = cls.path(progress.job_id)
        if path is None:
            return
        note = {"attempt": progress.attempt, "done": progress.done, "total": progress.total_steps,
                "step": progress.message, "at": clock.now().isoformat()}
        try:
            path.parent.mkdir(exist_ok=True)
            partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}")
            partial.write_text(jsonio.dumps(note, indent=None), encoding="utf-8")
            os.replace(partial, path)  # whole or not at all for a reader
        except OSError:  # the page shows the row's progress instead
            log.debug("job %s: progress not noted", progress.job_id, exc_info=True)
            return
        transaction.on_commit(lambda: cls._committed(progress))

    @classmethod
    def _committed(cls, progress: Progress) -> None:
        """The job's transaction committed: the row takes what the throttle kept back, and holds
        every step from now on."""
        try:
            progress.flush()
        except Exception:  # noqa: BLE001 - the heartbeat thread or the job's next step writes it
            log.debug("job %s: progress not written at the commit", progress.job_id, exc_info=True)
        cls.drop(progress.job_id)

    @classmethod
    def read(cls, view: JobView, row_written: dt.datetime | None) -> JobView:
        path = cls.path(view.id)
        if path is None:
            return view
        try:
            note = jsonio.loads(path.read_text(encoding="utf-8"))
            at = dt.datetime.fromisoformat(note["at"])
            newer = row_written is None or at >= row_written  # a fixed clock (BEACON_CLOCK) gives equal times
            if note["attempt"] != view.attempts or not newer:
                return view
            return replace(view, done=int(note["done"]), step=str(note["step"]),
                           total=None if note["total"] is None else int(note["total"]))
        except (OSError, ValueError, KeyError, TypeError):  # none, or not readable: the row's progress
            return view

    @classmethod
    def drop(cls, job_id) -> None:
        path = cls.path(job_id)
        try:
            if path is not None:
                path.unlink(missing_ok=True)
        except OSError:  # left behind: read only while the job runs, for its attempt
            log.warning("job %s: its progress note %s could not be deleted", job_id, path)


def recent(limit: int = 50, *, status: str | None = None, kind: str | None = None) -> list[JobView]:
    """The latest jobs, newest first."""
    rows = _model().objects.all()
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    return [_view(r) for r in rows.order_by("-created_at", "id")[:limit]]


# --- progress --------------------------------------------------------------------------------


class Progress:
    """Handed to every job function: ``total(n)`` once the number of steps is known, then
    ``step(message)`` as each finishes.

    Writes go to the Job row at most :data:`WRITES_PER_SECOND` times a second; a change kept
    back is written by the next write, by the worker's heartbeat thread within half a second, or
    at the end. Each write also beats the heartbeat. In a worker on PostgreSQL, while the job
    function is inside a transaction of its own, the heartbeat thread (its own connection) does
    the writing, so progress shows while the transaction runs and the job's transaction never
    holds the Job row; on SQLite (one writer) such steps are written in the job's transaction and
    noted beside the database for the job page (:class:`_ProgressNote`). ``monotonic`` is the timer
    the throttle reads (tests pass their own)."""

    def __init__(self, job_id, attempt: int, *, on_change: Callable[[JobView], None] | None = None,
                 monotonic: Callable[[], float] = time.monotonic, base: JobView | None = None):
        self.job_id = job_id
        self.attempt = attempt
        self._on_change = on_change
        self._monotonic = monotonic
        self._last_write: float | None = None
        self._dirty = False
        self._base = base
        self._lock = threading.Lock()
        self.background = False  # a heartbeat thread is running beside the job
        self.lost = False
        self.done = 0
        self.total_steps: int | None = None
        self.message = ""
        self.writes = 0

    def total(self, n: int) -> None:
        """How many steps there are."""
        with self._lock:
            self.total_steps = max(0, int(n))
            self.done = min(self.done, self.total_steps)
            self._dirty = True
            force = self._last_write is None
        self._changed(force)

    def step(self, message: str, advance: int = 1) -> None:
        """``advance`` more steps are finished; the job is now doing ``message``."""
        with self._lock:
            self.done += int(advance)
            if self.total_steps is not None:
                self.done = min(self.done, self.total_steps)
            self.message = str(message)[:500]
            self._dirty = True
        self._changed(False)

    def _changed(self, force: bool) -> None:
        if self.lost:
            raise JobLost(f"job {self.job_id} is no longer run by this worker")
        if self._on_change is not None and self._base is not None:
            self._on_change(self.view())
        if self.background and connection.in_atomic_block and connection.vendor != "sqlite":
            return  # the heartbeat thread writes it through its own connection, visible at once
        # (SQLite has one writer: inside the job's write transaction the step is written with it,
        # and noted beside the database, where the job page reads it at once: _ProgressNote)
        if connection.vendor == "sqlite" and connection.in_atomic_block:
            _ProgressNote.write(self)
        if force or self._due():
            self.flush()

    def _due(self) -> bool:
        return self._last_write is None or self._monotonic() - self._last_write >= 1 / WRITES_PER_SECOND

    @property
    def pending(self) -> bool:
        """A change has been kept back by the throttle."""
        return self._dirty

    def flush_if_due(self) -> bool:
        """Write a kept-back change if the throttle now allows it (the heartbeat thread's call)."""
        if self._dirty and self._due():
            self.flush()
            return True
        return False

    def flush(self) -> None:
        """Write the current state now (if anything changed since the last write)."""
        with self._lock:
            if not self._dirty:
                return
            state = {"done": self.done, "total": self.total_steps, "step": self.message}
            self._dirty = False
            self._last_write = self._monotonic()
        try:
            self._update(**state)
        except JobLost:
            raise
        except BaseException:
            self._dirty = True  # written next time
            raise
        self.writes += 1

    def beat(self) -> None:
        """Write the heartbeat alone (the job is alive, in a long step)."""
        self._update()

    def _update(self, **fields) -> None:
        updated = _model().objects.filter(pk=self.job_id, attempts=self.attempt, status=JobStatus.RUNNING).update(
            heartbeat_at=clock.now(), **fields)
        if not updated:
            self.lost = True
            raise JobLost(f"job {self.job_id} is no longer run by this worker")

    def view(self) -> JobView:
        base = self._base
        assert base is not None
        return JobView(
            id=base.id, kind=base.kind, title=base.title, status=JobStatus.RUNNING, done=self.done,
            total=self.total_steps, step=self.message, result=None, error="", created_by=base.created_by,
            created_at=base.created_at, finished_at=None, attempts=self.attempt,
        )


# --- starting --------------------------------------------------------------------------------


def _plain_json(value) -> bool:
    """``value`` is made of JSON values only (no dates, enums or objects that would arrive as text)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_json(v) for k, v in value.items())
    return False


def _json_kwargs(kwargs: dict) -> dict:
    try:
        bad = sorted(k for k, v in kwargs.items() if not _plain_json(v))
        if bad:
            raise TypeError(f"{', '.join(bad)} is not made of JSON values")
        return jsonio.loads(jsonio.dumps(kwargs, indent=None))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"a job's arguments must be JSON values (text, numbers, lists): {exc}") from None


def start(kind: str, *, by: str, key: str | None = None, **kwargs) -> JobView:
    """Queue the job ``kind`` with ``kwargs``, started by ``by``; a worker runs it once the
    caller's transaction commits. With ``key``, an unfinished job with that key is returned
    instead of a second one."""
    found = spec(kind)
    arguments = _json_kwargs(kwargs)
    Job = _model()
    with transaction.atomic():
        if key:
            existing = Job.objects.filter(key=key, status__in=Job.UNFINISHED).first()
            if existing is not None:
                return _view(existing)
        try:
            with transaction.atomic():
                row = Job.objects.create(kind=kind, title=found.title_for(arguments)[:300], kwargs=arguments,
                                         key=key or None, status=JobStatus.QUEUED, created_by=by,
                                         created_at=clock.now())
        except IntegrityError:
            existing = Job.objects.filter(key=key, status__in=Job.UNFINISHED).first() if key else None
            if existing is None:
                raise
            return _view(existing)
        _enqueue(row.id)
    return _view(row)


def _enqueue(job_id) -> None:
    run_job.enqueue(str(job_id))


# --- claiming and running --------------------------------------------------------------------


def _stall_seconds() -> int:
    return int(getattr(settings, "BEACON_JOB_STALL_SECONDS", 120))


def _claim(job_id, worker: str):
    """Claim the job for this worker, or None when it is not claimable (finished, running with a
    live heartbeat, locked by another claimer, or gone). Returns the row as claimed."""
    Job = _model()
    now = clock.now()
    stale_before = now - dt.timedelta(seconds=_stall_seconds())
    with transaction.atomic():
        rows = Job.objects.filter(pk=job_id)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        row = rows.first()
        if row is None:
            return None
        claimable = row.status == JobStatus.QUEUED or (
            row.status == JobStatus.RUNNING and (row.heartbeat_at is None or row.heartbeat_at < stale_before))
        if not claimable:
            return None
        row.status = JobStatus.RUNNING
        row.attempts += 1
        row.started_at = now
        row.heartbeat_at = now
        row.worker = worker[:100]
        row.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "worker"])
    return row


def _finish(job_id, attempt: int, progress: Progress, *, result: JobResult | None = None, error: str = "") -> bool:
    now = clock.now()
    fields: dict[str, Any] = {"finished_at": now, "heartbeat_at": now, "step": progress.message,
                              "total": progress.total_steps}
    if result is not None:
        fields.update(status=JobStatus.DONE, result_message=result.message, result_url=result.url, error="",
                      done=progress.total_steps if progress.total_steps is not None else progress.done)
    else:
        fields.update(status=JobStatus.FAILED, error=error, done=progress.done)
    return bool(_model().objects.filter(pk=job_id, attempts=attempt, status=JobStatus.RUNNING).update(**fields))


def _error_text(exc: BaseException) -> str | None:
    """What people read when a job raised ``exc``: the message (and its lines) of a Beacon error
    (an exception class of Beacon's own, such as ``PublishError``); a fault (database busy,
    disk full) in plain words; None for anything else (a bug: logged, a generic message shown)."""
    from beacon.core.faults import fault_of

    fault = fault_of(exc) if isinstance(exc, Exception) else None
    if fault is not None:
        return fault.detail
    if not type(exc).__module__.startswith("beacon."):
        return None
    text = str(exc) or type(exc).__name__
    lines: list[str] = []
    for attribute in ("failures", "problems", "lines"):
        value = getattr(exc, attribute, None)
        if isinstance(value, (list, tuple)):
            lines += [str(v) for v in value if str(v) and str(v) not in text]
    return "\n".join([text, *lines])


class _Heartbeat:
    """While a job's function runs in a worker: writes progress the throttle kept back (within
    half a second) and beats the heartbeat every quarter of ``BEACON_JOB_STALL_SECONDS``, so a
    long step (one big PDF) neither hides its name nor looks like a dead worker. Runs in a thread
    with its own database connection, so only outside a caller's transaction (a worker process,
    autocommit), where a second connection sees the job's row."""

    TICK = 1 / WRITES_PER_SECOND

    def __init__(self, progress: Progress):
        self.progress = progress
        self.interval = max(1.0, _stall_seconds() / 4)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat {progress.job_id}", daemon=True)

    def __enter__(self):
        if not connection.in_atomic_block:
            self._thread.start()
            self.progress.background = True
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
        self.progress.background = False

    def _run(self) -> None:
        from django.db import connections

        last_beat = time.monotonic()
        try:
            while not self._stop.wait(self.TICK):
                try:
                    if self.progress.flush_if_due():
                        last_beat = time.monotonic()
                    elif time.monotonic() - last_beat >= self.interval:
                        self.progress.beat()
                        last_beat = time.monotonic()
                except JobLost:
                    return
                except OperationalError:  # SQLite: the job's own transaction holds the write lock
                    log.debug("job %s: progress or heartbeat waits for the database", self.progress.job_id)
                except Exception:  # the next tick tries again
                    log.warning("job %s: progress or heartbeat not written", self.progress.job_id, exc_info=True)
        finally:
            connections.close_all()


def _requeue(job_id, attempt: int) -> None:
    try:
        with transaction.atomic():
            if _model().objects.filter(pk=job_id, attempts=attempt, status=JobStatus.RUNNING).update(
                    status=JobStatus.QUEUED, worker=""):
                _enqueue(job_id)
                log.warning("job %s: the worker was stopped; the job is queued again", job_id)
    except Exception:  # the database is gone too: the job is recovered once its heartbeat is stale
        log.exception("job %s: could not be queued again; it will be once its heartbeat is stale", job_id)


def _alive_here(worker: str) -> bool:
    """The worker named ``host:pid`` is a process running on this machine."""
    host, _, pid = (worker or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, another user's
        return True
    return True


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _execute(job_id, *, worker: str | None = None, on_progress: Callable[[JobView], None] | None = None,
             claimed=None) -> JobView | None:
    """Claim and run one job; None when it was not claimable. Never raises for a job's failure."""
    row = claimed or _claim(job_id, worker or _worker_name())
    if row is None:
        return None
    base = _view(row)
    progress = Progress(row.id, row.attempts, on_change=on_progress, base=base)
    try:
        found = spec(row.kind)
        with _Heartbeat(progress):
            result = found.function(progress, **row.kwargs)
        if not isinstance(result, JobResult):
            raise TypeError(f"job {row.kind} returned {type(result).__name__}, not a JobResult")
        progress.flush()
        _finish(row.id, row.attempts, progress, result=result)
    except JobLost:
        log.warning("job %s (%s): another worker took it over; this run stopped", row.id, row.kind)
    except (KeyboardInterrupt, SystemExit):
        if claimed is None:
            # a worker stopped at once (asked twice): not the job's fault; queue it again
            _requeue(row.id, row.attempts)
        else:  # run_inline: the person stopped the command
            try:
                _finish(row.id, row.attempts, progress, error=STOPPED)
            except Exception:
                log.exception("job %s: the stop could not be recorded", row.id)
        raise
    except Exception as exc:  # every other failure ends the job FAILED
        text = _error_text(exc)
        if text is None:
            log.exception("job %s (%s) failed", row.id, row.kind)
            text = GENERIC_ERROR
        try:
            _finish(row.id, row.attempts, progress, error=text)
        except Exception:
            log.exception("job %s: the failure could not be recorded", row.id)
    _ProgressNote.drop(row.id)
    view = get(row.id)
    if on_progress is not None:
        on_progress(view)
    return view


@task()
def run_job(job_id: str) -> str:
    """django-tasks' one task: claim the job and run it. Returns the job's status afterwards (or
    ``skipped`` when it was not claimable: finished, or being run by another worker)."""
    view = _execute(job_id)
    return view.status.value if view is not None else "skipped"


def run_inline(kind: str, *, by: str, on_progress: Callable[[JobView], None] | None = None, **kwargs) -> JobResult:
    """Run the job ``kind`` now in this process (the CLI), recorded like any other; raises
    :class:`JobFailed` with the job's error when it fails."""
    found = spec(kind)
    arguments = _json_kwargs(kwargs)
    Job = _model()
    now = clock.now()
    row = Job.objects.create(kind=kind, title=found.title_for(arguments)[:300], kwargs=arguments,
                             status=JobStatus.RUNNING, created_by=by, created_at=now, started_at=now,
                             heartbeat_at=now, attempts=1, worker=_worker_name()[:100])
    view = _execute(row.id, on_progress=on_progress, claimed=row)
    assert view is not None
    if view.status is not JobStatus.DONE:
        raise JobFailed(view)
    assert view.result is not None
    return view.result


def _next_task(worker: str):
    """Claim the next ready ``run_job`` entry of django-tasks' queue (None when there is none)."""
    from django_tasks.backends.database.models import DBTaskResult

    entries = DBTaskResult.objects.ready().filter(task_path=run_job.module_path)
    if not entries.exists():  # a read: an idle worker never takes SQLite's write lock
        return None
    with transaction.atomic():
        entry = entries.get_locked()
        if entry is None:
            return None
        entry.claim(worker[:64])
    return entry


def _run_entry(entry) -> None:
    try:
        args = entry.args_kwargs
        value = run_job.call(*args.get("args", []), **args.get("kwargs", {}))
        entry.set_succeeded(value)
    except BaseException as exc:
        entry.set_failed(exc)
        if not isinstance(exc, Exception):
            raise


def run_queued(limit: int | None = None) -> int:
    """Run waiting jobs in this process, oldest first, until none wait (or ``limit`` have run);
    returns how many queue entries were run."""
    worker = _worker_name()
    count = 0
    while limit is None or count < limit:
        entry = _next_task(worker)
        if entry is None:
            break
        _run_entry(entry)
        count += 1
    return count


def _close_lost_entries(job_id) -> None:
    """Mark the queue entries of a stalled job's lost run failed (django-tasks left them
    running when the worker died), so the queue's own records tell the truth too."""
    from django_tasks.backends.database.models import DBTaskResult
    from django_tasks.task import ResultStatus

    lost = DBTaskResult.objects.filter(task_path=run_job.module_path, status=ResultStatus.RUNNING,
                                       args_kwargs__args__0=str(job_id))
    for entry in lost:
        entry.set_failed(JobLost(f"the worker running job {job_id} stopped; the job was queued again"))


def recover_stalled(now=None) -> list[str]:
    """Queue again every running job whose heartbeat is older than ``BEACON_JOB_STALL_SECONDS``
    (its worker was killed, or its machine stopped); a job that has already been started
    ``BEACON_JOB_MAX_ATTEMPTS`` times fails instead. Returns the ids queued again. On SQLite a job
    whose worker process is still running is left alone (see :func:`_alive_here`)."""
    Job = _model()
    now = now or clock.now()
    stale_before = now - dt.timedelta(seconds=_stall_seconds())
    max_attempts = int(getattr(settings, "BEACON_JOB_MAX_ATTEMPTS", 3))
    requeued: list[str] = []
    stale = Job.objects.filter(status=JobStatus.RUNNING).filter(heartbeat_at__lt=stale_before)
    for row in list(stale.only("id", "attempts", "heartbeat_at", "kind", "worker")):
        if connection.vendor == "sqlite" and _alive_here(row.worker):
            # SQLite: a job's long write transaction holds the database's one write lock, so its
            # heartbeat cannot be written; its worker (always on this machine) is still running
            continue
        with transaction.atomic():
            still = Job.objects.filter(pk=row.pk, status=JobStatus.RUNNING, attempts=row.attempts,
                                       heartbeat_at=row.heartbeat_at)
            if row.attempts >= max_attempts:
                still.update(status=JobStatus.FAILED, finished_at=now,
                             error=f"The worker running this job stopped {row.attempts} times; it was not tried again. "
                                   "Ask the administrator to look at the worker's log.")
                log.error("job %s (%s) failed: its worker stopped %s times", row.pk, row.kind, row.attempts)
                continue
            if still.update(status=JobStatus.QUEUED, worker=""):
                _close_lost_entries(row.pk)
                _enqueue(row.pk)
                requeued.append(str(row.pk))
                log.warning("job %s (%s): its worker stopped; queued again", row.pk, row.kind)
    return requeued


# --- work started by the worker loop at set times --------------------------------------------

_SCHEDULES: dict[str, Callable[[], object]] = {}


def schedule(name: str, fn: Callable[[], object]) -> None:
    """Have every worker loop (not ``--once``) call ``fn()`` when the queue is empty (and at least
    every quarter of ``BEACON_JOB_STALL_SECONDS`` while it is busy): ``fn`` decides,
    cheaply, whether its time has come and then starts its job with :func:`start` and a key that
    names the day, so that of several workers only one starts it (``send-reminders``:
    :func:`beacon.core.notifications.start_daily_reminders`)."""
    _SCHEDULES[name] = fn


_SCHEDULE_RETRY_SECONDS = 60.0
_schedule_failed: dict[str, float] = {}


def _run_schedules() -> None:
    for name, fn in list(_SCHEDULES.items()):
        failed = _schedule_failed.get(name)
        if failed is not None and time.monotonic() - failed < _SCHEDULE_RETRY_SECONDS:
            continue  # it failed a moment ago (the database unreachable?): not every second
        try:
            fn()
            _schedule_failed.pop(name, None)
        except Exception:
            _schedule_failed[name] = time.monotonic()
            log.exception("the scheduled %s could not be started; trying again in a minute", name)


def work(*, once: bool = False, poll: float | None = None, should_stop: Callable[[], bool] = lambda: False,
         sleep: Callable[[float], None] = time.sleep, busy: Callable[[bool], None] | None = None) -> int:
    """The worker loop (``beacon worker``): run queued jobs; every quarter of
    ``BEACON_JOB_STALL_SECONDS`` queue stalled ones again; between them start the scheduled jobs
    whose time has come (:func:`schedule`). With ``once``, stop when nothing waits (and start no
    scheduled job);
    ``should_stop`` is asked before each job; ``busy(True)``/``busy(False)`` brackets each job.
    Returns how many queue entries were run."""
    from django.db import close_old_connections

    _load_modules()  # import every job kind once, before the first job
    poll = float(getattr(settings, "BEACON_JOB_POLL_SECONDS", 1.0)) if poll is None else poll
    every = max(1.0, _stall_seconds() / 4)
    worker = _worker_name()
    last_recovery: float | None = None
    last_schedules = time.monotonic()
    entry_was_none = False  # the first look at the queue comes before the first schedule
    count = 0
    while not should_stop():
        if last_recovery is None or time.monotonic() - last_recovery >= every:
            try:
                recover_stalled()
            except Exception:
                log.exception("recovering stalled jobs failed; trying again later")
            last_recovery = time.monotonic()
        if not once and (entry_was_none or time.monotonic() - last_schedules >= every):
            _run_schedules()  # the daily jobs, when it is their time (never with --once)
            last_schedules = time.monotonic()
        entry = _next_task(worker)
        entry_was_none = entry is None
        if entry is not None:
            if busy is not None:
                busy(True)
            try:
                _run_entry(entry)
            finally:
                if busy is not None:
                    busy(False)
            count += 1
            continue
        if once:
            break
        close_old_connections()
        sleep(poll)
    return count
