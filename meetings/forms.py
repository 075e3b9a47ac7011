"""Forms of meetings. Dates and times are read as people type them (２０２５年１２月６日,
令和7年12月6日, 20時); a failed submit comes back with everything that was typed."""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import LineField
from meetings.models import Rsvp
from progress import lenient

DURATIONS = [(30, _("30 minutes")), (60, _("1 hour")), (90, _("1 hour 30 minutes")),
             (120, _("2 hours")), (150, _("2 hours 30 minutes")), (180, _("3 hours")),
             (240, _("4 hours"))]  # fmt: skip


class LenientDateField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=30, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return lenient.parse_date(value)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class LenientTimeField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=20, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return lenient.parse_time(value)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class MeetingForm(forms.Form):
    submission_token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    title = LineField(
        label=_("Title"),
        max_length=120,
        help_text=_("e.g. 「3回目接種の進め方 意見交換会」"),
        error_messages={"required": _("Give the meeting a title.")},
    )
    date = LenientDateField(
        label=_("Date"),
        help_text=_("e.g. 2026-12-05, 2026年12月5日 or 令和8年12月5日"),
        error_messages={"required": _("Enter the date of the meeting.")},
    )
    start_time = LenientTimeField(
        label=_("Start time (Japan time)"),
        help_text=_("e.g. 20:00 or 20時"),
        error_messages={"required": _("Enter the time the meeting starts.")},
    )
    duration_minutes = forms.TypedChoiceField(
        label=_("Duration"), choices=DURATIONS, coerce=int, initial=90
    )
    video_url = forms.URLField(
        label=_("Online meeting link"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "The address of your organisation's own video meeting (https://…). It is shown only "
            "to the board's members and is not embedded."
        ),
        error_messages={
            "required": _("Enter the link of the online meeting."),
            "invalid": _("Enter a web address starting with https://."),
        },
    )
    capacity = forms.CharField(
        label=_("Capacity (people)"),
        required=False,
        max_length=6,
        help_text=_(
            "Leave empty for no limit. When it is full, further answers join a waiting list."
        ),
    )
    description = forms.CharField(
        label=_("What it is about"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Becomes the first post of the agenda topic, where questions are collected."),
    )

    def clean_video_url(self):
        url = self.cleaned_data["video_url"]
        if not url.lower().startswith("https://"):
            raise forms.ValidationError(self.fields["video_url"].error_messages["invalid"])
        return url

    def clean_capacity(self):
        value = self.cleaned_data["capacity"]
        if not value.strip():
            return None
        try:
            number = lenient.parse_number(value, "人")
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        if number != int(number) or not 1 <= number <= 10000:
            raise forms.ValidationError(_("Enter a whole number of people from 1 to 10000."))
        return int(number)

    def clean_date(self):
        day = self.cleaned_data["date"]
        today = timezone.localdate()
        if day is not None and not today.year - 10 <= day.year <= today.year + 10:
            raise forms.ValidationError(
                _("Choose a date in the years %(first)s to %(last)s.")
                % {"first": today.year - 10, "last": today.year + 10}
            )
        return day

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("start_time"):
            data["starts_at"] = timezone.make_aware(
                datetime.combine(data["date"], data["start_time"])
            )
        return data

    @classmethod
    def initial_for(cls, meeting) -> dict:
        start = timezone.localtime(meeting.starts_at)
        return {
            "title": meeting.title,
            "date": start.strftime("%Y-%m-%d"),
            "start_time": start.strftime("%H:%M"),
            "duration_minutes": meeting.duration_minutes,
            "video_url": meeting.video_url,
            "capacity": meeting.capacity or "",
            "description": meeting.description,
        }


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(choices=Rsvp.Answer.choices)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to everyone who answered)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
