"""Specs for a field's page: boards to join, the guide, the calendar of the year, best answers,
waiting questions, people who said "ask me" and handover notes; never anything from a board
the reader may not read."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from fields import services
from fields.models import CalendarEntry, GuideRevision, HandoverNote
from forums.models import Board, Membership
from tests.factories import BoardFactory, MembershipFactory, UserFactory, make_reply, make_topic

from .conftest import worked


@pytest.fixture
def solved_topic(vaccination_board):
    asker = MembershipFactory(board=vaccination_board).user
    topic = make_topic(asker, vaccination_board, title="バイアルの保管温度の記録方法")
    answer = make_reply(MembershipFactory(board=vaccination_board).user, topic)
    from forums import services as forum_services

    forum_services.accept_answer(asker, topic, answer)
    return topic


def test_the_field_page_brings_together_what_a_newcomer_needs(
    login, verified_user, vaccination_board, solved_topic, veteran, registry
):
    field = registry["vaccination"]
    GuideRevision.objects.create(field=field, number=1, body="# 最初にやること\n- 実施要領を読む")
    CalendarEntry.objects.create(field=field, month=4, title="接種券の一斉発送")
    waiting = make_topic(
        MembershipFactory(board=vaccination_board).user, vaccination_board, title="接種券の再発行"
    )
    HandoverNote.objects.create(
        field=field, author=veteran, title="予防接種担当 引継書", body="## 年間の仕事"
    )

    page = login(verified_user).get("/fields/vaccination/").content.decode()

    assert "<h1>予防接種</h1>" in page
    assert 'action="/boards/vaccination/join/"' in page
    assert "最初にやること" in page
    assert "接種券の一斉発送" in page and "4月" in page
    assert solved_topic.title in page
    assert waiting.title in page
    assert "小笠原 先輩" in page and "小笠原村" in page and "村" in page
    assert "予防接種担当 引継書" in page
    assert veteran.email not in page


def test_the_fiscal_calendar_names_months_in_the_interface_language(
    login, verified_user, vaccination_board, registry
):
    CalendarEntry.objects.create(field=registry["vaccination"], month=4, title="接種券の一斉発送")
    User.objects.filter(pk=verified_user.pk).update(language="en")
    page = login(verified_user).get("/fields/vaccination/").content.decode()
    assert "<h3>April" in page and "<h3>March" in page
    assert "4月" not in page


def test_join_all_boards_of_the_field_in_one_click(login, verified_user, registry):
    open_board = BoardFactory(slug="vaccine-open")
    approval = BoardFactory(slug="vaccine-approval", join_policy=Board.JoinPolicy.APPROVAL)
    registry["vaccination"].boards.add(open_board, approval)

    response = login(verified_user).post("/fields/vaccination/join/")

    assert response["Location"] == "/fields/vaccination/"
    states = dict(Membership.objects.filter(user=verified_user).values_list("board__slug", "state"))
    assert states == {"vaccine-open": "active", "vaccine-approval": "pending"}


def test_nothing_from_an_invite_board_reaches_a_reader_who_is_not_in_it(
    login, verified_user, registry
):
    secret = BoardFactory(slug="secret", name_ja="非公開の接種相談", join_policy="invite")
    registry["vaccination"].boards.add(secret)
    insider = MembershipFactory(board=secret).user
    make_topic(insider, secret, title="非公開の相談ごと")

    page = login(verified_user).get("/fields/vaccination/").content.decode()

    assert "非公開の接種相談" not in page and "/boards/secret/" not in page
    assert "非公開の相談ごと" not in page
    assert "非公開の相談ごと" in login(insider).get("/fields/vaccination/").content.decode()


def test_members_who_did_not_opt_in_are_never_listed(login, verified_user, places, veteran):
    quiet = UserFactory(full_name="静かな 経験者", ask_me=False)
    worked(quiet, places["kobe"], "予防接種課", datetime.date(2018, 4, 1))
    client = login(verified_user)
    for url in ("/fields/vaccination/", "/fields/people/?field=vaccination", "/fields/people/"):
        page = client.get(url).content.decode()
        assert "静かな 経験者" not in page, url
        assert "小笠原 先輩" in page, url


def test_the_field_page_query_count_is_fixed(
    login, verified_user, vaccination_board, solved_topic, veteran, places, registry,
    django_assert_num_queries,
):  # fmt: skip
    for number in range(5):
        colleague = UserFactory(ask_me=True)
        worked(colleague, places["kobe"], "予防接種課", datetime.date(2015 + number, 4, 1))
    GuideRevision.objects.create(field=registry["vaccination"], number=1, body="ガイド")
    client = login(verified_user)
    client.get("/fields/vaccination/")
    # session, user, the field with its guide, its boards with the reader's memberships, best
    # answers and waiting questions, the people to ask with their posts and member rows,
    # handover notes, the header's unread notifications and conversations (the calendar, the
    # order of the best answers and of the people come from the cache after the first view);
    # a member of the boards adds their upcoming meetings: one fewer than board page 1
    with django_assert_num_queries(9):
        client.get("/fields/vaccination/")
    # A field nobody has written a guide for reads the field by itself (one more query).
    GuideRevision.objects.all().delete()
    with django_assert_num_queries(10):
        client.get("/fields/vaccination/")


def test_withdrawing_ask_me_takes_effect_at_once_on_a_field_page_seen_before(
    login, verified_user, vaccination_board, veteran
):
    client = login(verified_user)
    assert "小笠原 先輩" in client.get("/fields/vaccination/").content.decode()
    veteran.ask_me = False
    veteran.save(update_fields=["ask_me"])
    assert "小笠原 先輩" not in client.get("/fields/vaccination/").content.decode()
    # and the viewer is never listed to themselves
    assert "小笠原 先輩" not in login(veteran).get("/fields/vaccination/").content.decode()


def test_members_edit_the_guide_together_and_every_version_is_kept(login, registry):
    first, second = UserFactory(full_name="一人目"), UserFactory(full_name="二人目")
    login(first).post(
        "/fields/vaccination/guide/edit/",
        {"body": "# 手順\n- 要領を読む", "note": "初版", "base": 0},
    )
    login(second).post(
        "/fields/vaccination/guide/edit/",
        {"body": "# 手順\n- 要領を読む\n- 医師会に挨拶", "note": "挨拶を追加", "base": 1},
    )
    revisions = list(registry["vaccination"].guide_revisions.order_by("number"))
    assert [(r.number, r.author, r.note) for r in revisions] == [
        (1, first, "初版"),
        (2, second, "挨拶を追加"),
    ]
    history = login(first).get("/fields/vaccination/guide/history/").content.decode()
    assert "一人目" in history and "二人目" in history
    diff = login(first).get("/fields/vaccination/guide/history/2/").content.decode()
    assert "guide-diff__line--added" in diff and "医師会に挨拶" in diff


def test_a_guide_saved_by_someone_else_meanwhile_is_not_overwritten(login, registry):
    field = registry["vaccination"]
    services.edit_guide(UserFactory(), field, "他の人が先に保存", base=0)
    response = login(UserFactory()).post(
        "/fields/vaccination/guide/edit/", {"body": "私の長い下書き", "note": "", "base": 0}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "私の長い下書き" in page and "他の人が先に保存" in page
    assert field.guide_revisions.count() == 1


def test_members_add_and_change_work_in_the_calendar(login, verified_user, registry):
    client = login(verified_user)
    client.post(
        "/fields/vaccination/calendar/", {"month": 10, "title": "予算要求", "description": ""}
    )
    entry = CalendarEntry.objects.get(field=registry["vaccination"])
    assert (entry.month, entry.title, entry.created_by) == (10, "予算要求", verified_user)
    client.post(
        f"/fields/vaccination/calendar/{entry.pk}/",
        {"month": 11, "title": "予算要求（財政課ヒアリング）", "description": ""},
    )
    entry.refresh_from_db()
    assert (entry.month, entry.title) == (11, "予算要求（財政課ヒアリング）")
    page = client.get("/fields/vaccination/").content.decode()
    calendar = page.split('class="plain-list fiscal-calendar"')[1]
    months = [calendar.index(f"<h3>{month}月") for month in (4, 11, 12, 1, 3)]
    assert months == sorted(months)  # the fiscal year: April first, March last
    assert months[1] < calendar.index("予算要求（財政課ヒアリング）") < months[2]


def test_the_field_page_shows_a_calendar_change_at_once(login, verified_user, registry):
    client = login(verified_user)
    client.post("/fields/vaccination/calendar/", {"month": 6, "title": "実績報告"})
    assert "実績報告" in client.get("/fields/vaccination/").content.decode()  # now cached
    entry = CalendarEntry.objects.get(title="実績報告")
    client.post(f"/fields/vaccination/calendar/{entry.pk}/", {"month": 7, "title": "実績の報告"})
    page = client.get("/fields/vaccination/").content.decode()
    assert "実績の報告" in page and "実績報告" not in page
    client.post(f"/fields/vaccination/calendar/{entry.pk}/", {"delete": "1"})
    assert "実績の報告" not in client.get("/fields/vaccination/").content.decode()


def test_a_bad_calendar_month_is_a_form_error_that_keeps_the_text(login, verified_user):
    response = login(verified_user).post(
        "/fields/vaccination/calendar/", {"month": 13, "title": "決算", "description": "説明"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'aria-invalid="true"' in page and "決算" in page and "説明" in page
    assert not CalendarEntry.objects.exists()


def test_handover_notes_are_shared_with_the_field_or_kept_private(login, veteran, places):
    client = login(veteran)
    client.post(
        "/fields/vaccination/handover/new/",
        {"title": "共有する引継書", "body": "## 年間の仕事\n4月は接種券", "is_shared": "on"},
    )
    client.post(
        "/fields/vaccination/handover/new/", {"title": "書きかけの引継書", "body": "下書き"}
    )
    shared = HandoverNote.objects.get(title="共有する引継書")
    private = HandoverNote.objects.get(title="書きかけの引継書")
    assert (shared.organisation, shared.department) == (places["ogasawara"], "村民課")

    other = login(UserFactory())
    page = other.get("/fields/vaccination/").content.decode()
    assert "共有する引継書" in page and "書きかけの引継書" not in page
    assert other.get(f"/fields/handover/{private.pk}/").status_code == 403
    assert other.get(f"/fields/handover/{shared.pk}/edit/").status_code == 403
    assert "書きかけの引継書" in client.get("/fields/vaccination/").content.decode()


def test_moderators_choose_the_boards_of_a_field(login, site_moderator, registry):
    board = BoardFactory(slug="kenko", name_ja="健康づくり")
    login(site_moderator).post(
        "/fields/health-promotion/manage/", {"boards": [board.pk], "boards_submit": "1"}
    )
    assert list(registry["health-promotion"].boards.all()) == [board]


def test_a_field_without_boards_still_helps(login, verified_user):
    page = login(verified_user).get("/fields/audit/").content.decode()
    assert "/search/?q=" in page


def test_board_helpers_link_boards_and_fields(vaccination_board, registry):
    from fields.queries import boards_of_field, field_for_board, fields_of_board

    registry["health-promotion"].boards.add(vaccination_board)
    assert field_for_board(vaccination_board) == registry["vaccination"]
    assert list(fields_of_board(vaccination_board)) == [
        registry["vaccination"],
        registry["health-promotion"],
    ]
    assert list(boards_of_field(registry["vaccination"])) == [vaccination_board]
    with CaptureQueriesContext(connection) as queries:
        field_for_board(vaccination_board)
    assert len(queries) == 1


def test_upcoming_meetings_of_the_fields_boards_show_for_their_members(
    login, vaccination_board, registry
):
    from tests.meetings.conftest import schedule

    host = MembershipFactory(board=vaccination_board).user
    schedule(host, vaccination_board, title="接種券発送の意見交換会")
    member = MembershipFactory(board=vaccination_board).user
    page = login(member).get("/fields/vaccination/").content.decode()
    assert 'class="meeting-row' in page and "接種券発送の意見交換会" in page
    # Meetings are for the board's members, as on the board page (their agenda topic is not).
    outsider = login(UserFactory()).get("/fields/vaccination/").content.decode()
    assert 'class="meeting-row' not in outsider


def test_best_answers_are_ranked_by_the_helpful_marks_of_the_accepted_answer(
    login, verified_user, vaccination_board
):
    from forums import services as forum_services

    asker = MembershipFactory(board=vaccination_board).user
    helpers = [MembershipFactory(board=vaccination_board).user for _ in range(3)]
    for title, marks in (("少し役立った", 1), ("とても役立った", 3), ("まだ誰も", 0)):
        topic = make_topic(asker, vaccination_board, title=title)
        answer = make_reply(helpers[0], topic)
        forum_services.accept_answer(asker, topic, answer)
        for helper in [asker, *helpers[1:]][:marks]:
            forum_services.toggle_helpful(helper, answer)
    page = login(verified_user).get("/fields/vaccination/").content.decode()
    best = page.split('id="best-heading"')[1].split('id="unanswered-heading"')[0]
    assert best.index("とても役立った") < best.index("少し役立った") < best.index("まだ誰も")


def test_a_board_page_links_to_the_field_it_serves_without_a_query_of_its_own(
    login, vaccination_board, registry, django_assert_num_queries
):
    registry["health-promotion"].boards.add(vaccination_board)
    member = MembershipFactory(board=vaccination_board).user
    client = login(member)
    page = client.get("/boards/vaccination/").content.decode()
    # The first field by field order; the same count as a board that serves no field.
    assert 'href="/fields/vaccination/"' in page and "予防接種" in page
    with django_assert_num_queries(11):
        client.get("/boards/vaccination/")
    lonely = BoardFactory(slug="lonely")
    MembershipFactory(board=lonely, user=member)
    assert "/fields/" not in client.get("/boards/lonely/").content.decode().split("<main")[1]
    with django_assert_num_queries(11):
        client.get("/boards/lonely/")
