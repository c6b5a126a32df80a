"""The API's rate limit: at most ``BEACON_API_RATE_LIMIT`` requests per token, and
``BEACON_API_ANONYMOUS_RATE_LIMIT`` per address for requests without a valid token, in each
window of ``BEACON_API_RATE_WINDOW_SECONDS``; beyond it the answer is 429 with ``Retry-After``
(the seconds until the window ends).

Fixed windows counted in Django's ``counters`` cache (shared by every server and worker in
production, apart from the cached pages: ``beacon/settings_production.py``), timed by Beacon's
clock so tests move it rather than sleep. The client address is found as the
sign-in throttle finds it (``BEACON_CLIENT_ADDRESS_HEADER`` behind a proxy).
"""

from __future__ import annotations

import hashlib
import math

from django.conf import settings
from django.core.cache import caches

from beacon.core import clock
from beacon.core.addresses import client_address


class RateLimited(Exception):
    """Too many requests in this window; ``retry_after`` seconds until the next."""

    def __init__(self, retry_after: int, limit: int, window: int):
        self.retry_after = retry_after
        self.limit = limit
        self.window = window
        super().__init__(f"too many requests: at most {limit} every {window} seconds; try again in {retry_after} seconds")


def _count(who: str, limit: int) -> None:
    window = max(1, settings.BEACON_API_RATE_WINDOW_SECONDS)
    now = clock.now().timestamp()
    index = math.floor(now / window)
    key = f"beacon:api:{hashlib.sha256(who.encode()).hexdigest()[:32]}:{index}"
    cache = caches["counters"]
    if cache.add(key, 1, window * 2):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window * 2)
            count = 1
    if count > limit:
        raise RateLimited(max(1, math.ceil((index + 1) * window - now)), limit, window)


def count_token(token_id: int) -> None:
    """Count a request made with a valid token (raises :class:`RateLimited` beyond the limit)."""
    _count(f"token:{token_id}", settings.BEACON_API_RATE_LIMIT)


def count_address(request) -> None:
    """Count a request without a valid token, by its address."""
    _count(f"address:{client_address(request)}", settings.BEACON_API_ANONYMOUS_RATE_LIMIT)
