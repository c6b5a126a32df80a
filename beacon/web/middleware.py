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
