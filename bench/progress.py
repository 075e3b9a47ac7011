"""Progress table benchmark: 170 organisations saving their rows within a minute while 500
members watch the table live, against a bare channel-layer fan-out; then the table page with
1,800 rows.

    .venv/bin/python bench/progress.py                      # 3 runs, 170 savers, 500 watchers
    .venv/bin/python bench/progress.py --runs 1 --watchers 100 --page-requests 30

On PostgreSQL (database och_bench_progress, created and migrated if missing) and Redis
(database 6, so that nothing else's groups mix in):

1. the product: ``--workers`` uvicorn processes (DJANGO_DEBUG=1, as bench/live), watchers split
   evenly between them; every watcher is a signed-in board member (session written straight into
   the database) with ``/ws/progress/<id>/?since=<sequence>`` open. 170 members of 170
   organisations each save their organisation's row through the real row form (CSRF token
   fetched beforehand), one every ``--seconds``/170 s, each POST started on schedule whatever the
   previous one is doing. Latency: from just before the POST to the ``row.saved`` event of that
   organisation at each socket. A socket that has not heard an organisation's save within 10 s
   lost it.
2. the floor: bench/_bare_fanout.py on the same number of processes and the same channel layer:
   one ``group_send`` per save at the same moments, carrying the product's own event JSON.
3. ``--runs`` pairs of 1 and 2; the ratio of p99 latencies is the median over the runs.
4. the table page: a second table with 1,800 organisations' rows (8 columns, 14,400 cells) and a
   revision each, requested ``--page-requests`` times by one client from one uvicorn process in
   production mode (debug off): reloads, reloads asking for gzip, and each right after a save.
"""

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import random
import re
import signal
import statistics
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.live import (  # noqa: E402 - the path is set just above
    STARTED,
    close_all,
    connect_all,
    forget_channel_layer_keys,
    log_problems,
    percentile,
    raise_open_file_limit,
    sessions_for,
    setup_django,
    start_servers,
    stop_servers,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/och_bench_progress"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/6"
LOST_AFTER = 10.0
PAGE_ROWS = 1800
COLUMNS = [
    {"question": "65歳以上の接種率", "kind": "percentage"},
    {"question": "12〜64歳の接種率", "kind": "percentage"},
    {"question": "5〜11歳の接種率", "kind": "percentage"},
    {"question": "累計接種者数", "kind": "number", "unit": "人"},
    {"question": "会場数", "kind": "number", "unit": "か所"},
    {"question": "集団接種の開始日", "kind": "date"},
    {"question": "個別接種（医療機関）", "kind": "yes_no"},
    {"question": "主な予約方法", "kind": "choice", "choices": ["Web", "電話", "窓口", "併用"]},
]


# --- Data --------------------------------------------------------------------------------------


def organisations(count: int):
    """``count`` municipalities (the packaged list, then made-up towns with valid codes)."""
    from django.core.management import call_command

    from accounts.models import Municipality, local_government_check_digit

    if not Municipality.objects.exists():
        call_command("load_municipalities", verbosity=0)
    existing = list(Municipality.objects.order_by("code")[:count])
    number = 0
    while len(existing) < count:
        five = f"49{number:03d}"
        existing.append(
            Municipality.objects.get_or_create(
                code=five + local_government_check_digit(five),
                defaults={"prefecture": "沖縄県", "name": f"計測町{number}", "kind": "town"},
            )[0]
        )
        number += 1
    return existing


def members(board, municipalities, prefix: str):
    """One verified member of ``board`` per municipality (created once, by e-mail)."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from forums.models import Membership

    password = make_password("bench-progress-password")
    emails = [f"{prefix}{index}@bench-progress.lg.jp" for index in range(len(municipalities))]
    known = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create(
        User(
            email=email,
            full_name=f"計測 {index}号",
            display_name=f"計測{index}",
            municipality=municipality,
            status=User.Status.VERIFIED,
            password=password,
        )
        for index, (email, municipality) in enumerate(zip(emails, municipalities, strict=True))
        if email not in known
    )
    users = list(User.objects.filter(email__in=emails).order_by("pk"))
    Membership.objects.bulk_create(
        [Membership(user=user, board=board) for user in users], ignore_conflicts=True
    )
    return users


def board():
    from forums.models import Board, WorkField

    work_field, _ = WorkField.objects.get_or_create(
        slug="bench-progress", defaults={"name_ja": "計測", "name_en": "Bench"}
    )
    found, _ = Board.objects.get_or_create(
        slug="bench-progress",
        defaults={"name_ja": "進捗表の計測", "name_en": "Progress bench", "field": work_field},
    )
    return found


def new_table(author, target_board, title: str):
    from progress import services

    table = services.define_table(author, target_board, title=title, columns=COLUMNS)
    return table, list(table.columns.order_by("position"))


def typed_row(columns, rng) -> dict:
    senior = rng.uniform(55, 92)
    return {
        columns[0].key: f"{senior:.1f}",
        columns[1].key: f"{senior - rng.uniform(15, 35):.1f}",
        columns[2].key: f"{rng.uniform(5, 30):.1f}",
        columns[3].key: f"{rng.randint(10, 4000) * 100:,}",
        columns[4].key: str(rng.randint(1, 40)),
        columns[5].key: f"R4.{rng.randint(1, 3)}.{rng.randint(1, 28)}",
        columns[6].key: rng.choice(["yes", "no"]),  # the values of the form's select
        columns[7].key: rng.choice(["Web", "電話", "窓口", "併用"]),
    }


def prepare_live(savers: int, watchers: int):
    """A fresh table, ``savers`` members of as many organisations and ``watchers`` readers."""
    target = board()
    places = organisations(savers)
    saving = members(target, places, "saver")
    watching = members(
        target, [places[index % len(places)] for index in range(watchers)], "watcher"
    )
    table, columns = new_table(saving[0], target, f"計測 {time.strftime('%H:%M:%S')}")
    table.refresh_from_db()
    rng = random.Random(17)
    forms = [typed_row(columns, rng) for _ in saving]
    sessions = sessions_for([user.pk for user in saving + watching])
    return table, columns, saving, forms, sessions[: len(saving)], sessions[len(saving) :]


def prepare_page_table():
    """The 1,800-row table (made once, kept for later runs): rows and one revision each."""
    from progress import services
    from progress.models import ProgressRow, ProgressRowRevision, ProgressTable

    target = board()
    existing = ProgressTable.objects.filter(board=target, title="1,800団体の表").first()
    if existing is not None:
        return existing
    places = organisations(PAGE_ROWS)
    people = members(target, places, "pageorg")
    table, columns = new_table(people[0], target, "1,800団体の表")
    rng = random.Random(18)
    rows = [
        ProgressRow(
            table=table,
            municipality=person.municipality,
            values=services.read_row(columns, typed_row(columns, rng)),
            updated_by=person,
        )
        for person in people
    ]
    ProgressRow.objects.bulk_create(rows, batch_size=500)
    ProgressRowRevision.objects.bulk_create(
        [
            ProgressRowRevision(
                row=row, table=table, version=1, values=row.values, user=row.updated_by
            )
            for row in rows
        ],
        batch_size=500,
    )
    return table


# --- Live run ----------------------------------------------------------------------------------


@dataclass
class Run:
    app: str
    watchers: int
    saves: int
    started: dict = field(default_factory=dict)  # key -> perf_counter before the POST
    arrivals: dict = field(default_factory=dict)  # key -> {socket: perf_counter}
    statuses: list = field(default_factory=list)
    answered_ms: list = field(default_factory=list)  # each POST, until its response
    duplicates: int = 0
    connect_failures: int = 0
    sample: str = ""
    events: list = field(default_factory=list)  # each event as the first socket heard it
    problems: dict = field(default_factory=dict)

    def heard(self, client: int, raw: str, key_of) -> None:
        now = time.perf_counter()
        key = key_of(raw)
        if key is None:
            return
        seen = self.arrivals.setdefault(key, {})
        if client in seen:
            self.duplicates += 1
            return
        seen[client] = now
        if client == 0:
            self.events.append(raw)
        if not self.sample:
            self.sample = raw

    def latencies_ms(self) -> list[float]:
        return [
            (moment - self.started[key]) * 1000
            for key, seen in self.arrivals.items()
            if key in self.started
            for moment in seen.values()
            if moment - self.started[key] <= LOST_AFTER
        ]

    def lost(self) -> int:
        return self.watchers * len(self.started) - len(self.latencies_ms())

    def complete(self) -> bool:
        return len(self.started) == self.saves and all(
            len(self.arrivals.get(key, {})) == self.watchers for key in self.started
        )


def product_key(raw: str):
    event = json.loads(raw)
    return event.get("organisation") if event.get("type") == "row.saved" else None


def bare_key(raw: str):
    event = json.loads(raw)
    return (
        json.loads(event["html"]).get("organisation")
        if event.get("type") == "post.created"
        else None
    )


async def listen(client: int, connection, run: Run, key_of) -> None:
    with contextlib.suppress(websockets.ConnectionClosed):
        async for raw in connection:
            run.heard(client, raw if isinstance(raw, str) else raw.decode(), key_of)


def csrf_for(port: int, session: str, table_id: int) -> tuple[str, str]:
    from django.conf import settings

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(
        "GET",
        f"/progress/{table_id}/",
        headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"},
    )
    answer = connection.getresponse()
    html = answer.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", answer.getheader("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return cookie, token


def save_through_form(port, session, csrf, table_id, columns, typed) -> tuple[float, int]:
    from django.conf import settings

    cookie, token = csrf
    form = {"csrfmiddlewaretoken": token, "version": "0"}
    form.update({f"c{column.pk}": typed[column.key] for column in columns})
    origin = f"http://127.0.0.1:{port}"
    headers = {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; csrftoken={cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": origin,
        "Referer": f"{origin}/progress/{table_id}/",
    }
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = urllib.parse.urlencode(form)
    start = time.perf_counter()
    connection.request("POST", f"/progress/{table_id}/row/", body=body, headers=headers)
    return start, connection.getresponse().status


def bare_push(port: int, body: str, number: int) -> tuple[float, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    start = time.perf_counter()
    connection.request("POST", f"/push/{number}/", body=body.encode())
    return start, connection.getresponse().status


async def drive(run: Run, targets, pushes, interval: float, key_of) -> None:
    """Connect every watcher, start each push on schedule, wait for the arrivals."""
    connections = await connect_all(targets, run)
    listeners = [
        asyncio.create_task(listen(client, connection, run, key_of))
        for client, connection in enumerate(connections)
        if connection is not None
    ]
    try:
        await asyncio.sleep(2)
        begin = time.perf_counter()

        async def one(number, key, push):
            await asyncio.sleep(max(0.0, begin + number * interval - time.perf_counter()))
            start, status = await asyncio.to_thread(push)
            run.answered_ms.append((time.perf_counter() - start) * 1000)
            run.started[key] = start
            run.statuses.append(status)

        await asyncio.gather(*(one(number, key, push) for number, (key, push) in enumerate(pushes)))
        deadline = time.perf_counter() + LOST_AFTER
        while not run.complete() and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
    finally:
        await close_all(connections)
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)


def server_env(args, *, debug: bool = True) -> dict:
    from django.conf import settings

    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "DJANGO_DEBUG": "1" if debug else "0",
        "DJANGO_SETTINGS_MODULE": "onlinecityhall.settings",
        "BENCH_CHANNEL_LAYERS": json.dumps(settings.CHANNEL_LAYERS),
        "PYTHONUNBUFFERED": "1",
    }
    if not debug:
        env.update(
            # The sessions written by this process are signed with its key.
            DJANGO_SECRET_KEY=settings.SECRET_KEY,
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SSL_REDIRECT="0",
            DJANGO_LOG_LEVEL="WARNING",
        )
    return env


async def product_run(args, log_dir: Path) -> Run:
    from django.conf import settings

    table, columns, savers, forms, saver_sessions, watcher_sessions = await asyncio.to_thread(
        prepare_live, args.savers, args.watchers
    )
    forget_channel_layer_keys(args.redis_url)
    servers = start_servers("product", args.workers, server_env(args), log_dir, "product")
    run = Run("product", args.watchers, args.savers)
    try:
        targets = []
        for client, session in enumerate(watcher_sessions):
            port = servers[client % len(servers)].port
            url = f"ws://127.0.0.1:{port}/ws/progress/{table.pk}/?since={table.event_sequence}"
            headers = {
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
                "Origin": f"http://127.0.0.1:{port}",
            }
            targets.append((url, headers))
        csrfs = [
            await asyncio.to_thread(csrf_for, servers[index % len(servers)].port, session, table.pk)
            for index, session in enumerate(saver_sessions)
        ]
        pushes = []
        for index, saver in enumerate(savers):
            port = servers[index % len(servers)].port

            def push(port=port, index=index):
                return save_through_form(
                    port, saver_sessions[index], csrfs[index], table.pk, columns, forms[index]
                )

            pushes.append((saver.municipality_id, push))
        await drive(run, targets, pushes, args.seconds / args.savers, product_key)
    finally:
        stop_servers(servers)
    run.problems = log_problems(servers)
    return run


async def bare_run(args, log_dir: Path, events: list[str]) -> Run:
    """The same pushes at the same moments through a bare fan-out, each carrying the product's
    event of the same rank (so the bytes match: most events small, some with the summary)."""
    forget_channel_layer_keys(args.redis_url)
    servers = start_servers("bare", args.workers, server_env(args), log_dir, "bare")
    run = Run("bare", args.watchers, args.savers)
    templates = [json.loads(raw) for raw in events] or [{"html": "x" * 4000}]
    try:
        targets = [
            (
                f"ws://127.0.0.1:{servers[client % len(servers)].port}/ws/",
                {"Origin": f"http://127.0.0.1:{servers[client % len(servers)].port}"},
            )
            for client in range(args.watchers)
        ]
        pushes = []
        for number in range(args.savers):
            template = templates[number % len(templates)]
            body = json.dumps({**template, "organisation": number}, ensure_ascii=False)
            port = servers[number % len(servers)].port
            pushes.append(
                (number, lambda port=port, body=body, number=number: bare_push(port, body, number))
            )
        await drive(run, targets, pushes, args.seconds / args.savers, bare_key)
    finally:
        stop_servers(servers)
    run.problems = log_problems(servers)
    return run


# --- Table page --------------------------------------------------------------------------------


def page_request(port: int, session: str, table_id: int, *, gzip=False) -> tuple[float, int]:
    from django.conf import settings

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
    if gzip:
        headers["Accept-Encoding"] = "gzip"
    start = time.perf_counter()
    connection.request("GET", f"/progress/{table_id}/", headers=headers)
    answer = connection.getresponse()
    size = len(answer.read())
    if answer.status != 200:
        raise RuntimeError(f"table page answered {answer.status}")
    return (time.perf_counter() - start) * 1000, size


def time_page(args, log_dir: Path) -> dict:
    """One client, one production-mode process: the page as members reload it (nothing saved
    in between: the shared parts come from the cache), the same asking for gzip as browsers
    do, and the page right after a save (every request finds a new table state: the summary,
    charts and row order are computed again, the rows come from what the process keeps,
    brought up to date by the save's event)."""
    from django.core.management import call_command
    from django.db import connection

    from bench.live import cpu_seconds
    from progress import services
    from progress.queries import columns_of

    table = prepare_page_table()
    with connection.cursor() as cursor:
        # Planner statistics, as autovacuum keeps them on a live database: without them the
        # freshly bulk-loaded tables get row estimates of 1 and nested-loop plans.
        cursor.execute("ANALYZE")
    columns = columns_of(table)
    reader = sessions_for([table.author_id])[0]
    call_command("collectstatic", interactive=False, verbosity=0)  # debug off needs the manifest
    savers = list(table.rows.select_related("updated_by").order_by("pk")[:50])
    # Unseeded: the same values as an earlier run's would be no change, and no new state.
    rng = random.Random()
    servers = start_servers("product", 1, server_env(args, debug=False), log_dir, "page")
    figures = {}
    try:
        port = servers[0].port
        for _ in range(5):  # warm the process up
            page_request(port, reader, table.pk)
        for name in ("reload", "reload, gzip (as browsers ask)", "after a save"):
            timings, cpu_before = [], cpu_seconds(servers)
            for number in range(args.page_requests):
                if name == "after a save":
                    row = savers[number % len(savers)]
                    row.refresh_from_db(fields=["version"])
                    services.save_row(row.updated_by, table, typed_row(columns, rng), row.version)
                    table.refresh_from_db(fields=["event_sequence"])
                elapsed, size = page_request(port, reader, table.pk, gzip="gzip" in name)
                timings.append(elapsed)
            cpu = (cpu_seconds(servers) - cpu_before) * 1000 / args.page_requests
            figures[name] = {
                "p50": percentile(timings, 0.5),
                "p95": percentile(timings, 0.95),
                "cpu": cpu,
                "kib": size / 1024,
            }
    finally:
        stop_servers(servers)
    return {
        "rows": table.rows.count(),
        "cells": table.rows.count() * len(columns),
        "figures": figures,
        "problems": log_problems(servers),
    }


# --- Report ------------------------------------------------------------------------------------


def figures(run: Run) -> dict:
    latencies = run.latencies_ms()
    return {
        "p50": percentile(latencies, 0.5),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies, default=float("nan")),
        "lost": run.lost(),
        "dup": run.duplicates,
    }


def print_run(number: int, product: Run, bare: Run) -> float:
    mine, floor = figures(product), figures(bare)
    for run, row in ((product, mine), (bare, floor)):
        statuses = sorted(set(run.statuses))
        print(
            f"| {number} | {run.app} | {row['p50']:.0f} | {row['p95']:.0f} | {row['p99']:.0f} |"
            f" {row['max']:.0f} | {row['lost']} | {row['dup']} | {run.connect_failures} |"
            f" {statuses} | {percentile(run.answered_ms, 0.5):.0f} |"
            f" {percentile(run.answered_ms, 0.95):.0f} | {sum(run.problems.values())} |",
            flush=True,
        )
    return mine["p99"] / floor["p99"] if floor["p99"] else float("nan")


async def main_async(args) -> None:
    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix="bench-progress-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    print(
        f"\n{args.savers} organisations saving over {args.seconds:.0f} s, {args.watchers} watchers,"
        f" {args.workers} workers, {args.runs} runs\n"
    )
    print(
        "| run | app | p50 ms | p95 ms | p99 ms | max ms | lost | dup | failed connects |"
        " POST statuses | POST answered p50 ms | p95 ms | log problems |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|", flush=True)
    ratios, products = [], []
    for number in range(1, args.runs + 1):
        product = await product_run(args, log_dir)
        bare = await bare_run(args, log_dir, product.events)
        ratios.append(print_run(number, product, bare))
        products.append(product)
        for run in (product, bare):
            for line, count in sorted(run.problems.items(), key=lambda item: -item[1])[:5]:
                print(f"    {run.app}: {count} × {line}")
    if ratios:
        median_ratio = statistics.median(ratios)
        lost = sum(run.lost() + run.connect_failures for run in products)
        sizes = [len(raw.encode()) for raw in products[-1].events] or [0]
        print(
            f"\nevent payload: median {statistics.median(sizes):,.0f} bytes, largest"
            f" {max(sizes):,} bytes (the events that carry the summary and charts, at most one"
            " every 3 s); the bare fan-out sends the product's events, sizes included"
        )
        print(
            f"p99 product/bare per run: {', '.join(f'{ratio:.2f}' for ratio in ratios)};"
            f" median {median_ratio:.2f} (target ≤ 1.25)"
        )
        print(f"lost across the product runs: {lost} (target 0)")
    if args.page_requests:
        page = await asyncio.to_thread(time_page, args, log_dir)
        print(
            f"\ntable page, {page['rows']:,} rows ({page['cells']:,} cells), one client,"
            f" {args.page_requests} requests each (target p95 < 100 ms):"
        )
        print("| page | KiB | p50 ms | p95 ms | server CPU ms per request |")
        print("|---|---|---|---|---|")
        for name, row in page["figures"].items():
            print(
                f"| {name} | {row['kib']:.0f} | {row['p50']:.0f} | {row['p95']:.0f} |"
                f" {row['cpu']:.0f} |"
            )
        print(f"{sum(page['problems'].values())} log problems")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\nload average at the end: {load} ({os.cpu_count()} CPUs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--savers", type=int, default=170)
    parser.add_argument("--watchers", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=60.0, help="time over which all save")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--page-requests", type=int, default=100)
    parser.add_argument("--timeout", type=int, default=1800, help="overall limit in seconds")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--log-dir", help="keep the servers' logs here")
    args = parser.parse_args()

    def give_up(signum, frame):
        raise TimeoutError(f"bench/progress did not finish within {args.timeout} s")

    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(args.timeout)
    raise_open_file_limit(args.watchers + args.savers)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average at the start: {load} ({os.cpu_count()} CPUs)", flush=True)
    try:
        setup_django(args.database_url, args.redis_url, "onlinecityhall.settings")
        asyncio.run(main_async(args))
    finally:
        signal.alarm(0)
        for process in STARTED:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


if __name__ == "__main__":
    main()
