"""A Content-Security-Policy for Beacon's pages: scripts, styles and fonts only from Beacon
itself, no inline scripts, charts as data: images, no framing. A second line of defence
against injected markup (all text is escaped in the first place).

Responses that set their own policy keep it (published report files are served sandboxed);
Django's admin and the API docs get the same policy except that the API docs may run their
own bundled scripts.
"""

POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# ninja's Swagger page starts itself with an inline configuration script
API_DOCS_POLICY = POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            docs = request.path.startswith("/api/docs")
            response["Content-Security-Policy"] = API_DOCS_POLICY if docs else POLICY
        return response


class SessionActivityMiddleware:
    """Renews a signed-in session's expiry as it is used, so it ends ``SESSION_COOKIE_AGE``
    seconds after the last page was opened (a sliding expiry). It is renewed at most every
    ``BEACON_SESSION_REFRESH_SECONDS`` (one session write a minute, not one per request); the
    session page (``/session/``), which the timeout warning asks, never renews it."""

    SEEN = "beacon_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        from beacon.core import clock

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.path != "/session/":
            now = int(clock.now().timestamp())
            seen = request.session.get(self.SEEN, 0)
            if now - seen >= settings.BEACON_SESSION_REFRESH_SECONDS:
                request.session[self.SEEN] = now
        return self.get_response(request)


def session_expires_in(request) -> int | None:
    """Seconds until a signed-in user's session ends if they do nothing (None: not signed in)."""
    from django.conf import settings

    from beacon.core import clock

    if not getattr(getattr(request, "user", None), "is_authenticated", False):
        return None
    seen = request.session.get(SessionActivityMiddleware.SEEN)
    if seen is None:
        return settings.SESSION_COOKIE_AGE
    return max(0, settings.SESSION_COOKIE_AGE - (int(clock.now().timestamp()) - seen))


class DraftKeepingMiddleware:
    """A form posted after the session ended is sent to sign in: keep what was typed
    (:func:`beacon.web.drafts.keep`) so the page shows it again after signing in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.method == "POST" and response.status_code == 302
                and not getattr(getattr(request, "user", None), "is_authenticated", True)):
            from urllib.parse import parse_qs, urlsplit

            from django.conf import settings
            from django.shortcuts import resolve_url

            from . import drafts

            target = urlsplit(response.get("Location", ""))
            if target.path == resolve_url(settings.LOGIN_URL):
                back = parse_qs(target.query).get("next", [request.path])[0]
                drafts.keep(request, urlsplit(back).path)
        return response
