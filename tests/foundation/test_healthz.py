"""/healthz answers the load balancer with a real query and a real channel-layer round trip."""

from unittest import mock

import pytest
from channels.layers import InMemoryChannelLayer

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok_when_database_and_channel_layer_answer(client, settings):
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "channel_layer": "ok",
        "cache": "ok",
        "status": "ok",
        "tasks": {"queue_depth": 0, "oldest_waiting_seconds": 0, "failed": 0},
        "malware_scanning": "off",
    }
    assert "no-cache" in response.headers["Cache-Control"]


def test_healthz_names_the_database_when_it_fails(client):
    with mock.patch("onlinecityhall.views._check_database", side_effect=OSError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")
    assert response.json()["channel_layer"] == "ok"


class SilentLayer(InMemoryChannelLayer):
    """A layer that accepts messages but never delivers them, like a Redis that hangs."""

    async def send(self, channel, message):
        return None


def test_healthz_names_the_database_and_says_down(client):
    with mock.patch("onlinecityhall.views._check_database", side_effect=OSError("down")):
        assert client.get("/healthz").json()["status"] == "down"


def test_healthz_names_the_channel_layer_when_messages_do_not_come_back(client, settings):
    settings.HEALTHZ_CHANNEL_TIMEOUT = 0.2
    with mock.patch("onlinecityhall.views.get_channel_layer", return_value=SilentLayer()):
        response = client.get("/healthz")
    # Live updates pause but the site works: named, not taken out of rotation.
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["channel_layer"] == "error: TimeoutError"
    assert response.json()["status"] == "degraded"


def test_healthz_names_the_channel_layer_when_redis_is_unreachable(client, settings):
    from channels_redis.core import RedisChannelLayer

    settings.HEALTHZ_CHANNEL_TIMEOUT = 1
    unreachable = RedisChannelLayer(hosts=["redis://127.0.0.1:1/0"])
    with mock.patch("onlinecityhall.views.get_channel_layer", return_value=unreachable):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["channel_layer"].startswith("error")
    assert response.json()["status"] == "degraded"
