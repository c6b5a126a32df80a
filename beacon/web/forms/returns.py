"""The quarterly return's forms: open a quarter, close a year, and the return itself (a formset
with one form per line of the return, the directorate commentary, the reviewer's comment).
Each produces the typed command the services in :mod:`beacon.returns.services` take."""

from __future__ import annotations

from functools import cached_property

from django import forms
from django.forms.formsets import INITIAL_FORM_COUNT, MAX_NUM_FORM_COUNT, MIN_NUM_FORM_COUNT, TOTAL_FORM_COUNT, ManagementForm

from beacon.domain.periods import FinancialYear, Quarter
from beacon.returns import commands as cmd
from beacon.returns.entries import (
    COMMENT_LABEL,
    COMMENTARY_LABEL,
    REMOVE_COMMENTARY_REASON_LABEL,
    REMOVE_REASON,
    field_label,
    parse_entered,
    text_problem,
    value_problem,
)
from beacon.returns.queries import HeldCommentary, LineView

from . import GovukForm, Labelled, ParsedField, StaleSafeForm, TextField, iso_date


class CheckboxField(Labelled, forms.BooleanField):
    def __init__(self, *, error_label: str | None = None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.error_label = error_label


class OpenPeriodForm(GovukForm):
    """Open a quarter. A quarter whose QPR edition is published is opened only with ``confirm``
    ticked (shown once the quarter is found published): its returns correct published figures."""

    period = ParsedField(Quarter.parse, label="Quarter", error_label="Period",
                         error_messages={"required": "enter the quarter to open, for example 2022/23 Q3"})
    due_date = ParsedField(iso_date, label="Returns due on", error_label="Due date",
                           error_messages={"required": "Enter the date returns are due"})
    confirm = CheckboxField(label="Open it to correct published figures", error_label="")

    def command(self, by: str, published: bool = False) -> cmd.OpenPeriod:
        return cmd.OpenPeriod(self.cleaned_data["period"], self.cleaned_data["due_date"], by, published=published,
                              confirmed=bool(self.cleaned_data.get("confirm")))


class CloseYearForm(GovukForm):
    """Close a year as final: only with ``confirm`` ticked (closing makes every value of the year
    final; it can be reopened, with a reason)."""

    financial_year = ParsedField(FinancialYear.parse, label="Financial year", error_label="",
                                 error_messages={"required": "enter the financial year, for example 2022/23"})
    confirm = CheckboxField(label="I confirm that every value of this year becomes final", error_label="",
                            required=True, error_messages={
                                "required": "tick to confirm that every value of the year becomes final"})

    def command(self, by: str) -> cmd.CloseYear:
        return cmd.CloseYear(self.cleaned_data["financial_year"], by)


class ReopenYearForm(GovukForm):
    """Reopen a closed year for correction, with the reason (kept in its history). Its ids start
    ``reopen-`` (the page also has the close form)."""

    financial_year = ParsedField(FinancialYear.parse, label="Financial year to reopen", error_label="",
                                 error_messages={"required": "enter the closed year to reopen, for example 2022/23"})
    reason = TextField(label="Reason for reopening", widget=forms.Textarea, error_label="Reason",
                       help_text="Say what needs correcting. It is kept in the year's history.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "reopen-%s")
        super().__init__(*args, **kwargs)

    def command(self, by: str) -> cmd.ReopenYear:
        return cmd.ReopenYear(self.cleaned_data["financial_year"], self.cleaned_data.get("reason") or "", by)


class EnteredNumberField(ParsedField):
    """A value as the data owner types it (``1,300``, ``97%``), checked against the line's
    unit by the return's own rule."""

    def __init__(self, unit: str, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(parse_entered, **kwargs)
        self.unit = unit

    def validate(self, value):
        super().validate(value)
        problem = value is not None and value_problem(value, self.unit)
        if problem:
            raise forms.ValidationError(problem)


class ReturnTextField(TextField):
    """A data note or commentary, held to the return's own length rule."""

    def validate(self, value):
        super().validate(value)
        problem = text_problem(value)
        if problem:
            raise forms.ValidationError(problem)


class ReturnLineForm(GovukForm):
    """One line: its value (a monthly KPI: a value for each month of the quarter), data note
    and commentary. The form's prefix is the line's (``kpi-A1``), so the fields are named
    ``kpi-A1-value``, ``kpi-A3-2022-10``, ``kpi-A1-note``."""

    def __init__(self, *args, line: LineView, quarter: Quarter, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line
        percent = " (%)" if line.unit == "percent" else ""
        if line.monthly:
            for m in line.months:
                self.fields[m.label] = EnteredNumberField(
                    line.unit, label=f"{m.name}{percent}", error_label=field_label(line.code, m.month),
                    initial=m.value_text,
                )
        else:
            self.fields["value"] = EnteredNumberField(
                line.unit, label=f"Value for {quarter.label}{percent}", error_label=field_label(line.code, "value"),
                initial=line.value_text,
            )
        self.fields["note"] = ReturnTextField(label="Data note (optional)", error_label=field_label(line.code, "note"),
                                        initial=line.note)
        self.fields["commentary"] = ReturnTextField(label="Commentary (optional)", widget=forms.Textarea,
                                              error_label=field_label(line.code, "commentary"), initial=line.commentary)
        if line.holds_something or line.remove:
            # a blank never deletes what is held for the quarter: removing it is said, with a reason
            self.fields["remove"] = CheckboxField(
                label="Remove this value", initial=line.remove, error_label=f"{line.code} remove",
                help_text="Tick to remove from the data, when the return is approved, what you leave blank on this "
                          "line (the value, the data note or the commentary held for this quarter).")
            self.fields[REMOVE_REASON] = ReturnTextField(
                label="Reason for removing (required if ticked)", initial=line.remove_reason,
                error_label=field_label(line.code, REMOVE_REASON))

    @property
    def removal_fields(self):
        return [self["remove"], self[REMOVE_REASON]] if "remove" in self.fields else []

    @property
    def month_fields(self):
        return [self[m.label] for m in self.line.months]

    def add_field_errors(self, field_errors: dict[str, str]) -> dict[str, str]:
        rest = super().add_field_errors(field_errors)
        # a monthly line has no value field: an error about its value as a whole is the line's
        key = self.line.field("value")
        if key in rest:
            self.add_error(None, rest.pop(key))
        return rest

    def summary(self) -> dict[str, str]:
        out = {}
        if self.non_field_errors():
            out[self.line.field("value")] = " ".join(self.non_field_errors())
        out.update(super().summary())
        return out

    def entry(self) -> cmd.LineEntry:
        data, line = self.cleaned_data, self.line
        months = tuple(cmd.MonthValue(m.month, data.get(m.label)) for m in line.months) if line.monthly else None
        return cmd.LineEntry(
            kind=line.kind, code=line.code, value=None if line.monthly else data.get("value"), months=months,
            note=data.get("note", ""), commentary=data.get("commentary", ""),
            remove=bool(data.get("remove")), remove_reason=data.get(REMOVE_REASON, "") if data.get("remove") else "",
        )


class BaseReturnLinesFormSet(forms.BaseFormSet):
    """The return's lines: one form a line, always the lines of the return (the browser does
    not count them), each with the line's own prefix."""

    def __init__(self, *args, lines: list[LineView], quarter: Quarter, **kwargs):
        self.lines = lines
        self.quarter = quarter
        kwargs.setdefault("auto_id", "%s")
        kwargs.setdefault("prefix", "lines")
        super().__init__(*args, **kwargs)

    def total_form_count(self):
        return len(self.lines)

    def initial_form_count(self):
        return len(self.lines)

    @cached_property
    def management_form(self):
        n = len(self.lines)
        form = ManagementForm(
            {f"{self.prefix}-{TOTAL_FORM_COUNT}": n, f"{self.prefix}-{INITIAL_FORM_COUNT}": n,
             f"{self.prefix}-{MIN_NUM_FORM_COUNT}": 0, f"{self.prefix}-{MAX_NUM_FORM_COUNT}": n},
            auto_id=self.auto_id, prefix=self.prefix, renderer=self.renderer,
        )
        form.full_clean()
        return form

    def add_prefix(self, index):
        return self.lines[index].field_prefix

    def get_form_kwargs(self, index):
        return {"line": self.lines[index], "quarter": self.quarter}

    def entries(self) -> tuple[cmd.LineEntry, ...]:
        return tuple(form.entry() for form in self.forms)

    def add_field_errors(self, field_errors: dict[str, str]) -> dict[str, str]:
        rest = dict(field_errors)
        for form in self.forms:
            rest = form.add_field_errors(rest)
        return rest


ReturnLinesFormSet = forms.formset_factory(ReturnLineForm, formset=BaseReturnLinesFormSet, extra=0)


class CommentaryForm(StaleSafeForm):
    """The directorate commentary, and the page's sealed view of every field of the return
    (``opened``: what the page showed, so that saving from an out-of-date page merges or is
    refused rather than blanking someone else's change). When commentary is held for the
    quarter, removing it is said explicitly, with a reason."""

    commentary = ReturnTextField(label="Commentary for the quarter (optional)", widget=forms.Textarea,
                           error_label=COMMENTARY_LABEL)

    def __init__(self, *args, held: HeldCommentary | None = None, removing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if (held and held.text) or removing:
            self.fields["remove_commentary"] = CheckboxField(
                label="Remove this commentary", error_label="Remove this commentary",
                help_text="Tick, and leave the commentary blank, to remove the commentary held for this quarter "
                          "when the return is approved.")
            self.fields["remove_commentary_reason"] = ReturnTextField(
                label="Reason for removing the commentary (required if ticked)", error_label=REMOVE_COMMENTARY_REASON_LABEL)

    @property
    def removal_fields(self):
        return [self["remove_commentary"], self["remove_commentary_reason"]] if "remove_commentary" in self.fields else []

    def removal(self) -> tuple[bool, str]:
        ticked = bool(self.cleaned_data.get("remove_commentary"))
        return ticked, self.cleaned_data.get("remove_commentary_reason", "") if ticked else ""


class ReopenForm(GovukForm):
    reason = TextField(label="Reason for reopening", widget=forms.Textarea, error_label="Reason",
                       help_text="Say what needs correcting. The values held stay as they are until the return is approved again.")


class ReviewForm(GovukForm):
    comment = TextField(label="Comment (required to send the return back)", widget=forms.Textarea,
                        error_label=COMMENT_LABEL)
