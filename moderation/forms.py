"""Forms of the moderation pages. Every reason a member receives is required."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import LineField
from forums.models import Board
from moderation.models import AuditEntry, Flag


def _reason_field(label, help_text="", required=True):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectForm(forms.Form):
    message = _reason_field(_("Message to the member"), _("Sent by e-mail with the decision."))


class ReasonForm(forms.Form):
    reason = _reason_field(_("Reason"), _("The member receives it."))


class OptionalReasonForm(forms.Form):
    reason = _reason_field(_("Reason (optional)"), required=False)


class BanForm(forms.Form):
    reason = _reason_field(_("Reason for the ban"), _("The member receives it."))
    until = forms.DateField(
        label=_("Banned until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a ban without an end date."),
    )

    def clean_until(self):
        day = self.cleaned_data["until"]
        if day is None:
            return None
        if day <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day after today."))
        # The ban ends when that day begins, local time.
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class InviteForm(forms.Form):
    who = forms.CharField(
        label=_("Name or e-mail address"),
        max_length=254,
        help_text=_("A verified member: their full name, display name or e-mail address."),
    )


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search members"),
        max_length=100,
        required=False,
        help_text=_("Name, municipality or department"),
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this post?"),
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note for the moderators (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TitleForm(forms.Form):
    title = LineField(label=_("New title"), max_length=120)
    reason = _reason_field(_("Reason (optional)"), required=False)


class MoveForm(forms.Form):
    board = forms.ModelChoiceField(label=_("Move to board"), queryset=Board.objects.none())
    reason = _reason_field(_("Reason (optional)"), required=False)

    def __init__(self, *args, boards=None, **kwargs):
        super().__init__(*args, **kwargs)
        if boards is not None:
            self.fields["board"].queryset = boards


class MergeForm(forms.Form):
    target = forms.IntegerField(
        label=_("Merge into topic number"),
        min_value=1,
        help_text=_("The number in the address of the topic to keep, e.g. 123 for /topics/123/."),
    )
    reason = _reason_field(_("Reason (optional)"), required=False)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("All actions")), *AuditEntry.Action.choices],
    )
    actor = forms.CharField(label=_("Moderator"), max_length=60, required=False)
    target = forms.CharField(label=_("Target"), max_length=60, required=False)


class BoardSettingsForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = ["description_ja", "description_en", "join_policy", "flag_threshold"]


class BoardCreateForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = [
            "slug",
            "name_ja",
            "name_en",
            "field",
            "description_ja",
            "description_en",
            "join_policy",
            "flag_threshold",
            "position",
        ]
