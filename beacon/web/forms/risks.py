"""The risk pages' forms: on a risk's page, re-rating, an action's progress update and each
lifecycle operation (one form each, with its own field ids, so each form's errors stay its
own); on the register, adding a risk; on the editions page, freezing an edition. Each
produces the typed command of :mod:`beacon.risk.commands` that :func:`beacon.risk.services.handle`
takes.

A form takes from its command class the label its errors start with (``labels``), the fields
it cannot do without and their messages (``required``), so the page and the service say the
same thing. ``layout`` gives the page the fields row by row (a likelihood and an impact side by
side)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.text import Truncator

from beacon.core import permissions as perm
from beacon.domain.risk import IMPACT, LIKELIHOOD, Rating
from beacon.risk import commands as cmd
from beacon.risk import services
from beacon.risk.models import ACTION_STATUSES, Risk

from . import GovukForm, Labelled, ParsedField, TextField, iso_date


def _textarea(rows: int = 2):
    return forms.Textarea(attrs={"govuk_rows": str(rows)})


def _input(width: str = ""):
    return forms.TextInput(attrs={"govuk_width": width} if width else {})


class ScaleField(Labelled, forms.TypedChoiceField):
    """A likelihood or an impact: a whole number 1-5, chosen from the scale's words."""

    def __init__(self, scale: dict[int, str], *, label: str, error_label: str, **kwargs):
        super().__init__(
            choices=[("", "Choose"), *((n, f"{scale[n]} ({n})") for n in range(1, 6))], coerce=int, empty_value=None,
            label=label, error_messages={"required": "choose a value from 1 to 5",
                                         "invalid_choice": "%(value)s is not on the 1 to 5 scale"}, **kwargs,
        )
        self.error_label = error_label


class ItemField(Labelled, forms.ModelChoiceField):
    """One of the risk's actions or controls still in place (a retired one cannot be chosen)."""

    def __init__(self, queryset, *, label: str, error_label: str, message: str, describe=None):
        super().__init__(queryset, label=label, empty_label=None,
                         error_messages={"required": message, "invalid_choice": message})
        self.error_label = error_label
        self.describe = describe

    def label_from_instance(self, obj):
        text = Truncator(obj.title).chars(90)
        return self.describe(obj, text) if self.describe else text


class RiskForm(GovukForm):
    """A form producing one command of ``command_class``. ``prefix_ids``: the fields' ids are
    ``operation-field`` (several forms on one page have a ``note``), their names stay
    ``field``."""

    command_class: type = cmd.RiskCommand
    ratings: tuple[tuple[str, str, str], ...] = ()  # (field prefix, label on the page, label in errors)

    def __init__(self, data=None, *, risk: Risk | None = None, operation: str = "", prefix_ids: bool = False, **kwargs):
        if prefix_ids and operation:
            kwargs.setdefault("auto_id", f"{operation}-%s")
        super().__init__(data, **kwargs)
        self.risk = risk
        self.operation = operation
        for prefix, label, error_label in self.ratings:
            self.fields[f"{prefix}_likelihood"] = ScaleField(LIKELIHOOD, label=f"{label} likelihood",
                                                             error_label=f"{error_label} likelihood")
            self.fields[f"{prefix}_impact"] = ScaleField(IMPACT, label=f"{label} impact", error_label=f"{error_label} impact")
        self.order_fields(self.field_order_names())
        for name, field in self.fields.items():
            if name in self.command_class.labels and isinstance(field, Labelled) and field.error_label is None:
                field.error_label = self.command_class.labels[name]
            if name in self.command_class.required:
                field.required = True
                field.error_messages["required"] = self.command_class.required[name]

    def field_order_names(self) -> list[str]:
        """Declared fields, with the rating pairs before the note."""
        names = [n for n in self.fields if n != "note"]
        return names + (["note"] if "note" in self.fields else [])

    @property
    def anchor(self) -> str:
        """The id of the form's own error message (a problem with no field of its own)."""
        return f"{self.operation or 'form'}-error"

    @property
    def layout(self) -> list[list]:
        """The fields row by row: each likelihood with its impact, the others one a row."""
        rows, seen = [], set()
        for bound in self:
            if bound.name in seen:
                continue
            if bound.name.endswith("_likelihood"):
                pair = bound.name.removesuffix("_likelihood") + "_impact"
                rows.append([bound, self[pair]])
                seen.add(pair)
            else:
                rows.append([bound])
        return rows

    def rating(self, prefix: str) -> Rating:
        data = self.cleaned_data
        return Rating(data[f"{prefix}_likelihood"], data[f"{prefix}_impact"], prefix)

    def text(self, name: str) -> str:
        return (self.cleaned_data.get(name) or "").strip()

    def add_risk_error(self, exc: cmd.RiskError) -> None:
        """The service's refusal on this form: each field's error on its field, the rest as the
        form's own error."""
        rest = self.add_field_errors(exc.field_errors)
        if rest or not exc.field_errors:
            self.add_error(None, " ".join(rest.values()) or exc.message)

    def summary(self) -> dict[str, str]:
        out = {self.anchor: " ".join(self.non_field_errors())} if self.non_field_errors() else {}
        out.update(super().summary())
        return out


def _note(label: str = "Reason"):
    return TextField(label=label, widget=_textarea())


def _owners_field(label: str):
    return ParsedField(cmd.owners_of, label=label, widget=_textarea(), required=False)


# --- a risk's page ----------------------------------------------------------------------------
class RerateForm(RiskForm):
    command_class = cmd.Rerate
    ratings = (("current", "New current", "Current"),)
    note = _note("Reason for the change")

    def command(self, by: str) -> cmd.Rerate:
        return cmd.Rerate(self.risk.risk_id, by, current=self.rating("current"), note=self.text("note"))


def _status_label(status: str) -> str:
    return status.replace("_", " ").capitalize()


UPDATE_STATUSES = [s for s in ACTION_STATUSES if s != "planned"]


class ActionUpdateForm(RiskForm):
    command_class = cmd.RecordActionUpdate
    status = forms.ChoiceField(label="Status", choices=[(s, _status_label(s)) for s in UPDATE_STATUSES])
    text = TextField(label="Update", widget=_textarea(3))

    def __init__(self, *args, risk: Risk, **kwargs):
        super().__init__(*args, risk=risk, **kwargs)
        self.fields["action"] = ItemField(risk.actions.filter(removed_at__isnull=True).order_by("order", "pk"),
                                          label="Action", error_label="Action", message=cmd.CHOOSE_ACTION)
        self.order_fields(["action", "status", "text"])
        self.fields["status"].error_messages["invalid_choice"] = "Status: %(value)s is not an update status"

    def command(self, by: str) -> cmd.RecordActionUpdate:
        return cmd.RecordActionUpdate(self.risk.risk_id, by, action_id=self.cleaned_data["action"].pk,
                                      status=self.cleaned_data["status"], text=self.text("text"))


class ChangeTargetForm(RiskForm):
    command_class = cmd.ChangeTarget
    ratings = (("target", "New target", "Target"),)
    note = _note()

    def command(self, by):
        return cmd.ChangeTarget(self.risk.risk_id, by, target=self.rating("target"), note=self.text("note"))


class ReviseActionDateForm(RiskForm):
    command_class = cmd.ReviseActionDate
    due = TextField(label="New due date, as printed (for example March 2024, or June 2024 (review))", widget=_input("20"))
    note = _note()

    def __init__(self, *args, risk: Risk, **kwargs):
        super().__init__(*args, risk=risk, **kwargs)
        self.fields["action"] = ItemField(
            risk.actions.filter(removed_at__isnull=True).order_by("order", "pk"), label="Action", error_label="Action",
            message=cmd.CHOOSE_ACTION, describe=lambda a, text: f"{text} (due {a.due_text or '–'})",
        )
        self.order_fields(["action", "due", "note"])

    def command(self, by):
        return cmd.ReviseActionDate(self.risk.risk_id, by, action_id=self.cleaned_data["action"].pk, due=self.text("due"),
                                    note=self.text("note"))


def _control_field(risk: Risk) -> ItemField:
    return ItemField(
        risk.controls.filter(removed_at__isnull=True).order_by("order", "pk"), label="Control", error_label="Control",
        message=cmd.CHOOSE_CONTROL,
        describe=lambda c, text: f"{text} ({Truncator(c.owner).chars(40)})" if c.owner else text,
    )


class AddControlForm(RiskForm):
    command_class = cmd.AddControl
    title = TextField(label="Control in place", widget=_textarea())
    owner = TextField(label="Owner (optional)", widget=_input())
    note = _note()

    def command(self, by):
        return cmd.AddControl(self.risk.risk_id, by, title=self.text("title"), owner=self.text("owner"),
                              note=self.text("note"))


class ReviseControlForm(RiskForm):
    command_class = cmd.ReviseControl
    title = TextField(label="New title (leave blank to keep it)", widget=_textarea())
    owner = TextField(label="New owner (leave blank to keep it)", widget=_input())
    note = _note()

    def __init__(self, *args, risk: Risk, **kwargs):
        super().__init__(*args, risk=risk, **kwargs)
        self.fields["control"] = _control_field(risk)
        self.order_fields(["control", "title", "owner", "note"])

    def command(self, by):
        return cmd.ReviseControl(self.risk.risk_id, by, control_id=self.cleaned_data["control"].pk,
                                 title=self.text("title"), owner=self.text("owner"), note=self.text("note"))


class RetireControlForm(RiskForm):
    command_class = cmd.RetireControl
    note = _note()

    def __init__(self, *args, risk: Risk, **kwargs):
        super().__init__(*args, risk=risk, **kwargs)
        self.fields["control"] = _control_field(risk)
        self.order_fields(["control", "note"])

    def command(self, by):
        return cmd.RetireControl(self.risk.risk_id, by, control_id=self.cleaned_data["control"].pk,
                                 note=self.text("note"))


class FlagForReviewForm(RiskForm):
    command_class = cmd.FlagForReview
    note = _note("Review note (printed as a footnote)")

    def command(self, by):
        return cmd.FlagForReview(self.risk.risk_id, by, note=self.text("note"))


class DescopeForm(RiskForm):
    command_class = cmd.Descope
    scope = TextField(label="New scope", widget=_textarea())
    title = TextField(label="New title (optional)", widget=_input())
    note = _note()

    def command(self, by):
        return cmd.Descope(self.risk.risk_id, by, scope=self.text("scope"), title=self.text("title"),
                           note=self.text("note"))


class DelegateForm(RiskForm):
    command_class = cmd.Delegate
    register = TextField(label="Register (code of a directorate or service register)", widget=_input("20"))
    de_escalate = forms.BooleanField(label="De-escalate (the owner may escalate it again)", required=False)
    note = _note()

    def command(self, by):
        return cmd.Delegate(self.risk.risk_id, by, register=self.text("register"),
                            de_escalate=self.cleaned_data["de_escalate"], note=self.text("note"))


class ReEscalateForm(RiskForm):
    command_class = cmd.ReEscalate
    note = _note()

    def command(self, by):
        return cmd.ReEscalate(self.risk.risk_id, by, note=self.text("note"))


class WithdrawForm(RiskForm):
    command_class = cmd.Withdraw
    note = _note()

    def command(self, by):
        return cmd.Withdraw(self.risk.risk_id, by, note=self.text("note"))


class CloseAndReplaceForm(RiskForm):
    command_class = cmd.CloseAndReplace
    ratings = (("current", "Current", "Current"), ("target", "Target", "Target"))
    new_title = TextField(label="Title of the new risk", widget=_input())
    owners = _owners_field('Risk owners of the new risk, one per line ("Name, post")')
    note = _note()

    def new_risk(self) -> dict:
        return {"new_title": self.text("new_title"), "owners": self.cleaned_data["owners"] or (),
                "current": self.rating("current"), "target": self.rating("target"), "note": self.text("note")}

    def command(self, by):
        return cmd.CloseAndReplace(self.risk.risk_id, by, **self.new_risk())


class RiskIdsField(ParsedField):
    """Other risks' ids, separated by commas; each must be on record."""

    def __init__(self, **kwargs):
        super().__init__(cmd.risk_ids_of, widget=_input("20"), **kwargs)

    def validate(self, value):
        super().validate(value)
        problem = value and services.unknown_risks(value)
        if problem:
            raise forms.ValidationError(problem)


class MergeForm(CloseAndReplaceForm):
    command_class = cmd.Merge

    def __init__(self, *args, risk: Risk, **kwargs):
        super().__init__(*args, risk=risk, **kwargs)
        self.fields["others"] = RiskIdsField(label=f"Other risks to merge with {risk.risk_id} (ids, separated by commas)",
                                             error_label=cmd.Merge.labels["others"], required=True,
                                             error_messages={"required": cmd.Merge.required["others"]})
        self.order_fields(["others", *self.field_order_names()])

    def command(self, by):
        return cmd.Merge(self.risk.risk_id, by, others=self.cleaned_data["others"], **self.new_risk())


@dataclass(frozen=True)
class Operation:
    """A change offered on a risk's page: its label (the form's heading and button), who may
    make it (``update``: the risk manager or the risk's owner; ``manage``: the risk manager)
    and its form."""

    label: str
    who: str
    form: type[RiskForm]

    def allowed(self, user, risk: Risk) -> bool:
        if self.who == "manage":
            return perm.can(user, perm.MANAGE_RISKS)
        return perm.can(user, perm.UPDATE_RISK, risk=risk)


# the two forms always on the page (for an active risk the user may update), then the others
RERATE, ACTION_UPDATE = "rerate", "action_update"
OPERATIONS: dict[str, Operation] = {
    RERATE: Operation("Re-rate", "update", RerateForm),
    ACTION_UPDATE: Operation("Record the update", "update", ActionUpdateForm),
    "change_target": Operation("Change the target rating", "update", ChangeTargetForm),
    "revise_action_date": Operation("Revise an action's due date", "update", ReviseActionDateForm),
    "add_control": Operation("Add a control", "update", AddControlForm),
    "revise_control": Operation("Revise a control (title, owner)", "update", ReviseControlForm),
    "retire_control": Operation("Retire a control", "update", RetireControlForm),
    "flag_for_review": Operation("Flag the rating for review", "manage", FlagForReviewForm),
    "descope": Operation("Revise the scope", "manage", DescopeForm),
    "delegate": Operation("Delegate or de-escalate to another register", "manage", DelegateForm),
    "re_escalate": Operation("Re-escalate to the corporate register", "manage", ReEscalateForm),
    "withdraw": Operation("Withdraw the risk", "manage", WithdrawForm),
    "close_and_replace": Operation("Close the risk and replace it with a new one", "manage", CloseAndReplaceForm),
    "merge": Operation("Merge this risk with others into a new risk", "manage", MergeForm),
}


def offered(op: str, risk: Risk, has_controls: bool) -> bool:
    """Whether the page offers ``op`` for the risk as it stands."""
    if op == "re_escalate":
        return risk.status in ("delegated", "de_escalated")
    if risk.status != "active":
        return False
    if op in ("revise_control", "retire_control"):
        return has_controls
    return True


def make_form(op: str, risk: Risk, data=None) -> RiskForm:
    return OPERATIONS[op].form(data, risk=risk, operation=op, prefix_ids=op not in (RERATE, ACTION_UPDATE))


# --- the register and its editions ------------------------------------------------------------
class AddRiskForm(RiskForm):
    command_class = cmd.AddRisk
    ratings = (("current", "Current", "Current"), ("target", "Target", "Target"))
    title = TextField(label="Title", widget=_input())
    owners = _owners_field('Risk owners, one per line ("Name, post")')
    event = TextField(label="Risk event", widget=_textarea())

    def field_order_names(self):
        return ["title", "owners", "event", "current_likelihood", "current_impact", "target_likelihood", "target_impact"]

    def command(self, by: str) -> cmd.AddRisk:
        return cmd.AddRisk(self.text("title"), self.cleaned_data["owners"] or (), self.rating("current"),
                           self.rating("target"), by, event=self.text("event"))


class EditionForm(RiskForm):
    command_class = cmd.PrepareEdition
    body = TextField(label="Presented to", widget=_input())
    date = ParsedField(iso_date, label="Meeting date", widget=forms.TextInput(attrs={"govuk_width": "10", "govuk_type": "date"}),
                       error_messages={"required": "enter the date of the meeting (YYYY-MM-DD)"})

    def command(self, by: str) -> cmd.PrepareEdition:
        return cmd.PrepareEdition(" ".join(self.text("body").split()), self.cleaned_data["date"], by)
