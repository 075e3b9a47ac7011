"""Forms for sign-up, profiles and the verification review."""

import unicodedata

from django import forms
from django.db.models.functions import Concat
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, User
from accounts.queries import search_municipalities
from core.forms import LineField
from core.params import parse_id, parse_int


def normalise_name(text: str) -> str:
    """Fold full-width letters and digits and drop every space, as people type names both ways."""
    return "".join(unicodedata.normalize("NFKC", text).split())


class MunicipalityField(forms.CharField):
    """A municipality typed by name (大阪府羽曳野市, 羽曳野市) or code, resolved on the server.

    The browser gets suggestions as the person types; without JavaScript the typed text is still
    resolved here, and an ambiguous name (府中市) comes back with the choices spelled out.
    """

    default_error_messages = {
        "not_found": _("No municipality matches “%(text)s”. Type its name, e.g. 羽曳野市."),
        "ambiguous": _("Several municipalities are called “%(text)s”: type one of %(choices)s."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 60)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {
                "autocomplete": "off",
                "data-municipality-search": reverse_lazy("accounts:municipality_search"),
            }
        )

    def prepare_value(self, value):
        if parse_id(value) is not None:
            found = Municipality.objects.filter(pk=parse_id(value)).first()
            return str(found) if found else value
        if isinstance(value, Municipality):
            return str(value)
        return value

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        compact = normalise_name(text)
        if parse_int(compact) is not None and len(compact) in (5, 6):
            match = Municipality.objects.filter(code__startswith=compact[:5]).first()
            if match:
                return match
        matches = list(
            Municipality.objects.annotate(full_name=Concat("prefecture", "name")).filter(
                full_name=compact
            )
        ) or list(Municipality.objects.filter(name=compact))
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise forms.ValidationError(
                self.error_messages["ambiguous"],
                code="ambiguous",
                params={"text": text, "choices": "、".join(str(m) for m in matches)},
            )
        suggestions = search_municipalities(compact, limit=5)
        if len(suggestions) == 1:
            return suggestions[0]
        raise forms.ValidationError(
            self.error_messages["not_found"], code="not_found", params={"text": text}
        )


class ProfileFieldsMixin(forms.Form):
    full_name = LineField(
        label=_("Full name"),
        max_length=60,
        help_text=_("Your real name, as colleagues know you. Shown to members only."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    display_name = LineField(
        label=_("Display name"),
        max_length=30,
        help_text=_("Shown next to your posts, e.g. 山田（羽曳野市）."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    municipality = MunicipalityField(
        label=_("Municipality"),
        help_text=_("Type the name of your prefecture, city, ward, town or village and choose it."),
    )
    department = LineField(
        label=_("Department (課)"),
        max_length=60,
        help_text=_("e.g. 健康推進課, 生活福祉課, 契約課"),
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    position = LineField(label=_("Position"), max_length=40, required=False)


class SignupProfileForm(ProfileFieldsMixin):
    """Extra fields on allauth's sign-up form; allauth calls ``signup`` with the new user."""

    def signup(self, request, user: User) -> None:
        for name in ("full_name", "display_name", "municipality", "department", "position"):
            setattr(user, name, self.cleaned_data[name])
        user.language = getattr(request, "LANGUAGE_CODE", "") or ""
        user.save()


class ProfileForm(ProfileFieldsMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "full_name",
            "display_name",
            "municipality",
            "department",
            "position",
            "can_help_with",
            "ask_me",
        ]
        widgets = {"can_help_with": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "can_help_with": _(
                "Topics you know well, so that newcomers to your field can find you."
            ),
        }


class ReviewNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the reviewer"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Which office you work in and how a moderator can confirm it "
            "(e.g. the main switchboard number of your office)."
        ),
    )


class ApproveForm(forms.Form):
    register_domain = forms.BooleanField(
        label=_("Also register this e-mail domain to the member's municipality"), required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("Search members"), max_length=100, required=False)
