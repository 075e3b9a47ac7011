"""Page timings of the real ASGI stack at a million posts (the shape ``pages_seed`` builds).

    .venv/bin/python bench/pages.py                # seed once (a few minutes), then measure
    .venv/bin/python bench/pages.py --reseed       # start from an empty database
    .venv/bin/python bench/pages.py --requests 100 --skip-pool-comparison

Uses its own PostgreSQL database (``--database-url``, default och_bench_pages on 127.0.0.1), never
the test database. Seeds it when it is missing or was seeded with another shape, starts uvicorn
with two workers against it in production mode (DJANGO_DEBUG=0, Redis channel layer and cache),
signs members in by creating sessions directly, and times every page with one client and with
four. Query counts come from the same views run in-process with the test client. The writes a
run makes (replies, read markers) are undone at the start of the next run, so runs compare.
"""

import argparse
import io
import json
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import pages_fields  # noqa: E402
import pages_http as bench_http  # noqa: E402
import pages_seed as seeding  # noqa: E402
import pages_words as words  # noqa: E402
import psycopg  # noqa: E402
from _machine import reference_note  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/och_bench_pages"
SECRET_KEY = "bench-pages-not-a-secret-only-for-the-benchmark-database-0123456789"  # noqa: S105
WRITE_PREFIXES = ("INSERT", "UPDATE", "DELETE")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per page")
    parser.add_argument("--clients", type=int, default=4, help="clients of the concurrent run")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--reseed", action="store_true", help="drop the database and seed again")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full shape")
    parser.add_argument(
        "--pages", default="", help="comma-separated keys to time only some pages, e.g. first,topic"
    )
    parser.add_argument("--seed-only", action="store_true", help="prepare the database and stop")
    parser.add_argument("--skip-pool-comparison", action="store_true")
    parser.add_argument(
        "--side-by-side",
        action="store_true",
        help="also time board page 1 and the pages of fields of work alternately",
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each page's SQL")
    parser.add_argument(
        "--time-limit", type=float, default=1500, help="seconds for the measurements"
    )
    return parser.parse_args()


def log(message: str) -> None:
    print(message, flush=True)


def load_note() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.2f} (1 min) {five:.2f} (5 min) on {os.cpu_count()} CPUs"


# --- database -------------------------------------------------------------------------------


def server_environment(args, pool: bool = True) -> dict[str, str]:
    # libpq reads PGAPPNAME: pg_stat_activity then tells the servers' connections apart.
    return {
        "PGAPPNAME": f"och-bench-pages-{'pool' if pool else 'persistent'}-{time.monotonic_ns()}",
        "DATABASE_URL": args.database_url,
        "DATABASE_POOL": "1" if pool else "0",
        "REDIS_URL": args.redis_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "onlinecityhall.settings",
    }


def seeded_shape(url: str) -> str | None:
    try:
        with psycopg.connect(url, connect_timeout=5) as connection:
            row = connection.execute("SELECT value FROM bench_seed WHERE key = 'shape'").fetchone()
            return json.dumps(row[0], sort_keys=True) if row else None
    except psycopg.Error:
        return None


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("och_bench"):
        raise SystemExit(f"Refusing to drop {name!r}: the bench only drops och_bench* databases.")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def prepare_database(args) -> dict:
    """Seed when needed; return the landmarks (topics and board the bench opens)."""
    from django.core.management import call_command
    from django.db import connection

    shape = seeding.Shape.scaled(args.scale)
    must_seed = args.reseed or seeded_shape(args.database_url) != shape.key()
    if must_seed:
        log(f"Seeding {args.database_url.rsplit('/', 1)[-1]}: {shape.key()}")
        recreate_database(args.database_url)
    started = time.monotonic()
    apply_migrations()
    if not must_seed:
        info = stored_info()
        reset_bench_writes(info)
        posts = info["counts"]["posts"]
        log(f"Using the seeded database ({posts:,} posts); earlier bench writes undone.")
        add_fields(info)
        add_moderation_work(info)
        return info
    call_command("load_municipalities", stdout=io.StringIO())
    log(f"  migrations and municipalities: {time.monotonic() - started:.1f} s")
    connection.ensure_connection()
    info = seeding.Loader(connection.connection, shape, log).run()
    info["seconds"] = round(time.monotonic() - started, 1)
    store_info(shape, info)
    log(f"Seeded in {info['seconds']:.0f} s: {info['counts']}")
    add_fields(info)
    add_moderation_work(info)
    return info


def add_fields(info: dict) -> None:
    """Fields of work and every member's assignment history (added once to a seeded database)."""
    from django.db import connection

    connection.ensure_connection()
    info["fields"] = pages_fields.add_field_data(connection.connection, words.DEPARTMENTS, log)


BENCH_MODERATORS = 4
MODERATION_WORK = 20  # join requests, flagged posts and members waiting for verification


def add_moderation_work(info: dict) -> None:
    """The moderators' clients and what waits for them (added once, kept by later runs): four
    moderators of the largest board who also moderate the site, and 20 join requests, 20
    flagged posts and 20 members waiting for verification."""
    from accounts.models import User
    from forums.models import Board, Membership, Post
    from moderation.models import Flag

    board = Board.objects.get(slug=info["largest_board"])
    readers = info["bench_readers"]
    moderators = list(
        Membership.objects.filter(board=board, role=Membership.Role.MODERATOR)
        .exclude(user_id__in=readers)
        .order_by("user_id")
        .values_list("user_id", flat=True)[:BENCH_MODERATORS]
    )
    members = Membership.objects.filter(board=board, role=Membership.Role.MEMBER)
    for user_id in (
        members.exclude(user_id__in=readers)
        .order_by("user_id")
        .values_list("user_id", flat=True)[: BENCH_MODERATORS - len(moderators)]
    ):
        Membership.objects.filter(board=board, user_id=user_id).update(
            role=Membership.Role.MODERATOR
        )
        moderators.append(user_id)
    User.objects.filter(pk__in=moderators).update(is_site_moderator=True)
    info["bench_moderators"] = moderators
    outsiders = User.objects.exclude(memberships__board=board).order_by("pk")
    if not Membership.objects.filter(board=board, state=Membership.State.PENDING).exists():
        Membership.objects.bulk_create(
            Membership(
                board=board, user_id=user_id, state=Membership.State.PENDING,
                request_message="4月に保健センターへ異動しました。接種の運用を学ばせてください。",
            )
            for user_id in outsiders.values_list("pk", flat=True)[:MODERATION_WORK]
        )  # fmt: skip
    if not Flag.objects.filter(resolved_at__isnull=True, post__topic__board=board).exists():
        posts = Post.objects.filter(topic__board=board).order_by("-id")[:MODERATION_WORK]
        reporter = readers[-1]
        Flag.objects.bulk_create(
            Flag(post=post, reporter_id=reporter, reason=Flag.Reason.PERSONAL_DATA,
                 note="住民の氏名が書かれています。")
            for post in posts
        )  # fmt: skip
    waiting = User.objects.filter(status=User.Status.PENDING).count()
    if waiting < MODERATION_WORK:
        template = User.objects.select_related("municipality").get(pk=readers[-1])
        User.objects.bulk_create(
            User(
                email=f"waiting{number}@example-town.jp", full_name=f"審査 待ち{number}",
                display_name=f"待ち{number}", department="福祉課", status=User.Status.PENDING,
                municipality=template.municipality, domain_mismatch=True,
            )
            for number in range(waiting, MODERATION_WORK)
        )  # fmt: skip


def apply_migrations() -> None:
    """In a new process: the tree may have gained apps and migrations since this one started."""
    import subprocess

    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=os.environ,
        check=True,
    )


def execute(sql: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def store_info(shape, info: dict) -> None:
    info["max_post_id"] = execute("SELECT max(id) FROM forums_post")[0][0]
    execute("CREATE TABLE bench_seed (key text PRIMARY KEY, value jsonb NOT NULL)")
    execute(
        "CREATE TABLE bench_seed_board AS SELECT id, post_count, last_posted_at FROM forums_board"
    )
    execute(
        "CREATE TABLE bench_seed_readstate AS SELECT id, user_id, topic_id, last_read_number, "
        "updated_at FROM forums_topicreadstate WHERE user_id = ANY(%s)",
        [info["bench_readers"]],
    )
    execute(
        "INSERT INTO bench_seed VALUES ('info', %s), ('shape', %s)",
        [json.dumps(info), shape.key()],
    )


def stored_info() -> dict:
    value = execute("SELECT value FROM bench_seed WHERE key = 'info'")[0][0]
    return json.loads(value) if isinstance(value, str) else value  # Django loads jsonb as text


def reset_bench_writes(info: dict) -> None:
    """Undo what earlier runs wrote: replies, their events and index rows, read markers."""
    from django.db import transaction

    newest = info["max_post_id"]
    with transaction.atomic():
        execute("DELETE FROM forums_topicevent")
        execute("DELETE FROM search_postdocument WHERE post_id > %s", [newest])
        execute("DELETE FROM forums_helpfulmark WHERE post_id > %s", [newest])
        touched = [row[0] for row in execute(
            "SELECT DISTINCT topic_id FROM forums_post WHERE id > %s", [newest]
        )]  # fmt: skip
        execute("DELETE FROM forums_post WHERE id > %s", [newest])
        execute(
            "UPDATE forums_topic t SET post_count = p.number, reply_count = p.number - 1, "
            "last_posted_at = p.created_at, last_poster_id = p.author_id, event_sequence = 0 "
            "FROM (SELECT DISTINCT ON (topic_id) topic_id, number, created_at, author_id "
            "FROM forums_post WHERE topic_id = ANY(%s) ORDER BY topic_id, number DESC) p "
            "WHERE t.id = p.topic_id",
            [touched],
        )
        execute(
            "UPDATE forums_board b SET post_count = s.post_count, "
            "last_posted_at = s.last_posted_at FROM bench_seed_board s WHERE s.id = b.id"
        )
        execute(
            "DELETE FROM forums_topicreadstate WHERE user_id = ANY(%s)", [info["bench_readers"]]
        )
        execute(
            "INSERT INTO forums_topicreadstate "
            "(id, user_id, topic_id, last_read_number, updated_at) "
            "SELECT id, user_id, topic_id, last_read_number, updated_at FROM bench_seed_readstate"
        )
        execute("DELETE FROM django_session")


# --- pages ----------------------------------------------------------------------------------


def sign_in(user_id: int) -> str:
    """A session for the member, as django.contrib.auth.login would store it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User

    user = User.objects.get(pk=user_id)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def board_cursor(board, position: int) -> str:
    """The ``?after=`` of the page that starts after the topic at ``position`` (0-based)."""
    from forums.models import Topic
    from forums.queries import encode_cursor

    ordered = Topic.objects.filter(board=board, is_pinned=False).order_by("-last_posted_at", "-id")
    moment, topic_id = ordered.values_list("last_posted_at", "id")[position]
    return quote(encode_cursor(moment, topic_id), safe="")


def build_pages(info: dict) -> list[bench_http.Page]:
    from forums.models import Board, Topic
    from forums.queries import TOPICS_PER_PAGE

    Page = bench_http.Page
    board = Board.objects.get(slug=info["largest_board"])
    listed = Topic.objects.filter(board=board, is_pinned=False).count()
    last_start = (listed - 1) // TOPICS_PER_PAGE * TOPICS_PER_PAGE
    typical = Topic.objects.get(pk=info["typical_topic"])
    longest = Topic.objects.get(pk=info["longest_topic"])
    board_path = f"/boards/{board.slug}/"
    deep = board_cursor(board, min(499, listed // 2))
    half = listed // 2 // TOPICS_PER_PAGE * TOPICS_PER_PAGE
    older = b'rel="next"'
    # Pages of fields of work must be no slower than board page 1 (its target, from its peer).
    board_target = min(50.0, 68 / 2)
    return [
        Page("boards", "board list (20 boards)", "/boards/", check=board_path.encode(),
             peer_p95=(90, 228)),
        Page("first", f"board page 1 ({board.topic_count:,} topics)", board_path, check=older,
             peer_p95=(68, 221)),
        Page("deep", "board, 500 topics deep (keyset)", f"{board_path}?after={deep}",
             check=older, peer_p95=(93, 252)),
        Page("half", f"board half way (topic {half + 1:,} on)",
             f"{board_path}?after={board_cursor(board, half - 1)}", check=older,
             peer_p95=(93, 252)),
        Page("last", f"board last page (topic {last_start + 1:,} on)",
             f"{board_path}?after={board_cursor(board, last_start - 1)}", absent=older,
             peer_p95=(125, 373)),
        Page("topic", f"typical topic ({typical.post_count} posts)", f"/topics/{typical.pk}/",
             check=b'id="post-1"', peer_p95=(37, 81)),
        Page("long", f"longest topic, page 1 ({longest.post_count:,} posts)",
             f"/topics/{longest.pk}/?page=1", check=b'id="post-1"', peer_p95=(94, 255)),
        Page("long-last", "longest topic, last page", f"/topics/{longest.pk}/?page=last",
             check=f'id="post-{longest.post_count}"'.encode(), peer_p95=(123, 297)),
        Page("home", "signed-in home (the member's boards)", "/",
             check=b'id="recent-heading"', peer_p95=(90, 314)),
        Page("notifications", "notifications", "/notifications/", check=b"<h1"),
        Page("search", "search results (接種 予約)", f"/search/?q={quote('接種 予約')}",
             check=b"<mark>", target=150.0),
        Page("members", "member directory", "/members/", check=b"<h1"),
        Page("profile", "a member's profile", f"/members/{info['bench_readers'][-1]}/",
             check=b"<h1"),
        Page("field", "field page (vaccination: boards, guide, calendar, answers, people)",
             "/fields/vaccination/", check=b'id="people-heading"', target=board_target),
        Page("people", "who did this job elsewhere (public assistance, cities)",
             "/fields/people/?field=public-assistance&kind=city", check=b"person-card",
             target=board_target),
        Page("moderation", "moderation home (a board and the site)", "/moderation/",
             check=b"<table", as_moderator=True),
        Page("board-queue", f"board moderation queue ({MODERATION_WORK} requests, "
             f"{MODERATION_WORK} flagged posts)", f"{board_path}moderation/",
             check="住民の氏名".encode(), as_moderator=True),
        Page("verification", f"verification queue ({MODERATION_WORK}+ waiting)",
             "/moderation/verification/", check="審査".encode(), as_moderator=True),
        Page("reply", "reply (POST, redirect)", f"/topics/{info['reply_topic']}/reply/",
             method="POST", expect=302, target=80.0),
    ]  # fmt: skip


def reply_text_factory():
    import random

    rng = random.Random()
    sentences = words.sentence_pool(rng, 2_000)
    return lambda: "\n\n".join(words.body_paragraphs(rng, sentences))


def count_queries(pages, session_key: str, moderator_key: str, explain: bool) -> None:
    """Run each page in-process with the test client and count its SQL (steady state: the
    first request may write the reader's marker, the counted one is the second)."""
    import uuid

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    reader = Client(HTTP_HOST="127.0.0.1")
    reader.cookies[settings.SESSION_COOKIE_NAME] = session_key
    moderator = Client(HTTP_HOST="127.0.0.1")
    moderator.cookies[settings.SESSION_COOKIE_NAME] = moderator_key
    make_text = reply_text_factory()
    for page in pages:
        client = moderator if page.as_moderator else reader

        def send(page=page, client=client):
            if page.method == "POST":
                data = {"body": make_text(), "submission_token": uuid.uuid4().hex, "post": ""}
                return client.post(page.path, data)
            return client.get(page.path)

        send()
        with CaptureQueriesContext(connection) as captured:
            response = send()
        if response.status_code != page.expect:
            raise bench_http.BenchError(f"{page.name}: HTTP {response.status_code} in-process")
        statements = [query["sql"] for query in captured.captured_queries]
        page.queries = len(statements)
        page.writes = sum(sql.lstrip().upper().startswith(WRITE_PREFIXES) for sql in statements)
        if explain:
            explain_statements(page.name, statements)


def explain_statements(name: str, statements: list[str]) -> None:
    from django.db import connection, transaction

    log(f"\n### {name}")
    for sql in statements:
        if not sql.lstrip().upper().startswith("SELECT") or "FOR UPDATE" in sql.upper():
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
            transaction.set_rollback(True)
        took = next((line for line in reversed(plan) if "Execution Time" in line), "")
        log(f"- {took.strip()}: {sql[:160]}")
        if float(took.split(":")[1].split()[0]) >= 1.0:
            log("\n".join(f"      {line}" for line in plan))


# --- runs -----------------------------------------------------------------------------------


def measure(args, info, pages, sessions, moderator_sessions, deadline) -> dict:
    reply_text = reply_text_factory()
    results = {"load_before": load_note()}
    with bench_http.Server(server_environment(args, pool=True)) as server:
        log(f"uvicorn (2 workers, psycopg pool) on 127.0.0.1:{server.port}; {load_note()}")
        readers = [bench_http.Client(server.port, {"sessionid": key}) for key in sessions]
        moderators = [
            bench_http.Client(server.port, {"sessionid": key}) for key in moderator_sessions
        ]
        jobs = [bench_http.Job(page, reply_text) for page in pages]
        for job in jobs:
            clients = moderators if job.page.as_moderator else readers
            if job.page.method == "POST":
                reply_page = job.page.path.removesuffix("reply/")
                for client in clients:
                    client.prepare_reply(reply_page)
            else:
                bench_http.verify(job, clients[0])
        for job in jobs:
            clients = moderators if job.page.as_moderator else readers
            backends = database_backends(server)
            # The warm-up requests are not timed, so their CPU is not counted either.
            bench_http.run_sequential(job, clients[0], 0, args.warmup, deadline)
            before = server.cpu_seconds(backends)
            timings = bench_http.run_sequential(job, clients[0], args.requests, 0, deadline)
            after = server.cpu_seconds(backends)
            job.page.timings["1"] = timings
            if timings:
                job.page.cpu = tuple(
                    (end - start) * 1000 / len(timings)
                    for start, end in zip(before, after, strict=True)
                )
            stats = bench_http.summary(timings)
            log(f"  1 client   {job.page.name}: p50 {stats['p50']:.1f} / p95 {stats['p95']:.1f} ms")
        for job in jobs:
            clients = moderators if job.page.as_moderator else readers
            timings, rate = bench_http.run_concurrent(
                job, clients, args.requests, max(2, args.warmup // 2), deadline
            )
            job.page.timings[str(len(clients))] = timings
            stats = bench_http.summary(timings)
            log(
                f"  {len(clients)} clients  {job.page.name}: p50 {stats['p50']:.1f} / "
                f"p95 {stats['p95']:.1f} ms, {rate:.0f} requests/s"
            )
    results["load_after"] = load_note()
    return results


SIDE_BY_SIDE = ("first", "field", "people")


def compare_pages(args, pages, sessions, deadline) -> list[dict]:
    """Board page 1 and the pages of fields of work on one server, request by request in turn,
    with one client and then with all: whatever else runs on the machine weighs on each page
    alike, so their ratio holds on a busy machine where the sequential figures do not."""
    chosen = {page.key: page for page in pages if page.key in SIDE_BY_SIDE}
    if "first" not in chosen or len(chosen) < 2:
        return []
    jobs = {key: bench_http.Job(page) for key, page in chosen.items()}
    rows = []
    with bench_http.Server(server_environment(args, pool=True)) as server:
        clients = [bench_http.Client(server.port, {"sessionid": key}) for key in sessions]
        single = bench_http.run_alternating(jobs, clients[:1], args.requests, args.warmup, deadline)
        many = bench_http.run_alternating(
            jobs, clients, args.requests, max(2, args.warmup // 2), deadline
        )
    board = bench_http.summary(single["first"]), bench_http.summary(many["first"])
    for key, page in chosen.items():
        one, all_clients = bench_http.summary(single[key]), bench_http.summary(many[key])
        rows.append(
            {
                "page": page.name,
                "1": one,
                "n": all_clients,
                "ratio_1": one["p95"] / board[0]["p95"],
                "ratio_n": all_clients["p95"] / board[1]["p95"],
            }
        )
        log(
            f"  side by side {page.name}: 1 client p50 {one['p50']:.1f} / p95 {one['p95']:.1f}; "
            f"{len(clients)} clients p50 {all_clients['p50']:.1f} / p95 {all_clients['p95']:.1f} ms"
        )
    return rows


def side_by_side_report(rows: list[dict], clients: int) -> str:
    lines = [
        f"| page | 1 client p50 / p95 | {clients} clients p50 / p95 "
        f"| p95 ÷ board page 1: 1 client / {clients} clients |",
        "|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['page']} | {row['1']['p50']:.0f} / {row['1']['p95']:.0f} "
            f"| {row['n']['p50']:.0f} / {row['n']['p95']:.0f} "
            f"| {row['ratio_1']:.2f} / {row['ratio_n']:.2f} |"
        )
    return "\n".join(lines)


MODES = {True: "psycopg pool", False: "persistent (CONN_MAX_AGE=60)"}


def compare_pool(args, pages, sessions, deadline) -> list[dict]:
    """Board page 1 and the typical topic on two servers side by side, one with the pool and
    one with persistent connections, requests alternating between them: whatever else runs on
    the machine weighs on both alike."""
    chosen = [page for page in pages if page.key in ("first", "topic")]
    apply_migrations()
    rows = []
    with (
        bench_http.Server(server_environment(args, pool=True)) as pooled,
        bench_http.Server(server_environment(args, pool=False)) as persistent,
    ):
        servers = {True: pooled, False: persistent}
        clients = {
            pool: [bench_http.Client(server.port, {"sessionid": key}) for key in sessions]
            for pool, server in servers.items()
        }
        for pool in servers:
            opened = new_connections_per_request(clients[pool][0], chosen[0].path)
            log(f"  {MODES[pool]}: {opened:.2f} new database connections per request")
            rows.append({"mode": MODES[pool], "new_connections_per_request": opened})
        for page in chosen:
            job = bench_http.Job(bench_http.Page(page.key, page.name, page.path))
            single = bench_http.run_interleaved(
                job, {pool: group[:1] for pool, group in clients.items()}, args.requests,
                args.warmup, deadline,
            )  # fmt: skip
            many = bench_http.run_interleaved(
                job, clients, args.requests, args.warmup // 2, deadline
            )
            for pool in servers:
                row = {
                    "mode": MODES[pool],
                    "page": page.name,
                    "1": bench_http.summary(single[pool]),
                    "n": bench_http.summary(many[pool]),
                    "connections": server_connections(servers[pool]),
                }
                rows.append(row)
                log(
                    f"  {row['mode']:<30} {page.name}: 1 client p50 {row['1']['p50']:.1f} / "
                    f"p95 {row['1']['p95']:.1f}; {len(sessions)} clients p50 "
                    f"{row['n']['p50']:.1f} / p95 {row['n']['p95']:.1f} ms"
                )
    return rows


def new_connections_per_request(client, path: str, count: int = 50) -> float:
    """PostgreSQL's count of sessions opened on the bench database, per request of one client
    (the other server is idle meanwhile)."""

    def sessions() -> int:
        with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
            return connection.execute(
                "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
            ).fetchone()[0]

    client.request("GET", path)
    before = sessions()
    for _ in range(count):
        client.request("GET", path)
    return (sessions() - before - 1) / count  # minus the probe's own session


def database_backends(server) -> list[int]:
    """PostgreSQL backend pids serving this server (the pool keeps them for the whole run;
    the CPU of backends opened later is not counted)."""
    with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s",
            [server.environment["PGAPPNAME"]],
        ).fetchall()
    return [pid for (pid,) in rows]


def server_connections(server) -> int:
    """Connections to the bench database that this server holds (by application_name)."""
    with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
            [server.environment["PGAPPNAME"]],
        ).fetchone()[0]


# --- report ---------------------------------------------------------------------------------


def cell(values: list[float]) -> str:
    stats = bench_http.summary(values)
    return f"{stats['p50']:.0f} / {stats['p95']:.0f}" if values else "–"


def report(pages, clients: int) -> str:
    lines = [
        f"| page | queries (writes) | KiB | 1 client p50 / p95 | {clients} clients p50 / p95 "
        "| CPU ms per request: app + PostgreSQL | target p95: 1 client / 4 clients | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for page in pages:
        single = bench_http.summary(page.timings.get("1", []))["p95"]
        many = bench_http.summary(page.timings.get(str(clients), []))["p95"]
        target_one = page.target
        target_many = None
        if page.peer_p95:
            target_one = min(target_one, page.peer_p95[0] / 2)
            target_many = page.peer_p95[1] / 2
        met = single <= target_one and (target_many is None or many <= target_many)
        targets = (
            f"{target_one:.0f} / {target_many:.0f}" if target_many else f"{target_one:.0f} / –"
        )
        cpu = f"{page.cpu[0]:.1f} + {page.cpu[1]:.1f}" if page.cpu else "–"
        lines.append(
            f"| {page.name} | {page.queries} ({page.writes}) | {page.size / 1024:.0f} "
            f"| {cell(page.timings.get('1', []))} | {cell(page.timings.get(str(clients), []))} "
            f"| {cpu} | {targets} | {'yes' if met else '**no**'} |"
        )
    p95 = {page.key: bench_http.summary(page.timings.get("1", []))["p95"] for page in pages}
    if not {"first", "deep", "half", "last"} <= p95.keys():
        return "\n".join(lines)
    lines.append("")
    lines.append(
        f"Deeper board pages against the first (1 client p95): 500 topics deep "
        f"{p95['deep'] / p95['first']:.2f}×, half way {p95['half'] / p95['first']:.2f}×, "
        f"last page {p95['last'] / p95['first']:.2f}× (target: as fast as the first page)."
    )
    return "\n".join(lines)


def pool_report(rows: list[dict], clients: int) -> str:
    lines = [
        f"| connections | page | 1 client p50 / p95 | {clients} clients p50 / p95 "
        "| database connections held |",
        "|---|---|---|---|---|",
    ]
    opened = {row["mode"]: row["new_connections_per_request"] for row in rows if "page" not in row}
    for row in (row for row in rows if "page" in row):
        lines.append(
            f"| {row['mode']} | {row['page']} | {row['1']['p50']:.0f} / {row['1']['p95']:.0f} "
            f"| {row['n']['p50']:.0f} / {row['n']['p95']:.0f} | {row['connections']} |"
        )
    lines.append("")
    lines.append(
        "New PostgreSQL connections per request: "
        + "; ".join(f"{mode} {value:.2f}" for mode, value in opened.items())
    )
    return "\n".join(lines)


def main() -> int:
    args = parse_arguments()
    os.environ.update(server_environment(args, pool=False))
    # SIGTERM (a timeout, a CI cancel) must still run the finally blocks that stop uvicorn.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    import django

    django.setup()
    from django.core.management import call_command

    log(f"bench/pages: {load_note()}; {reference_note()}")
    info = prepare_database(args)
    if args.seed_only:
        return 0
    call_command("collectstatic", interactive=False, verbosity=0)
    pages = build_pages(info)
    if args.pages:
        pages = [page for page in pages if page.key in args.pages.split(",")]
    if any(page.key == "search" for page in pages) and not search_index_built(info):
        log(
            "  search results left out: the search index of this database is not built "
            "(DATABASE_URL=… manage.py rebuild_search_index, about 13 minutes at a million "
            "posts; bench/search.py times search on its own)"
        )
        pages = [page for page in pages if page.key != "search"]
    sessions = [sign_in(user_id) for user_id in info["bench_readers"][: args.clients]]
    moderators = [sign_in(user_id) for user_id in info["bench_moderators"][: args.clients]]
    count_queries(pages, sessions[0], moderators[0], args.explain)
    deadline = time.monotonic() + args.time_limit
    results = measure(args, info, pages, sessions, moderators, deadline)
    results["code"] = code_version()
    log("\n## Pages (psycopg pool, uvicorn with 2 workers)\n")
    log(report(pages, args.clients))
    log(f"\nLoad: before {results['load_before']}; after {results['load_after']}.")
    log(f"Code: {results['code']}")
    if args.side_by_side:
        results["side_by_side"] = compare_pages(args, pages, sessions, deadline)
        if results["side_by_side"]:
            log("\n## Board page 1 and the pages of fields of work, alternating\n")
            log(side_by_side_report(results["side_by_side"], args.clients))
            log(f"Load after the side-by-side run: {load_note()}.")
    rows = []
    if not args.skip_pool_comparison:
        try:
            rows = compare_pool(args, pages, sessions, deadline)
        except bench_http.BenchError as error:
            log(f"Pool comparison stopped: {error}")
        if rows:
            log("\n## Connection pool against persistent connections\n")
            log(pool_report(rows, args.clients))
            log(f"Load after the comparison: {load_note()}.")
    if time.monotonic() > deadline:
        log(
            f"Stopped at the time limit ({args.time_limit:.0f} s): some figures have fewer samples."
        )
    save(args, info, pages, rows, results)
    return 0


def search_index_built(info: dict) -> bool:
    """Whether (nearly) every seeded post is in the search index."""
    indexed = execute("SELECT count(*) FROM search_postdocument")[0][0]
    return indexed >= 0.9 * info["counts"]["posts"]


def code_version() -> str:
    """The commit and whether the working tree differs from it: others edit while we measure."""
    import subprocess

    def git(*arguments: str) -> str:
        return subprocess.run(
            ["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    changed = len(git("status", "--porcelain").splitlines())
    return f"{git('rev-parse', '--short', 'HEAD')} with {changed} changed or new files"


def save(args, info, pages, rows, results) -> None:
    folder = BENCH / "results"
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    data = {
        "arguments": vars(args),
        "seed": info,
        "pages": [
            {
                "name": page.name,
                "path": page.path,
                "queries": page.queries,
                "writes": page.writes,
                "bytes": page.size,
                "timings": {key: bench_http.summary(value) for key, value in page.timings.items()},
                "cpu_ms_per_request": page.cpu,
            }
            for page in pages
        ],
        "pool_comparison": rows,
        **results,
    }
    path = folder / f"pages-{stamp}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    log(f"Results: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
