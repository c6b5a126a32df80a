"""Who is asking, by network address: the one reading of a request's client address that the
sign-in throttle and the API's rate limit share."""

from __future__ import annotations

from django.conf import settings


def client_address(request) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind a proxy the last address the trusted
    header (``BEACON_CLIENT_ADDRESS_HEADER``, e.g. ``HTTP_X_FORWARDED_FOR``) lists, which the
    proxy itself added. No request: empty."""
    if request is None:
        return ""
    header = getattr(settings, "BEACON_CLIENT_ADDRESS_HEADER", "")
    if header:
        forwarded = [part.strip() for part in request.META.get(header, "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")
