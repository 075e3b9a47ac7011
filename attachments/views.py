"""Attachment and avatar pages. Thin: every file goes through ``queries.readable_attachment``
(the post's own permission functions, 404 otherwise) before ``delivery.serve``."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import verified_required
from accounts.faces import SIZES, photo_name
from accounts.models import User
from attachments import avatars, delivery, pdf, permissions, queries, scanning, services
from attachments.forms import AvatarForm, BoardFilePolicyForm, ModeratorRemovalForm
from attachments.models import Attachment
from attachments.processing import PDF_PAGE_WIDTH
from attachments.storage import attachment_storage, stored_name
from core.params import parse_int
from forums import access
from forums.queries import membership_of

PAGES_PER_SCREEN = 10


def download(request, key, name=None):
    attachment = queries.readable_attachment(request.user, key)
    if not attachment.file.name:
        raise Http404
    return delivery.serve(
        attachment.file.name,
        attachment.content_type,
        attachment.download_name,
        inline=attachment.is_safe_image and "download" not in request.GET,
    )


def thumbnail(request, key):
    attachment = queries.readable_attachment(request.user, key)
    if not attachment.thumbnail.name:
        raise Http404
    return delivery.serve(
        attachment.thumbnail.name, "image/webp", f"{attachment.key}.webp", inline=True
    )


def _page_number(request, page_count: int, value: str) -> int:
    number = parse_int(value, minimum=1, maximum=page_count)
    if number is None:
        raise Http404
    return number


def pdf_pages(request, key):
    """Every page of a PDF as images, for browsers that cannot download files (the
    screen-transfer browsers of separated networks)."""
    attachment = queries.readable_attachment(request.user, key)
    if attachment.kind != Attachment.Kind.PDF or not attachment.page_count:
        raise Http404
    start_text = request.GET.get("from", "1")
    start = _page_number(request, attachment.page_count, start_text)
    end = min(start + PAGES_PER_SCREEN - 1, attachment.page_count)
    context = {
        "attachment": attachment,
        "pages": range(start, end + 1),
        "previous_start": max(1, start - PAGES_PER_SCREEN) if start > 1 else None,
        "next_start": end + 1 if end < attachment.page_count else None,
        "download_name": attachment.download_name,
    }
    return render(request, "attachments/pdf_pages.html", context)


def pdf_page(request, key, number):
    attachment = queries.readable_attachment(request.user, key)
    if attachment.kind != Attachment.Kind.PDF or not attachment.page_count:
        raise Http404
    number = _page_number(request, attachment.page_count, str(number))
    storage = attachment_storage()
    name = f"{stored_name('pages', attachment.key, '')}/{number}.webp"
    if not storage.exists(name):
        with storage.open(attachment.file.name, "rb") as stored:
            try:
                image = pdf.render_page(stored.read(), number - 1, PDF_PAGE_WIDTH)
            except pdf.PdfError as error:
                raise Http404 from error
        name = storage.save(name, ContentFile(image))
    return delivery.serve(name, "image/webp", f"page-{number}.webp", inline=True)


@require_POST
@verified_required
def upload(request, slug):
    """The script's upload: files go to the member's pending area; the page adds their keys
    to the form. Answers JSON with each accepted file's list item and each refusal."""
    board, _membership = access.readable_board(request.user, slug)
    files = request.FILES.getlist("files")
    room = settings.ATTACHMENTS_MAX_FILES - _count_parameter(request.POST.get("count", "0"))
    errors = []
    if len(files) > max(room, 0):
        errors.append(
            _("A post can have at most %(limit)d files.")
            % {"limit": settings.ATTACHMENTS_MAX_FILES}
        )
        files = files[: max(room, 0)]
    try:
        accepted, refused = services.upload_many(request.user, board, files)
    except PermissionDenied as error:
        return JsonResponse({"accepted": [], "errors": [str(error)]}, status=403)
    errors.extend(refused)
    items = [
        {
            "key": str(attachment.key),
            "html": render_to_string(
                "attachments/_pending_item.html", {"file": attachment}, request=request
            ),
        }
        for attachment in accepted
    ]
    status = 200 if accepted or not errors else 400
    return JsonResponse({"accepted": items, "errors": errors}, status=status)


def _count_parameter(value: str) -> int:
    return parse_int(value, maximum=999) or 0


@verified_required
def remove(request, key):
    """Remove one file from a post: its author (also from the edit page) or a moderator,
    who gives a reason for the audit log."""
    attachment = queries.readable_attachment(request.user, key)
    board = attachment.post.topic.board if attachment.post_id else attachment.board
    membership = membership_of(request.user, board) if board else None
    if not permissions.can_remove_attachment(request.user, attachment, membership):
        raise Http404
    form = ModeratorRemovalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        post = attachment.post
        services.remove(request.user, attachment, form.cleaned_data["reason"])
        messages.success(request, _("%(name)s was removed.") % {"name": attachment.name})
        target = request.POST.get("next", "")
        if target.startswith("/") and not target.startswith("//"):
            return redirect(target)
        return redirect(post.get_absolute_url() if post else "home")
    is_author = attachment.uploader_id == request.user.pk
    return render(
        request,
        "attachments/remove.html",
        {"attachment": attachment, "form": form, "is_author": is_author},
    )


@verified_required
def board_settings(request, slug):
    board, membership = access.readable_board(request.user, slug)
    if not permissions.can_set_board_file_policy(request.user, board, membership):
        raise PermissionDenied
    form = BoardFilePolicyForm(
        request.POST if request.method == "POST" else None,
        initial={"allow_zip": queries.allows_zip(board)},
    )
    if request.method == "POST" and form.is_valid():
        services.set_board_policy(request.user, board, allow_zip=form.cleaned_data["allow_zip"])
        messages.success(
            request, _("The file settings of %(board)s were saved.") % {"board": board.name}
        )
        return redirect("attachments:board_settings", slug=board.slug)
    context = {
        "board": board,
        "form": form,
        "used": services.board_bytes(board),
        "quota": settings.ATTACHMENTS_BOARD_BYTES,
        "scanning": scanning.status(),
    }
    return render(request, "attachments/board_settings.html", context)


@verified_required
def usage(request):
    """Site moderators: storage per board, today's uploads per member, scanning status."""
    if not permissions.can_view_file_usage(request.user):
        raise PermissionDenied
    context = {
        "boards": queries.usage_by_board(),
        "uploaders": queries.uploaders_today(),
        "scan_counts": queries.scan_counts(),
        "scanning": scanning.status(),
        "limits": {
            "max_files": settings.ATTACHMENTS_MAX_FILES,
            "max_bytes": settings.ATTACHMENTS_MAX_BYTES,
            "member_daily": settings.ATTACHMENTS_MEMBER_DAILY_BYTES,
            "board_total": settings.ATTACHMENTS_BOARD_BYTES,
        },
    }
    return render(request, "attachments/usage.html", context)


# --- Avatars ------------------------------------------------------------------------------------


def avatar_photo(request, user_id, version, size):
    member = get_object_or_404(User, pk=user_id)
    if not request.user.is_authenticated or not permissions.can_view_avatar(request.user, member):
        raise Http404
    if version != member.avatar_version or size not in SIZES:
        raise Http404
    response = delivery.serve(
        photo_name(member.pk, version, size), "image/webp", "avatar.webp", inline=True
    )
    # The version is in the URL: this address never shows another picture.
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    return response


@verified_required
def avatar_edit(request):
    member = request.user
    form = AvatarForm()
    if request.method == "POST":
        if "remove" in request.POST:
            avatars.remove_photo(member, member)
            messages.success(request, _("Your avatar photo was removed."))
            return redirect("attachments:avatar_edit")
        form = AvatarForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                avatars.set_photo(member, form.cleaned_data["photo"])
            except ValidationError as error:
                form.add_error("photo", error)
            else:
                messages.success(request, _("Your avatar photo was saved."))
                return redirect("accounts:profile", pk=member.pk)
    return render(request, "attachments/avatar_edit.html", {"form": form, "member": member})


@verified_required
def avatar_remove(request, user_id):
    """A site moderator removes an inappropriate avatar photo (audit log)."""
    member = get_object_or_404(User, pk=user_id)
    if not permissions.can_remove_avatar(request.user, member) or not member.avatar_version:
        raise Http404
    form = ModeratorRemovalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        avatars.remove_photo(request.user, member, form.cleaned_data["reason"])
        messages.success(request, _("The avatar photo was removed."))
        return redirect("accounts:profile", pk=member.pk)
    return render(request, "attachments/avatar_remove.html", {"member": member, "form": form})
