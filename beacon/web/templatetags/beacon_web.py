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


_POLARITY_SENTENCE = {"higher": "Higher is better.", "lower": "Lower is better."}


def _line_facts(line) -> str:
    """What a return line shows beside its fields: the last value, and for a KPI the target,
    floor standard (with their provenance marks) and which way is better."""
    from beacon.domain.provenance import marked as with_mark

    if line.last_value is not None:
        last = f"{_text(num(line.last_value, line.decimals))}{unit_suffix(line.unit)} ({_text(line.last_period)})"
    else:
        last = "none"
    out = f"    Last value: {last}.\n    "
    if line.kind == "kpi":
        suffix = unit_suffix(line.unit)
        target = _text(with_mark(line.target_text + suffix, line.target_source)) if line.target_text else "none"
        floor = _text(with_mark(line.floor_text + suffix, line.floor_source)) if line.floor_text else "none"
        out += (f"Target: {target}. Floor standard: {floor}. "
                + _POLARITY_SENTENCE.get(line.polarity, "Within the range is best."))
    return out + "\n"


def _summary_row(key: str, value: str, extra_class: str = "") -> str:
    return (f'<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{key}</dt>'
            f'<dd class="govuk-summary-list__value{extra_class}">{value}</dd></div>')


@register.simple_tag(takes_context=True)
def return_line(context, form) -> str:
    """One line of a return (a KPI or activity indicator): its heading, facts and fields (or,
    when the return cannot be changed, what it holds), in a fieldset. Written in Python: a
    return of 125 lines drew an included template per line, most of the page's time."""
    from django.utils.html import conditional_escape

    line = form.line
    can_edit = context.get("can_edit")
    prefix = _text(line.field_prefix)
    out = ['\n<div class="govuk-form-group' + (" govuk-form-group--error" if can_edit and form.errors else "") + '">\n'
           f'<fieldset class="govuk-fieldset" aria-describedby="{prefix}-facts">\n'
           '  <legend class="govuk-fieldset__legend govuk-fieldset__legend--s"><h3 class="govuk-fieldset__heading">'
           f'{_text(line.code)}: {_text(line.name)}</h3></legend>\n'
           f'  <p class="govuk-body-s" id="{prefix}-facts">\n', _line_facts(line), "  </p>\n  "]
    if can_edit:
        out.append("\n    ")
        errors = form.non_field_errors()
        if errors:
            joined = str(conditional_escape(" ").join([conditional_escape(e) for e in errors]))
            out.append(f'<p class="govuk-error-message" id="{prefix}-value"><span class="govuk-visually-hidden">'
                       f"Error:</span> {joined}</p>")
        out.append("\n    ")
        if line.monthly:
            out.append(f'\n    <p class="govuk-body-s">{_text(line.code)} is reported monthly: enter the value for each '
                       f"month of {_text(context['q'].label)}.</p>\n    ")
            out += [govuk_field(field, width="10", numeric=True) for field in form.month_fields]
            out.append("\n    ")
        else:
            out += ["\n    ", govuk_field(form["value"], width="10", numeric=True), "\n    "]
        out += ["\n    ", govuk_field(form["note"]), "\n    ", govuk_field(form["commentary"], rows="2"), "\n    "]
        out += [govuk_field(field) for field in form.removal_fields]
        out.append("\n  ")
    else:
        out.append('\n    <dl class="govuk-summary-list govuk-summary-list--no-border">\n      ')
        if line.monthly:
            for m in line.months:
                out.append("\n      " + _summary_row(f"Value for {_text(m.name)}", _text(m.value_text or "–")) + "\n      ")
        else:
            out.append("\n      " + _summary_row(f"Value for {_text(context['q'].label)}", _text(line.value_text or "–"))
                       + "\n      ")
        out.append("\n      " + _summary_row("Data note", _text(line.note or "–")) + "\n      "
                   + _summary_row("Commentary", _text(line.commentary or "–"), " beacon-pre") + "\n      ")
        if line.remove:
            out.append(_summary_row("Removes what is left blank", _text(line.remove_reason)))
        out.append("\n    </dl>\n  ")
    out.append("\n</fieldset>\n</div>\n")
    return mark_safe("".join(out))
