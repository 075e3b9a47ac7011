"""The corpus loaded through the real services, so that the index is built as in production."""

import pytest

from forums import services
from tests.factories import BoardFactory, MembershipFactory, UserFactory
from tests.search.corpus import CORPUS

BOARD_NAMES = {
    "procurement": "調達・契約",
    "tax": "税務",
    "childcare": "子育て支援",
    "welfare": "生活保護",
    "disaster": "防災",
}


@pytest.fixture
def boards(board):
    """The vaccination board of the shared fixtures and one open board per other field."""
    found = {"vaccination": board}
    for slug, name in BOARD_NAMES.items():
        found[slug] = BoardFactory(slug=slug, name_ja=name)
    return found


@pytest.fixture
def asker(boards):
    user = UserFactory(display_name="質問者")
    for board in boards.values():
        MembershipFactory(user=user, board=board)
    return user


@pytest.fixture
def answerer(boards):
    user = UserFactory(display_name="回答者")
    for board in boards.values():
        MembershipFactory(user=user, board=board)
    return user


@pytest.fixture
def corpus(boards, asker, answerer):
    """Every corpus topic by title."""
    topics = {}
    for board_key, title, body, replies, solved in CORPUS:
        topic = services.create_topic(asker, boards[board_key], title, body)
        posts = [services.post_reply(answerer, topic, reply) for reply in replies]
        if solved and posts:
            services.accept_answer(asker, topic, posts[0])
        topics[title] = topic
    return topics


@pytest.fixture
def ask(asker, answerer, boards):
    """Post a solved topic: ask(board key, title, question, answer)."""

    def ask(board: str, title: str, question: str, answer: str | None = None):
        topic = services.create_topic(asker, boards[board], title, question)
        if answer:
            reply = services.post_reply(answerer, topic, answer)
            services.accept_answer(asker, topic, reply)
        return topic

    return ask
