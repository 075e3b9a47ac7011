"""The search form: the words, and the filters that narrow them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import MunicipalityField
from core.params import parse_id
from search.analysis import MAX_QUERY_LENGTH, clean_query, is_meaningful


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search words"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        help_text=_(
            "A few words or your whole question, e.g. 「公用車の鍵の管理はどうしていますか」. "
            'Text in double quotes ("…") is found exactly as written; a word after a minus sign '
            "(-発送) is left out."
        ),
    )
    board = forms.ChoiceField(label=_("Board"), required=False)
    solved = forms.BooleanField(label=_("Solved topics only"), required=False)
    # By name (府中市 comes back with its choices), prefecture and name, or code.
    municipality = MunicipalityField(
        label=_("Municipality"),
        max_length=40,
        required=False,
        help_text=_("Name or six-digit local government code, e.g. 羽曳野市 or 272221."),
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # Hidden, so never shown with an error: a value that is no number (or too large) is ignored.
    author = forms.CharField(required=False, widget=forms.HiddenInput)
    page = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, boards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.boards_by_slug = {board.slug: board for board in boards}
        self.fields["board"].choices = [("", _("All boards I can read"))] + [
            (board.slug, board.name) for board in boards
        ]

    def clean_q(self):
        query = clean_query(self.cleaned_data["q"])
        if query and not is_meaningful(query):
            raise forms.ValidationError(_("Type at least one word or number to search for."))
        return query

    def clean_author(self):
        return parse_id(self.cleaned_data["author"])

    def clean_page(self):
        return parse_id(self.cleaned_data["page"])

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date comes before the start date."))
        return data
