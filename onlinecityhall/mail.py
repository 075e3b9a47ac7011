"""The e-mail backend of a site without SMTP (development, the demo): one line per message in
the terminal, the whole message in a file beside it.

Confirmation codes are in the subject, so the line is enough to sign up; the file holds the
rest (links, the full text) for whoever needs it.
"""

import sys
import threading

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class OneLinePerMessageBackend(FileBackend):
    """Writes each batch of messages to a file in ``EMAIL_FILE_PATH`` and prints one line per
    message: recipients, subject and the file."""

    _lock = threading.Lock()

    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, file_path=file_path or settings.EMAIL_FILE_PATH, **kwargs)

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        with self._lock:
            for message in email_messages or []:
                recipients = ", ".join(message.recipients())
                print(
                    f"[mail] to {recipients}: {message.subject}  ({self._fname})",
                    file=sys.stdout,
                    flush=True,
                )
        return sent
