"""Joining and leaving channel-layer groups, a bounded number at a time per process.

Every join or leave is a round trip to Redis on a connection from the layer's pool. When
thousands of sockets come or go at the same moment (a deploy closes them all, a network blip
makes them all reconnect), unbounded joins and leaves ask for thousands of connections at once:
measured with 10,000 sockets on two workers, the pool ran dry ("Too many connections") and
Redis refused new connections in time ("Timeout connecting to server"), some 7,900 failures per
run. Here at most ``CONCURRENCY`` changes per process are in flight and the rest wait their
turn, which costs a queue of milliseconds instead of failures. A leave that still fails is
logged and not raised: the socket is gone either way, and the layer forgets the membership
after its group expiry.
"""

import asyncio
import logging
import weakref

logger = logging.getLogger(__name__)

CONCURRENCY = 64
_gates: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = (
    weakref.WeakKeyDictionary()
)


def _gate() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    gate = _gates.get(loop)
    if gate is None:
        gate = _gates[loop] = asyncio.Semaphore(CONCURRENCY)
    return gate


async def join(layer, group: str, channel: str) -> None:
    async with _gate():
        await layer.group_add(group, channel)


async def leave(layer, group: str, channel: str) -> None:
    async with _gate():
        try:
            await layer.group_discard(group, channel)
        except Exception:
            logger.warning("Could not leave %s", group, exc_info=True)
