"""The files part of the post forms (new topic, reply, edit), the avatar form and a board's
file policy form.

New files are uploaded to the author's pending area as soon as the form is submitted, whatever
else is wrong with it; the form shown again carries their keys in hidden inputs, so nothing
already accepted has to be chosen again (with or without JavaScript).
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from attachments import services
from attachments.models import Attachment
from attachments.queries import quote_links

ACCEPT = (
    ".pdf,.jpg,.jpeg,.png,.webp,.gif,.xlsx,.xls,.docx,.doc,.pptx,.ppt,.jtd,.jtdc,.csv,.txt,.tsv,"
    ".zip,application/pdf,image/jpeg,image/png,image/webp,image/gif"
)


class PostFiles:
    """Files of one post form submission: kept pending ones, new uploads, refusals."""

    def __init__(self, request, board, post=None):
        self.request = request
        self.board = board
        self.post = post
        self.pending: list[Attachment] = []
        self.errors: list[str] = []

    @property
    def existing(self) -> list[Attachment]:
        return list(self.post.attachments.all()) if self.post is not None else []

    def bind(self) -> "PostFiles":
        """Read the submission: keep pending files (minus those the member removed), upload
        new ones, and refuse what does not fit."""
        user, data = self.request.user, self.request.POST
        removed = set(data.getlist("remove_attachment"))
        kept = services.pending_for(user, data.getlist("attachment"), self.board.pk)
        for attachment in [item for item in kept if str(item.key) in removed]:
            services.remove(user, attachment)
        kept = [item for item in kept if str(item.key) not in removed]
        room = settings.ATTACHMENTS_MAX_FILES - len(self.existing) - len(kept)
        uploads = [item for item in self.request.FILES.getlist("files") if item.name]
        if len(uploads) > max(room, 0):
            self.errors.append(
                _("A post can have at most %(limit)d files. These were not added: %(names)s.")
                % {
                    "limit": settings.ATTACHMENTS_MAX_FILES,
                    "names": "、".join(item.name for item in uploads[max(room, 0) :]),
                }
            )
            uploads = uploads[: max(room, 0)]
        accepted, errors = services.upload_many(user, self.board, uploads)
        self.errors.extend(errors)
        self.pending = kept + accepted
        return self

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def attach_to(self, post) -> None:
        if self.pending:  # most posts have no files: no transaction to open for them
            services.attach(self.request.user, post, [item.key for item in self.pending])

    @staticmethod
    def quote_suffix(post) -> str:
        return quote_links(post)

    def context(self) -> dict:
        return {
            "template_name": "attachments/_form_files.html",
            "files_pending": self.pending,
            "files_errors": self.errors,
            "files_existing": self.existing,
            "files_board": self.board,
            "files_max": settings.ATTACHMENTS_MAX_FILES,
            "files_max_bytes": settings.ATTACHMENTS_MAX_BYTES,
            "files_accept": ACCEPT,
        }


class AvatarForm(forms.Form):
    photo = forms.FileField(
        label=pgettext_lazy("avatar", "Photo"),
        help_text=gettext_lazy(
            "JPEG, PNG or WebP. It is cropped to a square, made smaller and its metadata "
            "(place, camera) removed."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        error_messages={"required": gettext_lazy("Choose a photo first.")},
    )


class BoardFilePolicyForm(forms.Form):
    allow_zip = forms.BooleanField(
        label=gettext_lazy("Allow ZIP archives on this board"),
        required=False,
        help_text=gettext_lazy(
            "Password-protected archives are always refused: they cannot be checked for malware."
        ),
    )


class ModeratorRemovalForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (the author sees it in the audit log)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
