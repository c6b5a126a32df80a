"""Template filters of the QPR documents."""

from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """``{{ text|get:"cover.2.2.green" }}``: a dict item whose key has dots."""
    try:
        return mapping[key]
    except (KeyError, TypeError):
        return ""
