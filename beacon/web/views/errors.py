"""Every error on a Beacon page: what went wrong in plain words, what to do, a link home
(``400.html``, ``403.html``, ``404.html``, ``500.html``, ``web/csrf_failure.html``). Titles
start with "Error:" so a screen reader says so first.

The 500 page is rendered without the request's context processors and without the database:
whatever failed may be the database itself.

A fault that is nobody's mistake and passes (:func:`beacon.core.faults.fault_of`) gets a 503 that says what happened
and that nothing was saved, with a ``Retry-After`` when trying again later will help: the
database busy with other changes ("database is locked", a lock held too long, another import
running), the database unreachable, or the disk full. Every write is one transaction, so a fault
leaves nothing half-written. Under ``/api/`` every such answer (and the 500) is JSON:
``{"detail": ..., "retry_after": seconds}``. :func:`server_error` is Django's ``handler500``: it is
called for any exception a view or a middleware raised (the exception is the one being handled),
so a fault while saving the session at sign-in is answered the same way.
"""

from __future__ import annotations

import logging
import sys

from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from beacon.core import jsonio
from beacon.core.faults import Fault, fault_of

from .. import drafts

logger = logging.getLogger("beacon.web")

PLAIN_500 = (
    "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Error: Sorry, there is a problem "
    "with the service – Beacon</title></head><body><h1>Sorry, there is a problem with the service</h1>"
    "<p>Try again later.</p><p><a href=\"/\">Go to the Beacon home page</a></p></body></html>"
)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", {"request_path": request.path}, status=404)


def _json(body: dict, status: int) -> HttpResponse:
    return HttpResponse(jsonio.dumps(body, indent=None), status=status, content_type="application/json")


def _api(request) -> bool:
    return request.path.startswith("/api/")


def fault_response(request, fault: Fault) -> HttpResponse:
    """The 503 of ``fault``: JSON under /api/, else the branded page (or plain words when even
    the templates fail)."""
    if _api(request):
        body = {"detail": fault.detail}
        if fault.retry_after:
            body["retry_after"] = fault.retry_after
        response = _json(body, 503)
    else:
        context = {"heading": fault.heading, "words": fault.words, "advice": fault.advice, "when": fault.when}
        try:
            page = loader.get_template("503.html").render(context)
        except Exception:  # the templates themselves failed: still say what happened
            logger.exception("the 503 page could not be rendered")
            page = PLAIN_500.replace("Sorry, there is a problem with the service", fault.heading).replace(
                "Try again later.", f"{fault.words} {fault.advice}")
        response = HttpResponse(page, status=503)
    if fault.retry_after:
        response["Retry-After"] = str(fault.retry_after)
    return response


def server_error(request):
    """Django's handler500. The exception being handled says whether it is a fault (503) or an
    error of Beacon's own (500)."""
    fault = fault_of(sys.exc_info()[1])
    if fault is not None:
        logger.warning("answered 503: %s", fault.detail)
        return fault_response(request, fault)
    if _api(request):
        return _json({"detail": "sorry, there is a problem with the service: try again later; "
                                "if you were saving, check whether it was saved"}, 500)
    try:
        return HttpResponseServerError(loader.get_template("500.html").render())
    except Exception:  # the templates themselves failed: still say sorry
        logger.exception("the 500 page could not be rendered")
        return HttpResponseServerError(PLAIN_500)


def csrf_failure(request, reason=""):
    """Django's CSRF_FAILURE_VIEW: the form's token was out of date. Keep what was typed for
    the page and explain."""
    kept = drafts.keep(request)
    path = request.path
    back = path if path.startswith("/") and not path.startswith(("//", *drafts.NOT_KEPT_PATHS)) else None
    context = {"kept": kept, "back": back, "signed_in": request.user.is_authenticated}
    return render(request, "web/csrf_failure.html", context, status=403)
