"""Forms for topics and posts. A failed submit always comes back with the text it was given."""

import re
import uuid

from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.forms import LineField

MAX_BODY_LENGTH = 20_000
TAG_SPLIT = re.compile(r"[,、，\s]+")


class SubmissionTokenField(forms.CharField):
    """A hidden token, new for every blank form: a double submit carries the same token twice."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=64, **kwargs)


def new_token() -> str:
    return uuid.uuid4().hex


# A blank form (nothing typed, nothing quoted) is the same markup on every page but for its
# token, and Django writes a form through one template per field (about a millisecond for the
# reply form): it is written once per form and language in each process, the token put in.
_TOKEN_PLACEHOLDER = "0" * 32
_BLANK_FORMS: dict[tuple[type, str], str] = {}


def blank_form_html(form_class: type[forms.Form], token: str) -> str:
    """``form_class`` unbound, its ``submission_token`` set to ``token``, as ``as_div`` writes
    it."""
    key = (form_class, translation.get_language())
    html = _BLANK_FORMS.get(key)
    if html is None:
        form = form_class(initial={"submission_token": _TOKEN_PLACEHOLDER})
        html = _BLANK_FORMS[key] = str(form.as_div())
    token_input = f'name="submission_token" value="{_TOKEN_PLACEHOLDER}"'
    if token_input not in html:
        raise ValueError(f"{form_class.__name__} has no submission token to fill in")
    filled = html.replace(token_input, f'name="submission_token" value="{token}"')
    return mark_safe(filled)  # noqa: S308 - Django's rendering of the form, a hex token put in


class BodyField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Message"))
        kwargs.setdefault(
            "help_text", _("Markdown works: **bold**, lists with -, > quotes, [link](https://…).")
        )
        super().__init__(
            max_length=MAX_BODY_LENGTH,
            widget=forms.Textarea(attrs={"rows": 8}),
            error_messages={
                "required": _("Write a message before posting."),
                "max_length": _(
                    "Messages can be at most %(limit_value)d characters "
                    "(this one has %(show_value)d)."
                ),
            },
            **kwargs,
        )

    def clean(self, value):
        value = super().clean(value)
        if value is not None and not value.strip():
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return value


class TopicForm(forms.Form):
    title = LineField(
        label=_("Title"),
        max_length=120,
        help_text=_("Say what you want to know, e.g. 「モデルナのバイアルの保管方法は？」"),
        error_messages={
            "required": _("Give your topic a title."),
            "max_length": _(
                "Titles can be at most %(limit_value)d characters (this one has %(show_value)d)."
            ),
        },
    )
    body = BodyField()
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=200,
        help_text=_("Optional, up to five, separated by commas, e.g. 接種, 保管"),
    )
    submission_token = SubmissionTokenField()

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("Give your topic a title."), code="required")
        return title

    def clean_tags(self):
        names = [name.strip("#") for name in TAG_SPLIT.split(self.cleaned_data["tags"]) if name]
        names = list(dict.fromkeys(name for name in names if name))
        if len(names) > 5:
            raise forms.ValidationError(_("Use at most five tags."), code="too_many")
        if any(len(name) > 30 for name in names):
            raise forms.ValidationError(_("A tag can be at most 30 characters."), code="too_long")
        return names


class ReplyForm(forms.Form):
    body = BodyField(label=_("Your reply"))
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    submission_token = SubmissionTokenField()


class EditPostForm(forms.Form):
    title = LineField(label=_("Title"), max_length=120, required=False)
    body = BodyField()

    def __init__(self, *args, with_title: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_title:
            self.fields["title"].required = True
        else:
            del self.fields["title"]


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the board moderators"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
