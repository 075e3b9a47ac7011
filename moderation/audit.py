"""Writing the audit log. Every moderation service calls ``record`` inside its transaction, so
an action and its entry commit (or roll back) together."""

from moderation.models import AuditEntry

Action = AuditEntry.Action


def record(
    actor,
    action: str,
    *,
    board=None,
    other_board=None,
    target_user=None,
    topic=None,
    post=None,
    label: str = "",
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    if not label:
        label = _label_for(target_user=target_user, topic=topic, post=post)
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        board=board,
        other_board=other_board,
        target_user=target_user,
        topic=topic,
        post=post,
        target_label=label[:200],
        reason=reason,
        before=before or {},
        after=after or {},
    )


def _label_for(*, target_user, topic, post) -> str:
    if post is not None:
        return f"#{post.number} {post.topic.title}"
    if topic is not None:
        return topic.title
    if target_user is not None:
        return target_user.full_name or target_user.email
    return ""
