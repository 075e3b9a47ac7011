"""Nobody but verified members sees or changes anything about fields of work."""

import pytest
from django.test import Client

from fields import services
from fields.models import Field, HandoverNote
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
    "/fields/vaccination/calendar/history/",
    "/fields/vaccination/handover/new/",
    "/fields/vaccination/manage/",
    "/fields/new/",
    "/for-your-department/?department=契約課",
    "/account/assignments/",
]
POSTS = [
    ("/fields/vaccination/join/", {}),
    ("/fields/vaccination/guide/edit/", {"body": "乗っ取り", "base": 0}),
    ("/fields/vaccination/calendar/", {"month": 4, "title": "乗っ取り"}),
    ("/fields/vaccination/handover/new/", {"title": "乗っ取り", "body": "x"}),
    ("/fields/names/add/", {"field": "vaccination", "name": "乗っ取り課"}),
    ("/fields/vaccination/manage/", {"name": "乗っ取り課"}),
    ("/fields/new/", {"slug": "takeover", "name_ja": "乗っ取り", "name_en": "x"}),
    ("/account/assignments/", {"department": "乗っ取り課", "started_on": "2027-04-01"}),
]


@pytest.fixture
def note(veteran, registry):
    return services.write_handover_note(
        veteran, registry["vaccination"], title="引継書", body="本文", is_shared=True
    )


def note_pages(note) -> list[str]:
    return [
        f"/fields/handover/{note.pk}/",
        f"/fields/handover/{note.pk}/history/",
        f"/fields/handover/{note.pk}/history/1/",
    ]


def nothing_written(registry) -> bool:
    field = registry["vaccination"]
    return (
        not field.guide_revisions.exists()
        and not field.calendar_entries.exists()
        and not HandoverNote.objects.filter(title="乗っ取り").exists()
        and not field.aliases.filter(name="乗っ取り課").exists()
        and not Field.objects.filter(slug="takeover").exists()
    )


def test_strangers_are_sent_to_sign_in(client, note, registry):
    for url in [*GET_PAGES, *note_pages(note)]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url, data in POSTS:
        assert client.post(url, data).status_code in (302, 403), url
    assert nothing_written(registry)


@pytest.mark.parametrize("status", ["unverified", "pending", "rejected"])
def test_members_who_are_not_verified_see_their_status_page(login, status, note, registry):
    client = login(UserFactory(status=status))
    for url in [*GET_PAGES, *note_pages(note)]:
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
        if url.endswith(("/manage/", "/fields/new/")):
            assert client.get(url).status_code == 403
            continue
        assert client.get(url).status_code in (200, 302), url
    for url in note_pages(note):
        assert client.get(url).status_code == 200, url
