"""One command for the whole site: the ASGI web server and the background task worker.

``python -m onlinecityhall.run [--host H] [--port P] [--workers N]`` (what ``make run`` and
``make serve`` do) starts uvicorn and ``manage.py db_worker`` side by side and keeps both
running: a part that stops (the worker losing its database connection in a PostgreSQL restart,
say) is started again after a pause that doubles from 1 s up to 30 s, and is reset once it has
run for a minute. One failing part never takes the other down. Before each start of the worker,
tasks a dead worker left running go back in the queue; recurring tasks are planned once.

Ctrl+C or SIGTERM stops both within ``STOP_TIMEOUT_SECONDS``: each part is asked to stop (the
worker finishes the task it is running; uvicorn closes connections, cancelling what is still
open after ``GRACEFUL_SECONDS``), and whatever is left of a part's process group after the
timeout, uvicorn's worker processes included, is killed. Nothing is left holding the port.

``--exit-on-failure`` keeps the older behaviour for a supervisor that restarts the pair
itself (systemd, Docker): when either part stops, the other is stopped and the launcher exits.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from core.proxies import trusted_proxies_from_environment  # noqa: E402

STOP_TIMEOUT_SECONDS = 20
GRACEFUL_SECONDS = 10
FIRST_PAUSE_SECONDS = 1.0
LONGEST_PAUSE_SECONDS = 30.0
STABLE_SECONDS = 60.0
INTERRUPTED_TASK_MINUTES = "10"
# Commands that plan their recurring task in the queue (``<command> --schedule``).
SCHEDULED_COMMANDS = ("send_digests", "clean_attachments", "route_questions")


def _manage(*arguments: str) -> list[str]:
    return [sys.executable, str(BASE_DIR / "manage.py"), *arguments]


def _log(message: str) -> None:
    print(f"[run] {message}", file=sys.stderr, flush=True)


def websocket_options() -> list[str]:
    """uvicorn's WebSocket options for the site. Per-message compression keeps a deflate state
    per socket and compresses every event once per socket: with it an idle topic page holds
    82 KiB of the server's memory, without it 48 KiB (bench/live, 1,000 sockets). A live event
    is one post of about 2 KB, and pages themselves are gzip-compressed. WS_PER_MESSAGE_DEFLATE=1
    turns it back on."""
    if os.environ.get("WS_PER_MESSAGE_DEFLATE", "").strip().lower() in ("1", "true", "yes"):
        return []
    return ["--ws-per-message-deflate", "false"]


def web_command(host: str, port: str, workers: str) -> list[str]:
    command = [sys.executable, "-m", "uvicorn", "onlinecityhall.asgi:application"]
    command += ["--host", host, "--port", port, "--workers", workers, "--no-server-header"]
    command += ["--timeout-graceful-shutdown", str(GRACEFUL_SECONDS)]
    command += websocket_options()
    proxies = trusted_proxies_from_environment()
    if proxies:
        # The same list the application uses: only these may set the client's address.
        command += ["--proxy-headers", "--forwarded-allow-ips", ",".join(proxies)]
    else:
        command += ["--no-proxy-headers"]
    return command


class Part:
    """One supervised child process, in its own process group."""

    def __init__(self, name: str, command: list[str], before_start=None):
        self.name = name
        self.command = command
        self.before_start = before_start
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self.pause = FIRST_PAUSE_SECONDS
        self.restart_at: float | None = None

    def start(self) -> None:
        if self.before_start is not None:
            self.before_start()
        # Own session: Ctrl+C reaches only the launcher, which asks each part once to stop (a
        # second signal would make the worker abandon the task it is running).
        self.process = subprocess.Popen(  # noqa: S603 - fixed commands of our own, no shell
            self.command, cwd=BASE_DIR, start_new_session=True
        )
        self.started_at = time.monotonic()
        self.restart_at = None

    def exited(self) -> int | None:
        if self.process is None or self.restart_at is not None:
            return None
        return self.process.poll()

    def schedule_restart(self, status: int) -> None:
        if time.monotonic() - self.started_at >= STABLE_SECONDS:
            self.pause = FIRST_PAUSE_SECONDS
        _log(f"{self.name} stopped with status {status}; starting it again in {self.pause:.0f} s")
        self.restart_at = time.monotonic() + self.pause
        self.pause = min(self.pause * 2, LONGEST_PAUSE_SECONDS)

    def restart_if_due(self) -> None:
        if self.restart_at is not None and time.monotonic() >= self.restart_at:
            self.start()

    def terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def kill_group(self) -> None:
        """Kill whatever is left of the part, its own children included."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


class Housekeeping:
    """At each start of the worker: put back tasks a killed worker left running, and plan the
    recurring tasks (daily digest, attachment clean-up, routing of unanswered questions) until
    that has succeeded once. It runs beside the worker in a thread (each command is a Django
    start-up, seconds on a busy machine), so that neither the worker's start nor a stop request
    waits for it; never fatal: with the database away it is tried again at the next start."""

    def __init__(self):
        self.planned = False
        self.current: subprocess.Popen | None = None
        self.stopped = False
        self.thread: threading.Thread | None = None

    def __call__(self) -> None:
        if self.thread is not None and self.thread.is_alive():
            return
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _command(self, command: list[str]) -> bool:
        if self.stopped:
            return False
        self.current = subprocess.Popen(command, cwd=BASE_DIR)  # noqa: S603 - our own commands
        return self.current.wait() == 0

    def _run(self) -> None:
        if not self._command(_manage("rerun_tasks", "--interrupted", INTERRUPTED_TASK_MINUTES)):
            _log("could not requeue interrupted tasks (database unavailable?)")
        if not self.planned:
            self.planned = all(
                [self._command(_manage(name, "--schedule")) for name in SCHEDULED_COMMANDS]
            )

    def stop(self) -> None:
        self.stopped = True
        if self.current is not None and self.current.poll() is None:
            self.current.terminate()
        if self.thread is not None:
            self.thread.join(timeout=STOP_TIMEOUT_SECONDS)


def stop_all(parts: list[Part], timeout: float = STOP_TIMEOUT_SECONDS) -> None:
    for part in parts:
        part.restart_at = None
        part.terminate()
        if isinstance(part.before_start, Housekeeping):
            part.before_start.stop()
    deadline = time.monotonic() + timeout
    for part in parts:
        if part.process is None:
            continue
        try:
            part.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _log(f"{part.name} did not stop in {timeout:.0f} s; killing it")
        # uvicorn's worker processes share its process group: none may outlive the master.
        part.kill_group()


def default_site_url(host: str, port: str, environ) -> None:
    """Links in e-mails, exported conversations and calendar files point at ``SITE_URL``; when
    it is not set, at the address this launcher serves (the parts it starts inherit it)."""
    if not environ.get("SITE_URL"):
        host = "localhost" if host in ("0.0.0.0", "::") else host  # noqa: S104 - a comparison
        host = f"[{host}]" if ":" in host else host  # an IPv6 address
        environ["SITE_URL"] = f"http://{host}:{port}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument("--workers", default="1", help="uvicorn worker processes")
    parser.add_argument(
        "--exit-on-failure",
        action="store_true",
        help="stop everything when one part stops (for an outside supervisor)",
    )
    parser.add_argument(
        "--demo-sign-ins",
        action="store_true",
        help="print the demo sign-ins once the worker has sent what was queued (make run)",
    )
    options = parser.parse_args(argv)
    default_site_url(options.host, options.port, os.environ)

    parts = [
        Part("web server", web_command(options.host, options.port, options.workers)),
        Part(
            "task worker",
            _manage("db_worker", "--no-reload", "--queue-name", "*"),
            before_start=Housekeeping(),
        ),
    ]
    if options.demo_sign_ins:
        # Last in the terminal, after the worker's first lines: what to sign in with.
        subprocess.Popen(  # noqa: S603
            _manage("seed_demo", "--sign-ins-only", "--wait-for-queue", "30",
                    "--url", f"http://{options.host}:{options.port}/"),
            cwd=BASE_DIR,
        )  # fmt: skip
    stop_requested = []
    signal.signal(signal.SIGINT, lambda signum, frame: stop_requested.append(signum))
    signal.signal(signal.SIGTERM, lambda signum, frame: stop_requested.append(signum))
    return supervise(parts, lambda: bool(stop_requested), exit_on_failure=options.exit_on_failure)


def supervise(parts: list[Part], should_stop, *, exit_on_failure: bool = False) -> int:
    """Start the parts, restart any that stops, and stop them all when asked."""
    for part in parts:
        part.start()
    status = None
    while status is None and not should_stop():
        for part in parts:
            code = part.exited()
            if code is None:
                part.restart_if_due()
            elif exit_on_failure:
                _log(f"{part.name} stopped; stopping the rest")
                status = code or 1
                break
            else:
                part.schedule_restart(code)
        time.sleep(0.2)
    stop_all(parts)
    return status or 0


if __name__ == "__main__":
    os.chdir(BASE_DIR)
    sys.exit(main())
