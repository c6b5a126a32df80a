"""Login throttling: a cache-based lockout per username and per client address.

After ``BEACON_LOGIN_MAX_FAILURES`` failed sign-ins for one username within
``BEACON_LOGIN_WINDOW_SECONDS`` that username is locked out until the window passes; after
``BEACON_LOGIN_MAX_FAILURES_PER_ADDRESS`` failures from one address (higher, because a council
office signs in from behind one NAT address), that address is. A successful sign-in clears
the username's count.

The client address is ``REMOTE_ADDR``; behind a reverse proxy set
``BEACON_CLIENT_ADDRESS_HEADER=HTTP_X_FORWARDED_FOR`` and the rightmost address in that header
(the one the proxy itself added) is used instead.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _user_key(username: str) -> str:
    digest = hashlib.sha256((username or "").strip().lower().encode()).hexdigest()[:32]
    return f"beacon:login:user:{digest}"


def _address_key(address: str) -> str:
    return f"beacon:login:addr:{address or '-'}"


def client_address(request) -> str:
    header = getattr(settings, "BEACON_CLIENT_ADDRESS_HEADER", "")
    if header:
        forwarded = [part.strip() for part in request.META.get(header, "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def locked_out(username: str, address: str) -> bool:
    return (cache.get(_user_key(username)) or 0) >= settings.BEACON_LOGIN_MAX_FAILURES or (
        cache.get(_address_key(address)) or 0
    ) >= settings.BEACON_LOGIN_MAX_FAILURES_PER_ADDRESS


def record_failure(username: str, address: str) -> None:
    window = settings.BEACON_LOGIN_WINDOW_SECONDS
    for key in (_user_key(username), _address_key(address)):
        if not cache.add(key, 1, window):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, window)


def clear(username: str) -> None:
    cache.delete(_user_key(username))
