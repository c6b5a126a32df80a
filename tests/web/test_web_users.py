"""The users page: the lead manages data owners and their directorates, the risk manager risk
owners and their risks, without the Django admin; neither gives roles outside their area or
makes administrators; accounts are deactivated, never deleted; every change is audited; edits
are stale-safe."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from beacon.core import permissions as perm
from beacon.core.models import Revision
from beacon.core.stale import seal

User = get_user_model()


def _opened(c, pk) -> str:
    page = c.get(f"/users/{pk}/").content.decode()
    return re.search(r'name="opened" value="([^"]*)"', page).group(1)


def _edit(c, user, opened=None, **fields):
    data = {"opened": opened if opened is not None else _opened(c, user.pk), "first_name": user.first_name,
            "last_name": user.last_name, "email": user.email, "active": "on" if user.is_active else ""}
    data.update(fields)
    return c.post(f"/users/{user.pk}/", {k: v for k, v in data.items() if v not in ("", None)})


@pytest.mark.parametrize("who, status", [("lead", 200), ("riskmanager", 200), ("owner", 403), ("riskowner", 403),
                                         ("reader", 403), ("norole", 403)])
def test_who_may_open_the_users_page(client_for, who, status):
    assert client_for(who).get("/users/").status_code == status


def test_each_manager_sees_only_the_people_of_their_area(client_for):
    lead = client_for("lead").get("/users/").content.decode()
    assert ">owner<" in lead and ">owner_b<" in lead and ">norole<" in lead
    assert ">riskowner<" not in lead and ">riskmanager<" not in lead and ">admin<" not in lead and ">reader<" not in lead
    manager = client_for("riskmanager").get("/users/").content.decode()
    assert ">riskowner<" in manager and ">norole<" in manager
    assert ">owner<" not in manager and ">lead<" not in manager


def test_the_lead_adds_a_data_owner_who_sets_a_password_from_the_email(client_for, data):
    lead = client_for("lead")
    form = lead.get("/users/add/").content.decode()
    assert 'name="data_owner"' in form and 'name="risk_owner"' not in form and "is_staff" not in form
    response = lead.post("/users/add/", {"username": "dora", "first_name": "Dora", "last_name": "Owen",
                                         "email": "dora@example.org", "data_owner": "on", "directorates": ["BB"],
                                         "risk_owner": "on"})
    assert response.status_code == 302
    dora = User.objects.get(username="dora")
    assert perm.roles_of(dora) == {perm.DATA_OWNER}  # the risk owner box is not the lead's to tick
    assert not dora.is_staff and not dora.has_usable_password()
    assert list(dora.directorate_assignments.values_list("directorate__code", flat=True)) == ["BB"]
    fields = set(Revision.objects.filter(entity="user", key="dora").values_list("field", flat=True))
    assert {"username", "first_name", "email", "roles", "directorates"} <= fields
    assert Revision.objects.get(entity="user", key="dora", field="directorates").changed_by == "lead"
    # the e-mailed link sets the password; then she signs in and can enter BB's return
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dora@example.org"]
    link = re.search(r"https?://[^/]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    c = Client()
    set_url = c.get(link, follow=True).redirect_chain[-1][0]
    c.post(set_url, {"new_password1": "dora-sets-a-passphrase", "new_password2": "dora-sets-a-passphrase"})
    assert Client().login(username="dora", password="dora-sets-a-passphrase")
    assert perm.can(User.objects.get(username="dora"), perm.EDIT_RETURN, data["bb"])


def test_adding_checks_the_entries(client_for, users):
    lead = client_for("lead")
    response = lead.post("/users/add/", {"username": "owner", "email": "", "data_owner": "on"})
    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#username">Username: that username is taken</a>' in page
    assert '<a href="#email">Email address: enter an email address' in page
    users["owner"].email = "taken@example.org"
    users["owner"].save()
    response = lead.post("/users/add/", {"username": "new1", "email": "Taken@example.org", "data_owner": "on"})
    page = response.content.decode()
    assert "Email address: another account has this address" in page
    assert '<a href="#directorates">Directorates: choose at least one directorate for a data owner</a>' in page
    assert not User.objects.filter(username="new1").exists()


def test_nobody_manages_people_outside_their_area(client_for, users):
    lead = client_for("lead")
    for name in ("riskmanager", "riskowner", "reader", "admin", "lead"):
        assert lead.get(f"/users/{users[name].pk}/").status_code == 403, name
    manager = client_for("riskmanager")
    for name in ("owner", "lead", "admin", "riskmanager"):
        assert manager.get(f"/users/{users[name].pk}/").status_code == 403, name
        assert manager.post(f"/users/{users[name].pk}/", {"email": "me@example.org"}).status_code == 403


def test_the_services_refuse_roles_outside_the_area(users):
    from beacon.web.services import users as service

    details = service.UserDetails("", "", "x@example.org", True, frozenset({perm.LEAD}))
    with pytest.raises(service.UserError) as exc:
        service.add_user(service.AddUser("climber", details, "lead"))
    assert "you cannot give the role Performance lead" in exc.value.field_errors["roles"]
    details = service.UserDetails("", "", "", True, frozenset({perm.RISK_OWNER}))
    with pytest.raises(service.UserError):
        service.update_user(service.UpdateUser(users["norole"].pk, details, "lead"))
    with pytest.raises(service.UserError):
        service.update_user(service.UpdateUser(users["riskmanager"].pk, details, "lead"))
    assert perm.roles_of(User.objects.get(username="norole")) == set()


def test_the_risk_manager_assigns_risks_and_deactivates_never_deletes(client_for, users, risks):
    first, second = risks
    manager = client_for("riskmanager")
    form = manager.get(f"/users/{users['riskowner'].pk}/").content.decode()
    assert 'name="risks"' in form and 'name="directorates"' not in form
    response = _edit(manager, users["riskowner"], risk_owner="on", risks=[first.risk_id, second.risk_id])
    assert response.status_code == 302
    owner = User.objects.get(username="riskowner")
    assert perm.risk_ids(owner) == {first.pk, second.pk}
    revision = Revision.objects.get(entity="user", key="riskowner", field="risks")
    assert (revision.old_value, revision.new_value, revision.changed_by) == (
        first.risk_id, f"{first.risk_id};{second.risk_id}", "riskmanager")
    # deactivated: cannot sign in, still there with its history
    response = _edit(manager, owner, active="", risk_owner="on", risks=[first.risk_id, second.risk_id])
    assert response.status_code == 302
    owner = User.objects.get(username="riskowner")
    assert not owner.is_active
    assert not Client().login(username="riskowner", password="correct-horse-battery-staple")
    assert Revision.objects.get(entity="user", key="riskowner", field="active").new_value == "false"
    page = manager.get("/users/").content.decode()
    assert "Deactivated" in page
    history = manager.get(f"/users/{owner.pk}/").content.decode()
    assert "Changes to this account" in history and "riskmanager" in history


def test_edits_are_stale_safe(client_for, users):
    lead = client_for("lead")
    owner = users["owner"]
    opened = _opened(lead, owner.pk)
    # someone else changes the e-mail meanwhile
    _edit(client_for("lead"), owner, email="first@example.org", data_owner="on", directorates=["AA"])
    # a change to another field merges
    response = _edit(lead, owner, opened=opened, first_name="Olive", data_owner="on", directorates=["AA"])
    assert response.status_code == 302
    owner = User.objects.get(pk=owner.pk)
    assert (owner.first_name, owner.email) == ("Olive", "first@example.org")
    # a different e-mail typed over theirs is refused, saying what changed
    response = _edit(lead, users["owner"], opened=opened, email="second@example.org", data_owner="on",
                     directorates=["AA"])
    page = response.content.decode()
    assert response.status_code == 400 and "changed since you opened it: nothing was saved" in page
    assert "Email address was blank when you opened the form and is now first@example.org" in page
    assert User.objects.get(pk=owner.pk).email == "first@example.org"


@pytest.mark.parametrize("partial", [False, True])
def test_taking_the_role_away_takes_the_assignments_too(client_for, users, partial):
    lead = client_for("lead")
    owner = users["owner"]
    # the lead removes the data owner role: the directorates go too, and both are recorded (also
    # when the form said only what roles it showed)
    response = _edit(lead, owner, opened=seal({"roles": perm.DATA_OWNER}) if partial else None)
    assert response.status_code == 302
    owner = User.objects.get(pk=owner.pk)
    assert perm.roles_of(owner) == set() and not owner.directorate_assignments.exists()
    assert Revision.objects.get(entity="user", key="owner", field="directorates").old_value == "AA"
