"""The platform (issue 10): every error on a branded page whose title starts "Error:", a CSRF
failure or an ended session never loses what was typed, the session-timeout warning's
endpoints, password change and reset by e-mail, and the navigation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import include, path

from beacon.core.models import Revision
from web_fixtures import PASSWORD


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def _csrf(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def _raise(exc):
    def view(request):
        raise exc

    return view


# a URL configuration with a view raising each error, and Beacon's handlers
urlpatterns = [
    path("boom/400/", _raise(BadRequest("bad"))),
    path("boom/403/", _raise(PermissionDenied("no"))),
    path("boom/404/", _raise(Http404("none"))),
    path("boom/500/", _raise(RuntimeError("broken"))),
    path("", include("beacon.urls")),
]
handler400 = "beacon.web.views.errors.bad_request"
handler403 = "beacon.web.views.errors.permission_denied"
handler404 = "beacon.web.views.errors.page_not_found"
handler500 = "beacon.web.views.errors.server_error"


@pytest.mark.parametrize("status, heading", [
    (400, "Sorry, there is a problem with your request"),
    (403, "You cannot see this page"),
    (404, "Page not found"),
    (500, "Sorry, there is a problem with the service"),
])
def test_errors_are_on_branded_pages_that_say_why_and_link_home(users, settings, status, heading):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    c = Client(raise_request_exception=False)
    c.force_login(users["reader"])
    response = c.get(f"/boom/{status}/")
    page = response.content.decode()
    assert response.status_code == status
    assert _title(response) == f"Error: {heading} – Beacon"
    assert f">{heading}</h1>" in page and 'href="/"' in page and "govuk-header" in page


def test_beacon_urls_name_the_branded_handlers(users, settings):
    import beacon.urls

    assert beacon.urls.handler500 == "beacon.web.views.errors.server_error"
    settings.DEBUG = False
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and _title(response) == "Error: Page not found – Beacon"
    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".svg")


def test_the_500_page_needs_no_database_and_no_context_processors(rf):
    from beacon.web.views.errors import server_error

    # no database fixture: any query would raise (and the page fall back to plain words)
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "govuk-header" in response.content.decode()  # the branded page, not the fallback


def test_form_errors_put_error_first_in_the_title(client_for):
    lead = client_for("lead")
    assert _title(lead.get("/users/add/")) == "Add a user – Beacon"
    response = lead.post("/users/add/", {"username": "", "email": "not-an-address"})
    assert response.status_code == 400
    assert _title(response) == "Error: Add a user – Beacon"
    # any page whose form has errors: opening a quarter with no due date
    response = lead.post("/returns/", {"period": "2022/23 Q3", "due_date": ""})
    assert response.status_code == 400 and _title(response).startswith("Error: ")
    assert not _title(lead.get("/returns/")).startswith("Error")


def test_a_csrf_failure_explains_and_keeps_the_entries(users):
    c = Client(enforce_csrf_checks=True)
    c.force_login(users["lead"])
    c.get("/users/add/")
    response = c.post("/users/add/", {"csrfmiddlewaretoken": "x" * 64, "username": "newperson",
                                      "first_name": "Nia", "email": "nia@example.org"})
    page = response.content.decode()
    assert response.status_code == 403
    assert _title(response).startswith("Error: Your page had expired")
    assert "signed in again in another tab" in page and "Your entries were kept" in page
    assert 'href="/users/add/"' in page and "DEBUG" not in page
    assert not get_user_model().objects.filter(username="newperson").exists()
    # back on the page: the entries are shown again, with a banner to check and save them
    page = c.get("/users/add/").content.decode()
    assert "Your unsaved entries were kept: check them and save." in page
    assert 'value="newperson"' in page and 'value="Nia"' in page and 'value="nia@example.org"' in page
    assert "Your unsaved entries were kept" not in c.get("/users/add/").content.decode()  # once


def test_the_draft_survives_the_session_ending_and_signing_in_again(users):
    c = Client(enforce_csrf_checks=True)
    assert c.post("/sign-in/", {"username": "lead", "password": PASSWORD,
                                "csrfmiddlewaretoken": _csrf(c.get("/sign-in/"))}).status_code == 302
    token = _csrf(c.get("/users/add/"))
    Session.objects.all().delete()  # the session ends while the page is open
    response = c.post("/users/add/", {"csrfmiddlewaretoken": token, "username": "late", "first_name": "Lee",
                                      "email": "lee@example.org", "data_owner": "on", "directorates": ["AA", "BB"]})
    assert response.status_code == 302 and response["Location"] == "/sign-in/?next=/users/add/"
    assert not get_user_model().objects.filter(username="late").exists()
    sign_in = c.get(response["Location"])
    assert "They were kept: sign in, then check them and save." in sign_in.content.decode()
    response = c.post("/sign-in/", {"username": "lead", "password": PASSWORD, "next": "/users/add/",
                                    "csrfmiddlewaretoken": _csrf(sign_in)})
    assert response.status_code == 302 and response["Location"] == "/users/add/"
    page = c.get("/users/add/")
    text = page.content.decode()
    assert "Your unsaved entries were kept: check them and save." in text
    assert 'value="late"' in text and 'value="Lee"' in text
    assert re.search(r'value="AA" checked', text) and re.search(r'value="BB" checked', text)
    # saving them now works
    response = c.post("/users/add/", {"csrfmiddlewaretoken": _csrf(page), "username": "late", "first_name": "Lee",
                                      "email": "lee@example.org", "data_owner": "on", "directorates": ["AA", "BB"]})
    assert response.status_code == 302
    assert get_user_model().objects.get(username="late").directorate_assignments.count() == 2


def test_kept_entries_never_hold_passwords_or_the_token(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    from beacon.web import drafts

    request = rf.post("/users/add/", {"csrfmiddlewaretoken": "t", "new_password1": "secret", "name": "x"})
    request.session = SessionStore()
    request.user = AnonymousUser()
    assert drafts.keep(request)
    assert request.session[drafts.SESSION_KEY] == {"/users/add/": {"name": ["x"]}}
    signin = rf.post("/sign-in/", {"username": "a", "password": "b"})
    signin.session = SessionStore()
    assert not drafts.keep(signin)
    assert drafts.restore(request) is None  # only for a signed-in user


def test_the_session_warning_knows_the_time_left_and_stay_signed_in_renews_it(client_for, clock, settings):
    settings.SESSION_COOKIE_AGE = 3600
    clock.set("2026-11-20T10:00:00+00:00")
    c = client_for("owner")
    page = c.get("/returns/").content.decode()
    assert 'data-session-expires-in="3600"' in page and 'id="beacon-timeout"' in page and "web/session.js" in page
    assert "signed out after 1 hour without using Beacon" in page  # the notice without JavaScript
    clock.set("2026-11-20T10:50:00+00:00")
    assert c.get("/session/").json() == {"signed_in": True, "expires_in": 600, "warning": 300}
    assert c.get("/session/").json()["expires_in"] == 600  # asking does not renew it
    response = c.post("/session/keep-alive/", HTTP_ACCEPT="application/json")
    assert response.json()["expires_in"] == 3600
    # without JavaScript the dialog's form goes back to the page
    response = c.post("/session/keep-alive/", {"next": "/returns/"})
    assert response.status_code == 302 and response["Location"] == "/returns/"
    assert c.post("/session/keep-alive/", {"next": "https://evil.example/"})["Location"] == "/"
    # opening a page renews it too
    clock.set("2026-11-20T11:30:00+00:00")
    c.get("/returns/")
    assert c.get("/session/").json()["expires_in"] == 3600
    assert Client().get("/session/").json()["signed_in"] is False


def test_password_validators_are_on():
    from django.conf import settings

    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {"UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator",
                     "NumericPasswordValidator"}


def test_change_your_password(client_for, users):
    c = client_for("reader")
    assert 'href="/account/password/"' in c.get("/account/").content.decode()
    response = c.post("/account/password/", {"old_password": "wrong", "new_password1": "password",
                                             "new_password2": "password"})
    page = response.content.decode()
    assert response.status_code == 200 and _title(response).startswith("Error:")
    assert '<a href="#old_password">Current password:' in page
    assert "New password: This password is too common." in page
    assert 'value="wrong"' not in page  # a typed password is never shown again
    response = c.post("/account/password/", {"old_password": PASSWORD, "new_password1": "a-new-long-passphrase",
                                             "new_password2": "a-new-long-passphrase"}, follow=True)
    assert "Your password was changed." in response.content.decode()
    assert c.get("/account/").status_code == 200  # still signed in here
    assert Client().login(username="reader", password="a-new-long-passphrase")
    assert Revision.objects.filter(entity="user", key="reader", field="password").exists()


def test_reset_a_forgotten_password_by_email(users):
    reader = users["reader"]
    reader.email = "reader@example.org"
    reader.save()
    c = Client()
    assert 'href="/password-reset/"' in c.get("/sign-in/").content.decode()
    response = c.post("/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and len(mail.outbox) == 0  # says nothing about who has an account
    response = c.post("/password-reset/", {"email": "READER@example.org"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["reader@example.org"]
    link = re.search(r"https?://[^/]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = c.get(link, follow=True)
    assert "Set a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = c.post(set_url, {"new_password1": "12345678901", "new_password2": "12345678901"})
    assert "New password: This password is entirely numeric." in response.content.decode()
    response = c.post(set_url, {"new_password1": "brand-new-passphrase", "new_password2": "brand-new-passphrase"},
                      follow=True)
    assert "Your password is set" in response.content.decode()
    assert Client().post("/sign-in/", {"username": "reader", "password": "brand-new-passphrase"}).status_code == 302
    assert "This link does not work" in c.get(link, follow=True).content.decode()  # used once


def test_reset_links_to_one_address_are_limited(users, settings):
    settings.BEACON_PASSWORD_RESET_MAX = 2
    users["reader"].email = "reader@example.org"
    users["reader"].save()
    for _ in range(4):
        assert Client().post("/password-reset/", {"email": "reader@example.org"}).status_code == 302
    assert len(mail.outbox) == 2


def test_navigation_reaches_users_and_your_account(client_for):
    def labels(who):
        return [i["label"] for i in client_for(who).get("/reports/").context["nav_items"]]

    assert "Users" in labels("lead") and "Users" in labels("riskmanager")
    assert "Users" not in labels("reader") and "Users" not in labels("owner")
    assert "Your account" in labels("reader")
    assert "Your account" not in [i["label"] for i in Client().get("/reports/").context["nav_items"]]


def test_duration_words():
    from beacon.web.context import duration_words

    assert duration_words(8 * 3600) == "8 hours"
    assert duration_words(3600 + 1800) == "1 hour 30 minutes"
    assert duration_words(300) == "5 minutes"
    assert duration_words(int(dt.timedelta(minutes=1).total_seconds())) == "1 minute"
