"""Searching records by the words someone typed: the one rule the search page, the decisions list
and the API share (every word must appear in at least one of the fields, in any case)."""

from __future__ import annotations

from django.db.models import Q


def all_words(words: list[str], *fields: str) -> Q:
    """A filter holding the rows in which every word appears in one of ``fields`` (case ignored)."""
    out = Q()
    for w in words:
        one = Q()
        for f in fields:
            one |= Q(**{f"{f}__icontains": w})
        out &= one
    return out
