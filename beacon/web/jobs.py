"""The data page's background jobs (:mod:`beacon.core.jobs`): previewing and importing an uploaded
bundle too large to check within a web request (larger than ``BEACON_IMPORT_INLINE_BYTES``).

The web application starts them (:func:`start_preview`, :func:`start_import`) and sends the
person to the job's page. Both read the upload from the shared file store through its
:class:`~beacon.core.models.KeptUpload` row, so the worker need share nothing with the server
that took the upload. They live here, beside the services they call
(:mod:`beacon.web.services.data`), and workers import them as the ``jobs`` module of an
installed app.

* ``preview-bundle``: the dry run with the importer's progress; the preview is stored (a JSON
  document in the file store, named on the kept upload's row) and the job's result links to the
  preview page, ``/data/upload/<token>/``. Row-level problems fail the job, listing them; the
  kept upload is then forgotten, as in the request.
* ``import-bundle`` (key ``import-bundle:<token>``: a second press goes to the same job): the
  import, only if it still changes what the preview listed (its fingerprint); otherwise the job
  fails with "The data changed since the preview: nothing was imported." and the upload stays,
  for a new preview. Imported, the upload is forgotten in the import's own transaction, and the
  result links to the data page showing the import run.

Both may run again after their worker stopped: the preview writes nothing but its stored
document, and an import that committed before its worker stopped has forgotten its upload and
recorded its run, which the second run finds and reports.
"""

from __future__ import annotations


from beacon.core import jobs
from beacon.core.pages import page_path
from beacon.core import permissions as perm
from beacon.domain.jobs import JobResult

from .services import data as svc

PREVIEW_BUNDLE = "preview-bundle"
IMPORT_BUNDLE = "import-bundle"
STALE = "The data changed since the preview: nothing was imported."
GONE = "The upload is no longer kept (imported or forgotten since): upload the bundle again."

__all__ = ["PREVIEW_BUNDLE", "IMPORT_BUNDLE", "NotImported", "preview_bundle", "import_upload", "start_preview",
           "start_import", "way_back", "preview_key", "import_key"]


class NotImported(Exception):
    """A bundle job that wrote nothing, as the job's error says it: one line, then each problem."""

    def __init__(self, message: str, problems: list[str] | tuple[str, ...] = ()):
        self.problems = list(problems)
        super().__init__(message)


def preview_key(token: str) -> str:
    return f"{PREVIEW_BUNDLE}:{token}"


def import_key(token: str) -> str:
    """At most one unfinished import of an upload: a second press of the button goes to it."""
    return f"{IMPORT_BUNDLE}:{token}"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' if n != 1 else ''}"


def start_preview(upload: svc.StoredUpload, user: str, reason: str = "") -> jobs.JobView:
    """Queue the preview of a large kept upload (one at a time per upload)."""
    return jobs.start(PREVIEW_BUNDLE, by=user, key=preview_key(upload.token), token=upload.token, name=upload.name,
                      user=user, reason=reason)


def start_import(upload: svc.StoredUpload, user: str, reason: str, fingerprint: str) -> jobs.JobView:
    """Queue the import of a previewed large upload (one at a time per upload)."""
    return jobs.start(IMPORT_BUNDLE, by=user, key=import_key(upload.token), token=upload.token, name=upload.name,
                      user=user, reason=reason, fingerprint=fingerprint)


@jobs.job(PREVIEW_BUNDLE, "Check what {name} would change", permission=perm.IMPORT_DATA)
def preview_bundle(progress, *, token: str, user: str, name: str = "", reason: str = "") -> JobResult:
    """Work out what importing the kept upload ``token`` would change (nothing written) and store
    it for the preview page."""
    upload = svc.stored_upload(token)
    if upload is None:
        raise NotImported(GONE)
    try:
        preview = svc.preview_upload(upload, user, progress=progress)
    except svc.BundleErrors as exc:
        svc.discard_upload(token)
        raise NotImported(f"The bundle was not imported: {_plural(exc.count, 'problem')}; nothing was written.",
                          exc.messages) from None
    if not preview.result.changed:  # nothing to confirm: the kept upload is not needed
        svc.discard_upload(token)
        return JobResult(f"Nothing would change: {upload.name} matches the data.", page_path("web:data"))
    svc.keep_preview(preview, reason)
    created, changed = preview.counts
    return JobResult(f"{upload.name} would make {_plural(created + changed, 'change')} ({created:,} new, "
                     f"{changed:,} changed). Nothing has been imported yet: check the changes, then confirm.",
                     page_path("web:data_confirm", token))


@jobs.job(IMPORT_BUNDLE, "Import {name}", permission=perm.IMPORT_DATA)
def import_upload(progress, *, token: str, user: str, reason: str, fingerprint: str, name: str = "") -> JobResult:
    """Import the kept upload ``token`` as ``user`` with ``reason``, if it still changes what the
    preview with ``fingerprint`` listed."""
    from beacon.core.models import ImportRun

    started = jobs.get(progress.job_id).created_at
    upload = svc.stored_upload(token)
    if upload is None:
        run = ImportRun.objects.filter(imported_by=user, imported_at__gte=started).order_by("-pk").first()
        if run is None:
            raise NotImported(GONE)
        progress.step("Imported by an earlier run of this job", advance=0)
        return _imported(name or "the bundle", run)
    try:
        svc.apply_upload(upload, user, reason, fingerprint, progress=progress)
    except svc.StalePreview:
        svc.forget_preview(token)  # the next look at the preview works it out again
        raise NotImported(STALE, ["Check what it would change now, then confirm again."]) from None
    except svc.BundleErrors as exc:
        raise NotImported(f"The bundle was not imported: {_plural(exc.count, 'problem')}; nothing was written.",
                          exc.messages) from None
    run = ImportRun.objects.filter(imported_by=user, imported_at__gte=started).order_by("-pk").first()
    return _imported(upload.name, run)


def _imported(name: str, run) -> JobResult:
    if run is None:  # pragma: no cover - every import records its run
        return JobResult(f"{name} is imported.", page_path("web:data"))
    result = svc.run_result(run)
    created = sum(int(c.get("created", 0)) for c in result.summary.values())
    changed = sum(int(c.get("changed", 0)) for c in result.summary.values())
    return JobResult(f"{name} is imported: {created:,} new, {changed:,} changed.", f"{page_path('web:data')}?run={run.pk}")


def way_back(view: jobs.JobView) -> tuple[str, str] | None:
    """For the job page of a failed bundle job: where to go next (link, words), or None."""
    if not view.status.finished or view.result is not None or view.kind not in (PREVIEW_BUNDLE, IMPORT_BUNDLE):
        return None
    from beacon.core.models import Job

    kwargs = Job.objects.filter(pk=view.id).values_list("kwargs", flat=True).first() or {}
    upload = svc.stored_upload(kwargs.get("token", ""))
    if upload is not None:
        return page_path("web:data_confirm", upload.token), f"See what {upload.name} would change now"
    return page_path("web:data"), "Upload the bundle again"
