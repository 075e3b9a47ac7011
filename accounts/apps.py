"""App configuration for accounts; connects allauth's signals to the verification services."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Members and municipalities")

    def ready(self) -> None:
        from accounts import signals  # noqa: F401
