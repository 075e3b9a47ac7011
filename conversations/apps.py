"""App configuration for private conversations."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Private conversations")

    def ready(self) -> None:
        from accounts.services import member_suspended
        from attachments.owners import MessageRules, register_message_rules
        from conversations import permissions, queries, services

        # A message's files are as private as its conversation.
        register_message_rules(
            MessageRules(
                seat_of=queries.seat_of,
                can_view=permissions.can_view_conversation,
                can_edit=permissions.can_edit_message,
                files_changed=services.message_files_changed,
            )
        )
        # A suspended manager's groups pass to the longest-standing participant.
        member_suspended.connect(
            lambda sender, member, **kwargs: services.hand_over_management(member),
            dispatch_uid="conversations.hand_over_management",
            weak=False,
        )
