"""The sentence that tells a member what happened, for the list page and the e-mails."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.models import Kind, Notification


def person(user) -> str:
    """A name with the municipality: 「山田 花子（羽曳野市）」."""
    if user is None:
        return _("A member")
    if user.municipality_id:
        return _("%(name)s (%(municipality)s)") % {
            "name": user.full_name,
            "municipality": user.municipality,
        }
    return user.full_name


def describe(notification: Notification, *, count: int | None = None) -> str:
    """What happened, in the active language. ``count=1`` describes only the latest event of a
    group (an e-mail sent at once is about one reply, not about the whole group)."""
    count = notification.count if count is None else count
    kind = notification.kind
    if kind in (
        Kind.JOIN_DECIDED,
        Kind.MODERATION,
        Kind.VERIFICATION,
        Kind.MEETING,
        Kind.QUESTION,
    ):
        return notification.message or notification.subject
    if kind == Kind.PRIVATE_MESSAGE:
        return _private_message(notification, count)
    values = {
        "name": person(notification.actor),
        "topic": notification.topic.title if notification.topic_id else "",
        "board": notification.topic.board.name if notification.topic_id else "",
        "count": count,
        "others": count - 1,
    }
    if kind == Kind.REPLY:
        if count == 1:
            return _("%(name)s replied in “%(topic)s”") % values
        return (
            ngettext(
                "%(count)d new reply in “%(topic)s”", "%(count)d new replies in “%(topic)s”", count
            )
            % values
        )
    if kind == Kind.MENTION:
        if count == 1:
            return _("%(name)s mentioned you in “%(topic)s”") % values
        return (
            ngettext(
                "You were mentioned %(count)d time in “%(topic)s”",
                "You were mentioned %(count)d times in “%(topic)s”",
                count,
            )
            % values
        )
    if kind == Kind.NEW_TOPIC:
        return _("New topic in %(board)s: “%(topic)s” by %(name)s") % values
    if kind == Kind.ANSWER_ACCEPTED:
        return _("%(name)s accepted your reply in “%(topic)s” as the answer") % values
    if count == 1:
        return _("%(name)s found your post in “%(topic)s” helpful") % values
    return (
        ngettext(
            "%(name)s and %(others)d other person found your posts in “%(topic)s” helpful",
            "%(name)s and %(others)d other people found your posts in “%(topic)s” helpful",
            count - 1,
        )
        % values
    )


def _private_message(notification: Notification, count: int) -> str:
    """Never the conversation's subject or text: only who wrote."""
    values = {"name": person(notification.actor), "count": count}
    if notification.data.get("mention") and count == 1:
        return _("%(name)s mentioned you in a private conversation") % values
    if count == 1:
        return _("%(name)s sent you a private message") % values
    return (
        ngettext(
            "%(count)d new private message (the latest from %(name)s)",
            "%(count)d new private messages (the latest from %(name)s)",
            count,
        )
        % values
    )
