"""Django forms for the pages that take input, rendered in the GOV.UK Design System's pattern
(``web/_field.html``, ``web/_errors.html``): every error starts with the field's name (``Due
date: ...``), is shown at the field (error class, ``aria-describedby``) and in the error
summary, which links to the field's id."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from beacon.core.stale import seal, unseal
from beacon.domain.periods import typed_date


def iso_date(text: str) -> dt.date:
    """A date from a date field: what the browser's date picker sends (YYYY-MM-DD), or what a
    person types where there is no picker (:func:`beacon.domain.periods.typed_date`)."""
    return typed_date(text)


class Labelled:
    """A field whose error messages start with its name: ``error_label`` (``A1 value``), or
    its label. A false ``error_label`` leaves messages as they are."""

    error_label: str | None = None

    def labelled(self, message: str) -> str:
        label = self.error_label if self.error_label is not None else self.label
        if not label or message.startswith(label):
            return message
        return f"{label}: {message}"

    def clean(self, value, *args):
        try:
            return super().clean(value, *args)
        except ValidationError as exc:
            raise ValidationError([self.labelled(m) for m in exc.messages]) from None


class TextField(Labelled, forms.CharField):
    def __init__(self, *, error_label: str | None = None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.error_label = error_label


class ParsedField(Labelled, forms.CharField):
    """A text field turned into a value by ``parse`` (which raises ``ValueError`` with the
    reason); blank is None unless the field is required."""

    def __init__(self, parse, *, error_label: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.parse = parse
        self.error_label = error_label

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return self.parse(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class GovukForm(forms.Form):
    """Field ids are the field names (``kpi-A1-value``, ``due_date``), so the error summary's
    links and the pages' labels agree."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def add_field_errors(self, field_errors: dict[str, str]) -> dict[str, str]:
        """Put errors keyed by field name (as a service reports them) on this form's fields;
        returns those that are not this form's."""
        names = {self.add_prefix(name): name for name in self.fields}
        rest = {}
        for key, message in field_errors.items():
            if key in names:
                field = self.fields[names[key]]
                self.add_error(names[key], field.labelled(message) if isinstance(field, Labelled) else message)
            else:
                rest[key] = message
        return rest

    def summary(self) -> dict[str, str]:
        """Field id -> message, in field order, for the error summary."""
        out = {}
        for bound in self:
            if bound.errors:
                out[bound.id_for_label] = " ".join(bound.errors)
        return out


def error_summary(message: str | None, *forms_: GovukForm) -> dict[str, str]:
    """The error summary of a page: the overall ``message`` (not a link), then each form's
    errors, linked to their fields."""
    out = {"__all__": message} if message else {}
    for form in forms_:
        out.update(form.summary())
    return out


class StaleSafeForm(GovukForm):
    """A form that edits stored data: it carries the values it showed (``opened``, sealed by
    :func:`beacon.core.stale.seal`) so the service can refuse or merge a save made from an
    out-of-date page. Give the view's initial values as ``opened_values`` when rendering."""

    opened = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, opened_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        if opened_values is not None and not self.is_bound:
            self.fields["opened"].initial = seal(opened_values)

    def opened_values(self):
        """What the form showed when opened (None if it did not say)."""
        return unseal(self.data.get(self.add_prefix("opened"), "")) if self.is_bound else None


class FilterChoice(Labelled, forms.ChoiceField):
    """A select whose unknown value is named in a message that starts with the field's name and
    lists what it takes."""

    def __init__(self, *, label: str, choices, **kwargs):
        super().__init__(label=label, choices=[("", "All"), *choices], required=False, **kwargs)
        texts = [text for _, text in choices]
        offer = "; choose " + (" or ".join(texts) if len(texts) < 3 else ", ".join(texts[:-1]) + " or " + texts[-1]) \
            if texts else "; there is nothing to choose in this quarter"
        self.error_messages["invalid_choice"] = f"{label}: '%(value)s' is not one of the choices{offer}"

    def validate(self, value):
        # the message names the value typed (Django's default does, but not the choices)
        if value and not self.valid_value(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"] % {"value": value})
