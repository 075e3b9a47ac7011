"""Files on S3-compatible object storage (django-storages + boto3), against a real S3 API
served locally by moto: the permission check comes first, then a stream or a short-lived
signed URL."""

import socket
import urllib.request

import boto3
import pytest
from django.urls import reverse

from attachments.storage import attachment_storage, is_object_storage
from tests.attachments import samples
from tests.attachments.conftest import upload_file
from tests.factories import UserFactory

BUCKET = "cityhall-files"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="ap-northeast-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"}
    )
    yield endpoint
    server.stop()


@pytest.fixture(autouse=True)
def _object_storage(settings, s3_endpoint, _private_storage):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "ap-northeast-1",
                "access_key": "test",
                "secret_key": "test",
                "default_acl": "private",
                "querystring_expire": 60,
                "signature_version": "s3v4",
                "file_overwrite": False,
            },
        },
    }


def test_uploads_go_to_the_bucket_with_previews(attach, member, topic):
    (photo,) = attach(member, topic, [upload_file("受付.jpg", samples.jpeg_with_gps())])

    assert is_object_storage()
    assert attachment_storage().exists(photo.file.name)
    assert attachment_storage().exists(photo.thumbnail.name)


def test_the_view_streams_from_the_bucket_after_the_permission_check(attach, login, member, topic):
    (pdf,) = attach(member, topic, [upload_file("plan.pdf", samples.pdf())])
    url = reverse("attachments:download", args=[pdf.key, pdf.name])

    response = login(member).get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_redirect_mode_sends_members_to_a_short_lived_signed_url(
    attach, login, member, topic, settings
):
    settings.ATTACHMENTS_DELIVERY = "redirect"
    (pdf,) = attach(member, topic, [upload_file("plan.pdf", samples.pdf())])
    url = reverse("attachments:download", args=[pdf.key, pdf.name])

    response = login(member).get(url)

    assert response.status_code == 302
    signed = response["Location"]
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=60" in signed
    assert "response-content-disposition=attachment" in signed
    with urllib.request.urlopen(signed) as fetched:
        assert fetched.read().startswith(b"%PDF")
        assert fetched.headers["Content-Disposition"].startswith("attachment")


def test_outsiders_get_404_not_a_signed_url(attach, login, member, topic, settings, invite_board):
    settings.ATTACHMENTS_DELIVERY = "redirect"
    (pdf,) = attach(member, topic, [upload_file("plan.pdf", samples.pdf())])
    url = reverse("attachments:download", args=[pdf.key, pdf.name])
    topic.board.join_policy = invite_board.join_policy
    topic.board.save()

    response = login(UserFactory()).get(url)

    assert response.status_code == 404
    assert "Location" not in response
