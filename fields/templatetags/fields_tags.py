"""How long someone held a job, as people say it (5年, 1年3か月, 7か月), and the link from a
board page to the field of work the board serves."""

from django import template
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def month_name(month: int) -> str:
    """4 → 4月 in Japanese, April in English (Django's own month names)."""
    return str(MONTHS[int(month)])


# Kinds a name already says (羽曳野市, 平泉町, 北山村, 大阪府): no badge repeats them.
_SAID_BY_NAME = {"city": "市", "town": "町", "village": "村", "special_ward": "区"}


@register.filter
def kind_badge_needed(municipality) -> bool:
    """Whether the organisation's kind adds anything to its name: a designated or core city,
    a national body, a town named without 町 …"""
    if municipality is None or municipality.kind == "prefecture":
        return False
    suffix = _SAID_BY_NAME.get(municipality.kind)
    return suffix is None or not municipality.name.endswith(suffix)


@register.filter
def duration(months: int) -> str:
    years, rest = divmod(int(months or 0), 12)
    if years and rest:
        return _("%(years)s yr %(months)s mo") % {"years": years, "months": rest}
    if years:
        return ngettext("%(years)s year", "%(years)s years", years) % {"years": years}
    return ngettext("%(months)s month", "%(months)s months", rest) % {"months": rest}


@register.inclusion_tag("fields/_board_field_link.html")
def board_field_link(board):
    """The field a board serves, from the columns the board page's query added (no query)."""
    slug = getattr(board, "work_field_slug", None)
    if not slug:
        return {"url": None}
    name = board.work_field_name_ja
    if get_language() == "en" and board.work_field_name_en:
        name = board.work_field_name_en
    return {"url": reverse("fields:field", args=[slug]), "name": name}
