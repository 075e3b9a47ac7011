"""A test's event loop closes even when a task left behind refuses to be cancelled."""

import asyncio
import time

from tests.conftest import _cancel_leftover_tasks_within_a_limit


def test_a_task_that_ignores_cancellation_does_not_hold_the_loop_open():
    loop = asyncio.new_event_loop()

    async def stubborn():
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                continue  # as a library's receive loop might

    async def polite():
        await asyncio.sleep(3600)

    stuck = loop.create_task(stubborn())
    fine = loop.create_task(polite())
    loop.run_until_complete(asyncio.sleep(0))
    started = time.monotonic()
    _cancel_leftover_tasks_within_a_limit(loop, seconds=0.2)
    assert time.monotonic() - started < 2
    assert fine.cancelled() and not stuck.done()
    loop.close()
