"""Telling people about a file the malware scanner refused: its author (why), the board's
moderators (to look), and the audit log (that it happened)."""

from django.utils.translation import gettext as _

from accounts.models import User
from moderation import audit
from moderation.queries import moderator_ids
from notifications import services as notifications


def infected_file(attachment, signature: str) -> None:
    board = attachment.post.topic.board if attachment.post_id else attachment.board
    name = attachment.name
    path = attachment.post.get_absolute_url() if attachment.post_id else ""
    notifications.notify_moderation_action(
        attachment.uploader,
        None,
        lambda: _("Your file %(name)s was refused") % {"name": name},
        lambda: (
            _(
                "The malware scanner found %(signature)s in %(name)s, so nobody else can see it "
                "and it was deleted. If you think this is a mistake, tell a moderator."
            )
            % {"signature": signature, "name": name}
        ),
        path=path,
        board=board,
    )
    if board is not None:
        for moderator in User.objects.filter(pk__in=moderator_ids(board)):
            notifications.notify_moderation_action(
                moderator,
                None,
                lambda: _("A file with malware was refused"),
                lambda: (
                    _(
                        "The malware scanner found %(signature)s in %(name)s, uploaded by "
                        "%(member)s to %(board)s. The file was deleted."
                    )
                    % {
                        "signature": signature,
                        "name": name,
                        "member": attachment.uploader.full_name,
                        "board": board.name,
                    }
                ),
                path=path,
                board=board,
            )
    audit.record(
        None,
        audit.Action.ATTACHMENT_INFECTED,
        board=board,
        post=attachment.post if attachment.post_id else None,
        topic=attachment.post.topic if attachment.post_id else None,
        target_user=attachment.uploader,
        label=name,
        reason=signature,
        after={"file": name, "size": attachment.size, "sha256": attachment.sha256},
    )
