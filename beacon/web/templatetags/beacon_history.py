"""Template helpers for revision histories: a reader sees where a change came from by file
name only (:func:`beacon.domain.sources.source_shown`), never the server's directories."""

from django import template

from beacon.domain.sources import source_shown

register = template.Library()


@register.filter
def source_name(source: str) -> str:
    """``{{ r.source|source_name }}``: ``/tmp/upload/bundle (observations.csv)`` is shown as
    ``bundle (observations.csv)``."""
    return source_shown(source)
