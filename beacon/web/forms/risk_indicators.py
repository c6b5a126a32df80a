"""The forms of the risk page's key risk indicators section: mark a flag reviewed; link a KPI or
activity indicator to the risk (and remove a link); relate the risk to another. Each builds a
command of :mod:`beacon.reports.risk_indicators`; the view asks permissions first."""

from __future__ import annotations

from django import forms

from beacon.domain.kri import MAX_QUARTERS, RelationKind, TriggerRule
from beacon.reports import risk_indicators as svc

from . import GovukForm, TextField


class KriForm(GovukForm):
    """A form of the section, with a prefix so that several on one page keep distinct ids."""

    operation = ""
    label = ""

    def add_service_error(self, exc: svc.IndicatorError) -> None:
        name = exc.field if exc.field in self.fields and not self.fields[exc.field].widget.is_hidden else None
        self.add_error(name, str(exc))

    def summary(self) -> dict[str, str]:
        """The visible fields' errors linked to them; the others (a flag reviewed meanwhile) as text."""
        out = {}
        others = list(self.non_field_errors())
        for bound in self:
            if bound.errors and bound.is_hidden:
                others += list(bound.errors)
            elif bound.errors:
                out[bound.id_for_label] = " ".join(bound.errors)
        if others:
            out[f"__{self.prefix or self.operation}"] = f"{self.label}: " + " ".join(others)
        return out


class ReviewFlagForm(KriForm):
    operation = "review_flag"
    label = "Mark reviewed"
    flag = forms.IntegerField(widget=forms.HiddenInput)
    note = TextField(label="What the review found (optional)", widget=forms.Textarea(attrs={"govuk_rows": "2"}),
                     max_length=2000)

    def command(self, by: str) -> svc.ReviewFlag:
        return svc.ReviewFlag(flag_id=self.cleaned_data["flag"], by=by, note=self.cleaned_data["note"] or "")


class LinkIndicatorForm(KriForm):
    operation = "link_indicator"
    label = "Link an indicator"
    kind = forms.ChoiceField(label="Kind of indicator", choices=[(k, svc.KIND_WORDS[k]) for k in svc.KINDS])
    code = TextField(label="Indicator code", required=True, max_length=32,
                     help_text="The KPI's or activity indicator's code, e.g. SC2.")
    trigger = forms.ChoiceField(label="Trigger rule", choices=[(t.value, t.label) for t in TriggerRule],
                                initial=TriggerRule.NONE.value)
    quarters = forms.IntegerField(label="Consecutive quarters", min_value=1, max_value=MAX_QUARTERS, initial=2,
                                  help_text=f"How many quarters in a row the rule needs (1 to {MAX_QUARTERS}).")
    note = TextField(label="Note (optional)", widget=forms.Textarea(attrs={"govuk_rows": "2"}), max_length=2000)

    def command(self, risk_id: str, by: str) -> svc.LinkIndicator:
        d = self.cleaned_data
        return svc.LinkIndicator(risk_id=risk_id, kind=d["kind"], code=d["code"].strip(), by=by,
                                 trigger=TriggerRule(d["trigger"]), quarters=d["quarters"], note=d["note"] or "")


class UnlinkIndicatorForm(KriForm):
    operation = "unlink_indicator"
    label = "Remove the link"
    kind = forms.ChoiceField(widget=forms.HiddenInput, choices=[(k, k) for k in svc.KINDS])
    code = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def command(self, risk_id: str, by: str) -> svc.UnlinkIndicator:
        return svc.UnlinkIndicator(risk_id=risk_id, kind=self.cleaned_data["kind"], code=self.cleaned_data["code"],
                                   by=by)


class RelateRiskForm(KriForm):
    operation = "relate_risk"
    label = "Relate to another risk"
    kind = forms.ChoiceField(label="How", choices=[(RelationKind.RELATED.value, "Related to"),
                                                   (RelationKind.CONTRIBUTES_TO.value, "Contributes to")])
    related_risk_id = TextField(label="Other risk's id", required=True, max_length=20, help_text="e.g. CRR0056.")
    note = TextField(label="Note (optional)", widget=forms.Textarea(attrs={"govuk_rows": "2"}), max_length=2000)

    def command(self, risk_id: str, by: str) -> svc.RelateRisks:
        d = self.cleaned_data
        return svc.RelateRisks(risk_id=risk_id, related_risk_id=d["related_risk_id"].strip(),
                               kind=RelationKind(d["kind"]), by=by, note=d["note"] or "")


class UnrelateRiskForm(KriForm):
    operation = "unrelate_risk"
    label = "Remove the relation"
    kind = forms.ChoiceField(widget=forms.HiddenInput, choices=[(k.value, k.value) for k in RelationKind])
    related_risk_id = forms.CharField(widget=forms.HiddenInput, max_length=20)

    def command(self, risk_id: str, by: str) -> svc.UnrelateRisks:
        return svc.UnrelateRisks(risk_id=risk_id, related_risk_id=self.cleaned_data["related_risk_id"],
                                 kind=RelationKind(self.cleaned_data["kind"]), by=by)


FORMS = {f.operation: f for f in (ReviewFlagForm, LinkIndicatorForm, UnlinkIndicatorForm, RelateRiskForm,
                                  UnrelateRiskForm)}
MANAGER_ONLY = {"link_indicator", "unlink_indicator", "relate_risk", "unrelate_risk"}
