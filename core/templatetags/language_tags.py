"""``{% lang_of text … %}``: ` lang="ja"` on members' Japanese text shown on a page in another
language, so that screen readers read it in Japanese (WCAG 3.1.2, language of parts). Members
write in Japanese; on a Japanese page nothing is added."""

import re

from django import template
from django.utils import translation
from django.utils.safestring import mark_safe

register = template.Library()

_JAPANESE = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_ATTRIBUTE = mark_safe(' lang="ja"')


@register.simple_tag
def lang_of(*texts) -> str:
    if (translation.get_language() or "ja").startswith("ja"):
        return ""
    return _ATTRIBUTE if any(_JAPANESE.search(str(text or "")) for text in texts) else ""
