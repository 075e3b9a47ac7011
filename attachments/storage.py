"""Where attachment bytes live: the ``attachments`` storage of ``settings.STORAGES`` (the local
disk by default, S3-compatible object storage with ``ATTACHMENTS_S3_BUCKET``). Stored names are
random; the member's file name is only ever in the database."""

from django.core.files.storage import FileSystemStorage, Storage, storages


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


class _CurrentStorage(Storage):
    """Whatever ``STORAGES["attachments"]`` is now, looked up on every use (file fields keep
    their storage object for the life of the process; settings may change it in tests)."""

    def __getattribute__(self, name):
        if name.startswith("__"):
            return object.__getattribute__(self, name)
        return getattr(attachment_storage(), name)


_current = _CurrentStorage()


def field_storage():
    """The storage of attachment file fields (a callable, so migrations do not record it)."""
    return _current
