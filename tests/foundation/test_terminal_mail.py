"""Without SMTP, each e-mail is one line in the terminal and a whole message in a file."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.mail import EmailMessage

from onlinecityhall.mail import OneLinePerMessageBackend

ROOT = Path(__file__).resolve().parents[2]


def test_each_message_is_one_line_and_the_whole_text_is_in_a_file(tmp_path, capsys):
    backend = OneLinePerMessageBackend(file_path=str(tmp_path))
    body = "\n".join(f"{number}行目" for number in range(80))
    messages = [
        EmailMessage(
            "[オンライン市役所] 確認コード: ABCD-EFGH", body, to=["tanaka@city.habikino.lg.jp"]
        ),
        EmailMessage("新しい返信", body, to=["sato@city.kobe.lg.jp"]),
    ]

    assert backend.send_messages(messages) == 2

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert "tanaka@city.habikino.lg.jp" in lines[0] and "ABCD-EFGH" in lines[0]
    assert "sato@city.kobe.lg.jp" in lines[1]
    [written] = list(tmp_path.iterdir())
    assert str(written) in lines[0]
    assert "Subject:" in written.read_text(encoding="utf-8")


def test_it_is_the_default_without_smtp_and_smtp_takes_over_with_a_host():
    probe = "import onlinecityhall.settings as s; print(s.EMAIL_BACKEND, s.DATABASES['default'])"
    base = {k: v for k, v in os.environ.items() if k not in ("EMAIL_HOST", "EMAIL_BACKEND")}
    base.update(DJANGO_DEBUG="1")
    base.pop("DATABASE_URL", None)

    def backend(**extra):
        result = subprocess.run(
            [sys.executable, "-c", probe],
            cwd=ROOT, env={**base, **extra}, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return result.stdout

    embedded = backend()
    assert embedded.startswith("onlinecityhall.mail.OneLinePerMessageBackend")
    assert "'transaction_mode': 'IMMEDIATE'" in embedded and "journal_mode=WAL" in embedded
    assert backend(EMAIL_HOST="smtp.example.jp").startswith(
        "django.core.mail.backends.smtp.EmailBackend"
    )


def test_make_run_prints_the_demo_sign_ins_last(db):
    from io import StringIO

    from django.core.management import call_command

    from forums.management.commands.seed_demo import STAFF
    from tests.factories import UserFactory

    for row in STAFF:
        UserFactory(email=row[0])
    out = StringIO()

    call_command("seed_demo", "--sign-ins-only", "--url", "http://127.0.0.1:8000/", stdout=out)

    lines = out.getvalue().strip().splitlines()
    assert "http://127.0.0.1:8000/" in lines[0]
    assert [row[0] for row in STAFF] == [line.split()[0] for line in lines[2 : 2 + len(STAFF)]]
    assert "sent-mail/" in lines[-1]
