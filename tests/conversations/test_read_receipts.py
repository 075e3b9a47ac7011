"""Read receipts (既読) name only the participants who have read something."""

import pytest

from conversations import queries, services
from conversations.models import Participant

pytestmark = pytest.mark.django_db


def test_a_participant_who_has_read_nothing_gets_no_receipt(newcomer, expert, outsider):
    conversation = services.start_conversation(
        newcomer, [expert, outsider], "生活保護の訪問計画、どう立てていますか。", title="訪問計画"
    )
    assert queries.read_states(conversation, newcomer) == []

    seat = Participant.objects.select_related("conversation").get(
        conversation=conversation, user=expert
    )
    services.mark_read(expert, seat, 1)

    reads = queries.read_states(conversation, newcomer)
    assert [(read["user_id"], read["number"]) for read in reads] == [(expert.pk, 1)]


def test_the_page_shows_no_read_up_to_zero(login, newcomer, expert, outsider):
    conversation = services.start_conversation(
        newcomer, [expert, outsider], "生活保護の訪問計画、どう立てていますか。", title="訪問計画"
    )
    html = login(newcomer).get(conversation.get_absolute_url()).content.decode()
    assert "#0" not in html
