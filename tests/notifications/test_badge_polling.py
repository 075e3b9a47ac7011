"""The page learns whether the task worker's badge counts can reach it, and polls if not."""

import pytest

from notifications.context_processors import worker_events_reach_pages

pytestmark = pytest.mark.django_db

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
REDIS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {}}}
WORKER = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IN_REQUEST = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.parametrize(
    ("layers", "tasks", "pushed"),
    [(IN_MEMORY, WORKER, False), (REDIS, WORKER, True), (IN_MEMORY, IN_REQUEST, True)],
)
def test_counts_reach_pages_only_through_a_shared_layer_or_from_the_request(
    settings, layers, tasks, pushed
):
    settings.CHANNEL_LAYERS, settings.TASKS = layers, tasks

    assert worker_events_reach_pages() is pushed


def test_the_embedded_default_tells_the_page_to_poll(settings, login, verified_user):
    settings.CHANNEL_LAYERS, settings.TASKS = IN_MEMORY, WORKER

    html = login(verified_user).get("/boards/").content.decode()

    assert 'data-counts-pushed="false"' in html
