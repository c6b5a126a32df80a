"""The notifications pages' forms: mark one (or all) as read; how a person hears of them."""

from __future__ import annotations

from django import forms

from beacon.domain.notifications import Delivery, NotificationKind, choices

from . import GovukForm


class MarkReadForm(GovukForm):
    """One of the person's notifications, by its id (the view checks it is theirs)."""

    notification = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PreferencesForm(GovukForm):
    """A person's own settings: how they are e-mailed, and the kinds they do not want e-mailed.
    (Nobody else edits them, so a save from an older page simply replaces them.)"""

    delivery = forms.ChoiceField(
        label="How do you want to hear of new notifications by e-mail?", choices=choices(Delivery),
        widget=forms.RadioSelect,
        error_messages={"required": "How do you want to hear of new notifications by e-mail? Choose one"})
    muted = forms.MultipleChoiceField(
        label="Kinds you do not want by e-mail", choices=choices(NotificationKind), required=False,
        help_text="They are still listed on your notifications page.")
