"""Where attachment bytes live: the ``attachments`` storage of ``settings.STORAGES`` (the local
disk by default, S3-compatible object storage with ``ATTACHMENTS_S3_BUCKET``). Stored names are
random; the member's file name is only ever in the database."""

from django.core.files.storage import FileSystemStorage, storages


def attachment_storage():
    return storages["attachments"]


def is_object_storage() -> bool:
    return not isinstance(attachment_storage(), FileSystemStorage)


def stored_name(folder: str, key, suffix: str) -> str:
    return f"{folder}/{str(key)[:2]}/{key}{suffix}"


def delete_quietly(*names: str) -> None:
    storage = attachment_storage()
    for name in names:
        if name:
            storage.delete(name)
