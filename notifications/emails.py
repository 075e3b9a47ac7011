"""E-mails of notifications, sent by the task worker in the recipient's language.

Plain text with an HTML alternative, and one-click unsubscribe (RFC 8058): the
``List-Unsubscribe`` header and the link in the footer carry a signed token naming the member
and the kind of e-mail, so that unsubscribing needs no sign-in. Before sending, the worker asks
again whether the member still wants this e-mail and may still read what it quotes: minutes
may have passed since the event.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from forums.models import Membership, Post
from forums.permissions import can_view_board, can_view_post
from notifications.models import Delivery, Kind, Notification
from notifications.queries import email_deliveries, email_deliveries_of
from notifications.text import describe
from notifications.verification import verification_decision_message

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_token(user, kind: str) -> str:
    return signing.dumps({"user": user.pk, "kind": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """The member id and kind in a token; raises ``signing.BadSignature`` when forged."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return int(data["user"]), str(data["kind"])


def unsubscribe_url(user, kind: str) -> str:
    return settings.SITE_URL + reverse(
        "notifications:unsubscribe", args=[unsubscribe_token(user, kind)]
    )


def send(recipient, subject: str, text: str, html: str, *, kind: str) -> None:
    link = unsubscribe_url(recipient, kind)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    message.send()


def base_context(recipient, kind: str) -> dict:
    return {
        "member": recipient,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
        "unsubscribe_url": unsubscribe_url(recipient, kind),
    }


def send_notification_email(notification_id: int, post_id: int | None) -> bool:
    """Send the e-mail of one event at once. False when there is nothing to send any more."""
    return bool(send_notification_emails([notification_id], post_id))


def send_notification_emails(notification_ids, post_id: int | None, failed=None) -> int:
    """Send the e-mails of one event (``post_id``, when it is about a post) to many members;
    returns how many were sent. What every e-mail needs is loaded once for the batch: the
    notifications with their recipients, everyone's e-mail preferences, their memberships of
    the boards concerned and the post with its files, five queries for fifty e-mails instead of
    six per e-mail. ``failed(notification_id, error)``, when given, is called for an e-mail
    that raised, and the others are still sent; without it the error propagates."""
    notifications = list(
        Notification.objects.select_related("recipient", "actor__municipality", "topic__board")
        .filter(pk__in=list(notification_ids), recipient__is_active=True)
        .order_by("pk")
    )
    if not notifications:
        return 0
    recipient_ids = {notification.recipient_id for notification in notifications}
    deliveries = email_deliveries_of(recipient_ids)
    board_ids = {n.topic.board_id for n in notifications if n.topic_id is not None}
    memberships = {
        (membership.user_id, membership.board_id): membership
        for membership in Membership.objects.filter(
            user_id__in=recipient_ids, board_id__in=board_ids
        )
    }
    post = None
    if post_id is not None and board_ids:
        post = (
            Post.objects.select_related("author", "author_municipality")
            .prefetch_related("attachments")
            .filter(pk=post_id)
            .first()
        )
    sent = 0
    for notification in notifications:
        try:
            sent += _send_loaded(notification, deliveries, memberships, post)
        except Exception as error:
            if failed is None:
                raise
            failed(notification.pk, error)
    return sent


def _send_loaded(notification: Notification, deliveries, memberships, post) -> bool:
    recipient = notification.recipient
    if deliveries[recipient.pk][notification.kind] != Delivery.IMMEDIATELY:
        return False
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        if notification.kind == Kind.VERIFICATION:
            parts = _verification_email(notification)
        elif notification.kind in (Kind.JOIN_DECIDED, Kind.MODERATION, Kind.MEETING):
            parts = _notice_email(notification)
        else:
            membership = None
            if notification.topic_id is not None:
                membership = memberships.get((recipient.pk, notification.topic.board_id))
            parts = _topic_email(notification, post, membership)
    if parts is None:
        return False
    subject, text, html = parts
    send(recipient, subject, text, html, kind=notification.kind)
    return True


def send_private_message_email(notification_id: int, excerpt: str = "") -> bool:
    """The e-mail about a private message: who wrote and a link; the text only when the
    conversations app passed it (the member allowed it). Nothing when the member has already
    read it on the site."""
    notification = (
        Notification.objects.select_related("recipient", "actor__municipality")
        .filter(pk=notification_id, kind=Kind.PRIVATE_MESSAGE)
        .first()
    )
    if notification is None or not notification.is_unread:
        return False
    recipient = notification.recipient
    if not recipient.is_verified:
        return False
    if email_deliveries(recipient)[Kind.PRIVATE_MESSAGE] != Delivery.IMMEDIATELY:
        return False
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        headline = describe(notification, count=1)
        context = {
            **base_context(recipient, notification.kind),
            "headline": headline,
            "excerpt": excerpt,
            "url": settings.SITE_URL + notification.path,
        }
        text = render_to_string("notifications/email/private_message.txt", context)
        html = render_to_string("notifications/email/private_message.html", context)
        subject = f"{headline} – {settings.SITE_NAME}"
    send(recipient, subject, text, html, kind=notification.kind)
    return True


def _verification_email(notification: Notification):
    recipient = notification.recipient
    approved = bool(notification.data.get("approved"))
    subject, text, _path = verification_decision_message(
        recipient, approved=approved, reason=notification.reason
    )
    html = render_to_string(
        "notifications/email/notice.html",
        {
            **base_context(recipient, notification.kind),
            "message": notification.message,
            "reason": notification.reason,
            "url": settings.SITE_URL + notification.path,
        },
    )
    return subject, text, html


def _notice_email(notification: Notification):
    recipient = notification.recipient
    context = {
        **base_context(recipient, notification.kind),
        "message": notification.message,
        "reason": notification.reason,
        "url": settings.SITE_URL + notification.path if notification.path else "",
    }
    text = render_to_string("notifications/email/notice_body.txt", context)
    html = render_to_string("notifications/email/notice.html", context)
    return f"{notification.subject} – {settings.SITE_NAME}", text, html


def _topic_email(notification: Notification, post: Post | None, membership):
    recipient, topic = notification.recipient, notification.topic
    if topic is None:
        return None
    if not can_view_board(recipient, topic.board, membership):
        return None
    quote = (
        post is not None
        and post.topic_id == topic.pk
        and not post.is_deleted
        and not post.is_redacted
        and can_view_post(recipient, post, membership)
    )
    headline = describe(notification, count=1)
    link = post.get_absolute_url() if post is not None else topic.get_absolute_url()
    context = {
        **base_context(recipient, notification.kind),
        "headline": headline,
        "topic": topic,
        "post": post if quote else None,
        "url": settings.SITE_URL + link,
    }
    text = render_to_string("notifications/email/notification.txt", context)
    html = render_to_string("notifications/email/notification.html", context)
    return f"{headline} – {settings.SITE_NAME}", text, html
