"""Only ``forums`` writes the forums tables (boards, memberships, topics, posts and their
counters): moderation, notifications and search ask its verbs. Every SQL statement that changes a
``forums_*`` table is traced back to the innermost module of this project that issued it."""

import re
import traceback
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from forums import services as forum_services
from forums.models import Board, Membership
from moderation.models import Flag
from moderation.services import content, membership, site
from notifications import services as notifications
from tests.factories import BoardFactory, MembershipFactory, UserFactory, make_reply, make_topic

ROOT = Path(__file__).resolve().parents[2]
WRITE = re.compile(r'^\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+"?(forums_\w+)', re.IGNORECASE)


def _writer() -> str:
    """The project module (outside the tests) nearest to the statement on the call stack."""
    for frame in reversed(traceback.extract_stack()):
        path = Path(frame.filename)
        if not path.is_relative_to(ROOT) or ".venv" in path.parts:
            continue
        relative = path.relative_to(ROOT)
        if relative.parts[0] != "tests":
            return relative.as_posix()
    return "tests"


@contextmanager
def forums_writes():
    writes: list[tuple[str, str]] = []

    def record(execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match:
            writes.append((match.group(1), _writer()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield writes


@pytest.mark.django_db
def test_moderation_notifications_and_search_write_forums_rows_only_through_forums(
    django_capture_on_commit_callbacks,
):
    board = BoardFactory(flag_threshold=2)
    other = BoardFactory(join_policy=Board.JoinPolicy.APPROVAL)
    moderator = MembershipFactory(board=board, role=Membership.Role.MODERATOR).user
    MembershipFactory(board=other, role=Membership.Role.MODERATOR, user=moderator)
    site_moderator = UserFactory(is_site_moderator=True)
    author, reader, flagger = (MembershipFactory(board=board).user for _ in range(3))
    applicant = MembershipFactory(board=other, state=Membership.State.PENDING)
    outsider = UserFactory()

    with forums_writes() as writes, django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(author, board, "保管温度", "@" + reader.full_name + " 教えてください")
        reply = make_reply(reader, topic)
        forum_services.toggle_helpful(author, reply)
        forum_services.accept_answer(author, topic, reply)
        forum_services.mark_read(author, topic, 2, 1)
        notifications.mute_topic(reader, topic)
        content.flag_post(author, reply, Flag.Reason.OTHER)
        content.flag_post(flagger, reply, Flag.Reason.OTHER)  # hidden by the threshold
        content.dismiss_flags(moderator, reply)
        content.hide_post(moderator, reply, "個人情報")
        content.unhide_post(moderator, reply)
        content.redact_post(moderator, reply, "個人情報")
        content.set_locked(moderator, topic, True, "重複")
        content.set_pinned(moderator, topic, True)
        content.retitle_topic(moderator, topic, "冷凍庫の保管温度")
        second = make_topic(author, board, "保管温度 2", "続きです")
        content.move_topic(moderator, second, other)
        content.merge_topics(moderator, second, topic)
        content.update_board(moderator, board, flag_threshold=3)
        content.create_board(
            site_moderator, slug="new", name_ja="新設", name_en="New", field=board.field
        )
        membership.approve_requests(moderator, other, [applicant.pk])
        membership.set_moderator(moderator, applicant, True)
        membership.set_moderator(site_moderator, applicant, False)
        membership.remove_member(moderator, applicant, "退職")
        membership.ban_member(moderator, board, outsider, "荒らし")
        membership.unban_member(moderator, board, outsider)
        membership.invite_member(moderator, board, outsider)
        site.suspend_member(site_moderator, reader, "規約違反")
        site.reinstate_member(site_moderator, reader)

    writers = {module for _table, module in writes}
    assert {"forums/services.py", "forums/curation.py"} <= writers  # the recorder sees writes
    assert [(table, module) for table, module in writes if not module.startswith("forums/")] == []
