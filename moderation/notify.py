"""Telling members what moderators did to their membership or content, and why.

One function per event, so that each of them can be routed (in-app, e-mail digests) without
touching the services. Each goes through ``notifications.services``: a
notification on the member's list and, as their e-mail preferences say, an e-mail in their
language sent by the task worker once the transaction commits. Nobody is told about their own
action.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import services as notifications


def _send(
    recipient,
    actor,
    subject,
    message,
    *,
    path: str = "",
    reason: str = "",
    join_decision: bool = False,
) -> None:
    """``subject`` and ``message`` are callables so that they are translated in the recipient's
    language."""
    notify = (
        notifications.notify_join_decided
        if join_decision
        else notifications.notify_moderation_action
    )
    notify(recipient, actor, subject, message, path=path, reason=reason)


# --- Membership -------------------------------------------------------------------------------


def join_request_approved(actor, membership) -> None:
    board = membership.board
    _send(
        membership.user,
        actor,
        lambda: _("You joined %(board)s") % {"board": board.name},
        lambda: _("A moderator approved your request to join %(board)s.") % {"board": board.name},
        path=board.get_absolute_url(),
        join_decision=True,
    )


def join_request_rejected(actor, membership, reason: str) -> None:
    board = membership.board
    _send(
        membership.user,
        actor,
        lambda: _("About your request to join %(board)s") % {"board": board.name},
        lambda: _("A moderator declined your request to join %(board)s.") % {"board": board.name},
        path=board.get_absolute_url(),
        reason=reason,
        join_decision=True,
    )


def member_removed(actor, user, board, reason: str) -> None:
    _send(
        user,
        actor,
        lambda: _("You were removed from %(board)s") % {"board": board.name},
        lambda: _("A moderator removed you from %(board)s.") % {"board": board.name},
        reason=reason,
    )


def member_banned(actor, membership, reason: str) -> None:
    board, until = membership.board, membership.banned_until

    def message():
        if until is None:
            return _("A moderator banned you from %(board)s.") % {"board": board.name}
        return _("A moderator banned you from %(board)s until %(until)s.") % {
            "board": board.name,
            "until": _local(until),
        }

    _send(
        membership.user,
        actor,
        lambda: _("You were banned from %(board)s") % {"board": board.name},
        message,
        reason=reason,
    )


def member_unbanned(actor, user, board) -> None:
    _send(
        user,
        actor,
        lambda: _("Your ban from %(board)s was lifted") % {"board": board.name},
        lambda: _("A moderator lifted your ban from %(board)s.") % {"board": board.name},
        path=board.get_absolute_url(),
    )


def member_invited(actor, membership) -> None:
    board = membership.board
    _send(
        membership.user,
        actor,
        lambda: _("You are invited to %(board)s") % {"board": board.name},
        lambda: (
            _("%(name)s invited you to %(board)s. Open the board to accept.")
            % {"name": actor.full_name, "board": board.name}
        ),
        path=board.get_absolute_url(),
    )


def moderator_role_changed(actor, membership) -> None:
    board = membership.board
    promoted = membership.role == membership.Role.MODERATOR
    _send(
        membership.user,
        actor,
        lambda: _("Your role in %(board)s changed") % {"board": board.name},
        lambda: (
            (
                _("You are now a moderator of %(board)s.")
                if promoted
                else _("You are no longer a moderator of %(board)s.")
            )
            % {"board": board.name}
        ),
        path=reverse("moderation:board", args=[board.slug]) if promoted else "",
    )


# --- Content ----------------------------------------------------------------------------------


def post_hidden(actor, post, reason: str) -> None:
    _send(
        post.author,
        actor,
        lambda: _("Your post was hidden"),
        lambda: (
            _(
                "A moderator hid your post #%(number)s in “%(topic)s”. You and the moderators "
                "still see it; you can edit it, and a moderator can show it again."
            )
            % {"number": post.number, "topic": post.topic.title}
        ),
        path=post.get_absolute_url(),
        reason=reason,
    )


def post_unhidden(actor, post) -> None:
    _send(
        post.author,
        actor,
        lambda: _("Your post is visible again"),
        lambda: (
            _("A moderator made your post #%(number)s in “%(topic)s” visible again.")
            % {"number": post.number, "topic": post.topic.title}
        ),
        path=post.get_absolute_url(),
    )


def post_redacted(actor, post, reason: str) -> None:
    _send(
        post.author,
        actor,
        lambda: _("Your post was redacted"),
        lambda: (
            _(
                "A moderator removed the text of your post #%(number)s in “%(topic)s” and its "
                "earlier versions, because it exposed personal data."
            )
            % {"number": post.number, "topic": post.topic.title}
        ),
        path=post.get_absolute_url(),
        reason=reason,
    )


def topic_changed(actor, topic, message, reason: str = "") -> None:
    """Moved, locked, unlocked, retitled or merged: ``message`` is a function returning the
    sentence, called in the recipient's language."""
    _send(
        topic.author,
        actor,
        lambda: _("About your topic “%(topic)s”") % {"topic": topic.title},
        message,
        path=topic.get_absolute_url(),
        reason=reason,
    )


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
