"""One command for the whole site: the ASGI web server and the background task worker.

``python -m onlinecityhall.run [--host H] [--port P] [--workers N]`` (what ``make run`` and
``make serve`` do) first puts back in the queue any task a killed worker left running, plans the
daily digest, then starts uvicorn and ``manage.py db_worker`` side by side. If either stops, the
other is stopped too and the launcher exits with its status, so that a supervisor (systemd,
Docker) restarts the pair. Ctrl+C or SIGTERM stops both gracefully: the worker finishes the task
it is running, and what is still queued waits in the database for the next start.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
STOP_TIMEOUT_SECONDS = 30


def _manage(*arguments: str) -> list[str]:
    return [sys.executable, str(BASE_DIR / "manage.py"), *arguments]


def _stop(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument("--workers", default="1", help="uvicorn worker processes")
    parser.add_argument(
        "--demo-sign-ins",
        action="store_true",
        help="print the demo sign-ins once the worker has sent what was queued (make run)",
    )
    options = parser.parse_args()

    # Fixed commands of our own, no shell: nothing from outside reaches them but the options.
    subprocess.run(_manage("rerun_tasks", "--interrupted", "10"), check=True)  # noqa: S603
    subprocess.run(_manage("send_digests", "--schedule"), check=True)  # noqa: S603
    subprocess.run(_manage("clean_attachments", "--schedule"), check=True)  # noqa: S603
    subprocess.run(_manage("route_questions", "--schedule"), check=True)  # noqa: S603
    web = [
        *(sys.executable, "-m", "uvicorn", "onlinecityhall.asgi:application"),
        *("--host", options.host, "--port", options.port, "--workers", options.workers),
        *("--proxy-headers", "--no-server-header"),
    ]
    worker = _manage("db_worker", "--no-reload", "--queue-name", "*")
    # Own sessions: Ctrl+C reaches only this launcher, which asks each child once to stop (a
    # second signal would make the worker abandon the task it is running).
    children = [
        subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True)  # noqa: S603
        for command in (web, worker)
    ]
    if options.demo_sign_ins:
        # Last in the terminal, after the worker's first lines: what to sign in with.
        subprocess.Popen(  # noqa: S603
            _manage("seed_demo", "--sign-ins-only", "--wait-for-queue", "30",
                    "--url", f"http://{options.host}:{options.port}/"),
            cwd=BASE_DIR,
        )  # fmt: skip
    stopping = False

    def request_stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    status = 0
    while not stopping:
        exited = [child for child in children if child.poll() is not None]
        if exited:
            status = exited[0].returncode or 1
            print(f"{exited[0].args[2]} stopped; stopping the rest.", file=sys.stderr)
            break
        time.sleep(0.5)
    _stop(children)
    return status


if __name__ == "__main__":
    os.chdir(BASE_DIR)
    sys.exit(main())
