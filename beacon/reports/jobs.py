"""The reports area's background jobs (:mod:`beacon.core.jobs`): publishing a QPR edition (the
first or a corrected one), dispatching a meeting's agenda pack (or its supplement), and writing
a pack that is not dispatched (the CLI).

The web starts them and sends the person to the job's page; ``beacon publish`` and
``beacon pack`` run them in their own process (:func:`beacon.core.jobs.run_inline`) with a
progress bar. Each does its work through the one function that does it
(:func:`beacon.reports.publish.publish`, :func:`beacon.reports.packs.dispatch`, ``supplement``,
``assemble``), which reports its steps to the job's :class:`~beacon.core.jobs.Progress`.

Every job may be run again after its worker stopped (:func:`beacon.core.jobs.recover_stalled`):
publishing and dispatching each happen in one transaction, so a worker killed part way leaves
nothing; a worker killed after the transaction committed but before the job was marked done
leaves the edition (or the packs), and the second run finds them (the edition records the job's
id; the packs are those its person dispatched since the job was started) and returns the same
result instead of publishing or dispatching twice.

Job arguments are JSON: the quarter as its label (``"2022/23 Q2"``), the meeting as its key.
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.db import connection, connections

from beacon.core import jobs
from beacon.core.pages import page_path
from beacon.core import permissions as perm
from beacon.domain.jobs import JobResult
from beacon.domain.periods import Quarter

PUBLISH_QPR = "publish-qpr"
DISPATCH_PACK = "dispatch-pack"
RENDER_PACK = "render-pack"

__all__ = ["PUBLISH_QPR", "DISPATCH_PACK", "RENDER_PACK", "publish_qpr", "dispatch_pack", "render_pack",
           "publish_key", "dispatch_key"]


def publish_key(period: str) -> str:
    """At most one unfinished publication of a quarter at a time: a second press of the button
    goes to the job already running."""
    return f"{PUBLISH_QPR}:{period}"


def dispatch_key(meeting: str) -> str:
    return f"{DISPATCH_PACK}:{meeting}"


class _Outside:
    """The job's progress, written where people can see it while the work's own transaction is
    still open. Publishing and dispatching run in one transaction (all or nothing); on PostgreSQL
    each progress write goes through a connection of its own (a short thread), so the job page
    moves as the work does and the work's transaction never holds the job's row. On SQLite the
    open write transaction is the database's one writer, so the steps are written with it and
    appear when it commits. Only a job that began outside a transaction (a worker, the CLI)
    writes outside; one started inside a caller's transaction (tests) writes in it."""

    def __init__(self, progress):
        self.progress = progress
        self.separate = connection.vendor == "postgresql" and not connection.in_atomic_block

    def total(self, n: int) -> None:
        self._call(self.progress.total, n)

    def step(self, message: str, advance: int = 1) -> None:
        self._call(self.progress.step, message, advance)

    def _call(self, method, *args) -> None:
        if not (self.separate and connection.in_atomic_block):
            method(*args)
            return
        failure: list[BaseException] = []

        def write():
            try:
                method(*args)
            except BaseException as exc:  # noqa: BLE001 - handed back to the job's thread
                failure.append(exc)
            finally:
                connections.close_all()

        thread = threading.Thread(target=write, name="job progress", daemon=True)
        thread.start()
        thread.join()
        if failure:
            raise failure[0]


def _started_at(progress):
    """When the job was queued (its packs are those dispatched since)."""
    return jobs.get(progress.job_id).created_at


# --- publishing the QPR ---------------------------------------------------------------------------
@jobs.job(PUBLISH_QPR, "Publish the QPR for {period}", permission=perm.PUBLISH_REPORT)
def publish_qpr(progress, *, period: str, user: str, allow: dict | None = None, correction: str | None = None,
                seen: list[str] | None = None) -> JobResult:
    """Publish the QPR edition of ``period`` (a corrected edition when ``correction`` gives its
    reason), as ``user``, accepting the failed checks in ``allow`` (check id -> reason); ``seen``:
    the differences the person was shown (a correction is refused if they changed)."""
    from beacon.reports.publish import publish, published_by_job

    q = Quarter.parse(period)
    row = published_by_job(progress.job_id)
    if row is None:
        done = publish(q, user, allow or {}, correction=correction, seen_differences=seen,
                       progress=_Outside(progress), job=str(progress.job_id))
        edition = done.edition
    else:  # published by this job's earlier run, whose worker stopped before it could say so
        progress.step("Published by an earlier run of this job", advance=0)
        edition = row.edition
    if edition > 1:
        message = f"The corrected edition of the QPR for {q.long_label} is published (edition {edition})."
    else:
        message = f"The QPR for {q.long_label} is published."
    return JobResult(message, page_path("web:report", q.slug))


# --- the agenda pack ----------------------------------------------------------------------------
class NotDispatched(Exception):
    """A refused dispatch, as the job's error says it: one line, then each problem on its own."""

    def __init__(self, problems: list[str], supplement: bool = False):
        self.problems = list(problems)
        super().__init__(f"The {'supplement' if supplement else 'pack'} was not dispatched: "
                         f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} to put right.")


def _pack_words(made) -> str:
    from beacon.domain import governance as g

    return ", ".join(f"{g.PackAudience(p.audience).label.lower()} ({p.page_count} pages)" for p in made)


@jobs.job(DISPATCH_PACK, "Dispatch the agenda pack of {meeting}", permission=perm.MANAGE_MEETINGS)
def dispatch_pack(progress, *, meeting: str, user: str, supplement: bool = False) -> JobResult:
    """Dispatch the agenda pack of the meeting ``meeting`` (its key) as ``user``, or with
    ``supplement`` the supplement of the items added since."""
    from beacon.reports import packs

    made = packs.dispatched_since(meeting, user, _started_at(progress), supplement)
    if not made:
        steps = _Outside(progress)
        try:
            if supplement:
                made = packs.supplement(packs.DispatchSupplement(meeting_key=meeting, by=user), progress=steps)
            else:
                made = packs.dispatch(packs.DispatchPack(meeting_key=meeting, by=user), progress=steps)
        except packs.PackRefused as exc:
            raise NotDispatched(exc.problems, supplement) from None
    else:
        progress.step("Dispatched by an earlier run of this job", advance=0)
    if supplement:
        message = f"The supplement was dispatched: {_pack_words(made)}, version {made[0].version}."
    else:
        message = f"The pack was dispatched: {_pack_words(made)}."
    return JobResult(message, page_path("web:meeting_pack", meeting))


@jobs.job(RENDER_PACK, "Write the agenda pack of {meeting}", permission=perm.MANAGE_MEETINGS)
def render_pack(progress, *, meeting: str, out: str, audience: str = "public", format: str = "pdf") -> JobResult:
    """Write the pack of ``meeting`` for ``audience`` as it would be dispatched now (nothing is
    stored) in ``format`` to the file ``out`` (``beacon pack`` without ``--dispatch``; the file is
    written where the job runs). The result's message is one line, then a ``warning:`` line for
    each problem the pack would be refused for."""
    from beacon.governance.models import Meeting
    from beacon.reports import packs
    from beacon.reports.formats import PACK

    row = Meeting.objects.filter(key=meeting).first()
    if row is None:
        raise packs.PackRefused([f"there is no meeting {meeting}"])
    output = PACK[format]
    progress.total(packs.assembly_steps(row, audience) + 1)
    assembled = packs.assemble(row, audience, progress=progress)
    progress.step(f"Writing {Path(out).name}")
    data = output.render(assembled)
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    warnings = [f"warning: {p}" for p in packs.pack_problems(row, audience, assembled)]
    return JobResult("\n".join([f"Wrote the {audience} pack of {meeting} ({assembled.page_count} pages) to {out}",
                                *warnings]))


# --- register editions ---------------------------------------------------------------------------
RENDER_REGISTER_EDITION = "render-register-edition"
__all__ += ["RENDER_REGISTER_EDITION", "render_register_edition"]


@jobs.job(RENDER_REGISTER_EDITION, "Write the documents of register edition {edition}", permission=perm.MANAGE_RISKS)
def render_register_edition(progress, *, edition: int) -> JobResult:
    """Render and store every document of the register edition ``edition`` (its pk) for its
    status now (:func:`beacon.reports.register.files.edition_file`), so that no download has to
    render one. Stored once: run again, it finds them stored."""
    from beacon.reports.formats import REGISTER
    from beacon.reports.register.files import edition_file
    from beacon.risk.models import Edition

    row = Edition.objects.get(pk=edition)
    progress.total(len(REGISTER))
    for fmt in REGISTER:
        progress.step(f"Rendering the {fmt.short_label} file", advance=0)
        edition_file(row, fmt)
        progress.step(f"Rendered the {fmt.short_label} file")
    return JobResult(f"The documents of the {row.body} edition of {row.date:%d/%m/%Y} are ready.",
                     page_path("web:risk_edition", row.pk))
