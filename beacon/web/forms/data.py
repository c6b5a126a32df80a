"""The data page's form: upload a bundle (a zip of CSV files or an .xlsx workbook) with the
reason that lets it change final data."""

from __future__ import annotations

from django import forms

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
        """The uploaded file, its name and the reason, for :func:`beacon.web.services.data.import_upload`."""
        return self.cleaned_data["bundle"], self.cleaned_data["reason"].strip()
