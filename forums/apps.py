"""App configuration for the forums."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Boards and topics")

    def ready(self):
        from django.db.models.signals import post_delete

        from forums import effects
        from forums.models import Board

        # Boards are deleted from the admin, with no service of ours in between: whoever had
        # the board or one of its topics open is told, and their sockets and streams close.
        post_delete.connect(
            lambda sender, instance, **kwargs: effects.board_access_changed(instance),
            sender=Board,
            weak=False,
            dispatch_uid="forums.board_deleted_access_changed",
        )
