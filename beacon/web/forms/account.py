"""The account page's forms: create an API token, revoke one of your own; change your password,
ask for a reset link, set a new password (Django's forms in the GOV.UK pattern)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation

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


class GovukAuthForm(GovukForm):
    """Django's password forms in the GOV.UK pattern: field ids are the names, and every error
    starts with its field's label (``New password: This password is too short...``)."""

    labels: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.labels.items():
            if name in self.fields:
                self.fields[name].label = label
        hints = " ".join(password_validation.password_validators_help_texts())
        for name in ("new_password1",):
            if name in self.fields:
                self.fields[name].help_text = hints  # plain text (Django's is an HTML list)
        for name in ("new_password2",):
            if name in self.fields:
                self.fields[name].help_text = ""

    def validate_password_for_user(self, user, password_field_name="new_password2"):
        # the validators judge the new password: their errors belong at its field, not at the
        # confirmation (Django's choice), so the summary links where the person must act
        if password_field_name == "new_password2" and "new_password1" in self.fields:
            password_field_name = "new_password1"
        super().validate_password_for_user(user, password_field_name)

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        for name, errors in list(self._errors.items()):
            if name in self.fields:
                label = self.fields[name].label
                self._errors[name] = self.error_class(
                    [m if m.startswith(f"{label}:") else f"{label}: {m}" for m in errors], renderer=self.renderer)


class PasswordChangeForm(GovukAuthForm, auth_forms.PasswordChangeForm):
    labels = {"old_password": "Current password", "new_password1": "New password",
              "new_password2": "Confirm new password"}


class SetPasswordForm(GovukAuthForm, auth_forms.SetPasswordForm):
    labels = {"new_password1": "New password", "new_password2": "Confirm new password"}


class PasswordResetForm(GovukAuthForm, auth_forms.PasswordResetForm):
    labels = {"email": "Email address"}
