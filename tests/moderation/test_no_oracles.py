"""Moderation addresses tell nothing to those who may not use them; refusals log one line."""

import logging

import pytest
from django.urls import reverse

from forums.models import Board, Topic
from onlinecityhall.log_filters import RefusalsWithoutTraceback
from tests.factories import BoardFactory, MembershipFactory, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_topic(db):
    board = BoardFactory(slug="secret", join_policy=Board.JoinPolicy.INVITE)
    author = MembershipFactory(board=board).user
    return make_topic(author, board, title="非公開の議題")


def _merge(client, topic_id: int, target: int):
    return client.post(
        reverse("moderation:topic_merge", args=[topic_id]), {"target": target, "reason": ""}
    )


def test_a_member_learns_nothing_from_the_merge_address(login, member, topic, hidden_topic):
    client = login(member)
    missing = max(Topic.objects.values_list("pk", flat=True)) + 100
    answers = {
        "own board, hidden target": _merge(client, topic.pk, hidden_topic.pk),
        "own board, missing target": _merge(client, topic.pk, missing),
        "hidden source": _merge(client, hidden_topic.pk, topic.pk),
        "missing source": _merge(client, missing, topic.pk),
    }
    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(
        answers, 404
    )
    assert Topic.objects.filter(pk=hidden_topic.pk).exists()


def test_a_moderator_gets_the_same_answer_for_a_hidden_and_a_missing_target(
    login, board_moderator, topic, hidden_topic
):
    client = login(board_moderator)
    missing = max(Topic.objects.values_list("pk", flat=True)) + 100
    hidden = client.post(
        reverse("moderation:topic_merge", args=[topic.pk]),
        {"target": hidden_topic.pk},
        follow=True,
    )
    absent = client.post(
        reverse("moderation:topic_merge", args=[topic.pk]), {"target": missing}, follow=True
    )
    errors = [response.context["merge_form"].errors for response in (hidden, absent)]
    assert errors[0] == errors[1] and errors[0]["target"]
    assert hidden.status_code == absent.status_code == 400
    assert Topic.objects.filter(pk=hidden_topic.pk).exists()


def test_moderation_pages_of_a_readable_topic_are_404_for_members(login, member, topic, reply):
    client = login(member)
    for url in (
        reverse("moderation:topic", args=[topic.pk]),
        reverse("moderation:post", args=[reply.pk]),
        reverse("moderation:board", args=[topic.board.slug]),
    ):
        assert client.get(url).status_code == 404, url


def test_a_refusal_is_logged_as_one_line_and_a_crash_keeps_its_traceback(login, member, caplog):
    login(member).get(reverse("moderation:review_queue"))  # 403 for an ordinary member
    [refusal] = [r for r in caplog.records if r.name == "django.request"]
    # Django attached the exception; the site's handler, which saw the record first, dropped it.
    formatter = logging.Formatter()
    assert refusal.status_code == 403
    assert "\n" not in formatter.format(refusal)
    try:
        raise RuntimeError("real error")
    except RuntimeError as error:
        crash = logging.LogRecord("django.request", logging.ERROR, "", 0, "boom", (), None)
        crash.exc_info = (type(error), error, error.__traceback__)
        crash.status_code = 500
    RefusalsWithoutTraceback().filter(crash)
    assert "Traceback" in formatter.format(crash)


def test_the_sites_log_handler_uses_the_filter():
    handlers = logging.getLogger().handlers
    assert any(
        isinstance(f, RefusalsWithoutTraceback) for handler in handlers for f in handler.filters
    )


def test_a_refused_moderation_form_keeps_what_was_typed_beside_its_message(
    login, board_moderator, topic, reply
):
    client = login(board_moderator)
    redact = client.post(reverse("moderation:post_redact", args=[reply.pk]), {"reason": "   "})
    page = redact.content.decode()
    assert redact.status_code == 400
    assert 'id="redact-reason" rows="2" required maxlength="1000" aria-invalid="true"' in page
    assert 'aria-describedby="redact-reason-error"' in page and 'id="redact-reason-error"' in page

    merge = client.post(
        reverse("moderation:topic_merge", args=[topic.pk]), {"target": "999999", "reason": "重複"}
    )
    page = merge.content.decode()
    assert merge.status_code == 400 and 'value="999999"' in page and "重複" in page
    too_long = {"title": "x" * 121}
    retitle = client.post(reverse("moderation:topic_retitle", args=[topic.pk]), too_long)
    assert retitle.status_code == 400 and 'aria-invalid="true"' in retitle.content.decode()


def test_a_reason_too_long_says_so_beside_it(login, board_moderator, reply):
    response = login(board_moderator).post(
        reverse("moderation:post_hide", args=[reply.pk]), {"reason": "長" * 1001}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        'id="hide-reason-error"' in page and "1000" in page.split('id="hide-reason-error"')[1][:300]
    )
