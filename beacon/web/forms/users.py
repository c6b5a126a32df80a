"""The users page's form: one user's names, e-mail, whether active, and the roles and
assignments of the manager's own area (data owners and directorates for the lead, risk owners
and risks for the risk manager). Which parts show depends on what the manager may grant."""

from __future__ import annotations

from django import forms

from beacon.core import permissions as perm
from beacon.core.models import Directorate
from beacon.risk.models import Risk

from ..services.users import UserDetails
from . import Labelled, StaleSafeForm, TextField


class EmailField(Labelled, forms.EmailField):
    pass


class UserForm(StaleSafeForm):
    username = TextField(label="Username", max_length=150)
    first_name = TextField(label="First name", max_length=150)
    last_name = TextField(label="Last name", max_length=150)
    email = EmailField(label="Email address", max_length=254, required=False,
                       help_text="The person sets their password from a link sent to this address.")
    active = forms.BooleanField(label="Active: the person can sign in", required=False)
    data_owner = forms.BooleanField(label=perm.DATA_OWNER, required=False)
    directorates = forms.MultipleChoiceField(label="Directorates", required=False, widget=forms.CheckboxSelectMultiple)
    risk_owner = forms.BooleanField(label=perm.RISK_OWNER, required=False)
    risks = forms.MultipleChoiceField(label="Risks", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, grantable: set[str], adding: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.adding = adding
        if not adding:
            del self.fields["username"]
        else:
            del self.fields["active"]
        if perm.DATA_OWNER in grantable:
            self.fields["directorates"].choices = [(d.code, d.name) for d in Directorate.objects.all()]
        else:
            del self.fields["data_owner"], self.fields["directorates"]
        if perm.RISK_OWNER in grantable:
            self.fields["risks"].choices = [(r.risk_id, f"{r.risk_id} {r.title}") for r in Risk.objects.order_by("risk_id")]
        else:
            del self.fields["risk_owner"], self.fields["risks"]

    @staticmethod
    def initial_for(values: dict[str, str]) -> dict:
        """The form's initial values from :func:`beacon.web.services.users.values_of`."""
        roles = set(values["roles"].split(";"))
        return {
            "first_name": values["first_name"], "last_name": values["last_name"], "email": values["email"],
            "active": values["active"] == "true",
            "data_owner": perm.DATA_OWNER in roles, "directorates": [c for c in values["directorates"].split(";") if c],
            "risk_owner": perm.RISK_OWNER in roles, "risks": [r for r in values["risks"].split(";") if r],
        }

    def summary(self) -> dict[str, str]:
        """As GovukForm's, but a list of checkboxes is linked by its first box (id: the name)."""
        out = {}
        for bound in self:
            if bound.errors:
                key = bound.name if isinstance(bound.field.widget, forms.CheckboxSelectMultiple) else bound.id_for_label
                out[key] = " ".join(bound.errors)
        return out

    def details(self) -> UserDetails:
        c = self.cleaned_data
        roles = set()
        if c.get("data_owner"):
            roles.add(perm.DATA_OWNER)
        if c.get("risk_owner"):
            roles.add(perm.RISK_OWNER)
        return UserDetails(
            first_name=c.get("first_name") or "", last_name=c.get("last_name") or "", email=c.get("email") or "",
            active=c.get("active", True) if not self.adding else True, roles=frozenset(roles),
            directorates=frozenset(c.get("directorates") or ()), risks=frozenset(c.get("risks") or ()),
        )
