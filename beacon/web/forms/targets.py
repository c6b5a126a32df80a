"""The "Change target or floor" form of a KPI (the Performance lead): it parses what was typed
and builds :class:`beacon.performance.targets.ChangeTarget`; the service checks the rest and
names the field of each problem (docs/targets.md)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms

from beacon.core.stale import version
from beacon.domain.targets import fields_for
from beacon.performance import models as pm
from beacon.performance.targets import ChangeTarget, rows_version

from . import Labelled, ParsedField, StaleSafeForm, TextField, iso_date


def parse_value(text: str) -> Decimal:
    """A target or floor standard as typed: ``85``, ``85.5``, ``85%``, ``1,200``."""
    cleaned = text.strip().removesuffix("%").replace(",", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a number")
    return value


class Choice(Labelled, forms.ChoiceField):
    def __init__(self, *, label: str, choices, **kwargs):
        super().__init__(label=label, choices=choices, required=False, **kwargs)
        self.error_messages["invalid_choice"] = "'%(value)s' is not one of the choices"


class ChangeTargetForm(StaleSafeForm):
    financial_year = Choice(label="Financial year", choices=[])
    field = Choice(label="What changes", choices=[])
    new_value = ParsedField(parse_value, label="New value", required=False,
                            help_text="The new target or floor standard, as a number (a percentage without the % sign is fine).",
                            widget=forms.TextInput(attrs={"govuk_width": "10"}))
    effective_from = Choice(label="Effective from", choices=[],
                            help_text="The quarter the new value takes effect from; the quarters before it keep the "
                                      "earlier value. Choose the whole year to change it for every quarter of the year.")
    reason = TextField(label="Reason", help_text="Why the target or floor standard changes: this is shown with the "
                                                 "history and in the report's notes.",
                       widget=forms.Textarea(attrs={"govuk_rows": "3"}))
    approved_by = TextField(label="Approved by", help_text="Who approved the change (a name and role, or the meeting).",
                            widget=forms.TextInput(attrs={"govuk_width": "20"}))
    approved_on = ParsedField(iso_date, label="Approved on", required=False, help_text="For example 15/11/2022.",
                              widget=forms.TextInput(attrs={"govuk_width": "10"}))

    def __init__(self, kpi: pm.Kpi, *args, **kwargs):
        self.kpi = kpi
        super().__init__(*args, opened_values={"targets": version(rows_version(kpi))}, **kwargs)
        years = sorted(set(pm.KpiTarget.objects.filter(kpi=kpi).values_list("financial_year", flat=True)), reverse=True)
        self.fields["financial_year"].choices = [(y, y) for y in years]
        self.fields["field"].choices = [(f.value, f.label) for f in fields_for(kpi.polarity)]
        quarters = [("", "The whole year")]
        from beacon.domain.periods import FinancialYear

        for y in years:
            quarters += [(q.label, q.label) for q in FinancialYear.parse(y).quarters]
        self.fields["effective_from"].choices = quarters

    @property
    def layout(self):
        return [[self[name]] for name in ("financial_year", "field", "new_value", "effective_from", "reason",
                                          "approved_by", "approved_on")]

    def command(self, by: str) -> ChangeTarget:
        data = self.cleaned_data
        opened = self.opened_values() or {}
        return ChangeTarget(
            kpi_code=self.kpi.code, financial_year=data.get("financial_year") or "", field=data.get("field") or "",
            new_value=data.get("new_value"), effective_from=data.get("effective_from") or "",
            reason=data.get("reason") or "", approved_by=data.get("approved_by") or "",
            approved_on=data.get("approved_on"), by=by, expected_version=opened.get("targets"),
        )
