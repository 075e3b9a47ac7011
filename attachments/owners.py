"""Records other than forum posts that own files, and how to check a reader against them.

A private message owns files like a post does, but the rules of a conversation belong to the
``conversations`` app, which sits above this one. It registers them here when it starts
(``ConversationsConfig.ready``), so that attachments asks without importing it. Without the
app no message can own a file, and every check says no.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class MessageRules:
    seat_of: object  # (user, conversation_id) -> the user's seat or None
    can_view: object  # (user, seat) -> bool
    can_edit: object  # (user, message, seat) -> bool
    # (message_id) -> None: a message's files were scanned and processed (or refused), inside
    # the writing transaction; the conversation's open pages show the message again.
    files_changed: object = lambda message_id: None


_rules = MessageRules(
    seat_of=lambda user, conversation_id: None,
    can_view=lambda user, seat: False,
    can_edit=lambda user, message, seat: False,
)


def register_message_rules(rules: MessageRules) -> None:
    global _rules
    _rules = rules


def message_rules() -> MessageRules:
    return _rules
