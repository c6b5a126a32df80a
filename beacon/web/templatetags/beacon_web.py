"""Template helpers: RAG and direction of travel always as a word or glyph with text, never
by colour alone; numbers at a KPI's display precision (the domain's rounding)."""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from beacon.domain.numbers import format_number
from beacon.domain.wording import DOT_SYMBOL, DOT_WORD, dot_text_alternative
from beacon.returns.models import Return

register = template.Library()

RAG_CLASS = {"GREEN": "govuk-tag--green", "AMBER": "govuk-tag--yellow", "RED": "govuk-tag--red"}
STATUS_CLASS = {  # a return's status tag (its label is the status's own, Return.Status)
    Return.Status.NOT_STARTED: "govuk-tag--grey",
    Return.Status.DRAFT: "govuk-tag--blue",
    Return.Status.SUBMITTED: "govuk-tag--purple",
    Return.Status.RETURNED: "govuk-tag--orange",
    Return.Status.APPROVED: "govuk-tag--green",
}


@register.simple_tag
def rag(value, source=None):
    if not value:
        return mark_safe('<strong class="govuk-tag govuk-tag--grey">Not rated</strong>')
    suffix = " (manual)" if source == "manual" else ""
    return format_html('<strong class="govuk-tag {}">{}{}</strong>', RAG_CLASS.get(value, ""), value.title(), suffix)


@register.simple_tag
def dot(value):
    value = value or "not_available"
    symbol = DOT_SYMBOL.get(value, "")
    glyph = "" if value == "not_available" else symbol
    return format_html(
        '<span class="beacon-dot beacon-dot--{}" title="{}"><span aria-hidden="true">{}</span> {}</span>',
        value,
        dot_text_alternative(value),
        glyph,
        DOT_WORD.get(value, value),
    )


@register.simple_tag
def status(ret):
    return format_html('<strong class="govuk-tag {}">{}</strong>', STATUS_CLASS.get(ret.status, ""), ret.get_status_display())


@register.filter
def num(value, decimals=0):
    if value is None or value == "":
        return "–"
    try:
        decimals = int(decimals or 0)
    except (TypeError, ValueError):
        decimals = 0
    if isinstance(value, Decimal):
        value = float(value)
    return format_number(float(value), decimals)


@register.filter
def unit_suffix(unit):
    return "%" if unit == "percent" else ""


@register.filter
def get(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def change(value):
    """A count change as +n / −n / 0 with words for screen readers."""
    if value is None:
        return "–"
    if value > 0:
        return format_html('+{}<span class="govuk-visually-hidden"> more</span>', value)
    if value < 0:
        return format_html('−{}<span class="govuk-visually-hidden"> fewer</span>', abs(value))
    return mark_safe('0<span class="govuk-visually-hidden"> no change</span>')
