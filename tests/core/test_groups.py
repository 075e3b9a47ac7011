"""Thousands of sockets coming or going at once join and leave their groups a bounded number
at a time, and a leave that fails never breaks the socket's closing."""

import asyncio
from unittest import mock

from core import groups


class CountingLayer:
    def __init__(self, fail_discard: bool = False):
        self.in_flight = self.most = 0
        self.done: list[tuple[str, str, str]] = []
        self.fail_discard = fail_discard

    async def _call(self, kind, group, channel):
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        await asyncio.sleep(0.001)
        self.in_flight -= 1
        if kind == "discard" and self.fail_discard:
            raise ConnectionError("Too many connections")
        self.done.append((kind, group, channel))

    async def group_add(self, group, channel):
        await self._call("add", group, channel)

    async def group_discard(self, group, channel):
        await self._call("discard", group, channel)


def test_a_burst_of_joins_and_leaves_is_bounded_and_complete():
    layer = CountingLayer()

    async def burst():
        sockets = [f"channel.{number}" for number in range(1000)]
        await asyncio.gather(*(groups.join(layer, "topic.1", name) for name in sockets))
        await asyncio.gather(*(groups.leave(layer, "topic.1", name) for name in sockets))

    asyncio.run(burst())

    assert layer.most == groups.CONCURRENCY
    assert len([kind for kind, _group, _channel in layer.done if kind == "add"]) == 1000
    assert len([kind for kind, _group, _channel in layer.done if kind == "discard"]) == 1000


def test_a_failed_leave_is_logged_not_raised():
    layer = CountingLayer(fail_discard=True)

    with mock.patch.object(groups.logger, "warning") as warning:
        asyncio.run(groups.leave(layer, "topic.1", "channel.1"))

    assert warning.call_args.args == ("Could not leave %s", "topic.1")
