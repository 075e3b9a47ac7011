"""Specs for the history of what members keep together for a field: every change to the
calendar of the year and every version of handover notes stays readable, with who made it and
when, as the guide's versions and posts' edits do."""

from fields.models import CalendarEntry, CalendarRevision, HandoverNote
from tests.factories import UserFactory


def add_entry(client, month=10, title="予算要求", description=""):
    client.post(
        "/fields/vaccination/calendar/",
        {"month": month, "title": title, "description": description},
    )
    return CalendarEntry.objects.get(title=title)


def test_every_change_to_the_calendar_is_kept_with_who_and_when(login, registry):
    first, second = UserFactory(full_name="追加した人"), UserFactory(full_name="直した人")
    entry = add_entry(login(first))
    login(second).post(
        f"/fields/vaccination/calendar/{entry.pk}/",
        {"month": 11, "title": "予算要求（ヒアリング）", "description": "財政課と"},
    )

    changes = list(registry["vaccination"].calendar_revisions.order_by("created_at", "id"))
    assert [(c.action, c.editor, c.month, c.title, c.description) for c in changes] == [
        ("added", first, 10, "予算要求", ""),
        ("changed", second, 11, "予算要求（ヒアリング）", "財政課と"),
    ]
    page = login(first).get("/fields/vaccination/calendar/history/").content.decode()
    assert "追加した人" in page and "直した人" in page
    assert page.index("予算要求（ヒアリング）") < page.index("予算要求<")  # newest first


def test_saving_an_entry_unchanged_adds_nothing_to_the_history(login, verified_user):
    client = login(verified_user)
    entry = add_entry(client)
    client.post(
        f"/fields/vaccination/calendar/{entry.pk}/",
        {"month": 10, "title": "予算要求", "description": ""},
    )
    assert CalendarRevision.objects.count() == 1


def test_a_deleted_entry_stays_in_the_calendars_history(login, verified_user, registry):
    client = login(verified_user)
    entry = add_entry(client, month=3, title="引継書の作成")
    client.post(f"/fields/vaccination/calendar/{entry.pk}/", {"delete": "1"})

    assert not CalendarEntry.objects.exists()
    actions = registry["vaccination"].calendar_revisions.values_list("action", "entry")
    assert sorted(actions) == [("added", None), ("deleted", None)]
    page = client.get("/fields/vaccination/calendar/history/").content.decode()
    assert "引継書の作成" in page and "deleted" not in page and "削除" in page


def test_an_entrys_own_history_shows_on_its_page(login, verified_user):
    client = login(verified_user)
    entry = add_entry(client, title="決算")
    page = client.get(f"/fields/vaccination/calendar/{entry.pk}/").content.decode()
    assert 'id="entry-history-heading"' in page and verified_user.full_name in page


def test_the_calendar_links_to_its_history(login, verified_user):
    page = login(verified_user).get("/fields/vaccination/calendar/").content.decode()
    assert 'href="/fields/vaccination/calendar/history/"' in page


def write_note(client, title="予防接種 引継書", body="## 年間の仕事\n4月は接種券", shared=True):
    data = {"title": title, "body": body}
    if shared:
        data["is_shared"] = "on"
    client.post("/fields/vaccination/handover/new/", data)
    return HandoverNote.objects.get(title=title)


def test_every_version_of_handover_notes_is_kept(login, veteran):
    client = login(veteran)
    note = write_note(client)
    client.post(
        f"/fields/handover/{note.pk}/edit/",
        {"title": note.title, "body": "## 年間の仕事\n4月は接種券\n9月はインフルエンザ",
         "is_shared": "on"},
    )  # fmt: skip

    versions = list(note.revisions.order_by("number"))
    assert [(v.number, v.editor, v.body.count("\n")) for v in versions] == [
        (1, veteran, 1),
        (2, veteran, 2),
    ]
    reader = login(UserFactory())
    detail = reader.get(f"/fields/handover/{note.pk}/").content.decode()
    assert f'href="/fields/handover/{note.pk}/history/"' in detail
    history = reader.get(f"/fields/handover/{note.pk}/history/").content.decode()
    assert veteran.full_name in history and f"/fields/handover/{note.pk}/history/2/" in history
    diff = reader.get(f"/fields/handover/{note.pk}/history/2/").content.decode()
    assert "guide-diff__line--added" in diff and "9月はインフルエンザ" in diff


def test_an_unchanged_save_is_not_a_new_version(login, veteran):
    client = login(veteran)
    note = write_note(client)
    client.post(
        f"/fields/handover/{note.pk}/edit/",
        {"title": note.title, "body": note.body, "is_shared": "on"},
    )
    assert note.revisions.count() == 1


def test_the_history_of_private_notes_is_for_their_author_only(login, veteran):
    note = write_note(login(veteran), title="書きかけ", shared=False)
    other = login(UserFactory())
    assert other.get(f"/fields/handover/{note.pk}/history/").status_code == 403
    assert other.get(f"/fields/handover/{note.pk}/history/1/").status_code == 403
    assert login(veteran).get(f"/fields/handover/{note.pk}/history/1/").status_code == 200


def test_history_pages_are_for_verified_members_only(client, pending_user, login, veteran):
    note = write_note(login(veteran))
    for url in (
        "/fields/vaccination/calendar/history/",
        f"/fields/handover/{note.pk}/history/",
        f"/fields/handover/{note.pk}/history/1/",
    ):
        assert client.get(url).status_code == 302, url
        assert login(pending_user).get(url).status_code in (302, 403), url
