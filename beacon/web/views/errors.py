"""Every error on a Beacon page: what went wrong in plain words, what to do, a link home
(``400.html``, ``403.html``, ``404.html``, ``500.html``, ``web/csrf_failure.html``). Titles
start with "Error:" so a screen reader says so first.

The 500 page is rendered without the request's context processors and without the database:
whatever failed may be the database itself.
"""

from __future__ import annotations

import logging

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

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


def server_error(request):
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
