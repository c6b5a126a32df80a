"""Where the web application's pages are, for code outside it: a job's result, a reminder, a
notification link to a page by its URL name. Beacon can run without the web pages (the command
line, the API alone); a link to a page that is not there is then empty, and what links to it still
says what it made or what is due."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

__all__ = ["page_path"]


def page_path(name: str, *args) -> str:
    """The path of the page ``name`` (a URL name such as ``"web:risk"``) for ``args``, or "" when
    the web pages are not installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
