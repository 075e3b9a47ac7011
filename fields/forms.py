"""Forms of the field pages, the people search and the assignment timeline."""

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from accounts.forms import MunicipalityField
from accounts.models import Assignment, Municipality
from fields import queries
from fields.models import CalendarEntry, Field
from forums.models import Board

HANDOVER_TEMPLATE = _(
    "## Work of the year\n(What happens in which month; what must not be missed.)\n\n"
    "## Work in progress\n(Cases and projects that continue, where they stand, next steps.)\n\n"
    "## People and offices to contact\n(Inside and outside the organisation; no personal data "
    "of residents.)\n\n"
    "## Where things are kept\n(Folders, systems, forms, templates.)\n\n"
    "## Lessons and pitfalls\n(What I wish I had known in my first month.)\n"
)


class FieldChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DepartmentForm(forms.Form):
    department = forms.CharField(
        label=_("Department (課)"),
        max_length=60,
        required=False,
        help_text=_("e.g. 健康増進課, 生活福祉課, 契約課"),
    )


class AssignmentForm(forms.Form):
    municipality = MunicipalityField(
        label=_("Organisation"),
        help_text=_("Municipality, prefecture or national ministry/agency."),
    )
    department = forms.CharField(label=_("Department (課)"), max_length=60)
    position = forms.CharField(label=_("Position"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Assignment.Kind.choices)
    field = FieldChoice(
        label=_("Field of work"),
        queryset=Field.objects.order_by("position", "slug"),
        required=False,
        empty_label=_("Find it from the department name"),
        help_text=_("Choose only if the field found from the department name is not right."),
    )
    started_on = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("A date in the future plans the move, e.g. the 1 April after the 内示."),
    )
    ended_on = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty while it lasts."),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("started_on"), cleaned.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", _("The end date is before the start date."))
        if start and start < datetime.date(1950, 1, 1):
            self.add_error("started_on", _("Enter a date after 1950."))
        if start and start > timezone.localdate() + datetime.timedelta(days=730):
            self.add_error("started_on", _("Plan moves at most two years ahead."))
        return cleaned


class AssignmentFieldForm(forms.Form):
    field = FieldChoice(
        label=_("Field of work"),
        queryset=Field.objects.order_by("position", "slug"),
        required=False,
        empty_label=_("None of these"),
    )


class GuideForm(forms.Form):
    body = forms.CharField(
        label=_("Guide (Markdown)"),
        max_length=30000,
        widget=forms.Textarea(attrs={"rows": 20}),
    )
    note = forms.CharField(
        label=_("What changed"),
        max_length=200,
        required=False,
        help_text=_("A few words for the history, e.g. “added the 4月 checklist”."),
    )
    base = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class CalendarEntryForm(forms.Form):
    month = forms.TypedChoiceField(
        label=_("Month"),
        coerce=int,
        choices=[(month, MONTHS[month]) for month in CalendarEntry.MONTHS_OF_FISCAL_YEAR],
    )
    title = forms.CharField(label=_("Work"), max_length=80)
    description = forms.CharField(
        label=_("Details"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HandoverNoteForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Handover notes (Markdown)"),
        max_length=30000,
        widget=forms.Textarea(attrs={"rows": 20}),
        initial=HANDOVER_TEMPLATE,
    )
    is_shared = forms.BooleanField(
        label=_("Share with members of this field"),
        required=False,
        initial=True,
        help_text=_("Unshared notes are kept for you only, e.g. while you are still writing."),
    )


class DepartmentNameForm(forms.Form):
    name = forms.CharField(label=_("Department name"), max_length=60)
    move = forms.BooleanField(
        label=_("If another field has this name, move it here"),
        required=False,
    )


def split_words(text: str) -> list[str]:
    """Words of a list typed one per line or separated by commas (、 ，,) or spaces."""
    return [word for word in re.split(r"[\s,、，]+", text) if word]


class FieldForm(forms.Form):
    """Names, order and keywords of a field (moderators)."""

    name_ja = forms.CharField(label=_("Name (Japanese)"), max_length=40)
    name_en = forms.CharField(label=_("Name (English)"), max_length=80)
    position = forms.IntegerField(
        label=_("Position in the list"),
        min_value=0,
        max_value=32767,
        help_text=_("Fields are listed by this number, smallest first."),
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Words that, inside a department name, point to this field (e.g. 保健センター), "
            "separated by spaces, commas or new lines."
        ),
    )

    def clean_keywords(self):
        return split_words(self.cleaned_data["keywords"])


class FieldCreateForm(FieldForm):
    slug = forms.SlugField(
        label=_("Address"),
        max_length=50,
        help_text=_("Lower-case letters, digits and hyphens, used in the page address: "
                    "/fields/<address>/. It cannot be changed later."),
    )  # fmt: skip
    position = forms.IntegerField(
        label=_("Position in the list"),
        min_value=0,
        max_value=32767,
        required=False,
        help_text=_("Leave empty to put the field at the end of the list."),
    )
    department_names = forms.CharField(
        label=_("Department names"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Names of sections that do this work, one per line (e.g. 健康増進課)."),
    )
    guide = forms.CharField(
        label=_("First version of the guide (Markdown)"),
        required=False,
        max_length=30000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Optional: members can write and improve it later."),
    )
    field_order = ["slug", "name_ja", "name_en", "position", "keywords", "department_names"]

    def clean_department_names(self):
        names = [line.strip() for line in self.cleaned_data["department_names"].splitlines()]
        too_long = [name for name in names if len(name) > 60]
        if too_long:
            raise forms.ValidationError(
                _("A department name has at most 60 characters: %(name)s")
                % {"name": too_long[0][:60] + "…"}
            )
        return [name for name in names if name]


class FieldBoardsForm(forms.Form):
    boards = forms.ModelMultipleChoiceField(
        label=_("Boards of this field"),
        queryset=Board.objects.order_by("position", "slug"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PeopleSearchForm(forms.Form):
    field = forms.SlugField(label=_("Field of work"), required=False, max_length=50)
    prefecture = forms.CharField(label=_("Prefecture"), required=False, max_length=10)
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        required=False,
        choices=[("", _("Any")), *Municipality.Kind.choices],
    )

    def clean_prefecture(self):
        value = self.cleaned_data["prefecture"].strip()
        if value and not Municipality.objects.filter(prefecture=value).exists():
            raise forms.ValidationError(_("Choose a prefecture from the list."))
        return value

    def clean_field(self):
        slug = self.cleaned_data["field"]
        if not slug:
            return None
        found = queries.field_by_slug(slug)
        if found is None:
            raise forms.ValidationError(_("Choose a field of work from the list."))
        return found
