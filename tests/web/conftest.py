"""Fixtures for the web tests (the data and users are made by web_fixtures)."""

from __future__ import annotations

import datetime as dt

import pytest

from beacon.core import clock as beacon_clock

from web_fixtures import NEXT, make_data, make_users


# The web tests run on a fixed calendar: "today" is WEB_TODAY (the clock then runs on in real
# time), so the dates the tests post (an edition on 2026-12-01, an action due March 2027) keep
# their meaning whatever the real date.
WEB_TODAY = "2026-11-20"


@pytest.fixture(autouse=True)
def _web_clock(clock):
    clock.set(WEB_TODAY, tick=True)
    return clock


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import caches

    for alias in ("default", "counters"):
        caches[alias].clear()
    yield
    for alias in ("default", "counters"):
        caches[alias].clear()


@pytest.fixture
def data(db):
    return make_data()


@pytest.fixture
def users(data):
    return make_users()


@pytest.fixture
def client_for(users, client):
    """``client_for("lead")``: a test client signed in as that user (None: anonymous)."""
    from django.test import Client

    def make(username):
        c = Client()
        if username:
            c.force_login(users[username])
        return c

    return make


@pytest.fixture
def open_period(users):
    """2022/23 Q3 opened for returns by the lead, due in the future."""
    from beacon.domain.periods import Quarter
    from beacon.returns.commands import OpenPeriod
    from beacon.returns.services import open_period

    return open_period(OpenPeriod(Quarter.parse(NEXT), beacon_clock.today() + dt.timedelta(days=30), users["lead"].username))


@pytest.fixture
def risks(users):
    from web_fixtures import make_risks

    return make_risks(users)
