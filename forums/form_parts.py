"""Parts that other apps add to the post forms (new topic, reply, edit), such as attached
files. ``forums`` sits below those apps and cannot import them: each registers its part from
its ``AppConfig.ready``, and the forum views handle every registered part the same way.

A part is a class taking ``(request, board, post=None)`` with ``bind()`` (read the submitted
form; returns itself), ``is_valid``, ``attach_to(post)`` (called after the post is saved),
``context()`` (template variables, including the part's ``template_name`` to include in the
form) and a static ``quote_suffix(post) -> str`` (Markdown added to a quote of ``post``).
"""

_parts: list = []


def register(part) -> None:
    if part not in _parts:
        _parts.append(part)


class PostFormParts:
    """Every registered part of one post form."""

    def __init__(self, request, board, post=None):
        self.parts = [part(request, board, post) for part in _parts]

    def bind(self) -> "PostFormParts":
        for part in self.parts:
            part.bind()
        return self

    @property
    def is_valid(self) -> bool:
        return all(part.is_valid for part in self.parts)

    def attach_to(self, post) -> None:
        for part in self.parts:
            part.attach_to(post)

    def context(self) -> dict:
        context: dict = {"form_part_templates": []}
        for part in self.parts:
            values = part.context()
            context["form_part_templates"].append(values.pop("template_name"))
            context.update(values)
        return context


def quote_suffix(post) -> str:
    return "".join(part.quote_suffix(post) for part in _parts)
