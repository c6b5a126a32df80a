"""The signed-in user's own page: their roles and assignments, and their API tokens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from beacon.core import permissions as perm
from beacon.core.models import ApiToken

from ..forms.account import IssueTokenForm, RevokeTokenForm


@login_required
def account(request):
    user = request.user
    new_token = None
    issue_form = IssueTokenForm(request.POST if request.POST.get("action") == "issue" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue" and issue_form.is_valid():
            if not perm.roles_of(user):
                messages.error(request, "Your account has no role, so an API token would not allow anything.")
                return redirect("web:account")
            _, new_token = ApiToken.issue(user, issue_form.cleaned_data["name"])
            issue_form = IssueTokenForm()
        elif action == "revoke":
            revoke = RevokeTokenForm(request.POST, user=user)
            if revoke.is_valid():
                ApiToken.objects.filter(pk=revoke.cleaned_data["token"].pk).update(revoked=True)
                messages.success(request, "The token was revoked.")
            else:
                messages.error(request, "That token was not revoked: it is not one of your tokens in use.")
            return redirect("web:account")
    context = {
        "roles": sorted(perm.roles_of(user)),
        "directorates": user.directorate_assignments.select_related("directorate"),
        "risks": user.risk_assignments.select_related("risk"),
        "tokens": user.api_tokens.filter(revoked=False).order_by("-created_at"),
        "new_token": new_token,
        "issue_form": issue_form,
        "token_days": settings.BEACON_API_TOKEN_DAYS,
    }
    return render(request, "web/account.html", context)
