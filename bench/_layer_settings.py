"""The product's settings with the channel-layer change that bench/live.py argues for.

    .venv/bin/python bench/live.py --settings bench._layer_settings

redis-py 8 gives every connection a 5 s ``socket_timeout`` and a pool of at most 100
connections, where earlier versions had neither. channels-redis blocks in ``BZPOPMIN`` for
5 s (``brpop_timeout``), so on a quiet worker the read times out just as Redis answers "nothing
yet": the consumer that was running the shared receive loop dies and its socket is closed, one
every 5 s per worker. And a burst of connects or disconnects (a deploy, a network blip) needs
more than 100 connections at once for ``group_add``/``group_discard``, which then fail with
``MaxConnectionsError``. A read timeout above the blocking time and a larger pool fix both.
"""

from onlinecityhall.settings import *  # noqa: F403
from onlinecityhall.settings import CHANNEL_LAYERS, REDIS_URL

if REDIS_URL:
    CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = [
        {"address": REDIS_URL, "socket_timeout": 15, "max_connections": 2000}
    ]
