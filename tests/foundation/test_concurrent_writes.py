"""Concurrent writes wait, never fail: twenty members reply to one topic at the same moment
through the real site (``python -m onlinecityhall.run``: uvicorn and the task worker side by
side, as ``make run`` starts them), and every reply and every notification arrives.

The site runs in its own processes on its own database: a SQLite file on the embedded default,
or a PostgreSQL database of its own when ``DATABASE_URL`` is set (as in CI).
"""

import threading
from collections import Counter

from tests.foundation.live_site import Site, shell

POSTERS = 20
REPLIES_EACH = 3


def test_twenty_concurrent_posters_lose_nothing_with_the_worker_running(migrated_site, tmp_path):
    env = migrated_site.copy("concurrency")
    seeded = shell(
        env, f"from tests.foundation import concurrent_site; concurrent_site.seed({POSTERS})"
    )
    site = Site(env, tmp_path / "site.log")
    try:
        site.start()
        start = threading.Barrier(POSTERS)
        results: list[tuple[int, str]] = []

        def poster(index: int, session: str) -> None:
            start.wait()
            for number in range(REPLIES_EACH):
                results.append(
                    site.reply(seeded["topic"], session, f"{index}番から{number}件目の返信")
                )

        threads = [
            threading.Thread(target=poster, args=(index, session))
            for index, session in enumerate(seeded["sessions"])
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=240)
        tasks = site.wait_for_empty_queue()
    finally:
        site.stop()
    server_log = site.log()

    statuses = [status for status, _ in results]
    assert len(results) == POSTERS * REPLIES_EACH
    answers = dict(Counter(statuses))
    assert answers == {302: len(results)}, (f"answers by status: {answers}", server_log[-3000:])
    assert all("#post-" in location for _, location in results)
    assert "database is locked" not in server_log
    assert "Traceback" not in server_log, server_log[-5000:]
    assert tasks == {**tasks, "queue_depth": 0, "failed": 0}

    outcome = shell(
        env,
        f"from tests.foundation import concurrent_site; concurrent_site.report({seeded['topic']})",
    )
    expected = 1 + POSTERS * REPLIES_EACH
    assert outcome["posts"] == outcome["post_count"] == outcome["board_post_count"] == expected
    assert outcome["numbers"] == list(range(1, expected + 1))
    # Every watcher (the asker and the twenty posters) was told up to the latest reply that
    # somebody else wrote, however the worker grouped and coalesced the fan-outs.
    assert outcome["watchers"] == POSTERS + 1
    assert outcome["untold_watchers"] == []
