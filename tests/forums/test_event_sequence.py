"""Every event of a topic gets the next sequence number, whether the database can return what
an UPDATE wrote (one statement) or not (an UPDATE and a read of the locked row)."""

import pytest

from forums import live
from forums.models import TopicEvent
from tests.factories import MembershipFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("returning", [True, False])
def test_replies_get_consecutive_event_sequences(board, monkeypatch, returning):
    monkeypatch.setattr(live, "_update_returns_rows", lambda: returning)
    author = MembershipFactory(board=board).user
    topic = make_topic(author, board, title="接種券の再発行")
    for _ in range(3):
        make_reply(author, topic)
    sequences = list(
        TopicEvent.objects.filter(topic=topic).order_by("id").values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, len(sequences) + 1)) and len(sequences) >= 3
    topic.refresh_from_db()
    assert topic.event_sequence == sequences[-1]
