"""Form fields shared by every app."""

import re

from django import forms

# Characters that show nothing or turn the text around: zero-width spaces and joiners, the
# byte-order mark, and the bidirectional controls (U+202E writes "ataN" as "Nata"). A name
# or title made of them looks empty, or unlike what it says, on a real-name site.
INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


def visible_line(text: str) -> str:
    """``text`` without invisible characters, on one line with single spaces."""
    return " ".join(INVISIBLE.sub("", text).split())


class LineField(forms.CharField):
    """A one-line text (a name, a title): invisible characters removed and spaces collapsed
    before it is checked, so text that shows nothing counts as empty."""

    def to_python(self, value):
        value = super().to_python(value)
        return visible_line(value) if value else value
