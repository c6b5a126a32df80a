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


@register.filter
def revision_details(revisions) -> str:
    """``{{ row.revisions|revision_details }}``: a value's revisions, newest first as given, in a
    "N changes" details element (or "none"): each change's time, field, old and new value, who
    made it, the reason and the source file. Written in Python rather than an included template:
    a KPI page draws one for each of its (often forty) values."""
    from django.template.defaultfilters import date as date_format
    from django.utils.html import escape
    from django.utils.safestring import mark_safe
    from django.utils.timezone import template_localtime

    if not revisions:
        return mark_safe('<span class="govuk-body-s">none</span>\n')
    items = []
    for r in revisions:
        item = [f"\n      <li>{escape(date_format(template_localtime(r.changed_at), 'j M Y H:i'))}: {escape(r.field)} "]
        if r.old_value:
            item.append(f"from {escape(r.old_value)} ")
        item.append(f"to {escape(r.new_value or '(blank)')} by {escape(r.changed_by)}")
        if r.reason:
            item.append(f" – {escape(r.reason)}")
        if r.source:
            item.append(f' <span class="govuk-body-s">({escape(source_shown(r.source))})</span>')
        items.append("".join(item) + "</li>\n    ")
    n = len(revisions)
    return mark_safe(
        '\n<details class="govuk-details">\n'
        f'  <summary class="govuk-details__summary"><span class="govuk-details__summary-text">{n} change'
        f'{"" if n == 1 else "s"}</span></summary>\n'
        '  <div class="govuk-details__text">\n'
        '    <ul class="govuk-list">\n    ' + "".join(items) + '\n    </ul>\n  </div>\n</details>\n\n')
