"""A redacted post loses its files for good: the stored bytes are deleted, not only hidden.

Redaction is moderation's write on a post; this receiver follows it wherever it is done, in the
same transaction (the rows go with it, the bytes once it commits)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from attachments import services
from forums.models import Post


@receiver(post_save, sender=Post, dispatch_uid="attachments-redacted-post")
def delete_files_of_redacted_post(sender, instance: Post, update_fields=None, **kwargs) -> None:
    if instance.redacted_at is None:
        return
    if update_fields is not None and "redacted_at" not in update_fields:
        return
    services.delete_for_post(instance)
