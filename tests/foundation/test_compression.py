"""Pages travel compressed to browsers that accept gzip; streams and files do not."""

import gzip

import pytest

pytestmark = pytest.mark.django_db


def test_a_page_is_gzipped_for_a_browser_that_accepts_it(login, member, board):
    response = login(member).get(f"/boards/{board.slug}/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert board.name_ja in html
    assert len(response.content) < len(html.encode()) / 2


def test_a_page_is_plain_for_a_client_without_gzip(login, member, board):
    response = login(member).get(f"/boards/{board.slug}/")
    assert not response.has_header("Content-Encoding")
    assert board.name_ja in response.content.decode()


def test_the_server_sent_event_stream_is_never_buffered_by_compression(login, member, board):
    from tests.factories import make_topic

    topic = make_topic(member, board)
    response = login(member).get(f"/topics/{topic.pk}/events/stream/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.streaming
    assert not response.has_header("Content-Encoding")
    response.close()
