"""Members' avatar photos: uploaded (square crop, two sizes, metadata removed) and removed.
Until a member has one, pages draw initials on a colour (``accounts.faces``).

The photo's version is kept on the member (``User.avatar_version``, 0 for none), so a page
draws the right avatar without another query and browsers cache each version for good.
"""

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from accounts import services as accounts
from accounts.faces import SIZES, photo_name
from attachments import permissions
from attachments.models import Attachment
from attachments.sniffing import detect
from attachments.storage import attachment_storage, delete_quietly
from moderation import audit
from notifications import services as notifications

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
WORKING_SIDE = 2 * max(SIZES)  # the photo is scaled to this before cropping


def _square(image: Image.Image, side: int) -> bytes:
    fitted = ImageOps.fit(image, (side, side), Image.Resampling.LANCZOS)
    bare = Image.new("RGB", fitted.size, "white")
    bare.paste(fitted, mask=fitted.getchannel("A") if fitted.mode == "RGBA" else None)
    out = io.BytesIO()
    bare.save(out, "WEBP", quality=72)
    return out.getvalue()


def set_photo(user, uploaded) -> int:
    """Store a new avatar photo for ``user``; returns its version."""
    if not permissions.can_change_avatar(user, user):
        raise PermissionDenied(_("You cannot change this avatar."))
    if uploaded.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("The photo can be at most 10 MB."), code="too_large")
    not_a_photo = ValidationError(
        _("Choose a photo (JPEG, PNG, WebP or GIF) for your avatar."), code="not_image"
    )
    try:
        detected = detect(uploaded, uploaded.name or "photo")
    except ValidationError as refused:  # a damaged PDF, a web page …: still "not a photo"
        raise not_a_photo from refused
    if detected.kind != Attachment.Kind.IMAGE:
        raise not_a_photo
    with Image.open(uploaded) as original:
        if original.width * original.height > MAX_PHOTO_PIXELS and original.format != "JPEG":
            raise ValidationError(
                _("The photo can be at most %(limit)d megapixels.")
                % {"limit": MAX_PHOTO_PIXELS // 1_000_000},
                code="too_many_pixels",
            )
        # Scaled down before anything else: a 10 KB PNG of 8,900 × 8,900 pixels took 700 MB
        # once in full colour. A JPEG is decoded at a fraction of its size to begin with.
        original.draft("RGB", (WORKING_SIDE, WORKING_SIDE))
        original.thumbnail((WORKING_SIDE, WORKING_SIDE), Image.Resampling.LANCZOS)
        upright = ImageOps.exif_transpose(original).convert("RGBA")
    version = user.avatar_version + 1
    storage = attachment_storage()
    for size in SIZES:
        storage.save(photo_name(user.pk, version, size), ContentFile(_square(upright, size)))
    previous = user.avatar_version
    with transaction.atomic():
        accounts.set_avatar_version(user, version)
        if previous:
            transaction.on_commit(lambda: _delete(user.pk, previous))
    return version


def _delete(user_id: int, version: int) -> None:
    delete_quietly(*(photo_name(user_id, version, size) for size in SIZES))


@transaction.atomic
def remove_photo(actor, member, reason: str = "") -> None:
    """Back to initials. A moderator removing someone's photo is in the audit log."""
    if not permissions.can_remove_avatar(actor, member):
        raise PermissionDenied(_("You cannot remove this avatar."))
    previous = member.avatar_version
    if not previous:
        return
    accounts.set_avatar_version(member, 0)
    transaction.on_commit(lambda: _delete(member.pk, previous))
    if actor.pk != member.pk:
        audit.record(
            actor,
            audit.Action.AVATAR_REMOVED,
            target_user=member,
            reason=reason.strip(),
            before={"avatar_version": previous},
        )
        _tell_member(actor, member, reason.strip())


def _tell_member(actor, member, reason: str) -> None:
    notifications.notify_moderation_action(
        member,
        actor,
        lambda: _("Your avatar was removed"),
        lambda: _("A moderator removed your avatar photo. You can upload another one."),
        reason=reason,
        path="/avatars/mine/",
    )
