"""Telling members what moderators did to their membership or content, and why.

One function per event, so that the notifications issue can reroute each of them (in-app,
e-mail digests) without touching the services. For now each sends an e-mail in the member's
language once the transaction commits. Nobody is told about their own action.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


def _send(recipient, actor, subject, message, *, path: str = "", reason: str = "") -> None:
    """Render and send after commit; ``subject`` and ``message`` are callables so that they are
    translated in the recipient's language."""
    if recipient is None or (actor is not None and actor.pk == recipient.pk):
        return

    def send() -> None:
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            context = {
                "member": recipient,
                "message": message(),
                "reason": reason,
                "site_name": settings.SITE_NAME,
                "url": settings.SITE_URL + path if path else "",
            }
            body = render_to_string("moderation/email/notice_body.txt", context)
            title = f"{subject()} – {settings.SITE_NAME}"
        send_mail(" ".join(title.split()), body, None, [recipient.email])

    transaction.on_commit(send)


# --- Membership -------------------------------------------------------------------------------


def join_request_approved(actor, membership) -> None:
    board = membership.board
    _send(
        membership.user,
        actor,
        lambda: _("You joined %(board)s") % {"board": board.name},
        lambda: _("A moderator approved your request to join %(board)s.") % {"board": board.name},
        path=board.get_absolute_url(),
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
        lambda: _("%(name)s invited you to %(board)s. Open the board to accept.")
        % {"name": actor.full_name, "board": board.name},
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
            _("You are now a moderator of %(board)s.")
            if promoted
            else _("You are no longer a moderator of %(board)s.")
        )
        % {"board": board.name},
        path=reverse("moderation:board", args=[board.slug]) if promoted else "",
    )


# --- Content ----------------------------------------------------------------------------------


def post_hidden(actor, post, reason: str) -> None:
    _send(
        post.author,
        actor,
        lambda: _("Your post was hidden"),
        lambda: _(
            "A moderator hid your post #%(number)s in “%(topic)s”. You and the moderators still "
            "see it; you can edit it, and a moderator can show it again."
        )
        % {"number": post.number, "topic": post.topic.title},
        path=post.get_absolute_url(),
        reason=reason,
    )


def post_unhidden(actor, post) -> None:
    _send(
        post.author,
        actor,
        lambda: _("Your post is visible again"),
        lambda: _("A moderator made your post #%(number)s in “%(topic)s” visible again.")
        % {"number": post.number, "topic": post.topic.title},
        path=post.get_absolute_url(),
    )


def post_redacted(actor, post, reason: str) -> None:
    _send(
        post.author,
        actor,
        lambda: _("Your post was redacted"),
        lambda: _(
            "A moderator removed the text of your post #%(number)s in “%(topic)s” and its earlier "
            "versions, because it exposed personal data."
        )
        % {"number": post.number, "topic": post.topic.title},
        path=post.get_absolute_url(),
        reason=reason,
    )


def topic_changed(actor, topic, message: str, reason: str = "") -> None:
    """Moved, locked, unlocked, retitled or merged: ``message`` is built by the caller with
    ``gettext_lazy`` pieces and formatted in the recipient's language."""
    _send(
        topic.author,
        actor,
        lambda: _("About your topic “%(topic)s”") % {"topic": topic.title},
        lambda: str(message),
        path=topic.get_absolute_url(),
        reason=reason,
    )


def _local(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
