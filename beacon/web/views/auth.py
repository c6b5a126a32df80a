"""Signing in and out, the session (its timeout warning and keep-alive), and passwords: change
your own, or reset it by a link sent by e-mail (Django's views, Beacon's GOV.UK pages)."""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from beacon.core import clock, jsonio
from beacon.core.audit import Change, record_revision

from .. import drafts, throttle
from ..forms.account import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from ..middleware import SessionActivityMiddleware, session_expires_in


class ThrottledLoginView(LoginView):
    """Django's sign-in with a progressive delay after repeated failures (beacon.web.throttle):
    an attempt that must still wait answers 429 saying how long."""

    template_name = "web/login.html"
    authentication_form = throttle.SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # a form sent after the session ended: say its entries wait for them
        context["entries_kept"] = drafts.waiting(self.request, (context.get("next") or "").split("?")[0])
        return context

    @method_decorator(throttle.refusal_status)
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


# --- the session ---------------------------------------------------------------------------

def _json(data: dict, status: int = 200) -> HttpResponse:
    return HttpResponse(jsonio.dumps(data), content_type="application/json", status=status)


def _session_state(request) -> dict:
    expires = session_expires_in(request)
    return {"signed_in": expires is not None, "expires_in": expires,
            "warning": settings.BEACON_SESSION_WARNING_SECONDS}


@require_GET
def session_status(request):
    """How long the session has left (asking does not renew it): the timeout warning asks
    before it warns, in case the person kept working in another tab."""
    return _json(_session_state(request))


@require_POST
def keep_alive(request):
    """"Stay signed in": renew the session now. Answers JSON to the warning's script, or goes
    back to the page (``next``) for a plain form post."""
    if request.user.is_authenticated:
        request.session[SessionActivityMiddleware.SEEN] = int(clock.now().timestamp())
    if "application/json" in request.headers.get("Accept", ""):
        return _json(_session_state(request), status=200 if request.user.is_authenticated else 401)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse_lazy("web:home")
    return redirect(back)


# --- passwords -----------------------------------------------------------------------------

def _record_password_change(user, how: str) -> None:
    """The audit log says when a password changed and how (never the password)."""
    change = Change(by=user.get_username(), at=clock.now(), source=how)
    record_revision(change, user, "user", user.get_username(), "password", "", "changed")


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "web/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("web:account")

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session signed in; others end
        _record_password_change(self.request.user, "password change page")
        messages.success(self.request, "Your password was changed.")
        return response


class PasswordReset(auth_views.PasswordResetView):
    template_name = "web/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "web/email/password_reset.txt"
    subject_template_name = "web/email/password_reset_subject.txt"
    success_url = reverse_lazy("web:password_reset_sent")

    def form_valid(self, form):
        # at most BEACON_PASSWORD_RESET_MAX links to one address per window, so nobody can flood
        # a colleague's inbox; the page answers the same either way
        digest = hashlib.sha256(form.cleaned_data["email"].strip().lower().encode()).hexdigest()[:32]
        key = f"beacon:reset:{digest}"
        sent = cache.get(key, 0)
        if sent >= settings.BEACON_PASSWORD_RESET_MAX:
            return redirect(self.get_success_url())
        cache.set(key, sent + 1, settings.BEACON_LOGIN_WINDOW_SECONDS)
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        from ..context import duration_words

        return {**super().get_context_data(**kwargs), "reset_hours": duration_words(settings.PASSWORD_RESET_TIMEOUT)}


class PasswordResetSent(auth_views.PasswordResetDoneView):
    template_name = "web/password_reset_sent.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "web/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("web:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        _record_password_change(form.user, "password reset link")
        return response


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "web/password_reset_complete.html"
