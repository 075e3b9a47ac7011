"""Pages travel compressed to browsers that accept gzip; streams and files do not."""

import gzip

import pytest
from django.http import HttpResponse, StreamingHttpResponse

from onlinecityhall.middleware import CompressedPagesMiddleware

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


def test_the_server_sent_event_stream_is_never_buffered_by_compression(rf):
    def stream():
        yield b": open\n\n"

    def server_sent_events(request):
        return StreamingHttpResponse(stream(), content_type="text/event-stream")

    request = rf.get("/topics/1/events/stream/", HTTP_ACCEPT_ENCODING="gzip")
    response = CompressedPagesMiddleware(server_sent_events)(request)
    assert response.streaming
    assert not response.has_header("Content-Encoding")
    assert b"".join(response.streaming_content) == b": open\n\n"


def test_files_and_images_are_not_compressed_again(rf):
    def image(request):
        return HttpResponse(b"\x89PNG" + b"\0" * 400, content_type="image/png")

    request = rf.get("/files/1/", HTTP_ACCEPT_ENCODING="gzip")
    response = CompressedPagesMiddleware(image)(request)
    assert not response.has_header("Content-Encoding")
