"""App configuration for notifications: subscribes to every post and topic change."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from forums import effects
        from notifications import services

        effects.subscribe(
            "notifications",
            post_changed=services.on_post_changed,
            topic_changed=services.on_topic_changed,
            topic_read=services.topic_read,
        )
