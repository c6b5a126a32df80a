"""The return page draws its line fields and its history in Python (``govuk_field``,
``change_items``: a return of 125 lines has about 500 fields, and its history every saved change)
and must write exactly what the templates wrote: ``web/_field.html`` for each field, and the
history's list items."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string

from beacon.returns.queries import return_lines
from beacon.web.forms.returns import ReturnLineForm, ReturnLinesFormSet
from beacon.web.templatetags.beacon_web import change_items, govuk_field

from web_fixtures import NEXT


def _included(field, **extra) -> str:
    return render_to_string("web/_field.html", {"field": field, **extra})


class Sample(forms.Form):
    plain = forms.CharField(label="A <plain> field", required=False)
    hinted = forms.CharField(label="Hinted", help_text="Say \"why\" & how", required=True)
    wide = forms.CharField(label="Wide", required=False, widget=forms.TextInput(attrs={"govuk_width": "20"}))
    typed = forms.CharField(label="E-mail", required=False, widget=forms.TextInput(attrs={"govuk_type": "email"}))
    area = forms.CharField(label="Area", required=False, widget=forms.Textarea(attrs={"govuk_rows": "7"}))
    tick = forms.BooleanField(label="Tick it", required=False, help_text="Ticking <b>it</b> matters")
    number = forms.IntegerField(label="Number", required=False)


@pytest.mark.parametrize("data", [None, {"plain": "x < y & \"z\"", "hinted": "", "area": "line\n<two>", "tick": "on",
                                          "number": "not a number", "wide": "w", "typed": "a@b"}])
def test_govuk_field_writes_what_the_field_template_writes(data):
    form = Sample(data, initial={"plain": "start", "tick": True, "number": 7})
    if data is not None:
        form.is_valid()
    for name in form.fields:
        field = form[name]
        assert govuk_field(field) == _included(field), name
        for extra in ({"width": "10", "numeric": True}, {"rows": "2"}, {"hint": "A hint"}, {"type": "search"}):
            assert govuk_field(field, **extra) == _included(field, **extra), (name, extra)


def test_return_line_fields_are_the_field_template(data, users):
    """Every field of every line of a real return, unbound and bound with errors."""
    import datetime as dt

    from beacon.core import clock
    from beacon.domain.periods import Quarter
    from beacon.returns import services
    from beacon.returns.commands import OpenPeriod
    from beacon.returns.models import Return

    services.open_period(OpenPeriod(Quarter.parse(NEXT), clock.today() + dt.timedelta(days=30), "lead"))
    ret = Return.objects.select_related("period", "directorate").get(period__period=NEXT, directorate__code="AA")
    lines = return_lines(ret)
    q = ret.period.quarter
    for bound in (None, {f"{line.field_prefix}-{part}": value for line in lines
                         for part, value in (("value", "abc"), ("note", "<n>"), ("remove", "1"))}):
        formset = ReturnLinesFormSet(bound, lines=lines, quarter=q)
        if bound is not None:
            formset.is_valid()
        for form in formset.forms:
            assert isinstance(form, ReturnLineForm)
            for field in form:
                assert govuk_field(field, width="10", numeric=True) == _included(field, width="10", numeric=True)
                assert govuk_field(field) == _included(field)


LOOP = Template('{% for c in changes %}<li>{{ c.field }}: {{ c.old|default:"(blank)" }} → '
                '{{ c.new|default:"(blank)" }}</li>{% endfor %}')


@pytest.mark.parametrize("changes", [
    [],
    None,
    [{"field": "K1 value", "old": "", "new": "12"}, {"field": "K1 note", "old": "a <b>", "new": ""}],
    [{"field": "x & y", "old": None, "new": "\"quoted\""}, {"old": "1"}, {"field": None, "old": 0, "new": 1.5}],
])
def test_change_items_writes_what_the_history_loop_wrote(changes):
    assert change_items(changes) == LOOP.render(Context({"changes": changes}))
