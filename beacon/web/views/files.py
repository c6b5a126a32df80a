"""Sending a rendered file: the content type, inline or attachment, and the file name come from
its registered format (:mod:`beacon.reports.formats`)."""

from django.http import Http404, HttpResponse

from beacon.reports.formats import Formats, OutputFormat

# a report document is shown as a document, never run as part of the application
DOCUMENT_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def format_or_404(formats: Formats, name: str) -> OutputFormat:
    fmt = formats.get(name)
    if fmt is None:
        raise Http404("no such format")
    return fmt


def file_response(content: bytes, fmt: OutputFormat, name: str) -> HttpResponse:
    """``content`` as the file ``name`` (``fmt.filename(stem)`` for a file made now)."""
    response = HttpResponse(content, content_type=fmt.content_type)
    disposition = "inline" if fmt.inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    if fmt.content_type.split(";")[0] == "text/html":
        response["Content-Security-Policy"] = DOCUMENT_CSP
    return response
