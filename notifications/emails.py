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

from forums.models import Post
from forums.permissions import can_view_board, can_view_post
from forums.queries import membership_of
from notifications.models import Delivery, Kind, Notification
from notifications.queries import email_deliveries
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
    notification = (
        Notification.objects.select_related("recipient", "actor__municipality", "topic__board")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or not notification.recipient.is_active:
        return False
    recipient = notification.recipient
    if email_deliveries(recipient)[notification.kind] != Delivery.IMMEDIATELY:
        return False
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        if notification.kind == Kind.VERIFICATION:
            parts = _verification_email(notification)
        elif notification.kind in (Kind.JOIN_DECIDED, Kind.MODERATION, Kind.MEETING):
            parts = _notice_email(notification)
        else:
            parts = _topic_email(notification, post_id)
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
    send(recipient, f"{headline} – {settings.SITE_NAME}", text, html, kind=notification.kind)
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


def _topic_email(notification: Notification, post_id: int | None):
    recipient, topic = notification.recipient, notification.topic
    if topic is None:
        return None
    membership = membership_of(recipient, topic.board)
    if not can_view_board(recipient, topic.board, membership):
        return None
    post = Post.objects.select_related("author", "author_municipality").filter(pk=post_id).first()
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
