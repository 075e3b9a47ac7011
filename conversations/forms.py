"""Forms of private conversations. A failed submit comes back with everything typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from conversations.models import ContactSettings, MessageReport
from core.forms import LineField
from forums.forms import BodyField, SubmissionTokenField

MAX_ID_LIST = 40


def parse_ids(values, limit: int = MAX_ID_LIST) -> list[int]:
    """Member ids from a form or query string: ASCII digits only, bounded, no duplicates."""
    ids = []
    for value in values[:limit]:
        value = value.strip()
        if value.isascii() and value.isdigit() and len(value) <= 12:
            ids.append(int(value))
    return list(dict.fromkeys(ids))


def parse_number(value: str | None) -> int | None:
    """A sequence or message number from a query string; None when absent or not a number."""
    if value is None:
        return None
    value = value.strip()
    if not value or not value.isascii() or not value.isdigit() or len(value) > 15:
        return None
    return int(value)


class NewConversationForm(forms.Form):
    title = LineField(
        label=_("Subject (optional)"),
        max_length=120,
        required=False,
        help_text=_("Only the participants see it, e.g. 「委託契約書の条項について」"),
        error_messages={
            "max_length": _(
                "Subjects can be at most %(limit_value)d characters (this one has %(show_value)d)."
            ),
        },
    )
    body = BodyField(label=_("Your message"))
    submission_token = SubmissionTokenField()


class MessageForm(forms.Form):
    body = BodyField(label=_("Your message"))
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    submission_token = SubmissionTokenField()


class EditMessageForm(forms.Form):
    body = BodyField(label=_("Your message"))


class ContactSettingsForm(forms.ModelForm):
    class Meta:
        model = ContactSettings
        fields = ["who_may_contact", "read_receipts", "email_includes_text"]
        widgets = {"who_may_contact": forms.RadioSelect}


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why should a moderator look at this message?"),
        choices=MessageReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reason.")},
    )
    note = forms.CharField(
        label=_("Note for the moderators (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResolveReportForm(forms.Form):
    note = forms.CharField(
        label=_("What you did (kept in the audit log)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
