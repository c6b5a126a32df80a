"""The risk pages' forms: on a risk's page, re-rating, an action's progress update and each
lifecycle operation (one form each, with its own field ids, so each form's errors stay its
own); on the register, adding a risk (the editions page's forms are
:mod:`beacon.web.forms.editions`). Each
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
from beacon.core.stale import StaleEdit, seal
from beacon.domain.risk import IMPACT, LIKELIHOOD, ActionStatus, Direction, Rating
from beacon.risk import commands as cmd
from beacon.risk import services
from beacon.risk.models import Action, Risk

from . import FilterChoice, GovukForm, Labelled, ParsedField, StaleSafeForm, TextField


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


class MultipleField(Labelled, forms.TypedMultipleChoiceField):
    """Several of a list, as checkboxes (``web/_risk_form_fields.html`` draws them as a group)."""

    def __init__(self, *, label: str, choices, error_label: str | None = None, **kwargs):
        super().__init__(label=label, choices=choices, coerce=str, required=False,
                         widget=forms.CheckboxSelectMultiple, **kwargs)
        self.error_label = error_label


class RiskForm(StaleSafeForm):
    """A form producing one command of ``command_class``. ``prefix_ids``: the fields' ids are
    ``operation-field`` (several forms on one page have a ``note``), their names stay
    ``field`` (``id_prefix`` gives another start, for the forms each action has).

    A form that edits stored values says what it showed (:meth:`opened_of`, sealed in its
    hidden ``opened`` field), and its command carries it back, so that the service refuses a
    save made from an out-of-date page, or merges it when the other change was to a field this
    form left alone (:mod:`beacon.core.stale`)."""

    command_class: type = cmd.RiskCommand
    ratings: tuple[tuple[str, str, str], ...] = ()  # (field prefix, label on the page, label in errors)
    stale: StaleEdit | None = None  # a save refused because the record changed meanwhile
    edits_ratings = False  # the rating fields show the risk's rating (re-rating, a new target)

    def __init__(self, data=None, *, risk: Risk | None = None, operation: str = "", prefix_ids: bool = False,
                 id_prefix: str = "", **kwargs):
        if id_prefix or (prefix_ids and operation):
            kwargs.setdefault("auto_id", f"{id_prefix or operation}-%s")
        self.risk = risk
        if risk is not None and "opened_values" not in kwargs:
            kwargs["opened_values"] = self.opened_of(risk)
        super().__init__(data, **kwargs)
        self.operation = operation
        self.id_prefix = id_prefix or (operation if prefix_ids else "")
        for prefix, label, error_label in self.ratings:
            self.fields[f"{prefix}_likelihood"] = ScaleField(LIKELIHOOD, label=f"{label} likelihood",
                                                             error_label=f"{error_label} likelihood")
            self.fields[f"{prefix}_impact"] = ScaleField(IMPACT, label=f"{label} impact", error_label=f"{error_label} impact")
        self.order_fields(self.field_order_names())
        if risk is not None and not self.is_bound and self.edits_ratings:  # the rating as it stands
            values = services.risk_values(risk)
            for prefix, _, _ in self.ratings:
                for part in ("likelihood", "impact"):
                    self.fields[f"{prefix}_{part}"].initial = values[f"{prefix}_{part}"]
        for name, field in self.fields.items():
            if name in self.command_class.labels and isinstance(field, Labelled) and field.error_label is None:
                field.error_label = self.command_class.labels[name]
            if name in self.command_class.required:
                field.required = True
                field.error_messages["required"] = self.command_class.required[name]

    def opened_of(self, risk: Risk) -> dict[str, str] | None:
        """The stored values the form shows and edits (None: it edits none)."""
        return None

    def field_order_names(self) -> list[str]:
        """Declared fields, with the rating pairs before the note."""
        names = [n for n in self.fields if n != "note"]
        return names + (["note"] if "note" in self.fields else [])

    @property
    def anchor(self) -> str:
        """The id of the form's own error message (a problem with no field of its own)."""
        return f"{self.id_prefix or self.operation or 'form'}-error"

    @property
    def checked(self) -> dict[str, set[str]]:
        """The ticked values of each checkbox group, as text (for the page)."""
        return {b.name: {str(v) for v in (b.value() or ())} for b in self if isinstance(b.field, MultipleField)}

    @property
    def layout(self) -> list[list]:
        """The visible fields row by row: each likelihood with its impact, the others one a row."""
        rows, seen = [], set()
        for bound in self:
            if bound.name in seen or bound.is_hidden:
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
        """The service's refusal on this form: each field's error on its field, the rest (and
        an error about a field the page does not show) as the form's own error."""
        visible = {name: msg for name, msg in exc.field_errors.items()
                   if name in self.fields and not self.fields[name].widget.is_hidden}
        rest = self.add_field_errors(visible)
        rest.update({k: v for k, v in exc.field_errors.items() if k not in visible})
        if rest or not exc.field_errors:
            self.add_error(None, " ".join(rest.values()) or exc.message)

    def add_stale_error(self, exc: StaleEdit, now: dict[str, str] | None) -> None:
        """A save refused because the record changed since the page was opened: the form's own
        error says nothing was saved, each field both people changed says then, now and what
        was typed, and the form now carries the values as they stand (``now``), so saving it
        again, after checking, goes through."""
        self.stale = exc
        self.add_error(None, exc.message)
        self.add_field_errors({k: v for k, v in exc.field_errors.items()
                               if k in self.fields and not self.fields[k].widget.is_hidden})
        if now is None:
            return
        opened = self.opened_values() or {}
        data = self.data.copy()
        for name, value in now.items():  # a field this form left alone now shows the other change
            if name not in self.fields or name in exc.field_errors or name not in opened:
                continue
            key = self.add_prefix(name)
            if isinstance(self.fields[name], MultipleField):
                if "\n".join(data.getlist(key)) == opened[name]:
                    data.setlist(key, [v for v in value.split("\n") if v])
            elif (data.get(key) or "").strip() == opened[name].strip():
                data[key] = value
        data[self.add_prefix("opened")] = seal(now)
        self.data = data

    def summary(self) -> dict[str, str]:
        """The form's own error (linked to its message), then each field's, linked to the field
        (a checkbox group: its first box, whose id is the field's)."""
        out = {self.anchor: " ".join(self.non_field_errors())} if self.non_field_errors() else {}
        for bound in self:
            if bound.errors and not bound.is_hidden:
                out[bound.auto_id if isinstance(bound.field, MultipleField) else bound.id_for_label] = " ".join(bound.errors)
        return out


def _values(values: dict[str, str], names) -> dict[str, str]:
    return {name: values[name] for name in names}


def _items(items, values, names) -> dict[str, str]:
    """What a form that lists several items shows of each: ``<id>.<field>``."""
    return {f"{item.pk}.{name}": value for item in items for name, value in _values(values(item), names).items()}


def _note(label: str = "Reason"):
    return TextField(label=label, widget=_textarea())


def _owners_field(label: str):
    return ParsedField(cmd.owners_of, label=label, widget=_textarea(), required=False)


# --- a risk's page ----------------------------------------------------------------------------
class RerateForm(RiskForm):
    command_class = cmd.Rerate
    ratings = (("current", "New current", "Current"),)
    edits_ratings = True
    note = _note("Reason for the change")

    def opened_of(self, risk):
        return _values(services.risk_values(risk), ("current_likelihood", "current_impact"))

    def command(self, by: str) -> cmd.Rerate:
        return cmd.Rerate(self.risk.risk_id, by, current=self.rating("current"), note=self.text("note"),
                          opened=self.opened_values())


# an update sets the action's status; "planned" (no update yet) is not one. Labels: the enum's.
UPDATE_STATUSES = [s for s in ActionStatus if s is not ActionStatus.PLANNED]


class ActionForm(RiskForm):
    """A form about one of the risk's actions (``action``): its id travels in a hidden field,
    its fields' ids start ``action-<id>-<operation>`` (every action has its forms)."""

    def __init__(self, data=None, *, risk: Risk, action: Action, operation: str = "", **kwargs):
        self.action = action
        kwargs.setdefault("id_prefix", f"action-{action.pk}-{operation}")
        super().__init__(data, risk=risk, operation=operation, **kwargs)
        self.fields["action"] = forms.IntegerField(widget=forms.HiddenInput, initial=action.pk)
        self.order_fields(["action", *self.field_order_names()])

    def opened_of(self, risk):
        return _values(services.action_values(self.action), self.edits)

    edits: tuple[str, ...] = ()

    @property
    def action_id(self) -> int:
        return self.action.pk


class ActionUpdateForm(ActionForm):
    """Progress on one action: its status (the action's own preselected) and what was done."""

    command_class = cmd.RecordActionUpdate
    edits = ("status",)
    status = forms.ChoiceField(label="Status", choices=[(s.value, s.heading) for s in UPDATE_STATUSES])
    text = TextField(label="Update", widget=_textarea(3))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        if self.action.status in {s.value for s in UPDATE_STATUSES}:
            status.initial = self.action.status
        else:  # planned: nothing to preselect
            status.choices = [("", "Choose a status"), *status.choices]
        status.error_messages["required"] = "choose the action's status"
        status.error_messages["invalid_choice"] = "%(value)s is not an update status"
        status.error_label = None
        self.order_fields(["action", "status", "text"])

    def command(self, by: str) -> cmd.RecordActionUpdate:
        return cmd.RecordActionUpdate(self.risk.risk_id, by, action_id=self.action_id,
                                      status=self.cleaned_data["status"], text=self.text("text"),
                                      opened=self.opened_values())


def _due_field(label: str, **kwargs):
    return ParsedField(cmd.due_of, label=label, widget=_input("20"), **kwargs)


class ReviseActionForm(ActionForm):
    """Every field of one action (its title, owner and due date); its status changes with a
    progress update."""

    command_class = cmd.ReviseAction
    edits = ("title", "owner", "due")
    title = TextField(label="Action", widget=_textarea())
    owner = TextField(label="Owner", widget=_input())
    due = TextField(label="Due date (for example March 2027, or June 2027 (review))", widget=_input("20"))
    note = _note()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            values = services.action_values(self.action)
            for name in self.edits:
                self.fields[name].initial = values[name]

    def clean_due(self):
        text = (self.cleaned_data.get("due") or "").strip()
        if text != self.action.due_text:  # an old due date ("TBC") may stay as it is
            try:
                cmd.due_of(text)
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from None
        return text

    def command(self, by):
        return cmd.ReviseAction(self.risk.risk_id, by, action_id=self.action_id, title=self.text("title"),
                                owner=self.text("owner"), due=self.text("due"), note=self.text("note"),
                                opened=self.opened_values())


class RetireActionForm(ActionForm):
    command_class = cmd.RetireAction
    note = _note()

    def command(self, by):
        return cmd.RetireAction(self.risk.risk_id, by, action_id=self.action_id, note=self.text("note"))


class AddActionForm(RiskForm):
    command_class = cmd.AddAction
    title = TextField(label="Action", widget=_textarea())
    owner = TextField(label="Owner (optional)", widget=_input())
    due = _due_field("Due date (for example March 2027, or June 2027 (review))")
    note = _note()

    def command(self, by):
        return cmd.AddAction(self.risk.risk_id, by, title=self.text("title"), owner=self.text("owner"),
                             due=self.cleaned_data["due"].text if self.cleaned_data["due"] else "",
                             note=self.text("note"))


class ReviseRiskForm(RiskForm):
    """Every field of the risk's words and people (the ratings have their own forms)."""

    command_class = cmd.ReviseRisk
    title = TextField(label="Title", widget=_input())
    owners = _owners_field('Risk owners, one per line ("Name, post")')
    owners_on_behalf_of = TextField(label='Owners "on behalf of" (for example CMT; leave blank if none)',
                                    widget=_input("10"))
    cabinet_members = _owners_field('Responsible Cabinet Members, one per line ("Name, post")')
    cabinet_on_behalf_of = TextField(label='Cabinet Members "on behalf of" (for example Cabinet; leave blank if none)',
                                     widget=_input("10"))
    cause = TextField(label="Source / cause of risk", widget=_textarea(4))
    event = TextField(label="Risk event", widget=_textarea(3))
    consequence = TextField(label="Consequence", widget=_textarea(4))
    timescale_to_target = TextField(label="Timescale to target", widget=_input("20"))
    note = _note("Reason for the change (optional)")

    def __init__(self, *args, risk: Risk, **kwargs):
        super().__init__(*args, risk=risk, **kwargs)
        codes = services.REGISTER_FILTERS["directorate"][1]()
        self.fields["owner_directorates"] = MultipleField(label="Owner directorates", choices=[(c, c) for c in codes],
                                                          error_label="Owner directorates")
        self.order_fields([*cmd.ReviseRisk.FIELDS, "note"])
        if not self.is_bound:
            values = services.risk_values(risk)
            for name in cmd.ReviseRisk.FIELDS:
                self.fields[name].initial = values[name].split("\n") if name == "owner_directorates" else values[name]

    def opened_of(self, risk):
        return _values(services.risk_values(risk), cmd.ReviseRisk.FIELDS)

    def command(self, by):
        data = self.cleaned_data
        return cmd.ReviseRisk(
            self.risk.risk_id, by, title=self.text("title"), owners=data["owners"] or (),
            owners_on_behalf_of=self.text("owners_on_behalf_of"), cabinet_members=data["cabinet_members"] or (),
            cabinet_on_behalf_of=self.text("cabinet_on_behalf_of"),
            owner_directorates=tuple(data["owner_directorates"] or ()), cause=self.text("cause"),
            event=self.text("event"), consequence=self.text("consequence"),
            timescale_to_target=self.text("timescale_to_target"), note=self.text("note"), opened=self.opened_values(),
        )


class ChangeTargetForm(RiskForm):
    command_class = cmd.ChangeTarget
    ratings = (("target", "New target", "Target"),)
    edits_ratings = True
    note = _note()

    def opened_of(self, risk):
        return _values(services.risk_values(risk), ("target_likelihood", "target_impact"))

    def command(self, by):
        return cmd.ChangeTarget(self.risk.risk_id, by, target=self.rating("target"), note=self.text("note"),
                                opened=self.opened_values())


class ReviseActionDateForm(RiskForm):
    command_class = cmd.ReviseActionDate
    due = _due_field("New due date (for example March 2027, or June 2027 (review))")
    note = _note()

    def __init__(self, *args, risk: Risk, **kwargs):
        super().__init__(*args, risk=risk, **kwargs)
        self.fields["action"] = ItemField(
            risk.actions.filter(removed_at__isnull=True).order_by("order", "pk"), label="Action", error_label="Action",
            message=cmd.CHOOSE_ACTION, describe=lambda a, text: f"{text} (due {a.due_text or '–'})",
        )
        self.order_fields(["action", "due", "note"])

    def opened_of(self, risk):
        return _items(risk.actions.filter(removed_at__isnull=True), services.action_values, ("due",))

    def command(self, by):
        return cmd.ReviseActionDate(self.risk.risk_id, by, action_id=self.cleaned_data["action"].pk,
                                    due=self.cleaned_data["due"].text, note=self.text("note"),
                                    opened=self.opened_values())


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

    def opened_of(self, risk):
        return _items(risk.controls.filter(removed_at__isnull=True), services.control_values, ("title", "owner"))

    def command(self, by):
        return cmd.ReviseControl(self.risk.risk_id, by, control_id=self.cleaned_data["control"].pk,
                                 title=self.text("title"), owner=self.text("owner"), note=self.text("note"),
                                 opened=self.opened_values())


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

    def opened_of(self, risk):
        return _values(services.risk_values(risk), ("scope", "title"))

    def command(self, by):
        return cmd.Descope(self.risk.risk_id, by, scope=self.text("scope"), title=self.text("title"),
                           note=self.text("note"), opened=self.opened_values())


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
        moving = ["others"]
        for name, items, what in (("controls", risk.controls, "controls"), ("actions", risk.actions, "actions")):
            items = list(items.filter(removed_at__isnull=True).order_by("order", "pk"))
            if items:  # every one ticked at first: each moves to the new risk unless unticked
                self.fields[name] = MultipleField(
                    label=f"{risk.risk_id}'s {what} that move to the new risk",
                    choices=[(str(i.pk), Truncator(i.title).chars(90)) for i in items],
                    initial=[str(i.pk) for i in items], error_label=cmd.Merge.labels[name])
                moving.append(name)
        self.order_fields([*moving, *self.field_order_names()])

    def field_order_names(self):
        return [n for n in super().field_order_names() if n not in ("controls", "actions")]

    def command(self, by):
        moved = {name: tuple(int(pk) for pk in self.cleaned_data.get(name) or ()) for name in ("controls", "actions")}
        return cmd.Merge(self.risk.risk_id, by, others=self.cleaned_data["others"], **moved, **self.new_risk())


@dataclass(frozen=True)
class Operation:
    """A change offered on a risk's page: its label (the form's heading and button), who may
    make it (``update``: the risk manager or the risk's owner; ``manage``: the risk manager)
    and its form."""

    label: str
    who: str
    form: type[RiskForm]
    per_action: bool = False  # one form for each of the risk's actions

    def allowed(self, user, risk: Risk) -> bool:
        if self.who == "manage":
            return perm.can(user, perm.MANAGE_RISKS)
        return perm.can(user, perm.UPDATE_RISK, risk=risk)


# the forms always on the page (for an active risk the user may update), each action's forms,
# then the others
RERATE, ACTION_UPDATE, REVISE_RISK, ADD_ACTION = "rerate", "action_update", "revise_risk", "add_action"
OPERATIONS: dict[str, Operation] = {
    RERATE: Operation("Re-rate", "update", RerateForm),
    REVISE_RISK: Operation("Save the changes", "update", ReviseRiskForm),
    ADD_ACTION: Operation("Add the action", "update", AddActionForm),
    ACTION_UPDATE: Operation("Record progress", "update", ActionUpdateForm, per_action=True),
    "revise_action": Operation("Change this action", "update", ReviseActionForm, per_action=True),
    "retire_action": Operation("Retire this action", "update", RetireActionForm, per_action=True),
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


def make_form(op: str, risk: Risk, data=None, action: Action | None = None) -> RiskForm:
    """The form of ``op`` for ``risk`` (for ``action``, the forms each action has)."""
    operation = OPERATIONS[op]
    if operation.per_action:
        return operation.form(data, risk=risk, action=action, operation=op)
    return operation.form(data, risk=risk, operation=op, prefix_ids=op != RERATE)


# --- the register -------------------------------------------------------------------------------
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


class RegisterFilterForm(GovukForm):
    """The register's filters (``?level=High&direction=increased&directorate=CYPE``): each a
    choice of the values :data:`beacon.risk.services.REGISTER_FILTERS` allows; a value that is not
    one is an error on the page (never silently ignored)."""

    def __init__(self, data=None, **kwargs):
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(data, **kwargs)
        for name, (label, allowed) in services.REGISTER_FILTERS.items():
            self.fields[name] = FilterChoice(label=label, choices=[(v, _filter_label(name, v)) for v in allowed()])

    @property
    def layout(self) -> list[list]:
        return [list(self)]

    def chosen(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in services.REGISTER_FILTERS}


def _filter_label(name: str, value: str) -> str:
    """A filter's value in words: a direction of travel as the register prints it (labels on
    the enum), a level or a directorate code as it is."""
    return Direction(value).text if name == "direction" else value
