"""A background job's page (``/jobs/<id>/``): what it is doing, how far it has got, and how it
ended, with the link to what it made or the reasons it failed.

Pages that start a job (publishing the QPR, dispatching a pack) redirect here (:func:`job_redirect`,
303 See Other). The page works without JavaScript: while the job is unfinished it refreshes itself
every two seconds (``<meta http-equiv="refresh">``, inside ``<noscript>``). With JavaScript, htmx
asks for the page every two seconds instead and replaces only the job's status (a polite live
region, so the change is read out without moving the reader to the top of the page); the answer
to the last poll, once the job has finished, is HTTP 286, which stops the polling.

Only the person who started the job, and people allowed to do what it does (the job kind's
permission), see it; anyone else gets 403 (anonymous people are sent to sign in).
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from beacon.core import jobs
from beacon.core import permissions as perm

from .. import jobs as bundle_jobs

STOP_POLLING = 286
"""htmx stops polling on this status (the swap still happens)."""


def job_redirect(view: jobs.JobView):
    """Send the person to the job's page (303: the form was handled; fetch the page)."""
    response = redirect("web:job", job_id=view.id)
    response.status_code = 303
    return response


def may_see(user, view: jobs.JobView) -> bool:
    if not user.is_authenticated:
        return False
    if user.get_username() == view.created_by:
        return True
    try:
        permission = jobs.spec(view.kind).permission
    except jobs.UnknownJobKind:
        return False
    return bool(permission) and perm.can(user, permission)


def job(request, job_id):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        view = jobs.get(job_id)
    except jobs.JobNotFound:
        raise Http404("no such job") from None
    if not may_see(request.user, view):
        raise PermissionDenied("not allowed: this job")
    error_lines = view.error.splitlines() if view.error else []
    context = {
        "job": view,
        "error_head": error_lines[0] if error_lines else "",
        "error_lines": error_lines[1:],
        "polled": request.headers.get("HX-Request") == "true",
        "way_back": bundle_jobs.way_back(view),  # a failed import: back to its preview, or to upload again
    }
    response = render(request, "web/job.html", context)
    response["Cache-Control"] = "no-store"
    if context["polled"] and view.finished:
        response.status_code = STOP_POLLING
    return response
