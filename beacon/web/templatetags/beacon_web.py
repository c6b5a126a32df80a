"""Template helpers: RAG and direction of travel always as a word or glyph with text, never
by colour alone; numbers at a KPI's display precision (the domain's rounding)."""

from decimal import Decimal
from html import escape as _escape

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from beacon.domain.numbers import format_number
from beacon.domain.wording import DOT_SYMBOL, DOT_WORD, dot_text_alternative
from beacon.reports.formats import REGISTRIES
from beacon.returns.models import Return

register = template.Library()

RAG_CLASS = {"GREEN": "govuk-tag--green", "AMBER": "govuk-tag--yellow", "RED": "govuk-tag--red"}
STATUS_CLASS = {  # a return's status tag (its label is the status's own, Return.Status)
    Return.Status.NOT_STARTED: "govuk-tag--grey",
    Return.Status.DRAFT: "govuk-tag--blue",
    Return.Status.SUBMITTED: "govuk-tag--purple",
    Return.Status.RETURNED: "govuk-tag--orange",
    Return.Status.APPROVED: "govuk-tag--green",
    Return.Status.REOPENED: "govuk-tag--orange",
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
def with_unit(figure: str, unit) -> str:
    """A formatted figure with its unit (``96%``); none (``–``) as it is."""
    if figure in (None, "", "–"):
        return figure
    return f"{figure}{unit_suffix(unit)}"


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


# --- output formats: download links list what is registered (beacon.reports.formats) ----------
@register.simple_tag
def output_formats(kind: str) -> list:
    """``{% output_formats "qpr" as formats %}``: the registered formats of ``qpr``,
    ``register`` or ``bundle``, in the order they are offered."""
    return list(REGISTRIES[kind])


@register.filter
def output_format(name: str, kind: str = "qpr"):
    """``{{ f.format|output_format:"qpr" }}``: the registered format called ``name``."""
    return REGISTRIES[kind].get(name)


@register.filter
def widget_kind(bound_field) -> str:
    """How ``web/_field.html`` draws a form field: checkbox, select, file, input or textarea."""
    from django import forms

    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input" if getattr(widget, "input_type", None) else "textarea"


@register.filter
def marked(figure, source):
    """A target or floor standard with its provenance mark, as the papers print it: ``90
    (assumed)``, ``90 (derived)``; a published figure (or none, ``–``) as it is."""
    from beacon.domain.provenance import marked as with_mark

    if figure is None or figure in ("", "–"):
        return figure
    return with_mark(str(figure), source)


@register.filter
def kpi_name(kpi) -> str:
    """``{{ kpi|kpi_name }}``: the KPI's name as the papers print it (the rolling suffix once)."""
    from beacon.domain.wording import kpi_display_name

    return kpi_display_name(kpi.name, kpi.rolling_12_months)


def _text(value) -> str:
    """A value as ``{{ value }}`` writes it (localized, escaped unless already safe)."""
    if type(value) is str:  # the common case: a plain string is escaped as Django's escape() does
        return _escape(value)
    from django.utils.formats import localize
    from django.utils.html import conditional_escape

    return str(conditional_escape(localize(value)))


def _first(*values) -> str:
    """``{% firstof ... %}``: the first true value as text, or ``""``."""
    for value in values:
        if value:
            return _text(value)
    return ""


@register.simple_tag
def govuk_field(field, hint=None, width=None, numeric=False, rows=None, type=None):
    """``{% include "web/_field.html" %}`` for an input, a text area or a checkbox, written in
    Python: the same markup, byte for byte (a return of 125 lines draws about 500 fields, and
    the included template cost most of the page). Select and file fields are drawn by the
    template itself."""
    from django.template.loader import render_to_string
    from django.utils.html import conditional_escape

    kind = widget_kind(field)
    if kind not in ("checkbox", "input", "textarea"):
        return mark_safe(render_to_string("web/_field.html", {"field": field, "hint": hint, "width": width,
                                                              "numeric": numeric, "rows": rows, "type": type}))
    widget = field.field.widget
    attrs = widget.attrs
    fid = _text(field.id_for_label)
    h = _first(hint, field.help_text)
    errors = field.errors
    name = _text(field.html_name)
    described = ""
    if h or errors:
        described = (' aria-describedby="' + (f"{fid}-hint" if h else "") + (" " if h and errors else "")
                     + (f"{fid}-error" if errors else "") + '"')
    error_text = ""
    if errors:
        joined = str(conditional_escape(" ").join([conditional_escape(e) for e in errors]))
        error_text = (f'<p class="govuk-error-message" id="{fid}-error"><span class="govuk-visually-hidden">Error:'
                      f'</span> {joined}</p>')
    group = '<div class="govuk-form-group' + (" govuk-form-group--error" if errors else "") + '">\n'
    if kind == "checkbox":
        out = (group + "  " + error_text + "\n"
               '  <div class="govuk-checkboxes govuk-checkboxes--small"><div class="govuk-checkboxes__item">\n'
               f'    <input class="govuk-checkboxes__input" id="{fid}" name="{name}" type="checkbox" value="1"'
               + (" checked" if field.value() else "") + described + ">\n"
               f'    <label class="govuk-label govuk-checkboxes__label" for="{fid}">{_text(field.label)}</label>\n'
               "    " + (f'<div class="govuk-hint govuk-checkboxes__hint" id="{fid}-hint">{h}</div>' if h else "")
               + "\n  </div></div>\n</div>\n")
        return mark_safe(out)
    value = field.value()
    value = "" if value is None else _text(value)
    head = (group + f'  <label class="govuk-label" for="{fid}">{_text(field.label)}</label>\n'
            "  " + (f'<div class="govuk-hint" id="{fid}-hint">{h}</div>' if h else "") + "\n"
            "  " + error_text + "\n  ")
    if kind == "input":
        w = _first(width, attrs.get("govuk_width"))
        input_type = _first(type, attrs.get("govuk_type"), getattr(widget, "input_type", None), "text")
        body = ('<input class="govuk-input' + (f" govuk-input--width-{w}" if w else "")
                + (" govuk-input--error" if errors else "") + f'" id="{fid}" name="{name}" type="{input_type}"'
                + (' inputmode="decimal" spellcheck="false"' if numeric else "") + f' value="{value}"' + described + ">\n  ")
    else:
        body = ('<textarea class="govuk-textarea' + (" govuk-textarea--error" if errors else "")
                + f'" id="{fid}" name="{name}" rows="{_first(rows, attrs.get("govuk_rows"), "3")}"' + described
                + f">{value}</textarea>")
    return mark_safe(head + body + "\n</div>\n")


_MISSING = object()


@register.filter
def change_items(changes) -> str:
    """A history event's changes as list items, ``<li>field: old → new</li>`` (a blank side as
    "(blank)"), written in Python: a return's history holds every saved change of every line,
    thousands of items after a few saves of a large return, and a template loop over them cost
    most of the return page."""
    items = []
    for c in changes or ():
        get = c.get if isinstance(c, dict) else (lambda key, default, c=c: getattr(c, key, default))
        field, old, new = get("field", _MISSING), get("old", None), get("new", None)
        items.append(f"<li>{'' if field is _MISSING else _text(field)}: {_text(old or '(blank)')} → "
                     f"{_text(new or '(blank)')}</li>")
    return mark_safe("".join(items))
