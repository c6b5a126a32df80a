"""Import and export bundles in the browser."""

from django.http import HttpResponse
from django.shortcuts import render

from beacon.bundle.errors import BundleErrors
from beacon.core import clock
from beacon.performance.models import ImportRun

from .. import permissions as perm
from ..services import data as svc


@perm.require(perm.EXPORT_DATA)
def index(request):
    context = {
        "can_import": perm.can(request.user, perm.IMPORT_DATA),
        "runs": ImportRun.objects.all()[:10],
        "errors": None,
        "result": None,
    }
    if request.method == "POST":
        perm.check(request.user, perm.IMPORT_DATA)
        upload = request.FILES.get("bundle")
        reason = request.POST.get("reason", "").strip()
        if upload is None:
            context["errors"] = ["Bundle file: choose a .zip of CSV files or an .xlsx workbook"]
            return render(request, "web/data.html", context, status=400)
        try:
            context["result"] = svc.import_upload(upload.name, upload.chunks(), request.user.username, reason)
        except BundleErrors as exc:
            context["errors"] = exc.messages
            return render(request, "web/data.html", context, status=400)
        context["runs"] = ImportRun.objects.all()[:10]
    return render(request, "web/data.html", context)


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@perm.require(perm.EXPORT_DATA)
def export_zip(request):
    stamp = clock.local_now().strftime("%Y%m%d-%H%M")
    return _download(svc.export_zip(), f"beacon-bundle-{stamp}.zip", "application/zip")


@perm.require(perm.EXPORT_DATA)
def export_workbook(request):
    stamp = clock.local_now().strftime("%Y%m%d-%H%M")
    return _download(
        svc.export_workbook(),
        f"beacon-bundle-{stamp}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
