"""The forms of uploading a return as a spreadsheet: choose the file, then confirm the preview
(which carries the parsed entries sealed, and the return's values as the preview showed them,
so :func:`beacon.returns.upload.save_upload` can refuse a return changed since)."""

from __future__ import annotations

from django import forms

from beacon.returns.upload import MAX_BYTES

from . import GovukForm, Labelled, StaleSafeForm


class ReturnFileField(Labelled, forms.FileField):
    pass


class ReturnUploadForm(GovukForm):
    file = ReturnFileField(
        label="The return file (.csv or .xlsx)",
        help_text=f"A CSV file or an Excel workbook of up to {MAX_BYTES // (1024 * 1024)} MB, with the columns of the "
                  "template.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={"required": "choose the .csv or .xlsx file to upload",
                        "empty": "the file is empty: choose the return's .csv or .xlsx file"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].error_label = "File"


class ConfirmUploadForm(StaleSafeForm):
    """The preview's form: the upload, sealed by :func:`beacon.returns.upload.seal_upload`,
    and what the preview showed (``opened``)."""

    upload = forms.CharField(widget=forms.HiddenInput, required=False)
