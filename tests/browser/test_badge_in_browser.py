"""The header's notification badge stays current on the embedded default, where the task
worker's counts cannot reach the page's socket (in-memory channel layer): the page polls."""

from notifications.models import Kind, Notification
from tests.factories import BoardFactory, MembershipFactory, make_topic


def embedded_default(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_badge_counts_what_the_worker_wrote_while_the_socket_is_open(settings, page_for):
    embedded_default(settings)
    board = BoardFactory()
    member = MembershipFactory(board=board).user
    topic = make_topic(MembershipFactory(board=board).user, board)
    page = page_for(member)
    page.clock.install()
    page.goto("/boards/")
    assert page.locator("[data-notification-badge]").get_attribute("data-counts-pushed") == "false"
    assert page.locator("[data-notification-count]").is_hidden()

    # What the worker does in its own process: a row, and an event no page can hear.
    Notification.objects.create(recipient=member, kind=Kind.REPLY, topic=topic, board=board)
    page.clock.run_for(61_000)

    page.locator("[data-notification-count]").wait_for(state="visible")
    assert page.locator("[data-notification-count-number]").inner_text() == "1"
