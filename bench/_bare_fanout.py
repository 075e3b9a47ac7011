"""The floor for bench/live.py: a bare Channels fan-out with no database, rendering or auth.

WebSockets at ``/ws/`` join one group; ``POST /push/<n>/`` (body: the HTML to carry) does one
``group_send`` to that group, with the channel layer given as JSON in ``BENCH_CHANNEL_LAYERS``
(bench/live.py passes the product's own ``CHANNEL_LAYERS``). Serve it with uvicorn:

    BENCH_CHANNEL_LAYERS='{...}' uvicorn --app-dir bench _bare_fanout:application
"""

import json
import os

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        SECRET_KEY="bare-fanout-benchmark",  # noqa: S106 - nothing is signed
        ALLOWED_HOSTS=["*"],
        INSTALLED_APPS=["channels"],
        CHANNEL_LAYERS=json.loads(os.environ["BENCH_CHANNEL_LAYERS"]),
    )
    django.setup()

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path

GROUP = "bench.bare"


class FanoutConsumer(AsyncJsonWebsocketConsumer):
    groups = [GROUP]

    async def bench_push(self, message):
        await self.send_json(message["event"])


class RoomConsumer(AsyncJsonWebsocketConsumer):
    """``/ws/<room>/``: one small group per room (a two-person conversation)."""

    async def connect(self):
        self.room_group = f"{GROUP}.{int(self.scope['url_route']['kwargs']['room'])}"
        await self.channel_layer.group_add(self.room_group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.room_group, self.channel_name)

    async def bench_push(self, message):
        await self.send_json(message["event"])


async def trigger(scope, receive, send) -> None:
    """``POST /push/<n>/`` (or ``/push/<n>/<room>/``): one group_send to everyone (or to the
    room); anything else answers 200 (readiness probe)."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    parts = scope["path"].strip("/").split("/")
    if scope["method"] == "POST" and len(parts) in (2, 3) and parts[0] == "push":
        number = int(parts[1])
        group = f"{GROUP}.{int(parts[2])}" if len(parts) == 3 else GROUP
        kind = "message.created" if len(parts) == 3 else "post.created"
        event = {"type": kind, "sequence": number, "post_id": number}
        event["html"] = body.decode()
        await get_channel_layer().group_send(group, {"type": "bench.push", "event": event})
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


application = ProtocolTypeRouter(
    {
        "http": trigger,
        "websocket": URLRouter(
            [
                path("ws/", FanoutConsumer.as_asgi()),
                path("ws/<int:room>/", RoomConsumer.as_asgi()),
            ]
        ),
    }
)
