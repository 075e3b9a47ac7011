"""The launcher keeps the web server up when the worker fails, and stops everything it started.

These drive ``onlinecityhall.run`` with small stand-in processes: a worker that dies, a server
whose child process ignores SIGTERM (as uvicorn's workers did while blocked in a Redis read).
"""

import os
import signal
import sys
import threading
import time

import pytest

from onlinecityhall import run


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purpose; /proc tells it apart.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


@pytest.fixture(autouse=True)
def _short_pauses(monkeypatch):
    monkeypatch.setattr(run, "FIRST_PAUSE_SECONDS", 0.1)


def test_a_failing_worker_is_restarted_and_the_web_server_keeps_running(tmp_path):
    starts = tmp_path / "starts"
    web = run.Part("web server", _python("import time; time.sleep(60)"))
    worker = run.Part(
        "task worker",
        _python(f"open({str(starts)!r}, 'a').write('x'); raise SystemExit(1)"),
    )
    deadline = time.monotonic() + 30

    def enough_restarts() -> bool:
        return (starts.exists() and len(starts.read_text()) >= 3) or time.monotonic() > deadline

    web_pids = []
    original_start = web.start

    def start_web():
        original_start()
        web_pids.append(web.process.pid)

    web.start = start_web
    status = run.supervise([web, worker], enough_restarts)
    assert status == 0
    assert len(starts.read_text()) >= 3  # the worker came back after each failure
    assert len(web_pids) == 1  # the web server was never stopped meanwhile
    assert worker.pause > run.FIRST_PAUSE_SECONDS  # the pause grew


def test_exit_on_failure_stops_the_pair_for_an_outside_supervisor():
    web = run.Part("web server", _python("import time; time.sleep(60)"))
    worker = run.Part("task worker", _python("raise SystemExit(3)"))
    status = run.supervise([web, worker], lambda: False, exit_on_failure=True)
    assert status == 3
    assert web.process.poll() is not None


def test_stopping_kills_children_that_ignore_sigterm_within_the_timeout(tmp_path):
    pid_file = tmp_path / "grandchild"
    stubborn = (
        "import os, signal, subprocess, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "child = subprocess.Popen([sys.executable, '-c', "
        "'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(120)\n"
    )
    web = run.Part("web server", _python(stubborn))
    web.start()
    deadline = time.monotonic() + 20
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    grandchild = int(pid_file.read_text())
    started = time.monotonic()
    run.stop_all([web], timeout=1)
    assert time.monotonic() - started < 10
    assert not _alive(web.process.pid)
    deadline = time.monotonic() + 5
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(grandchild)  # nothing orphaned holding the port


def test_a_stop_request_stops_every_part_with_sigterm_first():
    stop = threading.Event()
    web = run.Part("web server", _python("import time; time.sleep(60)"))
    worker = run.Part("task worker", _python("import time; time.sleep(60)"))
    timer = threading.Timer(0.5, stop.set)
    timer.start()
    assert run.supervise([web, worker], stop.is_set) == 0
    assert web.process.poll() is not None and worker.process.poll() is not None
    assert web.process.returncode == -signal.SIGTERM


def test_the_server_trusts_forwarded_headers_only_from_the_configured_proxies(monkeypatch):
    monkeypatch.delenv("DJANGO_TRUSTED_PROXIES", raising=False)
    assert "--no-proxy-headers" in run.web_command("127.0.0.1", "8000", "1")
    monkeypatch.setenv("DJANGO_TRUSTED_PROXIES", "10.0.0.5, 10.1.0.0/16")
    command = run.web_command("127.0.0.1", "8000", "1")
    assert command[command.index("--forwarded-allow-ips") + 1] == "10.0.0.5,10.1.0.0/16"


def test_websockets_are_served_without_per_message_compression_unless_asked(monkeypatch):
    monkeypatch.delenv("WS_PER_MESSAGE_DEFLATE", raising=False)
    command = run.web_command("127.0.0.1", "8000", "1")
    assert command[command.index("--ws-per-message-deflate") + 1] == "false"
    monkeypatch.setenv("WS_PER_MESSAGE_DEFLATE", "1")
    assert "--ws-per-message-deflate" not in run.web_command("127.0.0.1", "8000", "1")


def test_links_point_at_the_served_address_unless_site_url_is_set():
    environ = {}
    run.default_site_url("127.0.0.1", "8765", environ)
    assert environ["SITE_URL"] == "http://127.0.0.1:8765"
    environ = {}
    run.default_site_url("0.0.0.0", "8000", environ)  # noqa: S104 - a launcher option
    assert environ["SITE_URL"] == "http://localhost:8000"
    environ = {}
    run.default_site_url("::1", "8000", environ)
    assert environ["SITE_URL"] == "http://[::1]:8000"
    environ = {"SITE_URL": "https://cityhall.example.jp"}
    run.default_site_url("127.0.0.1", "8000", environ)
    assert environ["SITE_URL"] == "https://cityhall.example.jp"
