"""Managing the users of one's own area without the Django admin: the performance lead adds and
edits data owners and their directorates, the risk manager risk owners and their risks
(:data:`beacon.core.permissions.GRANTS`). Nobody is deleted (an account is deactivated, so its
name stays on everything it did); nobody is made an administrator here; every change is
recorded in the audit log (entity ``user``, key the username). Edits are stale-safe: a save
made from an out-of-date page is merged field by field or refused
(:func:`beacon.core.stale.merge_or_refuse`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction

from beacon.core import clock
from beacon.core import permissions as perm
from beacon.core.audit import Change, record_revision, same_value
from beacon.core.models import Directorate, DirectorateAssignment
from beacon.core.stale import merge_or_refuse
from beacon.risk.models import Risk, RiskAssignment

SOURCE = "users page"
LABELS = {"first_name": "First name", "last_name": "Last name", "email": "Email address", "active": "Active",
          "roles": "Roles", "directorates": "Directorates", "risks": "Risks"}


def history_rows(user) -> list[tuple]:
    """The account's changes for people: (when, who, field label, was, now), newest first; a
    yes/no field in words, a list with commas."""
    from beacon.core.audit import history_of

    def shown(name: str, value: str) -> str:
        if name == "active":
            return {"true": "Yes", "false": "No"}.get(value, value)
        return ", ".join(v for v in (value or "").split(";") if v) if name in ("roles", "directorates", "risks") else value

    return [(r.changed_at, r.changed_by, LABELS.get(r.field, r.field.replace("_", " ").capitalize()),
             shown(r.field, r.old_value), shown(r.field, r.new_value))
            for r in history_of(user).order_by("-changed_at", "-pk")[:50]]


@dataclass(frozen=True)
class UserDetails:
    """What the users page sets: names, e-mail, whether the account is active, the roles of the
    manager's area it has, and its directorates (codes) and risks (risk ids)."""

    first_name: str
    last_name: str
    email: str
    active: bool
    roles: frozenset[str]
    directorates: frozenset[str] = frozenset()
    risks: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AddUser:
    username: str
    details: UserDetails
    by: str


@dataclass(frozen=True)
class UpdateUser:
    pk: int
    details: UserDetails
    by: str
    opened: Mapping[str, str] | None = None  # the values the form showed (stale-safe)


class UserError(Exception):
    """A refused change: ``message`` for the page, ``field_errors`` keyed by form field."""

    def __init__(self, message: str, field_errors: Mapping[str, str] | None = None):
        self.message = message
        self.field_errors = dict(field_errors or {})
        super().__init__(message)


def _actor(username: str):
    return get_user_model().objects.get(username=username)


def values_of(user) -> dict[str, str]:
    """A user's editable values as text (what a form shows, what the audit log records)."""
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "active": "true" if user.is_active else "false",
        "roles": ";".join(sorted(user.groups.filter(name__in=perm.ROLES).values_list("name", flat=True))),
        "directorates": ";".join(sorted(user.directorate_assignments.values_list("directorate__code", flat=True))),
        "risks": ";".join(sorted(user.risk_assignments.values_list("risk__risk_id", flat=True))),
    }


def _submitted(details: UserDetails) -> dict[str, str]:
    return {
        "first_name": details.first_name.strip(),
        "last_name": details.last_name.strip(),
        "email": details.email.strip(),
        "active": "true" if details.active else "false",
        "roles": ";".join(sorted(details.roles)),
        "directorates": ";".join(sorted(details.directorates)) if perm.DATA_OWNER in details.roles else "",
        "risks": ";".join(sorted(details.risks)) if perm.RISK_OWNER in details.roles else "",
    }


def _without_role_no_assignments(values: dict[str, str]) -> None:
    """Someone without the data owner role has no directorates, without the risk owner role no
    risks (a merge may have kept one while the role went)."""
    roles = set(values["roles"].split(";"))
    if perm.DATA_OWNER not in roles:
        values["directorates"] = ""
    if perm.RISK_OWNER not in roles:
        values["risks"] = ""


def _check(values: dict[str, str], grantable: set[str], pk: int | None) -> None:
    errors = {}
    roles = {r for r in values["roles"].split(";") if r}
    if roles - grantable:
        errors["roles"] = f"Roles: you cannot give the role {', '.join(sorted(roles - grantable))}"
    email = values["email"]
    if email:
        others = get_user_model().objects.filter(email__iexact=email).exclude(pk=pk)
        if others.exists():
            errors["email"] = "Email address: another account has this address (each person needs their own)"
    codes = {c for c in values["directorates"].split(";") if c}
    if codes and (perm.DATA_OWNER not in grantable):
        errors["directorates"] = "Directorates: you cannot assign directorates"
    elif codes - set(Directorate.objects.filter(code__in=codes).values_list("code", flat=True)):
        errors["directorates"] = "Directorates: choose from the list"
    if perm.DATA_OWNER in roles and not codes:
        errors["directorates"] = "Directorates: choose at least one directorate for a data owner"
    risk_ids = {r for r in values["risks"].split(";") if r}
    if risk_ids and (perm.RISK_OWNER not in grantable):
        errors["risks"] = "Risks: you cannot assign risks"
    elif risk_ids - set(Risk.objects.filter(risk_id__in=risk_ids).values_list("risk_id", flat=True)):
        errors["risks"] = "Risks: choose from the list"
    if errors:
        raise UserError("The user was not saved", errors)


def _apply(user, old: dict[str, str], new: dict[str, str], change: Change) -> list[str]:
    """Write the changed values and record each one; returns the changed fields' labels."""
    changed = [name for name in new if not same_value(old.get(name, ""), new[name])]
    for name in ("first_name", "last_name", "email"):
        setattr(user, name, new[name])
    user.is_active = new["active"] == "true"
    user.save()
    if "roles" in changed:
        roles = {r for r in new["roles"].split(";") if r}
        user.groups.remove(*Group.objects.filter(name__in=perm.ROLES).exclude(name__in=roles))
        user.groups.add(*Group.objects.filter(name__in=roles))
    if "directorates" in changed:
        codes = {c for c in new["directorates"].split(";") if c}
        user.directorate_assignments.exclude(directorate__code__in=codes).delete()
        for d in Directorate.objects.filter(code__in=codes):
            DirectorateAssignment.objects.get_or_create(user=user, directorate=d)
    if "risks" in changed:
        ids = {r for r in new["risks"].split(";") if r}
        user.risk_assignments.exclude(risk__risk_id__in=ids).delete()
        for r in Risk.objects.filter(risk_id__in=ids):
            RiskAssignment.objects.get_or_create(user=user, risk=r)
    for name in changed:
        record_revision(change, user, "user", user.get_username(), name, old.get(name, ""), new[name])
    return [LABELS[name] for name in changed]


def add_user(command: AddUser):
    """Create an account with no password (the person sets one from the e-mailed link)."""
    actor = _actor(command.by)
    if not perm.can(actor, perm.MANAGE_USERS):
        raise UserError("You cannot add users")
    username = command.username.strip()
    User = get_user_model()
    errors = {}
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        errors["username"] = "Username: use letters, digits and @ . + - _ only"
    if not username:
        errors["username"] = "Username: enter a username"
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = "Username: that username is taken"
    if not command.details.email.strip():
        errors["email"] = "Email address: enter an email address (the person sets their password from a link sent to it)"
    if errors:
        raise UserError("The user was not added", errors)
    new = _submitted(command.details)
    _check(new, perm.grantable_roles(actor), None)
    with transaction.atomic():
        user = User(username=username)
        user.set_unusable_password()
        user.save()
        change = Change(by=command.by, at=clock.now(), reason="account added", source=SOURCE)
        record_revision(change, user, "user", username, "username", "", username)
        _apply(user, {}, new, change)
    return user


def update_user(command: UpdateUser) -> list[str]:
    """Save a manager's edit of a user of their area; returns the labels of what changed."""
    actor = _actor(command.by)
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=command.pk).first()
        if user is None or not perm.may_manage(actor, user):
            raise UserError("You cannot change this user")
        current = values_of(user)
        submitted = _submitted(command.details)
        merged = dict(merge_or_refuse(f"The account {user.get_username()}", command.opened, current, submitted, LABELS))
        _without_role_no_assignments(merged)
        _check(merged, perm.grantable_roles(actor), user.pk)
        change = Change(by=command.by, at=clock.now(), source=SOURCE)
        return _apply(user, current, merged, change)
