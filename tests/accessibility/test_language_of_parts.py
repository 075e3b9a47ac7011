"""Members' Japanese text on a page in English is marked lang="ja" (WCAG 3.1.2), and nothing
is added on a Japanese page."""

from django.conf import settings

from tests.factories import MembershipFactory, make_reply, make_topic


def test_japanese_posts_titles_and_names_are_marked_on_an_english_page(client, board):
    asker = MembershipFactory(board=board, user__full_name="山田 花子", user__language="en").user
    topic = make_topic(asker, board, title="接種券の再発行")
    make_reply(asker, topic, "郵送で受け付けています。")
    client.force_login(asker)

    page = client.get(topic.get_absolute_url()).content.decode()
    assert '<html lang="en"' in page
    assert '<h1 lang="ja">接種券の再発行</h1>' in page
    assert '<div class="post-body" lang="ja">' in page
    assert 'lang="ja">山田 花子</a>' in page
    board_page = client.get(board.get_absolute_url()).content.decode()
    assert 'lang="ja">接種券の再発行</a>' in board_page

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    asker.language = "ja"
    asker.save(update_fields=["language"])
    japanese_page = client.get(topic.get_absolute_url()).content.decode()
    assert "<h1>接種券の再発行</h1>" in japanese_page
    assert '<div class="post-body">' in japanese_page
