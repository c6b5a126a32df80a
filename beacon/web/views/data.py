"""Import and export bundles in the browser. An upload is previewed first (nothing written) and
imported only when the person confirms the preview. An upload larger than
``BEACON_IMPORT_INLINE_BYTES`` is previewed and imported by background jobs
(:mod:`beacon.web.jobs`): the form answers at once with the job's page."""

from django.http import Http404
from django.shortcuts import render

from beacon.core import clock
from beacon.core import permissions as perm
from beacon.core.models import ImportRun
from beacon.reports.formats import BUNDLE

from ..forms import error_summary
from ..forms.data import ConfirmImportForm, UploadBundleForm
from ..jobs import start_import, start_preview
from ..services import data as svc
from .files import file_response, format_or_404
from .jobs import job_redirect


def _page(request, context: dict, status: int = 200):
    base = {"can_import": perm.can(request.user, perm.IMPORT_DATA), "form": UploadBundleForm(), "problems": None,
            "result": None, "preview": None, "confirm": None, "errors": {}}
    base.update(context)
    base["runs"] = ImportRun.objects.all()[:10]
    return render(request, "web/data.html", base, status=status)


def _imported_run(request) -> dict:
    """``?run=<id>`` (where an import job's result links): what that import did."""
    run_id = request.GET.get("run", "")
    run = ImportRun.objects.filter(pk=int(run_id)).first() if run_id.isdigit() else None
    return {"result": svc.run_result(run)} if run is not None else {}


def _previewed(request, upload, reason: str = "", errors: dict | None = None, status: int = 200, form=None):
    """The preview of a kept upload and the form that confirms it (or its row-level problems,
    on ``form``, the upload form, when it was just posted)."""
    try:
        preview = svc.preview_upload(upload, request.user.username)
    except svc.BundleErrors as exc:
        svc.discard_upload(upload.token)
        if form is not None:
            n = exc.count  # every problem, not only those listed
            form.add_error("bundle", f"the bundle was not imported: {n:,} problem{'s' if n != 1 else ''}, listed above")
        return _page(request, {"form": form or UploadBundleForm(), "problems": exc.messages}, status=400)
    if not preview.result.changed:  # nothing to confirm: the kept file is not needed
        svc.discard_upload(upload.token)
    confirm = ConfirmImportForm(initial={"reason": reason}, fingerprint=preview.fingerprint,
                                needs_reason=preview.needs_reason)
    return _page(request, {"preview": preview, "confirm": confirm, "errors": errors or {}}, status=status)


@perm.require(perm.EXPORT_DATA)
def index(request):
    """The data page; a bundle posted here is kept and previewed, never imported straight away."""
    if request.method != "POST":
        return _page(request, _imported_run(request))
    perm.check(request.user, perm.IMPORT_DATA)
    form = UploadBundleForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, {"form": form, "errors": error_summary(None, form)}, status=400)
    file, reason = form.upload()
    try:
        upload = svc.store_upload(file.name, file.chunks(), by=request.user.username)
    except svc.BundleErrors as exc:
        form.add_error("bundle", "; ".join(exc.messages))
        return _page(request, {"form": form, "errors": error_summary(None, form)}, status=400)
    if upload.large:  # too large to check within the request: a worker previews it
        return job_redirect(start_preview(upload, request.user.username, reason))
    return _previewed(request, upload, reason, form=form)


@perm.require(perm.IMPORT_DATA)
def confirm(request, token):
    """Import a previewed upload (POST only): refused, with the new preview, when the data
    changed since the preview; with the reason in every revision."""
    upload = svc.stored_upload(token)
    if upload is None:
        raise Http404("no such upload: upload the bundle again")
    if upload.large:
        return _confirm_by_job(request, upload)
    if request.method != "POST":
        return _previewed(request, upload)
    form = ConfirmImportForm(request.POST)
    if not form.is_valid():
        preview = svc.preview_upload(upload, request.user.username)
        message = " ".join(form.non_field_errors()) or None
        errors = error_summary(message, form)
        if message:  # no readable preview came back: confirm the preview shown now
            form = ConfirmImportForm(fingerprint=preview.fingerprint, needs_reason=preview.needs_reason)
        return _page(request, {"preview": preview, "confirm": form, "errors": errors}, status=400)
    try:
        result = svc.apply_upload(upload, request.user.username, form.reason_text(), form.fingerprint)
    except svc.StalePreview:
        message = ("The data changed since the preview: nothing was imported. Check the changes listed now, "
                   "then confirm again.")
        return _previewed(request, upload, form.reason_text(), errors={"__all__": message}, status=409)
    except svc.BundleErrors as exc:
        return _page(request, {"problems": exc.messages}, status=400)
    return _page(request, {"result": result})


def _confirm_by_job(request, upload):
    """A large upload: its preview as the preview job stored it (none yet, or no longer true:
    the preview job, started again), and confirming starts the import job."""
    preview = svc.kept_preview(upload)
    if preview is None:
        return job_redirect(start_preview(upload, request.user.username))
    if request.method != "POST":
        confirm = ConfirmImportForm(initial={"reason": preview.reason}, fingerprint=preview.fingerprint,
                                    needs_reason=preview.needs_reason)
        return _page(request, {"preview": preview, "confirm": confirm})
    form = ConfirmImportForm(request.POST)
    if not form.is_valid():
        message = " ".join(form.non_field_errors()) or None
        errors = error_summary(message, form)
        if message:  # no readable preview came back: confirm the preview shown now
            form = ConfirmImportForm(fingerprint=preview.fingerprint, needs_reason=preview.needs_reason)
        return _page(request, {"preview": preview, "confirm": form, "errors": errors}, status=400)
    return job_redirect(start_import(upload, request.user.username, form.reason_text(), form.fingerprint))


@perm.require(perm.EXPORT_DATA)
def export(request, fmt):
    """The whole database as a data bundle, in a format of :data:`beacon.reports.formats.BUNDLE`."""
    output = format_or_404(BUNDLE, fmt)
    stamp = clock.local_now().strftime("%Y%m%d-%H%M")
    return file_response(output.render(None), output, output.filename(f"beacon-bundle-{stamp}"))
