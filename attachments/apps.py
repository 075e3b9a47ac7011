from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "attachments"
    verbose_name = "Attachments and avatars"

    def ready(self) -> None:
        from attachments import search_text, services
        from attachments.forms import PostFiles
        from forums import effects, form_parts
        from search import indexing

        indexing.register_text_provider(search_text.texts_for_posts)
        effects.subscribe("attachments", post_changed=services.on_post_changed)
        form_parts.register(PostFiles)
