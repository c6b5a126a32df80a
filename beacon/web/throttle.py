"""Sign-in throttling: a progressive delay per (username, address) and per address, never a
hard lock (the rule is :func:`beacon.domain.backoff.delay_after`; the design is in
``docs/security.md``).

* **Per username and address.** After ``BEACON_LOGIN_MAX_FAILURES`` (5) failed sign-ins for one
  username from one address, each further attempt for that username from that address must
  wait 2, 4, 8 ... seconds after the last failure, up to ``BEACON_LOGIN_MAX_DELAY_SECONDS``.
  It is counted per address on purpose: someone guessing a colleague's password from their
  own machine slows only their own guesses, and the colleague still signs in from theirs.
* **Per address.** After ``BEACON_LOGIN_MAX_FAILURES_PER_ADDRESS`` (20: a council office signs
  in from behind one NAT address) failures from one address, whatever the usernames, every
  sign-in from that address waits the same way: a password sprayed across many usernames is
  slowed too.
* An attempt made while it must wait is refused without its password being checked (so the
  wait is not an oracle) and does not add to the count. The right password after the wait
  signs in and forgets that username's failures from that address (not the address's count:
  signing in to one's own account must not let one go on guessing others').
* Failures are forgotten ``BEACON_LOGIN_WINDOW_SECONDS`` after the last wait ends.

Time is Beacon's clock (:mod:`beacon.core.clock`), so tests move it rather than sleep. The
counts are in Django's ``counters`` cache: in production a table of the database shared by every
server and worker, apart from the cached pages so that filling the page cache never deletes a
count (``beacon/settings_production.py``). The check and the count are not one atomic step, so a
burst of simultaneous attempts may get one extra try per server worker before the wait starts.

The client address is ``REMOTE_ADDR``; behind a reverse proxy set
``BEACON_CLIENT_ADDRESS_HEADER=HTTP_X_FORWARDED_FOR`` and the rightmost address in that header
(the one the proxy itself added) is used instead.

Every sign-in form uses :class:`ThrottledSignIn` (the sign-in page and the admin's
``/admin/login/``); :func:`refusal_status` makes a refused sign-in answer 429 with
``Retry-After``.
"""

from __future__ import annotations

import functools
import hashlib
import math

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import caches
from django.core.exceptions import ValidationError

from beacon.core import clock
from beacon.core.addresses import client_address
from beacon.domain.backoff import delay_after, wait_words

WAIT_ATTRIBUTE = "beacon_sign_in_wait"  # set on a request whose sign-in was refused (seconds)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _pair_key(username: str, address: str) -> str:
    return f"beacon:login:pair:{_digest((username or '').strip().lower() + chr(0) + (address or '-'))}"


def _address_key(address: str) -> str:
    return f"beacon:login:addr:{_digest(address or '-')}"


def _rules(username: str, address: str) -> list[tuple[str, int]]:
    """Each count that applies to this attempt, with its number of free failures."""
    return [(_pair_key(username, address), settings.BEACON_LOGIN_MAX_FAILURES),
            (_address_key(address), settings.BEACON_LOGIN_MAX_FAILURES_PER_ADDRESS)]


def _cap() -> int:
    return settings.BEACON_LOGIN_MAX_DELAY_SECONDS


def _live(key: str, free: int, now: float) -> tuple[int, float]:
    """(failures, time of the last) for a count, or (0, 0) once it is forgotten."""
    state = caches["counters"].get(key)
    if not state:
        return 0, 0.0
    failures, last = int(state["failures"]), float(state["last"])
    if now >= last + delay_after(failures, free, _cap()) + settings.BEACON_LOGIN_WINDOW_SECONDS:
        return 0, 0.0
    return failures, last


def wait_seconds(username: str, address: str) -> int:
    """How many seconds this username must still wait before signing in from this address (0: none)."""
    now = clock.now().timestamp()
    waits = [0.0]
    for key, free in _rules(username, address):
        failures, last = _live(key, free, now)
        if failures:
            waits.append(last + delay_after(failures, free, _cap()) - now)
    return math.ceil(max(waits))


def record_failure(username: str, address: str) -> None:
    now = clock.now().timestamp()
    # the cache's own expiry (real time) only tidies up; when a count is forgotten is decided
    # by Beacon's clock in _live
    keep = _cap() + settings.BEACON_LOGIN_WINDOW_SECONDS + 60
    for key, free in _rules(username, address):
        failures, _ = _live(key, free, now)
        caches["counters"].set(key, {"failures": failures + 1, "last": now}, keep)


def record_success(username: str, address: str) -> None:
    caches["counters"].delete(_pair_key(username, address))


def refusal_message(seconds: int) -> str:
    return f"Too many failed sign-in attempts. Wait {wait_words(seconds)}, then try again."


class ThrottledSignIn:
    """Mixed into Django's authentication forms: refuses an attempt that must still wait (its
    password is not checked), counts a failure, forgets them on success."""

    request = None

    def clean(self):
        username = self.data.get("username", "") if self.is_bound else ""
        address = client_address(self.request)
        wait = wait_seconds(username, address)
        if wait > 0:
            if self.request is not None:
                setattr(self.request, WAIT_ATTRIBUTE, wait)
            raise ValidationError(refusal_message(wait), code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            record_failure(username, address)
            raise
        if getattr(self, "user_cache", None) is not None:
            record_success(username, address)
        return cleaned


class SignInForm(ThrottledSignIn, AuthenticationForm):
    """The sign-in page's form."""


class AdminSignInForm(ThrottledSignIn, AdminAuthenticationForm):
    """The admin site's sign-in form (``admin.site.login_form``)."""


def refusal_status(view):
    """Wrap a sign-in view: a refused attempt answers 429 Too Many Requests with ``Retry-After``."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        wait = getattr(request, WAIT_ATTRIBUTE, 0)
        if wait:
            response.status_code = 429
            response["Retry-After"] = str(wait)
        return response

    return wrapped
