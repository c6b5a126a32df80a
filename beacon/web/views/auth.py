from django.conf import settings
from django.contrib.auth.views import LoginView

from .. import throttle


class ThrottledLoginView(LoginView):
    """Django's sign-in with a lockout after repeated failures (see beacon.web.throttle)."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        address = throttle.client_address(request)
        if throttle.locked_out(username, address):
            minutes = max(1, settings.BEACON_LOGIN_WINDOW_SECONDS // 60)
            context = self.get_context_data(form=self.form_class(request))
            context["lockout"] = f"Too many failed sign-in attempts. Try again in {minutes} minutes."
            response = self.render_to_response(context)
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.record_failure(self.request.POST.get("username", ""), throttle.client_address(self.request))
        return super().form_invalid(form)

    def form_valid(self, form):
        throttle.clear(form.get_user().get_username())
        return super().form_valid(form)
