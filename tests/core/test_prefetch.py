"""A related list known to be empty reads as empty without a query; others are untouched."""

import pytest

from core.prefetch import known_empty
from forums.models import Post
from tests.factories import BoardFactory, MembershipFactory, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def post():
    board = BoardFactory()
    author = MembershipFactory(board=board).user
    return Post.objects.get(topic=make_topic(author, board), number=1)


def test_a_known_empty_relation_is_empty_without_a_query(post, django_assert_num_queries):
    known_empty(post, "attachments")
    with django_assert_num_queries(0):
        assert list(post.attachments.all()) == []
        assert post.attachments.all().count() == 0
    # Another relation of the same post is read as usual.
    with django_assert_num_queries(1):
        assert list(post.helpful_marks.all()) == []


def test_what_is_chained_on_a_known_empty_relation_stays_empty(post, django_assert_num_queries):
    known_empty(post, "attachments")
    with django_assert_num_queries(0):
        assert list(post.attachments.filter(position__gte=0)) == []
        assert not post.attachments.exists()
