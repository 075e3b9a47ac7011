"""Live rows: every save is an ordered event sent after the commit, rendered once as the page
renders the row; a page that missed events catches up over HTTP or on reconnecting."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from forums import services as forum_services
from forums.consumers import CLOSE_FORBIDDEN
from progress import live, services
from progress.consumers import TableConsumer
from progress.models import ProgressEvent
from progress.queries import columns_of, rows_of
from progress.rendering import row_html
from tests.factories import BoardFactory, MembershipFactory, MunicipalityFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def socket_for(user, table, query=""):
    communicator = WebsocketCommunicator(
        TableConsumer.as_asgi(), f"/ws/progress/{table.pk}/?{query}"
    )
    communicator.scope["user"] = user
    communicator.scope["url_route"] = {"kwargs": {"table_id": table.pk}}
    communicator.scope["query_string"] = query.encode()
    return communicator


@pytest.fixture
def scene(db):
    board = BoardFactory()
    sapporo = MunicipalityFactory(
        code="011002", prefecture="北海道", name="札幌市", kind="designated_city"
    )
    host = MembershipFactory(board=board).user
    other = MembershipFactory(board=board, user=UserFactory(municipality=sapporo)).user
    table = services.define_table(
        host,
        board,
        title="接種率",
        columns=[
            {"question": "接種率", "kind": "percentage"},
            {"question": "接種者数", "kind": "number", "unit": "人"},
        ],
    )
    return board, host, other, table


save = sync_to_async(services.save_row)


async def next_event(socket) -> dict:
    while True:
        event = await socket.receive_json_from(timeout=3)
        if event["type"] != "notification.count":
            return event


async def test_a_saved_row_arrives_as_the_page_renders_it(scene):
    _board, host, other, table = scene
    socket = socket_for(host, table, "since=0")
    assert (await socket.connect())[0]
    columns = await sync_to_async(columns_of)(table)
    row = await save(other, table, {columns[0].key: "７５％", columns[1].key: "1,200"}, 0)
    event = await next_event(socket)
    assert (event["type"], event["sequence"], event["row_id"]) == ("row.saved", 1, row.pk)
    assert event["prefecture"] == "01" and event["kind"] == "designated_city"
    [fresh] = await sync_to_async(rows_of)(table, pk=row.pk)  # as the page reads it
    assert event["html"] == await sync_to_async(row_html)(table, columns, fresh)
    assert "75%" in event["html"] and "1,200人" in event["html"]
    assert 'id="progress-summary"' in event["summary_html"]
    assert "<svg" in event["charts_html"] and "style=" not in event["charts_html"]
    await socket.disconnect()


async def test_a_rolled_back_save_sends_nothing(scene):
    _board, host, other, table = scene
    socket = socket_for(host, table, "since=0")
    await socket.connect()

    def save_and_roll_back():
        with transaction.atomic():
            services.save_row(other, table, {}, 0)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        await sync_to_async(save_and_roll_back)()
    assert await socket.receive_nothing(timeout=0.3)
    assert not await sync_to_async(ProgressEvent.objects.exists)()
    await socket.disconnect()


async def test_reconnecting_with_the_last_sequence_catches_up_without_duplicates(scene):
    _board, host, other, table = scene
    columns = await sync_to_async(columns_of)(table)
    first = await save(other, table, {columns[0].key: "10"}, 0)
    await save(other, table, {columns[0].key: "20"}, first.version)
    await save(host, table, {columns[0].key: "30"}, 0)
    socket = socket_for(host, table, "since=1")
    await socket.connect()
    sequences = [(await next_event(socket))["sequence"] for _ in range(2)]
    assert sequences == [2, 3]
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_a_dropped_event_is_fetched_over_http(scene, client):
    """Channel layers deliver at most once: drop the second event on purpose and fetch it."""
    _board, host, other, table = scene
    columns = await sync_to_async(columns_of)(table)
    await save(other, table, {columns[0].key: "10"}, 0)
    original = live.row_saved
    live.row_saved = lambda table, row, columns=None: live._record(table.pk, "row.saved", row.pk)
    try:
        await save(host, table, {columns[0].key: "40"}, 0)
    finally:
        live.row_saved = original
    await sync_to_async(client.force_login)(host)
    response = await sync_to_async(client.get)(f"/progress/{table.pk}/events/?since=1")
    events = response.json()["events"]
    assert [event["sequence"] for event in events] == [2]
    assert "40%" in events[0]["html"]
    bad = await sync_to_async(client.get)(f"/progress/{table.pk}/events/?since=abc")
    assert bad.status_code == 400


async def test_a_non_members_socket_is_refused_and_a_leavers_socket_closes(scene):
    board, _host, other, table = scene
    outsider = await sync_to_async(UserFactory)()
    refused = socket_for(outsider, table)
    connected, code = await refused.connect()
    assert not connected and code == CLOSE_FORBIDDEN

    socket = socket_for(other, table)
    assert (await socket.connect())[0]
    await sync_to_async(forum_services.leave_board)(other, board)
    assert (await socket.receive_output(timeout=3))["type"] == "websocket.close"


@pytest.fixture
def deferring_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


async def test_a_burst_of_saves_carries_the_summary_once_then_a_trailing_summary(
    scene, deferring_tasks
):
    from django.core.cache import cache
    from django_tasks_db.models import DBTaskResult

    _board, host, other, table = scene
    await sync_to_async(cache.clear)()
    columns = await sync_to_async(columns_of)(table)
    socket = socket_for(host, table, "since=0")
    await socket.connect()
    first = await save(other, table, {columns[0].key: "10"}, 0)
    await save(other, table, {columns[0].key: "20"}, first.version)
    await save(host, table, {columns[0].key: "30"}, 0)
    events = [await next_event(socket) for _ in range(3)]
    assert ["summary_html" in event for event in events] == [True, False, False]
    # Drawn from the row as written, without reading it back: the same HTML as the page's.
    [as_read] = await sync_to_async(rows_of)(table, pk=first.pk)
    assert events[1]["html"] == await sync_to_async(row_html)(table, columns, as_read)
    [queued] = await sync_to_async(list)(
        DBTaskResult.objects.filter(task_path="progress.live.send_table_summary")
    )
    assert queued.args_kwargs["args"] == [table.pk]
    # The worker's trailing summary has the last state.
    await sync_to_async(live.send_table_summary.call)(table.pk)
    trailing = await next_event(socket)
    assert trailing["type"] == "summary.changed" and trailing["sequence"] is None
    assert ">2<" in trailing["summary_html"]  # two organisations answered
    assert trailing["answered_text"] == "2団体が回答"  # the page's count, in the reader's words
    await socket.disconnect()
