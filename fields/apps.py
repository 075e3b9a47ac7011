"""App configuration for fields of work: the registry, field pages and help after a transfer."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldsConfig(AppConfig):
    name = "fields"
    verbose_name = _("Fields of work")

    def ready(self) -> None:
        from fields import signals  # noqa: F401
        from fields.queries import register_board_page_columns

        register_board_page_columns()
