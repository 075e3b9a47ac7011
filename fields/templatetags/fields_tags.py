"""How long someone held a job, as people say it: 5年, 1年3か月, 7か月."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration(months: int) -> str:
    years, rest = divmod(int(months or 0), 12)
    if years and rest:
        return _("%(years)s yr %(months)s mo") % {"years": years, "months": rest}
    if years:
        return ngettext("%(years)s year", "%(years)s years", years) % {"years": years}
    return ngettext("%(months)s month", "%(months)s months", rest) % {"months": rest}
