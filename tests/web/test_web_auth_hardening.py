"""Sign-in that resists attack (issue 11): a progressive delay per username and address and per
address instead of a hard lock anyone could trigger, on every sign-in path (the sign-in page and
the admin's), and passwords judged by Django's validators everywhere one is set.

Time is Beacon's clock, set by each test: nothing sleeps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from beacon.core import clock as beacon_clock
from beacon.domain.backoff import delay_after, wait_words

from web_fixtures import PASSWORD

START = "2026-11-20T10:00:00+00:00"
ATTACKER = "10.0.0.66"
HOME = "10.0.0.5"


@pytest.fixture
def at(clock):
    """``at(seconds)``: Beacon's clock, fixed that many seconds after START."""
    start = dt.datetime.fromisoformat(START)

    def move(seconds: float = 0) -> None:
        clock.set(start + dt.timedelta(seconds=seconds))

    move(0)
    return move


def sign_in(client: Client, username: str, password: str, path: str = "/sign-in/"):
    return client.post(path, {"username": username, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- the rule ----------------------------------------------------------------------------------

def test_the_delay_doubles_after_the_free_failures_up_to_the_cap():
    assert [delay_after(n, 5, 900) for n in range(0, 5)] == [0, 0, 0, 0, 0]
    assert [delay_after(n, 5, 900) for n in range(5, 10)] == [2, 4, 8, 16, 32]
    assert delay_after(14, 5, 900) == 900 and delay_after(10_000, 5, 900) == 900
    assert wait_words(1) == "1 second" and wait_words(59) == "59 seconds" and wait_words(61) == "2 minutes"


# --- the sign-in page --------------------------------------------------------------------------

def test_the_wait_grows_and_the_right_password_after_it_signs_in(users, at):
    c = Client(REMOTE_ADDR=HOME)
    for _ in range(5):
        assert sign_in(c, "reader", "wrong").status_code == 200
    refused = sign_in(c, "reader", PASSWORD)  # right password, but within the wait
    assert refused.status_code == 429 and not signed_in(c)
    assert refused["Retry-After"] == "2"
    assert "Wait 2 seconds, then try again" in refused.content.decode()
    at(2)
    assert sign_in(c, "reader", "wrong").status_code == 200  # a sixth failure: now 4 seconds
    at(5)
    refused = sign_in(c, "reader", PASSWORD)
    assert refused.status_code == 429 and "Wait 1 second," in refused.content.decode()
    at(6)
    assert sign_in(c, "reader", PASSWORD).status_code == 302 and signed_in(c)


def test_attempts_during_the_wait_are_not_checked_and_do_not_lengthen_it(users, at):
    c = Client(REMOTE_ADDR=HOME)
    for _ in range(5):
        sign_in(c, "reader", "wrong")
    for _ in range(50):  # hammering during the wait
        assert sign_in(c, "reader", "wrong").status_code == 429
    at(2)
    assert sign_in(c, "reader", PASSWORD).status_code == 302


def test_someone_else_cannot_keep_a_colleague_out_of_their_own_machine(users, at):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(40):
        sign_in(attacker, "reader", "wrong")
    assert sign_in(attacker, "reader", PASSWORD).status_code == 429  # the guesser waits
    colleague = Client(REMOTE_ADDR=HOME)
    response = sign_in(colleague, "reader", PASSWORD)
    assert response.status_code == 302 and signed_in(colleague)


def test_guessing_across_many_usernames_from_one_address_is_slowed(users, at, settings):
    settings.BEACON_LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    c = Client(REMOTE_ADDR=ATTACKER)
    for n in range(20):
        assert sign_in(c, f"user{n}", "wrong").status_code == 200
    assert sign_in(c, "someone-new", "Password1").status_code == 429
    at(2)
    assert sign_in(c, "reader", PASSWORD).status_code == 302
    # signing in to one's own account does not wipe the address's count
    at(3)
    assert sign_in(Client(REMOTE_ADDR=ATTACKER), "user99", "wrong").status_code == 200
    assert sign_in(Client(REMOTE_ADDR=ATTACKER), "user98", "wrong").status_code == 429


def test_failures_are_forgotten_after_the_window(users, at, settings):
    settings.BEACON_LOGIN_WINDOW_SECONDS = 900
    c = Client(REMOTE_ADDR=HOME)
    for _ in range(5):
        sign_in(c, "reader", "wrong")
    at(2 + 900)
    for _ in range(5):  # five free failures again: nothing is carried over
        assert sign_in(c, "reader", "wrong").status_code == 200


def test_a_success_forgets_that_usernames_failures(users, at):
    c = Client(REMOTE_ADDR=HOME)
    for _ in range(4):
        sign_in(c, "reader", "wrong")
    assert sign_in(c, "reader", PASSWORD).status_code == 302
    c = Client(REMOTE_ADDR=HOME)
    for _ in range(4):
        assert sign_in(c, "reader", "wrong").status_code == 200  # counting from nothing again


def test_the_refusal_is_a_govuk_error_saying_how_long(users, at):
    c = Client(REMOTE_ADDR=HOME)
    now = 0
    for n in range(7):  # each attempt once its wait has passed: seven failures
        now += delay_after(n, 5, 900)
        at(now)
        assert sign_in(c, "reader", "wrong").status_code == 200
    body = sign_in(c, "reader", PASSWORD).content.decode()
    assert "<title>Error: Sign in" in body
    summary = body.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert "There is a problem" in summary and "Wait 8 seconds, then try again." in summary


# --- the admin's sign-in -----------------------------------------------------------------------

def test_admin_sign_in_is_throttled_like_the_sign_in_page(users, at):
    c = Client(REMOTE_ADDR=HOME)
    for _ in range(30):
        sign_in(c, "admin", "wrong", path="/admin/login/")
    refused = sign_in(c, "admin", PASSWORD, path="/admin/login/")
    assert refused.status_code == 429 and not signed_in(c)
    assert "Too many failed sign-in attempts" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    at(int(refused["Retry-After"]))
    assert sign_in(c, "admin", PASSWORD, path="/admin/login/").status_code == 302 and signed_in(c)


def test_failures_on_the_admin_sign_in_count_on_the_sign_in_page(users, at):
    c = Client(REMOTE_ADDR=HOME)
    for _ in range(5):
        sign_in(c, "admin", "wrong", path="/admin/login/")
    assert sign_in(c, "admin", PASSWORD).status_code == 429


# --- passwords -----------------------------------------------------------------------------------

def test_the_admin_user_forms_refuse_a_weak_password(client_for, users):
    admin = client_for("admin")
    added = admin.post("/admin/auth/user/add/", {"username": "newperson", "usable_password": "true",
                                                 "password1": "1", "password2": "1"})
    assert added.status_code == 200 and not get_user_model().objects.filter(username="newperson").exists()
    assert "too short" in added.content.decode() and "entirely numeric" in added.content.decode()
    reader = users["reader"]
    changed = admin.post(f"/admin/auth/user/{reader.pk}/password/",
                         {"usable_password": "true", "password1": "1", "password2": "1"})
    assert changed.status_code == 200 and "too short" in changed.content.decode()
    reader.refresh_from_db()
    assert reader.check_password(PASSWORD) and not reader.check_password("1")
    common = admin.post(f"/admin/auth/user/{reader.pk}/password/",
                        {"usable_password": "true", "password1": "password123", "password2": "password123"})
    assert "too common" in common.content.decode()


def test_changepassword_refuses_a_weak_password(users, monkeypatch):
    from django.contrib.auth.management.commands import changepassword

    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": "1")
    with pytest.raises(CommandError, match="after 3 attempts"):
        call_command("changepassword", "reader", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    users["reader"].refresh_from_db()
    assert users["reader"].check_password(PASSWORD)


def test_the_clock_is_beacons(users, at):
    """The wait is measured on Beacon's clock (so a test or a fixed BEACON_CLOCK moves it)."""
    c = Client(REMOTE_ADDR=HOME)
    for _ in range(5):
        sign_in(c, "reader", "wrong")
    beacon_clock.set_clock(dt.datetime.fromisoformat(START) + dt.timedelta(seconds=1))
    assert sign_in(c, "reader", PASSWORD)["Retry-After"] == "1"
