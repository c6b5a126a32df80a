"""The account page's forms: create an API token, revoke one of your own."""

from __future__ import annotations

from django import forms

from . import GovukForm, TextField

TOKEN_NAME_LENGTH = 100


class IssueTokenForm(GovukForm):
    name = TextField(label="Name for a new token (optional)")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "token-%s")
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        return (self.cleaned_data.get("name") or "")[:TOKEN_NAME_LENGTH]


class RevokeTokenForm(GovukForm):
    """One of the user's tokens still in use, by its id."""

    token = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].queryset = user.api_tokens.filter(revoked=False)
