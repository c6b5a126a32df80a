"""The users page: the lead manages data owners and their directorates, the risk manager risk
owners and their risks (:mod:`beacon.web.services.users`); the Django admin stays for
administrators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from beacon.core import permissions as perm
from beacon.core.stale import StaleEdit

from .. import drafts
from ..forms import error_summary
from ..forms.users import UserForm
from ..services import users as service


def send_set_password_link(request, user) -> bool:
    """E-mail ``user`` a link to set their password (the reset link, which also works for an
    account that has no password yet). Returns whether there was an address to send it to."""
    if not user.email:
        return False
    link = request.build_absolute_uri(reverse("web:password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}))
    body = render_to_string("web/email/new_account.txt", {"user": user, "link": link, "by": request.user})
    send_mail("Your Beacon account: set your password", body, None, [user.email])
    return True


def _manageable(actor):
    users = get_user_model().objects.filter(is_staff=False, is_superuser=False).exclude(pk=actor.pk)
    users = users.prefetch_related("groups", "directorate_assignments__directorate", "risk_assignments__risk")
    return [u for u in users.order_by("username") if perm.may_manage(actor, u)]


@perm.require(perm.MANAGE_USERS)
def index(request):
    grantable = perm.grantable_roles(request.user)
    return render(request, "web/users.html", {"people": _manageable(request.user), "grantable": sorted(grantable)})


@perm.require(perm.MANAGE_USERS)
def add(request):
    grantable = perm.grantable_roles(request.user)
    data = request.POST if request.method == "POST" else drafts.restore(request)
    form = UserForm(data, grantable=grantable, adding=True)
    message = None
    if request.method == "POST" and form.is_valid():
        try:
            user = service.add_user(service.AddUser(form.cleaned_data["username"], form.details(), request.user.username))
        except service.UserError as exc:
            message = exc.message
            form.add_field_errors(exc.field_errors)
        else:
            send_set_password_link(request, user)
            messages.success(request, f"{user.username} was added. We have e-mailed them a link to set their password.")
            return redirect("web:user_edit", pk=user.pk)
    errors = error_summary(message, form) if form.is_bound else {}
    return render(request, "web/user_form.html", {"form": form, "errors": errors, "adding": True},
                  status=400 if request.method == "POST" else 200)


@perm.require(perm.MANAGE_USERS)
def edit(request, pk):
    target = get_object_or_404(get_user_model(), pk=pk)
    if not perm.may_manage(request.user, target):
        raise PermissionDenied("not a user of your area")
    grantable = perm.grantable_roles(request.user)
    if request.method == "POST" and request.POST.get("action") == "send_link":
        if send_set_password_link(request, target):
            messages.success(request, f"We have e-mailed {target.username} a link to set their password.")
        else:
            messages.error(request, f"{target.username} has no email address: add one, then send the link.")
        return redirect("web:user_edit", pk=pk)
    current = service.values_of(target)
    data = request.POST if request.method == "POST" else drafts.restore(request)
    form = UserForm(data, grantable=grantable, adding=False, initial=UserForm.initial_for(current), opened_values=current)
    message = None
    changes = ()
    if request.method == "POST" and form.is_valid():
        try:
            changed = service.update_user(service.UpdateUser(pk, form.details(), request.user.username, form.opened_values()))
        except StaleEdit as exc:
            message, changes = exc.message, exc.changes
        except service.UserError as exc:
            message = exc.message
            form.add_field_errors(exc.field_errors)
        else:
            messages.success(request, f"The account {target.username} was saved: {', '.join(changed)} changed."
                             if changed else f"Nothing was changed for {target.username}.")
            return redirect("web:user_edit", pk=pk)
    errors = error_summary(message, form) if form.is_bound else {}
    context = {"form": form, "errors": errors, "adding": False, "person": target, "changes": changes,
               "history": service.history_rows(target)}
    return render(request, "web/user_form.html", context, status=400 if request.method == "POST" else 200)
