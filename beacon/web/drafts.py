"""Entries kept when a form could not be saved because the session had ended or the page's
CSRF token was out of date (the person signed in again in another tab).

Nobody should lose what they typed to a timeout. When such a POST fails,
:func:`keep` stores its fields (never the CSRF token or a password) in the session under the
page's path: :class:`beacon.web.middleware.DraftKeepingMiddleware` does it when a signed-out
POST is sent to sign in, :func:`beacon.web.views.errors.csrf_failure` when the token was
refused. Signing in keeps an anonymous session's data (Django cycles the key), so after
signing in the page finds its entries again with :func:`restore`, which also puts up the
banner asking the person to check them and save. A view that edits stored data binds them::

    data = request.POST if request.method == "POST" else drafts.restore(request)
    form = SomeForm(data, ...)

A bound form re-shows the entries (and any that are not valid, with their errors); the save
still goes through the stale-safe check of the form's ``opened`` values.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import QueryDict

SESSION_KEY = "beacon_drafts"
MAX_DRAFTS = 5  # the most recent pages' entries; older ones are dropped
MAX_CHARS = 200_000  # a bigger post (an upload's text) is not kept
NOT_KEPT = ("csrfmiddlewaretoken",)
NOT_KEPT_PATHS = ("/sign-in/", "/sign-out/", "/password-reset/", "/account/password/", "/session/")
RESTORED_MESSAGE = "Your unsaved entries were kept: check them and save."


def _keepable(name: str) -> bool:
    return name not in NOT_KEPT and "password" not in name.lower()


def keep(request, path: str | None = None) -> bool:
    """Keep the fields ``request`` posted, for the page at ``path`` (default: the request's).
    Returns whether anything was kept."""
    path = path or request.path
    if request.method != "POST" or path.startswith(NOT_KEPT_PATHS) or not hasattr(request, "session"):
        return False
    try:
        fields = {name: request.POST.getlist(name) for name in request.POST if _keepable(name)}
    except Exception:  # an unreadable body (too large, malformed): nothing to keep
        return False
    if not fields or sum(len(v) for values in fields.values() for v in values) > MAX_CHARS:
        return False
    drafts = dict(request.session.get(SESSION_KEY, {}))
    drafts.pop(path, None)
    drafts[path] = fields
    while len(drafts) > MAX_DRAFTS:
        drafts.pop(next(iter(drafts)))
    request.session[SESSION_KEY] = drafts
    return True


def waiting(request, path: str | None = None) -> bool:
    """Whether entries are kept for the page at ``path`` (the sign-in page says so)."""
    if not hasattr(request, "session"):
        return False
    return (path or request.path) in request.session.get(SESSION_KEY, {})


def restore(request, path: str | None = None) -> QueryDict | None:
    """The entries kept for this page, as posted data to bind a form to (once: they are removed
    from the session), with a banner asking the person to check and save them; None if there
    are none. Only for a signed-in user: a signed-out visitor keeps them until they sign in."""
    path = path or request.path
    if not getattr(request.user, "is_authenticated", False) or not waiting(request, path):
        return None
    drafts = dict(request.session[SESSION_KEY])
    fields = drafts.pop(path)
    request.session[SESSION_KEY] = drafts
    data = QueryDict(mutable=True)
    for name, values in fields.items():
        data.setlist(name, list(values))
    data._mutable = False
    messages.warning(request, RESTORED_MESSAGE)
    return data
