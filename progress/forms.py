"""Forms of progress tables. What people type is read leniently by ``progress.lenient``; a
failed submit comes back with everything that was typed."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import LineField
from progress import lenient, values
from progress.models import BoardProgressSettings, ProgressColumn

CHOICE_SPLIT = re.compile(r"[\n\r]+|[、，,／/]")
EXTRA_COLUMNS = 4


def split_choices(text: str) -> list[str]:
    seen, choices = set(), []
    for part in CHOICE_SPLIT.split(text or ""):
        choice = lenient.normalize(part)[:60]
        if choice and choice not in seen:
            seen.add(choice)
            choices.append(choice)
    return choices


class OptionalDateField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=30, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value.strip():
            return None
        try:
            return lenient.parse_date(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class TableForm(forms.Form):
    title = LineField(
        label=_("Title"),
        max_length=120,
        help_text=_("e.g. 「3回目接種の進捗（12月第1週）」"),
        error_messages={"required": _("Give the table a title.")},
    )
    description = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What to enter and as of when, e.g. 「11月30日時点の数値を入力してください」"),
    )
    deadline = OptionalDateField(
        label=_("Answer by"), help_text=_("e.g. 2026-12-04 or 令和8年12月4日 (optional)")
    )


class ColumnForm(forms.Form):
    question = forms.CharField(label=_("Question"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("Type of answer"), choices=ProgressColumn.Kind.choices, initial="number"
    )
    unit = forms.CharField(
        label=_("Unit (numbers)"), max_length=20, required=False, help_text=_("e.g. 人, 回, 円")
    )
    choices = forms.CharField(
        label=_("Choices (one per line)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if not (data.get("question") or "").strip():
            return data
        data["choices"] = split_choices(data.get("choices", ""))
        if data.get("kind") == "choice" and len(data["choices"]) < 2:
            self.add_error("choices", _("Give at least two choices, one per line."))
        return data


ColumnFormSet = forms.formset_factory(ColumnForm, extra=EXTRA_COLUMNS, max_num=30, absolute_max=30)


def columns_from(formset) -> list[dict]:
    return [
        {
            "question": form.cleaned_data["question"],
            "kind": form.cleaned_data["kind"],
            "unit": form.cleaned_data.get("unit", ""),
            "choices": form.cleaned_data.get("choices", []),
        }
        for form in formset.forms
        if form.cleaned_data.get("question", "").strip()
    ]


class PollForm(forms.Form):
    question = forms.CharField(
        label=_("Question"),
        max_length=200,
        help_text=_("e.g. 「接種券の再発行、本人確認書類は何点求めていますか？」"),
        error_messages={"required": _("Write the question.")},
    )
    choices = forms.CharField(
        label=_("Choices (one per line)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Give at least two choices, one per line.")},
    )
    deadline = OptionalDateField(label=_("Answer by"), help_text=_("optional"))

    def clean_choices(self):
        choices = split_choices(self.cleaned_data["choices"])
        if not 2 <= len(choices) <= 20:
            raise forms.ValidationError(_("Give 2 to 20 choices, one per line."))
        return choices


def field_name(column) -> str:
    return f"c{column.pk}"


class RowForm(forms.Form):
    """One field per column, plus the version the form was based on. Fields take text as
    typed; ``progress.services.read_row`` reads it and reports each cell it cannot read."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)

    def __init__(self, columns, *args, row=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        for column in columns:
            label = column.question + (f"（{column.display_unit}）" if column.display_unit else "")
            if column.kind in (ProgressColumn.Kind.CHOICE, ProgressColumn.Kind.YES_NO):
                options = (
                    [("yes", _("Yes")), ("no", _("No"))]
                    if column.kind == ProgressColumn.Kind.YES_NO
                    else [(choice, choice) for choice in column.choices]
                )
                field = forms.ChoiceField(
                    label=label, required=False, choices=[("", "—"), *options]
                )
            else:
                field = forms.CharField(label=label, required=False, max_length=300)
                field.widget.attrs["inputmode"] = "decimal" if column.is_numeric else "text"
                field.help_text = HELP.get(column.kind, "")
            self.fields[field_name(column)] = field
        if row is not None and not self.is_bound:
            self.initial["version"] = row.version
            for column in columns:
                self.initial[field_name(column)] = values.form_text(
                    column, row.values.get(column.key)
                )

    def typed(self) -> dict[str, str]:
        """What was typed per column key (``cleaned_data`` keeps full-width input as is)."""
        return {
            column.key: self.cleaned_data.get(field_name(column), "") for column in self.columns
        }

    def show_errors(self, errors: dict[str, str]) -> None:
        for column in self.columns:
            if column.key in errors:
                self.add_error(field_name(column), errors[column.key])


HELP = {
    "number": _("e.g. 1234 or １２３４"),
    "percentage": _("0–100, e.g. 85 or ８５％"),
    "date": _("e.g. 2025-04-01, 令和7年4月1日 or R7.4.1"),
    "text": _("at most 200 characters"),
}


class SettingsForm(forms.Form):
    tables_defined_by = forms.ChoiceField(
        label=_("Who may create progress tables and polls on this board"),
        choices=BoardProgressSettings.DefinedBy.choices,
        widget=forms.RadioSelect,
    )
