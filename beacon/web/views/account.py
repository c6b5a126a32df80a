"""The signed-in user's own page: their roles and assignments, and their API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .. import permissions as perm
from ..models import ApiToken


@login_required
def account(request):
    user = request.user
    new_token = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            if not perm.roles_of(user):
                messages.error(request, "Your account has no role, so an API token would not allow anything.")
                return redirect("web:account")
            _, new_token = ApiToken.issue(user, request.POST.get("name", "").strip()[:100])
        elif action == "revoke":
            ApiToken.objects.filter(user=user, pk=request.POST.get("token") or 0).update(revoked=True)
            messages.success(request, "The token was revoked.")
            return redirect("web:account")
    context = {
        "roles": sorted(perm.roles_of(user)),
        "directorates": user.directorate_assignments.select_related("directorate"),
        "risks": user.risk_assignments.select_related("risk"),
        "tokens": user.api_tokens.filter(revoked=False).order_by("-created_at"),
        "new_token": new_token,
    }
    return render(request, "web/account.html", context)
