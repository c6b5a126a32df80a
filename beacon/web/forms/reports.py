"""The QPR build page's form: publish the edition, with a reason for each failed consistency
check the lead accepts (a check left blank is refused); and the form that publishes a corrected
edition of a published quarter, with its reason."""

from __future__ import annotations

from django import forms

from beacon.core.stale import seal, unseal

from . import FilterChoice, GovukForm, TextField


class PublishForm(GovukForm):
    """One field for each failed check (``failed``: its id and name), ``allow-<check id>``."""

    def __init__(self, *args, failed: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for check_id, name in failed:
            self.fields[f"allow-{check_id}"] = TextField(
                label=f"Reason to accept the failed check {check_id} {name} (leave blank to refuse)",
                error_label=f"Check {check_id}",
            )

    def allowances(self) -> dict[str, str]:
        """Check id -> the reason it is accepted, for each check given one."""
        return {name.removeprefix("allow-"): text.strip() for name, text in self.cleaned_data.items() if text.strip()}


class CorrectionForm(PublishForm):
    """Publish a corrected edition of a published quarter: the reason (printed with the corrected
    edition) and, as on the build page, a reason for each failed check accepted. ``shown`` (a
    sealed hidden field) is the list of differences the page showed, so a correction is never
    published with differences the lead did not see."""

    field_order = ["reason"]

    def __init__(self, *args, shown: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"] = TextField(
            label="Reason for the corrected edition", required=True, error_label="Reason",
            help_text="Printed with the corrected edition, e.g. “CS1 value for Quarter 2 was entered twice”.",
            error_messages={"required": "give the reason for the corrected edition"},
        )
        self.fields["shown"] = forms.CharField(widget=forms.HiddenInput, required=False)
        if shown is not None and not self.is_bound:
            self.fields["shown"].initial = seal({str(i): line for i, line in enumerate(shown)})
        self.order_fields(["reason"])

    def shown_differences(self) -> list[str] | None:
        """The differences the page showed when the lead opened it (None: it did not say)."""
        values = unseal(self.data.get("shown", "")) if self.is_bound else None
        return None if values is None else [values[k] for k in sorted(values, key=int)]

    def allowances(self) -> dict[str, str]:
        return {name.removeprefix("allow-"): text.strip() for name, text in self.cleaned_data.items()
                if name.startswith("allow-") and text.strip()}


class CompareForm(GovukForm):
    """The compare page's two editions (``?a=<key>&b=<key>``, read from the query string): an
    edition that is not published is an error on the page, never silently replaced."""

    changes_data = False

    def __init__(self, data, *, editions: list[tuple[str, str]], chosen: tuple[str, str] = ("", "")):
        own = {k: data[k] for k in ("a", "b") if data.get(k)}
        super().__init__(own or None, initial=dict(zip(("a", "b"), chosen)))
        for name, label in (("a", "Earlier report"), ("b", "Later report")):
            self.fields[name] = FilterChoice(label=label, choices=editions)
            self.fields[name].choices = editions  # one edition or the other: no "All"
