"""Import and export bundles in the browser."""

from django.shortcuts import render

from beacon.bundle.errors import BundleErrors
from beacon.core import clock
from beacon.core import permissions as perm
from beacon.core.models import ImportRun
from beacon.reports.formats import BUNDLE

from ..forms import error_summary
from ..forms.data import UploadBundleForm
from ..services import data as svc
from .files import file_response, format_or_404


@perm.require(perm.EXPORT_DATA)
def index(request):
    form = UploadBundleForm(request.POST, request.FILES) if request.method == "POST" else UploadBundleForm()
    context = {"can_import": perm.can(request.user, perm.IMPORT_DATA), "form": form, "problems": None, "result": None,
               "errors": {}}
    if request.method == "POST":
        perm.check(request.user, perm.IMPORT_DATA)
        if not form.is_valid():
            context.update(runs=ImportRun.objects.all()[:10], errors=error_summary(None, form))
            return render(request, "web/data.html", context, status=400)
        upload, reason = form.upload()
        try:
            context["result"] = svc.import_upload(upload.name, upload.chunks(), request.user.username, reason)
        except BundleErrors as exc:
            n = len(exc.messages)
            form.add_error("bundle", f"the bundle was not imported: {n} problem{'s' if n != 1 else ''}, listed above")
            context.update(runs=ImportRun.objects.all()[:10], problems=exc.messages)
            return render(request, "web/data.html", context, status=400)
        context["form"] = UploadBundleForm()
    context["runs"] = ImportRun.objects.all()[:10]
    return render(request, "web/data.html", context)


@perm.require(perm.EXPORT_DATA)
def export(request, fmt):
    """The whole database as a data bundle, in a format of :data:`beacon.reports.formats.BUNDLE`."""
    output = format_or_404(BUNDLE, fmt)
    stamp = clock.local_now().strftime("%Y%m%d-%H%M")
    return file_response(output.render(None), output, output.filename(f"beacon-bundle-{stamp}"))
