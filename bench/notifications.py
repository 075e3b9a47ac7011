"""Notifications benchmark: the time of a reply POST for a topic with 0, 100 and 500 watchers.

The fan-out to watchers runs in the task worker, so the poster's request must cost the same
whatever the watcher count. For each count this seeds a topic with that many watching members,
times REPLIES reply POSTs through Django's test client (the whole middleware stack, a real
database), and then times the worker's fan-out of one reply for comparison.

    .venv/bin/python bench/notifications.py                       # PostgreSQL, och_bench_notify
    .venv/bin/python bench/notifications.py --sqlite /tmp/bench.sqlite3
    .venv/bin/python bench/notifications.py --replies 50
    .venv/bin/python bench/notifications.py --sustained 10       # backlog: see below

``--sustained MINUTES`` measures the backlog instead: a topic with 500 watchers gets a reply
every second for that many minutes while a real task worker (``manage.py db_worker``, e-mails
rendered and handed to Django's dummy backend) runs beside it; every 5 s the queue's depth and
the age of its oldest waiting task are sampled. The target is an oldest task under 60 s.

The PostgreSQL database (default och_bench_notify on 127.0.0.1, user postgres) is created if
missing and emptied of earlier benchmark data at each run.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/och_bench_notify"
WATCHER_COUNTS = (0, 100, 500)


def configure(database_url: str | None, sqlite_path: str | None) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if sqlite_path:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_NAME"] = str(Path(sqlite_path).resolve())
    else:
        os.environ["DATABASE_URL"] = database_url
        os.environ["DATABASE_POOL"] = "0"
        name = database_url.rsplit("/", 1)[-1]
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", name],
            capture_output=True,
            check=False,
        )
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onlinecityhall.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(most_watchers: int):
    from accounts.models import Municipality, User
    from forums.models import Board, Membership, WorkField

    Board.objects.filter(slug="bench-notify").delete()
    User.objects.filter(email__endswith="@bench-notify.lg.jp").delete()
    municipality, _created = Municipality.objects.get_or_create(
        code="272221", defaults={"prefecture": "大阪府", "name": "羽曳野市", "kind": "city"}
    )
    field, _created = WorkField.objects.get_or_create(
        slug="vaccination", defaults={"name_ja": "予防接種", "name_en": "Vaccination"}
    )
    board = Board.objects.create(
        slug="bench-notify", name_ja="通知ベンチ", name_en="Bench", field=field
    )
    users = User.objects.bulk_create(
        User(
            email=f"member{number}@bench-notify.lg.jp",
            full_name=f"職員 {number}号",
            display_name=f"ベンチ職員{number}",
            municipality=municipality,
            status=User.Status.VERIFIED,
            password="!",  # noqa: S106 - unusable; the client signs in with force_login
        )
        for number in range(most_watchers + 2)
    )
    users = list(User.objects.filter(email__endswith="@bench-notify.lg.jp").order_by("id"))
    Membership.objects.bulk_create(Membership(user=user, board=board) for user in users)
    return board, users[0], users[1], users[2:]


def time_replies(board, asker, replier, watchers, replies: int) -> tuple[list[float], int]:
    from django.test import Client
    from django_tasks_db.models import DBTaskResult

    from forums import services
    from notifications.models import TopicSubscription

    topic = services.create_topic(
        asker, board, f"{len(watchers)}人が見ているトピック", "質問です。"
    )
    TopicSubscription.objects.bulk_create(
        TopicSubscription(user=user, topic=topic) for user in watchers
    )
    client = Client()
    client.force_login(replier)
    url = f"/topics/{topic.pk}/reply/"
    client.post(url, {"body": "準備運動", "submission_token": uuid.uuid4().hex})  # warm up
    timings = []
    for number in range(replies):
        data = {
            "body": f"返信{number}：うちでは-20℃で保管しています。",
            "submission_token": uuid.uuid4().hex,
        }
        started = time.perf_counter()
        response = client.post(url, data)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 302, response.status_code
    last_post_id = topic.posts.order_by("-number").values_list("pk", flat=True).first()
    DBTaskResult.objects.all().delete()
    return timings, last_post_id


def time_fan_out(post_id: int) -> float:
    from django.db import transaction

    from notifications import delivery

    started = time.perf_counter()
    with transaction.atomic():
        delivery.fan_out_post(post_id)
        transaction.set_rollback(True)  # measure, keep nothing
    return (time.perf_counter() - started) * 1000


def sustained(board, asker, replier, watchers, minutes: float) -> None:
    from django.test import Client

    from forums import services
    from notifications.models import TopicSubscription
    from notifications.task_queue import queue_stats

    topic = services.create_topic(asker, board, "500人が見ている長い議論", "質問です。")
    TopicSubscription.objects.bulk_create(
        TopicSubscription(user=user, topic=topic) for user in watchers
    )
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    environment = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    root = Path(__file__).resolve().parent.parent
    worker = subprocess.Popen(
        [sys.executable, str(root / "manage.py"), "db_worker", "--no-reload", "--queue-name", "*"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = Client()
    client.force_login(replier)
    url = f"/topics/{topic.pk}/reply/"
    samples, replies, failures = [], 0, 0
    started = time.monotonic()
    end = started + minutes * 60
    next_sample = started
    try:
        while time.monotonic() < end:
            tick = time.monotonic()
            body = f"返信{replies}：在庫を確認しました。"
            response = client.post(url, {"body": body, "submission_token": uuid.uuid4().hex})
            replies += 1
            failures += response.status_code != 302
            if tick >= next_sample:
                stats = queue_stats()
                waited = stats["oldest_waiting_seconds"]
                samples.append((tick - started, stats["queue_depth"], waited))
                next_sample += 5
            time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
        drain_started = time.monotonic()
        while queue_stats()["queue_depth"] and time.monotonic() - drain_started < 600:
            time.sleep(1)
        drained = time.monotonic() - drain_started
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    from notifications.models import Notification

    failed = queue_stats()["failed"]
    oldest = max(sample[2] for sample in samples)
    depth = max(sample[1] for sample in samples)
    tasks = DBTaskResult.objects.count()
    print(f"{minutes:g} min, 500 watchers, {replies} replies ({failures} failed POSTs)")
    print(f"tasks run: {tasks}; failed: {failed}; drained {drained:.1f} s after the last reply")
    print(f"queue depth max {depth}; oldest waiting task max {oldest:.1f} s (target < 60 s)")
    print(f"notification rows: {Notification.objects.filter(topic=topic).count()}")
    print("minute | depth max | oldest waiting max (s)")
    for minute in range(int(minutes + 0.999)):
        in_minute = [s for s in samples if minute * 60 <= s[0] < (minute + 1) * 60]
        if in_minute:
            print(
                f"{minute + 1:>6} | {max(s[1] for s in in_minute):>9} "
                f"| {max(s[2] for s in in_minute):>22.1f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--sqlite", help="use this SQLite file instead of PostgreSQL")
    parser.add_argument("--replies", type=int, default=30)
    parser.add_argument("--sustained", type=float, metavar="MINUTES")
    options = parser.parse_args()
    configure(options.database_url, options.sqlite)
    if options.sustained:
        board, asker, replier, everyone = seed(500)
        sustained(board, asker, replier, everyone, options.sustained)
        return

    from django.db import connection

    board, asker, replier, everyone = seed(max(WATCHER_COUNTS))
    print(f"Database: {connection.vendor}; {options.replies} replies per row (after one warm-up)")
    print()
    print("| watchers | reply POST median | reply POST p95 | worker fan-out of one reply |")
    print("|---------:|------------------:|---------------:|----------------------------:|")
    for count in WATCHER_COUNTS:
        timings, post_id = time_replies(board, asker, replier, everyone[:count], options.replies)
        p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) >= 2 else timings[0]
        fan_out = time_fan_out(post_id)
        print(
            f"| {count:>8} | {statistics.median(timings):>14.1f} ms | {p95:>11.1f} ms "
            f"| {fan_out:>24.1f} ms |"
        )


if __name__ == "__main__":
    main()
