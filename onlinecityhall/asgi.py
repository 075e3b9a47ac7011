"""ASGI entry point: HTTP through Django, WebSockets through Channels.

WebSocket connections are checked against ALLOWED_HOSTS (Origin header) and carry the user's
Django session, so consumers see the same ``scope["user"]`` as views see ``request.user``.
Live events that views send go out through this loop without the view waiting, once the
response has been written (``core.broadcast``).
"""

import asyncio
import gc
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onlinecityhall.settings")
# A request's thread waits for the interpreter lock after each database round trip while the
# event loop writes a live event to hundreds of sockets; Python hands the lock over every 5 ms
# by default, so a reply with ~17 round trips could wait that long each time. 0.5 ms lets it
# back in sooner (README, "Performance").
sys.setswitchinterval(float(os.environ.get("PYTHON_SWITCH_INTERVAL_MS") or "0.5") / 1000)
django.setup(set_prefix=False)

from onlinecityhall.handlers import OneThreadASGIHandler  # noqa: E402

django_asgi_app = OneThreadASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from core import broadcast  # noqa: E402
from onlinecityhall.routing import websocket_urlpatterns  # noqa: E402

router = ProtocolTypeRouter(
    {
        "http": broadcast.until_answered(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# The cyclic garbage collector. Django, the apps, templates and translations loaded above live as
# long as the process: they are moved out of the collector's sight once. A fan-out of one event
# to 500 sockets allocates tens of thousands of objects, and with Python's thresholds
# (700, 10, 10) a worker ran 4 full collections of ~100 ms and 50 middle ones of ~4.5 ms during
# 20 replies to 1,000 sockets, each a stall of every socket; with these, 5 young collections of
# 20-40 ms and no other (README, "Performance").
gc.collect()
gc.freeze()
gc.set_threshold(
    *(int(n) for n in (os.environ.get("PYTHON_GC_THRESHOLDS") or "50000,20,20").split(","))
)


async def application(scope, receive, send):
    """The router, after telling ``broadcast`` which loop serves (it hands live events to it)."""
    if scope["type"] == "lifespan":
        return await lifespan(receive, send)
    broadcast.bind_server_loop(asyncio.get_running_loop())
    return await router(scope, receive, send)


async def lifespan(receive, send):
    """ASGI lifespan: at shutdown the events still queued by ``broadcast`` are sent and its
    publisher stops before the loop closes."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await broadcast.unbind_server_loop()
            await send({"type": "lifespan.shutdown.complete"})
            return
