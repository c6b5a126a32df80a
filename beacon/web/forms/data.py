"""The data page's forms: upload a bundle (a zip of CSV files or an .xlsx workbook) to see what
it would change, then confirm the import, with the reason that lets it change final data."""

from __future__ import annotations

from django import forms

from beacon.core.stale import seal, unseal

from . import GovukForm, Labelled, TextField


class BundleField(Labelled, forms.FileField):
    pass


class UploadBundleForm(GovukForm):
    bundle = BundleField(
        label="Bundle file (.zip of CSV files or .xlsx workbook)", widget=forms.ClearableFileInput(attrs={"accept": ".zip,.xlsx"}),
        error_messages={"required": "choose a .zip of CSV files or an .xlsx workbook",
                        "empty": "the file is empty: choose a .zip of CSV files or an .xlsx workbook"},
    )
    reason = TextField(label="Reason (needed to change final data)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bundle"].error_label = "Bundle file"

    def upload(self):
        """The uploaded file and the reason (carried to the confirmation form)."""
        return self.cleaned_data["bundle"], self.cleaned_data["reason"].strip()


class ConfirmImportForm(GovukForm):
    """Confirm the import a preview listed. ``previewed`` (sealed) carries the preview's
    fingerprint and whether it changes final data, so a confirmation is refused when the data
    changed since the preview, and the reason is asked for exactly when final data changes."""

    reason = TextField(label="Reason for the changes")
    previewed = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, fingerprint: str | None = None, needs_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if fingerprint is not None:
            self.fields["previewed"].initial = seal({"fingerprint": fingerprint, "final": "1" if needs_reason else ""})
        shown = self._previewed() if self.is_bound else {"final": "1" if needs_reason else ""}
        if shown and shown.get("final"):
            self.fields["reason"].label = "Reason for changing final data"
            self.fields["reason"].help_text = "Recorded with each change, e.g. “figures corrected by the service”."

    def _previewed(self) -> dict[str, str] | None:
        return unseal(self.data.get(self.add_prefix("previewed"), ""))

    def clean(self):
        data = super().clean()
        shown = self._previewed()
        if shown is None:
            raise forms.ValidationError("the preview could not be read: upload the bundle again")
        if shown.get("final") and not (data.get("reason") or "").strip():
            self.add_error("reason", "Reason: give the reason for changing final data")
        return data

    @property
    def fingerprint(self) -> str:
        return (self._previewed() or {}).get("fingerprint", "")

    def reason_text(self) -> str:
        return (self.cleaned_data.get("reason") or "").strip()
