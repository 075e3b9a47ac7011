"""Flags, hiding, redaction and topic actions, each with its audit entry."""

import pytest
from django.core import mail
from django.urls import reverse

from forums.models import Board, Membership, Post, PostRevision, Topic
from moderation.models import AuditEntry, Flag
from moderation.services import content
from tests.factories import BoardFactory, MembershipFactory, make_reply, make_topic
from tests.moderation.conftest import only_entry

pytestmark = pytest.mark.django_db

PERSONAL = "090-1234-5678"


def flaggers(board, count):
    return [MembershipFactory(board=board).user for _ in range(count)]


# --- Flags -----------------------------------------------------------------------------------


def test_a_member_flags_a_post_and_it_reaches_the_board_queue(
    login, board, member, reply, board_moderator
):
    url = reverse("moderation:post_flag", args=[reply.pk])
    login(member).post(url, {"reason": "personal_data", "note": "電話番号が見えています"})
    login(member).post(url, {"reason": "personal_data", "note": "電話番号が見えています"})

    [flag] = Flag.objects.all()
    assert (flag.reporter, flag.reason) == (member, Flag.Reason.PERSONAL_DATA)
    queue = login(board_moderator).get(reverse("moderation:board", args=[board.slug]))
    assert "電話番号が見えています" in queue.content.decode()
    assert [post.pk for post in queue.context["flagged_posts"]] == [reply.pk]


def test_the_queue_puts_the_most_flagged_post_first_and_counts_open_flags_only(
    login, board, topic, reply, board_moderator
):
    other = make_reply(reply.author, topic, "二つ目の返信です。")
    first, second, third = flaggers(board, 3)
    content.flag_post(first, other, "other")
    content.flag_post(first, reply, "personal_data")
    content.flag_post(second, reply, "personal_data")
    content.dismiss_flags(board_moderator, other)
    content.flag_post(third, other, "other")

    queue = login(board_moderator).get(reverse("moderation:board", args=[board.slug]))

    listed = queue.context["flagged_posts"]
    assert [(post.pk, post.open_flag_count) for post in listed] == [(reply.pk, 2), (other.pk, 1)]
    assert [len(post.open_flags) for post in listed] == [2, 1]


def test_authors_cannot_flag_their_own_post(login, reply):
    response = login(reply.author).post(
        reverse("moderation:post_flag", args=[reply.pk]), {"reason": "other"}
    )
    assert response.status_code == 403
    assert not Flag.objects.exists()


def test_flags_from_enough_members_hide_the_post_pending_review(board, reply):
    board.flag_threshold = 2
    board.save()
    first, second = flaggers(board, 2)

    content.flag_post(first, reply, Flag.Reason.HARASSMENT)
    reply.refresh_from_db()
    assert not reply.is_hidden
    content.flag_post(second, reply, Flag.Reason.OFF_TOPIC)

    reply.refresh_from_db()
    assert reply.is_hidden and reply.hidden_by is None
    entry = only_entry(action=AuditEntry.Action.POST_AUTO_HIDDEN)
    assert entry.actor is None and entry.after == {"hidden": True, "flags": 2}


def test_threshold_zero_never_hides_automatically(board, reply):
    board.flag_threshold = 0
    board.save()
    for user in flaggers(board, 4):
        content.flag_post(user, reply, Flag.Reason.OTHER)
    reply.refresh_from_db()
    assert not reply.is_hidden


def test_dismissing_flags_shows_an_automatically_hidden_post_again(
    login, board, reply, board_moderator
):
    board.flag_threshold = 1
    board.save()
    content.flag_post(flaggers(board, 1)[0], reply, Flag.Reason.OTHER)
    url = reverse("moderation:flags_dismiss", args=[reply.pk])

    login(board_moderator).post(url, {"reason": "問題ありません"})
    login(board_moderator).post(url, {"reason": "問題ありません"})

    reply.refresh_from_db()
    assert not reply.is_hidden
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    entry = only_entry(action=AuditEntry.Action.FLAGS_DISMISSED)
    assert entry.after == {"flags": 1, "hidden": False}


# --- Hiding ----------------------------------------------------------------------------------


def test_moderator_hides_a_post_the_author_sees_why_and_others_see_a_placeholder(
    login, board, topic, reply, member, board_moderator, django_capture_on_commit_callbacks
):
    MembershipFactory(board=board)
    content.flag_post(member, reply, Flag.Reason.OFF_TOPIC)
    url = reverse("moderation:post_hide", args=[reply.pk])
    with django_capture_on_commit_callbacks(execute=True):
        login(board_moderator).post(url, {"reason": "話題と関係がないため"})
        login(board_moderator).post(url, {"reason": "話題と関係がないため"})

    reply.refresh_from_db()
    assert reply.is_hidden and reply.hidden_by == board_moderator
    entry = only_entry(action=AuditEntry.Action.POST_HIDDEN)
    assert entry.reason == "話題と関係がないため" and entry.after["flags"] == 1
    assert Flag.objects.get().resolution == Flag.Resolution.UPHELD
    [message] = mail.outbox
    assert message.to == [reply.author.email] and "話題と関係がないため" in message.body

    topic_url = reverse("forums:topic", args=[topic.pk]) + "?page=1"
    as_author = login(reply.author).get(topic_url).content.decode()
    as_member = login(member).get(topic_url).content.decode()
    as_moderator = login(board_moderator).get(topic_url).content.decode()
    assert PERSONAL in as_author and "話題と関係がないため" in as_author
    assert PERSONAL in as_moderator
    assert PERSONAL not in as_member


def test_a_hidden_accepted_answer_is_not_shown_in_the_answer_box(
    login, topic, reply, member, board_moderator
):
    content.hide_post(board_moderator, reply, "確認中")
    topic.accepted_post = reply
    topic.save()
    other = MembershipFactory(board=topic.board).user
    html = login(other).get(reverse("forums:topic", args=[topic.pk]) + "?page=1").content.decode()
    assert PERSONAL not in html


def test_history_of_a_hidden_post_is_not_shown_to_members(login, reply, board_moderator):
    content.hide_post(board_moderator, reply, "確認中")
    other = MembershipFactory(board=reply.topic.board).user
    url = reverse("forums:post_history", args=[reply.pk])
    assert login(other).get(url).status_code == 404
    assert login(reply.author).get(url).status_code == 200


def test_moderator_shows_a_hidden_post_again(login, reply, board_moderator):
    content.hide_post(board_moderator, reply, "確認中")
    url = reverse("moderation:post_unhide", args=[reply.pk])
    login(board_moderator).post(url)
    login(board_moderator).post(url)
    reply.refresh_from_db()
    assert not reply.is_hidden
    assert only_entry(action=AuditEntry.Action.POST_UNHIDDEN).before["hidden"] is True


# --- Redaction -------------------------------------------------------------------------------


def test_redaction_purges_the_body_and_every_earlier_version_and_logs_no_text(
    login, reply, board_moderator, django_capture_on_commit_callbacks
):
    from forums import services

    services.edit_post(reply.author, reply, f"訂正：{PERSONAL}（山田太郎さん）")
    assert PostRevision.objects.filter(post=reply).count() == 1
    url = reverse("moderation:post_redact", args=[reply.pk])
    with django_capture_on_commit_callbacks(execute=True):
        login(board_moderator).post(url, {"reason": "住民の個人情報が含まれていたため"})
        login(board_moderator).post(url, {"reason": "住民の個人情報が含まれていたため"})

    reply.refresh_from_db()
    assert reply.is_redacted
    assert PERSONAL not in reply.body and PERSONAL not in reply.html
    assert not PostRevision.objects.filter(post=reply).exists()
    entry = only_entry(action=AuditEntry.Action.POST_REDACTED)
    assert entry.after == {"redacted": True, "revisions_purged": 1, "flags": 0}
    assert PERSONAL not in str(entry.before) + str(entry.after) + entry.reason + entry.target_label
    assert "住民の個人情報が含まれていたため" in mail.outbox[0].body
    history = login(reply.author).get(reverse("forums:post_history", args=[reply.pk]))
    assert PERSONAL not in history.content.decode()


def test_a_redacted_post_offers_no_flag_button_since_flagging_it_is_refused(
    login, reply, member, board_moderator
):
    flag_url = reverse("moderation:post_flag", args=[reply.pk])
    page = login(member).get(reply.topic.get_absolute_url()).content.decode()
    assert f'<a href="{flag_url}" data-show-for="flag">' in page
    content.redact_post(board_moderator, reply, "住民の個人情報が含まれていたため")

    page = login(member).get(reply.topic.get_absolute_url()).content.decode()
    assert f'<a href="{flag_url}" data-show-for="flag" hidden>' in page
    assert 'data-post-states="redacted"' in page
    assert login(member).post(flag_url, {"reason": Flag.Reason.OTHER}).status_code == 403


# --- Topics ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "data", "field", "value", "action"),
    [
        (
            "moderation:topic_lock",
            {"locked": "1", "reason": "解決"},
            "is_locked",
            True,
            "topic.locked",
        ),
        ("moderation:topic_pin", {"pinned": "1"}, "is_pinned", True, "topic.pinned"),
    ],
)
def test_lock_and_pin_are_idempotent_and_logged(
    login, topic, board_moderator, url_name, data, field, value, action
):
    url = reverse(url_name, args=[topic.pk])
    login(board_moderator).post(url, data)
    login(board_moderator).post(url, data)
    topic.refresh_from_db()
    assert getattr(topic, field) is value
    assert only_entry(action=action).after == {field.removeprefix("is_"): value}


def test_unlocking_and_unpinning_are_logged(login, topic, board_moderator):
    content.set_locked(board_moderator, topic, True)
    content.set_pinned(board_moderator, topic, True)
    login(board_moderator).post(reverse("moderation:topic_lock", args=[topic.pk]), {"locked": "0"})
    login(board_moderator).post(reverse("moderation:topic_pin", args=[topic.pk]), {"pinned": "0"})
    topic.refresh_from_db()
    assert not topic.is_locked and not topic.is_pinned
    assert only_entry(action="topic.unlocked") and only_entry(action="topic.unpinned")


def test_moderator_edits_a_title_with_before_and_after(login, topic, board_moderator):
    url = reverse("moderation:topic_retitle", args=[topic.pk])
    login(board_moderator).post(url, {"title": "モデルナの保管温度（-20℃）"})
    login(board_moderator).post(url, {"title": "モデルナの保管温度（-20℃）"})
    topic.refresh_from_db()
    assert topic.title == "モデルナの保管温度（-20℃）"
    entry = only_entry(action=AuditEntry.Action.TOPIC_RETITLED)
    assert entry.before == {"title": "モデルナの保管方法"}
    assert entry.after == {"title": "モデルナの保管温度（-20℃）"}


def test_a_moderator_of_both_boards_moves_a_topic_and_counters_follow(
    login, board, topic, reply, site_moderator
):
    destination = BoardFactory(slug="storage")
    login(site_moderator).post(
        reverse("moderation:topic_move", args=[topic.pk]), {"board": destination.pk}
    )
    login(site_moderator).post(
        reverse("moderation:topic_move", args=[topic.pk]), {"board": destination.pk}
    )
    topic.refresh_from_db()
    board.refresh_from_db()
    destination.refresh_from_db()
    assert topic.board == destination
    assert (board.topic_count, board.post_count) == (0, 0)
    assert (destination.topic_count, destination.post_count) == (1, 2)
    entry = only_entry(action=AuditEntry.Action.TOPIC_MOVED)
    assert (entry.board, entry.other_board) == (destination, board)
    assert (entry.before, entry.after) == ({"board": board.slug}, {"board": "storage"})


def test_a_board_moderator_cannot_move_a_topic_to_a_board_they_do_not_moderate(
    login, topic, board_moderator
):
    elsewhere = BoardFactory(slug="elsewhere")
    login(board_moderator).post(
        reverse("moderation:topic_move", args=[topic.pk]), {"board": elsewhere.pk}
    )
    topic.refresh_from_db()
    assert topic.board_id != elsewhere.pk
    assert not AuditEntry.objects.exists()


def test_merging_a_duplicate_moves_its_posts_to_the_end_and_deletes_it(
    login, board, topic, reply, member, board_moderator
):
    duplicate = make_topic(member, board, title="モデルナの保管方法（重複）", body="同じ質問です")
    make_reply(member, duplicate, "重複への返信")
    url = reverse("moderation:topic_merge", args=[duplicate.pk])

    response = login(board_moderator).post(url, {"target": topic.pk})
    again = login(board_moderator).post(url, {"target": topic.pk})

    assert response["Location"] == again["Location"] == topic.get_absolute_url()
    assert not Topic.objects.filter(pk=duplicate.pk).exists()
    numbers = list(Post.objects.filter(topic=topic).values_list("number", "body"))
    assert [number for number, _body in numbers] == [1, 2, 3, 4]
    assert numbers[2][1] == "同じ質問です"
    topic.refresh_from_db()
    board.refresh_from_db()
    assert (topic.post_count, topic.reply_count) == (4, 3)
    assert (board.topic_count, board.post_count) == (1, 4)
    entry = only_entry(action=AuditEntry.Action.TOPIC_MERGED)
    assert entry.before["topic_id"] == duplicate.pk and entry.after["first_number"] == 3
    # Old links to the merged topic lead to the topic it was merged into.
    old_link = login(member).get(f"/topics/{duplicate.pk}/")
    assert old_link.status_code == 302 and old_link["Location"] == f"/topics/{topic.pk}/"


def test_a_topic_cannot_be_merged_into_itself(login, topic, board_moderator):
    login(board_moderator).post(
        reverse("moderation:topic_merge", args=[topic.pk]), {"target": topic.pk}
    )
    assert Topic.objects.filter(pk=topic.pk).exists()
    assert not AuditEntry.objects.exists()


def test_moderator_actions_on_their_own_content_are_allowed_and_logged(login, board):
    moderator = MembershipFactory(board=board, role=Membership.Role.MODERATOR).user
    own = make_topic(moderator, board)
    login(moderator).post(reverse("moderation:topic_lock", args=[own.pk]), {"locked": "1"})
    assert only_entry(action="topic.locked").actor == moderator
    assert mail.outbox == []  # nobody to tell


def test_audit_log_is_never_editable(topic, board_moderator):
    content.set_locked(board_moderator, topic, True)
    entry = AuditEntry.objects.get()
    entry.reason = "書き換え"
    with pytest.raises(Exception):  # noqa: B017
        entry.save()
    with pytest.raises(Exception):  # noqa: B017
        AuditEntry.objects.update(reason="書き換え")
    with pytest.raises(Exception):  # noqa: B017
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().reason == ""


def test_board_log_filters_and_shows_moves_to_both_boards(login, topic, site_moderator):
    source = topic.board
    destination = BoardFactory(slug="storage", join_policy=Board.JoinPolicy.OPEN)
    content.set_pinned(site_moderator, topic, True)
    content.move_topic(site_moderator, topic, destination)
    client = login(site_moderator)

    source_log = client.get(reverse("moderation:board_log", args=[source.slug]))
    moved_only = client.get(
        reverse("moderation:board_log", args=[destination.slug]), {"action": "topic.moved"}
    )
    site_log = client.get(reverse("moderation:site_log"), {"action": "topic.pinned"})

    assert len(source_log.context["page"]) == 2
    assert [entry.action for entry in moved_only.context["page"]] == ["topic.moved"]
    assert [entry.action for entry in site_log.context["page"]] == ["topic.pinned"]


def test_the_log_says_what_changed_in_words(login, topic, site_moderator, member):
    from moderation.services import site

    content.set_pinned(site_moderator, topic, True)
    site.suspend_member(site_moderator, member, "なりすましの疑い")
    html = login(site_moderator).get(reverse("moderation:site_log")).content.decode()
    assert "固定：いいえ → 固定：はい" in html
    assert "状態：職員確認済み → 状態：利用停止中" in html
    assert "pinned:" not in html and "status:" not in html


def test_settings_and_dates_in_the_log_read_as_words():
    from django.utils import translation

    from moderation.changes import described

    with translation.override("ja"):
        text = described({"flag_threshold": 3, "until": "2026-04-01T00:00:00+09:00"})
    assert text == "投稿を非表示にする通報数：3、期限：2026-04-01 00:00"
