"""Login throttling: a cache-based lockout per username and per client address.

After ``BEACON_LOGIN_MAX_FAILURES`` failed sign-ins within ``BEACON_LOGIN_WINDOW_SECONDS``
the username (and, separately, the address) is locked out until the window passes. A
successful sign-in clears the username's count.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> list[str]:
    user = hashlib.sha256((username or "").strip().lower().encode()).hexdigest()[:32]
    return [f"beacon:login:user:{user}", f"beacon:login:addr:{address or '-'}"]


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def locked_out(username: str, address: str) -> bool:
    limit = settings.BEACON_LOGIN_MAX_FAILURES
    return any((cache.get(k) or 0) >= limit for k in _keys(username, address))


def record_failure(username: str, address: str) -> None:
    window = settings.BEACON_LOGIN_WINDOW_SECONDS
    for key in _keys(username, address):
        if not cache.add(key, 1, window):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, window)


def clear(username: str) -> None:
    cache.delete(_keys(username, "")[0])
