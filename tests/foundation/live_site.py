"""The real site in processes of its own, for the tests that need one (concurrent writes,
faults): ``python -m onlinecityhall.run`` on a database of its own, never the test database.

The database is migrated once per test run (``migrated_site``, a session fixture in this
folder's conftest) and each test module gets a fresh copy of it: on PostgreSQL a database
created from the migrated one as a template (named after the run's own test database, so that
parallel runs and pytest workers never meet), on the embedded default a copy of the SQLite
file. The site's processes inherit the run's ``REDIS_URL`` (a Redis database per worker).
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CSRF = "a" * 32  # a bare secret is a valid token when the cookie holds the same secret
START_SECONDS = 120  # a guard against a site that never comes up, not a measurement


def manage(env, *arguments, timeout=300) -> str:
    completed = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *arguments],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def shell(env, code: str) -> dict:
    output = manage(env, "shell", "--no-imports", "-c", code)
    return json.loads(output.strip().splitlines()[-1])


def _base_environment() -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        DJANGO_DEBUG="1",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        DJANGO_SETTINGS_MODULE="onlinecityhall.settings",
        PYTHONUNBUFFERED="1",
        # Every process of these sites carries it: the clean-up finds them all by it, orphans
        # included, and nothing else.
        ONLINECITYHALL_TEST_SITE=uuid.uuid4().hex,
    )
    return env


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else None


def _recreate(url: str, name: str, template: str | None = None) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        suffix = f' TEMPLATE "{template}"' if template else ""
        admin.execute(f'CREATE DATABASE "{name}"{suffix}')
    return urlparse(url)._replace(path=f"/{name}").geturl()


@dataclass
class MigratedSite:
    """A migrated, empty site database that copies are made from."""

    env: dict
    directory: Path
    template: str | None = None  # the PostgreSQL database name, or None for SQLite

    @classmethod
    def create(cls, directory: Path, test_database: str) -> "MigratedSite":
        env = _base_environment()
        url = _postgres_url()
        if url:
            template = f"{test_database}_site"
            env["DATABASE_URL"] = _recreate(url, template)
            site = cls(env, directory, template)
        else:
            env.pop("DATABASE_URL", None)
            env.pop("REDIS_URL", None)  # the embedded default: in-memory channel layer
            env["SQLITE_NAME"] = str(directory / "site.sqlite3")
            site = cls(env, directory)
        manage(site.env, "migrate", "--noinput")
        return site

    def clone_database(self, name: str) -> None:
        """A PostgreSQL database ``name`` made from the migrated one (dropped first if there)."""
        _recreate(_postgres_url(), name, self.template)

    def copy(self, name: str) -> dict:
        """The environment of a fresh copy of the migrated database, for one test module."""
        env = {**self.env, "ONLINECITYHALL_TEST_SITE": uuid.uuid4().hex}
        if self.template:
            env["DATABASE_URL"] = _recreate(
                _postgres_url(), f"{self.template}_{name}", self.template
            )
        else:
            copied = self.directory / f"{name}.sqlite3"
            shutil.copyfile(env["SQLITE_NAME"], copied)
            env["SQLITE_NAME"] = str(copied)
        return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError):
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(stat[1]), []).append(int(entry))
    return children


def descendants(pid: int) -> set[int]:
    children, found, queue = process_children(), set(), [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.add(child)
            queue.append(child)
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return stat[0] != "Z"


def marked_processes(marker: str) -> set[int]:
    """The running processes whose environment carries ``marker``."""
    found = set()
    needle = f"ONLINECITYHALL_TEST_SITE={marker}".encode()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                if needle in Path(f"/proc/{entry}/environ").read_bytes().split(b"\0"):
                    found.add(int(entry))
    return {pid for pid in found if alive(pid)}


def command_line(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Site:
    """The launcher (``python -m onlinecityhall.run``) serving a database of its own."""

    env: dict
    log_path: Path
    workers: int = 1
    port: int = field(default_factory=free_port)
    launcher: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "onlinecityhall.run", "--port", str(self.port)]
        command += ["--workers", str(self.workers)]
        with self.log_path.open("ab") as log:
            self.launcher = subprocess.Popen(
                command, cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            assert self.launcher.poll() is None, "the site stopped while starting"
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.base}/healthz", timeout=5),
            ):
                return
            time.sleep(0.3)
        raise AssertionError(f"the site did not start:\n{self.log()[-3000:]}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    # The launcher's parts, found by their command lines.
    def web_master(self) -> int | None:
        return next((pid for pid in self.parts() if "uvicorn" in command_line(pid)), None)

    def task_worker(self) -> int | None:
        return next((pid for pid in self.parts() if "db_worker" in command_line(pid)), None)

    def parts(self) -> list[int]:
        return [pid for pid in process_children().get(self.launcher.pid, []) if alive(pid)]

    def web_workers(self) -> set[int]:
        """uvicorn's worker processes (its multiprocessing children serving requests)."""
        master = self.web_master()
        if master is None:
            return set()
        return {
            pid
            for pid in process_children().get(master, [])
            if alive(pid) and "multiprocessing" in command_line(pid)
            and "resource_tracker" not in command_line(pid)
        }  # fmt: skip

    def request(self, path: str, session: str | None = None) -> int:
        """GET ``path``: its status, or 0 when the connection failed."""
        headers = {"Cookie": f"sessionid={session}"} if session else {}
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(urllib.request.Request(self.base + path, headers=headers), timeout=60):
                return 200
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return 0

    def reply(self, topic: int, session: str, body: str) -> tuple[int, str]:
        """POST a reply through the form: its status and Location (0 when the connection
        failed)."""
        request = urllib.request.Request(
            f"{self.base}/topics/{topic}/reply/",
            data=urlencode(
                {"csrfmiddlewaretoken": CSRF, "body": body, "submission_token": uuid.uuid4().hex}
            ).encode(),
            headers={"Cookie": f"sessionid={session}; csrftoken={CSRF}"},
            method="POST",
        )
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=60) as response:
                return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "")
        except OSError:
            return 0, ""

    def tasks(self) -> dict:
        with urllib.request.urlopen(f"{self.base}/healthz", timeout=30) as response:
            return json.load(response)["tasks"]

    def wait_for_empty_queue(self, guard_seconds: float = 180) -> dict:
        deadline = time.monotonic() + guard_seconds
        while (tasks := self.tasks())["queue_depth"] and time.monotonic() < deadline:
            time.sleep(0.5)
        return tasks

    def left_running(self) -> set[int]:
        """Processes of this site still running (the launcher's, uvicorn's workers, orphans)."""
        return marked_processes(self.env["ONLINECITYHALL_TEST_SITE"]) - {os.getpid()}

    def stop(self) -> None:
        """Stop the launcher if a test has not; then kill whatever of this site is left."""
        if self.launcher is None:
            return
        if self.launcher.poll() is None:
            self.launcher.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.launcher.wait(timeout=60)
        for pid in self.left_running():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if self.launcher.poll() is None:
            self.launcher.kill()
            self.launcher.wait()
