"""The register editions pages' forms: freezing an edition (with the date confirmed when the
register's data questions it), superseding one and withdrawing one (each with a reason). Each
builds a typed command of :mod:`beacon.risk.editions`; the service's refusals
(:class:`~beacon.risk.editions.EditionError`) come back on the field they are about."""

from __future__ import annotations

from django import forms

from beacon.risk import editions as ed

from . import GovukForm, Labelled, ParsedField, TextField, iso_date


def _reason_field(label: str) -> TextField:
    return TextField(label=label, required=True, widget=forms.Textarea(attrs={"govuk_rows": "3"}),
                     error_messages={"required": "give the reason"})


class EditionServiceForm(GovukForm):
    """A form whose command the editions service may refuse."""

    def add_edition_error(self, exc: ed.EditionError) -> None:
        """The service's refusal on the field it names (or on the form)."""
        field = exc.field if exc.field in self.fields else None
        if isinstance(exc, ed.DateNeedsConfirmation) and "confirm_date" in self.fields:
            field = "confirm_date"
        message = exc.message
        if field is None:
            message = message[:1].upper() + message[1:]
        elif isinstance(self.fields[field], Labelled):
            message = self.fields[field].labelled(message)
        self.add_error(field, message)

    def summary(self) -> dict[str, str]:
        out = {"form-error": " ".join(self.non_field_errors())} if self.non_field_errors() else {}
        out.update(super().summary())
        return out


class ConfirmField(Labelled, forms.BooleanField):
    error_label = "Confirm the date"


class FreezeForm(EditionServiceForm):
    body = TextField(label="Presented to", error_label="Body", required=True, widget=forms.TextInput(),
                     error_messages={"required": "name the body the edition is presented to"})
    date = ParsedField(iso_date, label="Meeting date", error_label="Date", widget=forms.TextInput(attrs={"govuk_width": "10", "govuk_type": "date"}),
                       error_messages={"required": "enter the date of the meeting, for example 5/1/2023"})
    # the date the page questioned: a confirmation counts only for the date that was questioned
    questioned = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm_date = ConfirmField(label="Freeze the edition for this date anyway", required=False)

    def asks_to_confirm(self) -> bool:
        """Whether the page shows the confirmation: once the service has questioned the date."""
        return bool(self.errors.get("confirm_date")) or (self.is_bound and bool(self.data.get("questioned")))

    def question(self, date) -> None:
        """The service questioned ``date``: the page asks to confirm it, for that date only."""
        self.data = self.data.copy()
        self.data["questioned"] = date.isoformat()

    def command(self, by: str) -> ed.FreezeEdition:
        data = self.cleaned_data
        confirmed = bool(data.get("confirm_date")) and data.get("questioned") == data["date"].isoformat()
        return ed.FreezeEdition(" ".join(data["body"].split()), data["date"], by, confirm_date=confirmed)


class SupersedeForm(EditionServiceForm):
    reason = _reason_field("Why it is superseded")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="supersede-%s", **kwargs)

    def command(self, edition: int, by: str) -> ed.SupersedeEdition:
        return ed.SupersedeEdition(edition, self.cleaned_data["reason"].strip(), by)


class WithdrawForm(EditionServiceForm):
    reason = _reason_field("Why it is withdrawn")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="withdraw-%s", **kwargs)

    def command(self, edition: int, by: str) -> ed.WithdrawEdition:
        return ed.WithdrawEdition(edition, self.cleaned_data["reason"].strip(), by)
