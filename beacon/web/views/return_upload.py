"""Uploading a return as a spreadsheet: the data owner downloads the return's template (CSV
or Excel), fills it in, uploads it, checks the preview of what it changes, and confirms. The
file is read by :mod:`beacon.returns.upload` with the return page's rules; saving is a draft
through the return's own service, refused if the return changed since the preview. Pages work
without JavaScript."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from beacon.core import permissions as perm
from beacon.core.stale import StaleEdit
from beacon.returns import commands as cmd
from beacon.returns import queries, services
from beacon.returns import upload as returns_upload
from beacon.reports.formats import RETURN
from beacon.returns.models import Return

from ..forms.return_upload import ConfirmUploadForm, ReturnUploadForm
from .returns import _period



def _return(request, slug, code, action) -> Return:
    rp = _period(slug)
    ret = get_object_or_404(Return.objects.select_related("directorate", "period"), period=rp, directorate__code=code)
    if not perm.can(request.user, action, ret.directorate):
        raise PermissionDenied("not your directorate")
    return ret


def template_name(ret: Return, fmt: str) -> str:
    return f"{ret.directorate.code}-{ret.period.slug}-return.{fmt}"


@perm.require(perm.VIEW_RETURNS)
def template(request, slug, code, fmt):
    """The return as a file to fill in: its lines and the values it holds now."""
    ret = _return(request, slug, code, perm.VIEW_RETURN)
    output = RETURN.get(fmt)
    if output is None:
        raise Http404("no such format")
    response = HttpResponse(output.render(ret), content_type=output.content_type)
    response["Content-Disposition"] = f'attachment; filename="{template_name(ret, fmt)}"'
    return response


@perm.require(perm.VIEW_RETURNS)
def upload(request, slug, code):
    ret = _return(request, slug, code, perm.EDIT_RETURN)
    try:
        services.check_editable(ret)
    except cmd.ReturnError as exc:
        messages.error(request, f"{exc.message}: it cannot be uploaded.")
        return redirect("web:return", slug=slug, code=code)
    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _confirm(request, ret)
    form = ReturnUploadForm(request.POST, request.FILES) if request.method == "POST" else ReturnUploadForm()
    if request.method != "POST":
        return _upload_page(request, ret, form)
    if not form.is_valid():
        return _upload_page(request, ret, form, status=400)
    file = form.cleaned_data["file"]
    name = (file.name or "return").replace("\\", "/").rsplit("/", 1)[-1][:100] or "return"
    lines = queries.return_lines(ret)
    try:
        returns_upload.check_size(name, file.size)  # before it is read
        parsed = returns_upload.parse_upload(name, file.read(), lines, ret.period.quarter, ret.directorate.code)
    except returns_upload.UploadError as exc:
        form.add_error("file", f"File: {name} was not uploaded: {_count(exc.problems, exc.total)}, listed above; "
                               "nothing was saved")
        return _upload_page(request, ret, form, problems=exc.problems, status=400)
    try:
        returns_upload.check_upload(ret.pk, parsed, request.user.username)
    except cmd.ReturnError as exc:
        problems = [f"{name}: {message}" for message in exc.field_errors.values()] or [f"{name}: {exc.message}"]
        form.add_error("file", f"File: {name} cannot be saved in the return: {_count(problems)}, listed above; "
                               "nothing was saved")
        return _upload_page(request, ret, form, problems=problems, status=400)
    opened, _labels = queries.return_fields(ret, lines)
    confirm = ConfirmUploadForm(initial={"upload": returns_upload.seal_upload(parsed, ret.pk)}, opened_values=opened)
    return _preview_page(request, ret, parsed, lines, confirm)


def _confirm(request, ret: Return):
    form = ConfirmUploadForm(request.POST)
    form.is_valid()
    parsed = returns_upload.unseal_upload(form.cleaned_data.get("upload", ""), ret.pk)
    if parsed is None:
        return _upload_page(request, ret, ReturnUploadForm(), status=400,
                            message="The preview could not be read back: upload the file again. Nothing was saved.")
    try:
        changes = returns_upload.save_upload(ret.pk, parsed, form.opened_values(), request.user.username)
    except StaleEdit as exc:
        return _upload_page(request, ret, ReturnUploadForm(), status=409,
                            message=f"{exc.message.replace('then save again', 'then upload the file again')}",
                            changed=[c.sentence() for c in exc.changes])
    except cmd.ReturnError as exc:
        problems = list(exc.field_errors.values())
        message = exc.message if "not saved" in exc.message else f"{exc.message}: nothing was saved"
        return _upload_page(request, ret, ReturnUploadForm(), status=400, problems=problems, message=f"{message}.")
    n = len(changes)
    if n:
        messages.success(request, f"The values from {parsed.filename} were saved as a draft ({n} change{'s' if n != 1 else ''}). "
                                  "Check the return, then submit it for review.")
    else:
        messages.success(request, f"{parsed.filename} holds what the return holds already: nothing changed.")
    return redirect("web:return", slug=ret.period.slug, code=ret.directorate.code)


def _count(problems, total=None) -> str:
    n = len(problems) if total is None else total
    return f"{n} problem{'s' if n != 1 else ''}"


def _upload_page(request, ret, form, status=200, problems=(), message=None, changed=()):
    errors = []
    if message:
        errors.append(("", message))
    errors += [("#file", p) for p in problems]
    if form.is_bound and not problems:
        errors += [(f"#{bound.id_for_label}", " ".join(bound.errors)) for bound in form if bound.errors]
    context = {"ret": ret, "q": ret.period.quarter, "form": form, "upload_errors": errors, "changed": changed,
               "formats": [(f, template_name(ret, f.extension)) for f in RETURN],
               "columns": returns_upload.COLUMNS, "max_rows": returns_upload.MAX_ROWS}
    return render(request, "web/return_upload.html", context, status=status)


def _preview_page(request, ret, parsed, lines, confirm):
    plan = returns_upload.plan(parsed, lines, ret.commentary)
    context = {"ret": ret, "q": ret.period.quarter, "upload": parsed, "plan": plan, "form": confirm}
    return render(request, "web/return_upload_preview.html", context)
