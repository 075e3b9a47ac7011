"""Nobody but verified members sees or changes anything about fields of work."""

import pytest
from django.test import Client

from fields.models import HandoverNote
from tests.factories import UserFactory

GET_PAGES = [
    "/fields/",
    "/fields/people/",
    "/fields/people/?field=vaccination",
    "/fields/vaccination/",
    "/fields/vaccination/guide/",
    "/fields/vaccination/guide/edit/",
    "/fields/vaccination/guide/history/",
    "/fields/vaccination/calendar/",
    "/fields/vaccination/handover/new/",
    "/fields/vaccination/manage/",
    "/for-your-department/?department=契約課",
    "/account/assignments/",
]
POSTS = [
    ("/fields/vaccination/join/", {}),
    ("/fields/vaccination/guide/edit/", {"body": "乗っ取り", "base": 0}),
    ("/fields/vaccination/calendar/", {"month": 4, "title": "乗っ取り"}),
    ("/fields/vaccination/handover/new/", {"title": "乗っ取り", "body": "x"}),
    ("/fields/names/add/", {"field": "vaccination", "name": "乗っ取り課"}),
    ("/account/assignments/", {"department": "乗っ取り課", "started_on": "2027-04-01"}),
]


@pytest.fixture
def note(veteran, registry):
    return HandoverNote.objects.create(
        field=registry["vaccination"], author=veteran, title="引継書", body="本文"
    )


def nothing_written(registry) -> bool:
    field = registry["vaccination"]
    return (
        not field.guide_revisions.exists()
        and not field.calendar_entries.exists()
        and not HandoverNote.objects.filter(title="乗っ取り").exists()
        and not field.aliases.filter(name="乗っ取り課").exists()
    )


def test_strangers_are_sent_to_sign_in(client, note, registry):
    for url in [*GET_PAGES, f"/fields/handover/{note.pk}/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url, data in POSTS:
        assert client.post(url, data).status_code in (302, 403), url
    assert nothing_written(registry)


@pytest.mark.parametrize("status", ["unverified", "pending", "rejected"])
def test_members_who_are_not_verified_see_their_status_page(login, status, note, registry):
    client = login(UserFactory(status=status))
    for url in [*GET_PAGES, f"/fields/handover/{note.pk}/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/account/status/", url
    for url, data in POSTS:
        client.post(url, data)
    assert nothing_written(registry)


def test_suspended_members_are_signed_out(note, registry):
    client = Client()
    client.force_login(UserFactory(status="suspended"))
    response = client.get("/fields/vaccination/")
    assert response.status_code == 302 and response["Location"] == "/account/suspended/"
    client.post("/fields/vaccination/calendar/", {"month": 4, "title": "乗っ取り"})
    assert nothing_written(registry)


def test_verified_members_read_every_page(login, verified_user, note):
    client = login(verified_user)
    for url in GET_PAGES:
        if url.endswith("/manage/"):
            assert client.get(url).status_code == 403
            continue
        assert client.get(url).status_code in (200, 302), url
    assert client.get(f"/fields/handover/{note.pk}/").status_code == 200
