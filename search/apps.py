"""App configuration for search: subscribes the index to every post and topic change."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from forums import effects
        from search import indexing

        effects.subscribe(
            "search",
            post_changed=indexing.on_post_changed,
            topic_changed=indexing.on_topic_changed,
        )
