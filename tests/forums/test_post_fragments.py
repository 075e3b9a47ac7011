"""A post is rendered once for everybody and personalised per viewer: the result is the ordinary
rendering byte for byte, for every kind of viewer and post, and never stale after a change."""

import pytest
from django.utils import translation

from forums import fragments, permissions, queries, services
from forums.models import Membership, Topic
from moderation.services import content as moderation
from tests.factories import MembershipFactory, UserFactory, make_reply, make_topic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


@pytest.fixture
def thread(board):
    asker = MembershipFactory(board=board, user__full_name="山田 花子").user
    answerer = MembershipFactory(board=board, user__full_name="佐藤 健").user
    moderator = MembershipFactory(board=board, role=Membership.Role.MODERATOR).user
    topic = make_topic(asker, board, title="モデルナのバイアル", body="クッションが合いません。")
    answer = make_reply(answerer, topic, "**十字に切って**使っています。")
    edited = make_reply(asker, topic, "ありがとうございます")
    services.edit_post(asker, edited, "ありがとうございます！試してみます。")
    services.toggle_helpful(asker, answer)
    services.accept_answer(asker, topic, answer)
    hidden = make_reply(answerer, topic, "住民の電話番号は090-0000-0000です。")
    moderation.hide_post(moderator, hidden, "個人情報")
    deleted = make_reply(answerer, topic, "間違えました。")
    services.delete_post(answerer, deleted)
    return {"asker": asker, "answerer": answerer, "moderator": moderator, "topic": topic}


def page_for(user, topic_id: int):
    """The posts of page 1 with their fragments, as the topic page builds them for ``user``."""
    topic = Topic.objects.select_related("board").get(pk=topic_id)
    membership = Membership.objects.filter(user=user, board=topic.board).first()
    posts = queries.topic_posts(topic, user, 1)
    controls = permissions.post_controls_for(user, topic, membership)
    token = f"token-of-{user.pk}"
    fragments.page_fragments(posts, topic, user, membership, controls, token)
    ordinary = [
        fragments.render_for_viewer(post, topic, user, membership, controls, token)
        for post in posts
    ]
    return posts, ordinary


@pytest.mark.parametrize("viewer", ["asker", "answerer", "moderator", "reader", "site_moderator"])
@pytest.mark.parametrize("language", ["ja", "en"])
def test_each_viewer_gets_the_ordinary_rendering(thread, board, viewer, language):
    if viewer == "reader":
        user = MembershipFactory(board=board).user
    elif viewer == "site_moderator":
        user = UserFactory(is_site_moderator=True)
    else:
        user = thread[viewer]
    with translation.override(language):
        for _visit in ("cold cache", "warm cache"):
            posts, ordinary = page_for(user, thread["topic"].pk)
            assert [str(post.fragment) for post in posts] == ordinary


def test_a_fragment_is_rendered_once_for_every_reader(thread, board, monkeypatch):
    page_for(thread["asker"], thread["topic"].pk)
    readers = [MembershipFactory(board=board).user for _ in range(3)]
    rendered = []
    real_render = fragments._render_shared

    def counting_render(post, topic):
        rendered.append(post.pk)
        return real_render(post, topic)

    monkeypatch.setattr(fragments, "_render_shared", counting_render)
    for reader in readers:
        page_for(reader, thread["topic"].pk)
    assert rendered == []


def test_every_change_shows_at_once(thread, board):
    asker, answerer, topic = thread["asker"], thread["answerer"], thread["topic"]
    reader = MembershipFactory(board=board).user
    page_for(reader, topic.pk)  # everything cached

    answer = topic.posts.get(number=2)
    services.edit_post(answerer, answer, "**十字に切って**、端をテープで留めています。")
    services.toggle_helpful(reader, answer)
    services.accept_answer(asker, Topic.objects.get(pk=topic.pk), None)
    answerer.full_name = "佐藤 健一"
    answerer.save(update_fields=["full_name"])

    posts, ordinary = page_for(reader, topic.pk)
    assert [str(post.fragment) for post in posts] == ordinary
    second = str(posts[1].fragment)
    assert "端をテープで留めています" in second and "佐藤 健一" in second
    assert 'aria-pressed="true"' in second and "post--accepted" not in second
