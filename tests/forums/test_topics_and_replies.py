"""Asking, answering, quoting, deleting, marking helpful, and reading where you left off."""

import re
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from forums import queries, services
from forums.forms import MAX_BODY_LENGTH
from forums.markdown import render_markdown
from forums.models import Board, Membership, Post, Topic
from tests.factories import BoardFactory, MembershipFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


def test_a_member_asks_a_question_with_tags_and_sees_it_on_the_board(login, member, board):
    client = login(member)
    response = client.post(
        f"/boards/{board.slug}/new/",
        {
            "title": "モデルナの保管温度",
            "body": "**何度**で保管？",
            "tags": "接種、保管",
            "submission_token": "t1",
        },
    )
    topic = Topic.objects.get(title="モデルナの保管温度")
    assert response["Location"] == f"/topics/{topic.pk}/?accepted=t1"
    assert sorted(tag.name for tag in topic.tags.all()) == ["保管", "接種"]
    assert topic.posts.get().html == "<p><strong>何度</strong>で保管？</p>\n"
    assert "モデルナの保管温度" in client.get(f"/boards/{board.slug}/").content.decode()


def test_a_failed_submit_keeps_the_text(login, member, board):
    client = login(member)
    long_body = "あ" * (MAX_BODY_LENGTH + 1)
    response = client.post(
        f"/boards/{board.slug}/new/", {"title": "保管について", "body": long_body}
    )
    html = response.content.decode()
    assert "保管について" in html
    assert long_body in html
    assert "20000" in html or "20,000" in html
    assert not Topic.objects.exists()


def test_a_reply_error_keeps_the_text_and_says_why(login, member, board):
    topic = make_topic(member, board)
    response = login(member).post(f"/topics/{topic.pk}/reply/", {"body": "   "})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


def test_preview_renders_without_saving(login, member, board):
    response = login(member).post(
        f"/boards/{board.slug}/new/", {"title": "題名", "body": "**太字**", "preview": "1"}
    )
    assert "<strong>太字</strong>" in response.content.decode()
    assert not Topic.objects.exists()


def test_double_submit_creates_one_post(login, member, board):
    topic = make_topic(member, board)
    client = login(member)
    answers = [
        client.post(
            f"/topics/{topic.pk}/reply/", {"body": "同じ返信", "submission_token": "abc123"}
        )
        for _attempt in range(2)
    ]
    assert topic.posts.filter(body="同じ返信").count() == 1
    # The second submission is shown the reply the first one wrote.
    assert [answer.status_code for answer in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    assert answers[1]["Location"].endswith("#post-2")
    topic.refresh_from_db()
    assert topic.reply_count == 1


def test_double_submit_of_a_new_topic_creates_one_topic(login, member, board):
    client = login(member)
    for _attempt in range(2):
        client.post(
            f"/boards/{board.slug}/new/",
            {"title": "一件だけ", "body": "本文", "submission_token": "tok"},
        )
    assert Topic.objects.filter(title="一件だけ").count() == 1


def test_each_post_keeps_the_authors_municipality_and_department_at_posting_time(member, board):
    topic = make_topic(member, board)
    member.department = "福祉課"
    member.save()
    first = topic.posts.get(number=1)
    assert first.author_department == "健康増進課"
    assert first.author_municipality_id == member.municipality_id


def test_quote_reply_prefills_the_quoted_text(login, member, board):
    topic = make_topic(member, board, body="元の質問文")
    post = topic.posts.get(number=1)
    html = login(member).get(f"/topics/{topic.pk}/?quote={post.pk}").content.decode()
    assert "&gt; 元の質問文" in html


def test_deleting_a_post_leaves_a_placeholder(login, member, board):
    topic = make_topic(member, board)
    reply = make_reply(member, topic, body="間違えました")
    client = login(member)
    client.post(f"/posts/{reply.pk}/delete/")
    html = client.get(f"/topics/{topic.pk}/?page=1").content.decode()
    assert "間違えました" not in html
    assert f'id="post-{reply.number}"' in html


def test_accepted_answer_shows_under_the_question_and_the_topic_is_solved(login, member, board):
    answerer = MembershipFactory(board=board).user
    topic = make_topic(member, board)
    reply = make_reply(answerer, topic, body="クッションを切って合わせます")
    client = login(member)
    client.post(f"/topics/{topic.pk}/accept/", {"post": reply.pk})
    html = client.get(f"/topics/{topic.pk}/?page=1").content.decode()
    assert html.index('id="accepted-heading"') < html.index('id="post-1"')
    solved = client.get(f"/boards/{board.slug}/?filter=solved").content.decode()
    assert topic.title in solved and "badge--solved" in solved


def test_the_first_post_cannot_be_the_answer(member, board):
    topic = make_topic(member, board)
    with pytest.raises(ValidationError):
        services.accept_answer(member, topic, topic.posts.get(number=1))


def test_helpful_is_one_per_person_and_the_author_sees_who_and_from_where(login, member, board):
    topic = make_topic(member, board)
    reader = UserFactory(full_name="遠くの 職員")
    reply = make_reply(member, topic)
    client = login(reader)
    client.post(f"/posts/{reply.pk}/helpful/")
    reply.refresh_from_db()
    assert reply.helpful_count == 1
    client.post(f"/posts/{reply.pk}/helpful/")  # a second press takes the mark back
    reply.refresh_from_db()
    assert reply.helpful_count == 0
    client.post(f"/posts/{reply.pk}/helpful/")
    people = login(member).get(f"/posts/{reply.pk}/helpful/people/").content.decode()
    assert "遠くの 職員" in people
    assert "羽曳野市" in people


def test_authors_cannot_mark_their_own_post_helpful(login, member, board):
    topic = make_topic(member, board)
    login(member).post(f"/posts/{topic.posts.get().pk}/helpful/")
    assert topic.posts.get().helpful_count == 0


def test_unread_counts_and_opening_at_the_first_unread_post(login, member, board):
    other = MembershipFactory(board=board).user
    topic = make_topic(other, board)
    for number in range(2, 26):
        make_reply(other, topic, body=f"返信{number}")
    client = login(member)
    never_opened = client.get(f"/boards/{board.slug}/").context["page"].topics[0]
    assert never_opened.unread_count is None  # shown as "new"
    client.get(f"/topics/{topic.pk}/")  # reads page 1: posts 1-20
    assert queries.last_read_number(member, topic) == 20
    board_page = client.get(f"/boards/{board.slug}/")
    assert board_page.context["page"].topics[0].unread_count == 5
    assert re.search(r'badge--unread"[^>]*>[^<]*5', board_page.content.decode())
    response = client.get(f"/topics/{topic.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/topics/{topic.pk}/?page=2#post-21"


def test_board_filters_and_sorts(login, member, board):
    answered = make_topic(member, board, title="回答あり")
    make_reply(MembershipFactory(board=board).user, answered)
    make_topic(member, board, title="未回答の質問")
    make_topic(MembershipFactory(board=board).user, board, title="他人の質問")
    client = login(member)
    unanswered = client.get(f"/boards/{board.slug}/?filter=unanswered").content.decode()
    assert "未回答の質問" in unanswered and "回答あり" not in unanswered
    mine = client.get(f"/boards/{board.slug}/?filter=mine").content.decode()
    assert "他人の質問" not in mine and "回答あり" in mine
    newest = client.get(f"/boards/{board.slug}/?sort=new").content.decode()
    assert newest.index("他人の質問") < newest.index("回答あり")


def test_keyset_pages_of_a_board_cover_every_topic_once(login, member, board):
    for number in range(60):
        make_topic(member, board, title=f"トピック{number:02d}")
    client = login(member)
    seen, url = [], f"/boards/{board.slug}/"
    for _page in range(10):
        page = client.get(url).context["page"]
        seen += [topic.title for topic in page.topics]
        if not page.next_cursor:
            break
        url = f"/boards/{board.slug}/?{urlencode({'after': page.next_cursor})}"
    assert sorted(seen) == sorted(f"トピック{number:02d}" for number in range(60))
    assert len(seen) == 60


def test_open_board_join_and_approval_board_request(login, verified_user, board, approval_board):
    client = login(verified_user)
    client.post(f"/boards/{board.slug}/join/")
    client.post(f"/boards/{approval_board.slug}/join/", {"message": "契約課に異動しました"})
    assert Membership.objects.get(user=verified_user, board=board).state == "active"
    pending = Membership.objects.get(user=verified_user, board=approval_board)
    assert pending.state == "pending" and pending.request_message == "契約課に異動しました"
    board.refresh_from_db()
    assert board.member_count == 1
    html = client.get("/boards/").content.decode()
    assert html.count("badge--pending") == 1


def test_invite_board_cannot_be_joined_without_an_invitation(login, verified_user, invite_board):
    login(verified_user).post(f"/boards/{invite_board.slug}/join/")
    assert not Membership.objects.filter(user=verified_user).exists()


def test_a_slug_after_the_topic_id_is_optional(login, member, board):
    topic = make_topic(member, board)
    assert login(member).get(f"/topics/{topic.pk}/moderna-storage/").status_code == 200


def test_posts_in_an_unknown_topic_are_404(login, member):
    assert login(member).get("/topics/999999/").status_code == 404


def test_post_numbers_stay_dense_and_ordered(member, board):
    topic = make_topic(member, board)
    for _ in range(5):
        make_reply(member, topic)
    assert list(Post.objects.filter(topic=topic).values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    assert connection.vendor in ("sqlite", "postgresql")


def test_board_list_shows_counts_and_membership(login, member, board):
    make_topic(member, board)
    BoardFactory(slug="welfare", name_ja="生活保護", join_policy=Board.JoinPolicy.APPROVAL)
    html = login(member).get("/boards/").content.decode()
    assert "生活保護" in html and "予防接種" in html


def test_an_invited_member_sees_the_invitation_but_not_the_topics(
    login, verified_user, invite_board
):
    Membership.objects.create(
        user=verified_user, board=invite_board, state=Membership.State.INVITED
    )
    make_topic(MembershipFactory(board=invite_board).user, invite_board, title="非公開の話題")
    client = login(verified_user)
    page = client.get(f"/boards/{invite_board.slug}/").content.decode()
    assert "非公開の話題" not in page
    assert f'action="/boards/{invite_board.slug}/join/"' in page
    client.post(f"/boards/{invite_board.slug}/join/")
    assert "非公開の話題" in client.get(f"/boards/{invite_board.slug}/").content.decode()


def test_quote_reply_names_who_is_quoted_and_which_post(login, member, board):
    topic = make_topic(member, board, body="元の質問文")
    author = topic.posts.get(number=1).author
    author.display_name = "山田*花子（羽曳野市）"
    author.save()
    answer = make_reply(author, topic, body="冷凍庫で-20℃です")
    reader = MembershipFactory(board=board).user

    response = login(reader).get(f"/topics/{topic.pk}/?quote={answer.pk}")

    body = response.context["reply_form"].initial["body"]
    assert body.startswith("> **山田\\*花子（羽曳野市）さん")  # Markdown in the name is escaped
    assert "#2" in body.splitlines()[0]
    assert "> 冷凍庫で-20℃です" in body
    html = render_markdown(body)
    assert "山田*花子（羽曳野市）" in html and "<blockquote>" in html


def test_the_page_after_a_post_names_the_accepted_submission(login, member, board):
    topic = make_topic(member, board)
    client = login(member)

    reply = client.post(f"/topics/{topic.pk}/reply/", {"body": "返信", "submission_token": "tok1"})
    new = client.post(
        f"/boards/{board.slug}/new/",
        {"title": "新しい質問", "body": "本文", "submission_token": "t2"},
    )

    assert "accepted=tok1" in reply.url and reply.url.endswith("#post-2")
    assert new.url.endswith("?accepted=t2")


def test_a_refused_reply_is_not_named_accepted(login, member, board):
    topic = make_topic(member, board)

    response = login(member).post(
        f"/topics/{topic.pk}/reply/", {"body": "", "submission_token": "tok1"}
    )

    assert response.status_code == 400
    assert "accepted=" not in response.content.decode()


def test_the_topic_page_offers_a_jump_to_the_reply_box(login, member, board):
    topic = make_topic(member, board)

    html = login(member).get(f"/topics/{topic.pk}/").content.decode()

    assert 'href="#reply"' in html
    assert html.index('href="#reply"') < html.index('id="post-1"')


def test_the_topic_page_puts_no_form_inside_a_paragraph(login, member, board):
    """A form inside <p> ends the paragraph early and leaves an empty one: invalid HTML that
    screen readers announce as a stray paragraph."""
    from html.parser import HTMLParser

    topic = make_topic(member, board, title="接種券の再発行", body="本人確認は？")
    html = login(member).get(f"/topics/{topic.pk}/").content.decode()

    class Nesting(HTMLParser):
        def __init__(self):
            super().__init__()
            self.open: list[str] = []
            self.form_in_paragraph = False

        def handle_starttag(self, tag, attrs):
            if tag == "form" and "p" in self.open:
                self.form_in_paragraph = True
            if tag not in {"br", "hr", "img", "input", "meta", "link", "source", "wbr"}:
                self.open.append(tag)

        def handle_endtag(self, tag):
            if tag in self.open:
                del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]

    parser = Nesting()
    parser.feed(html)
    assert not parser.form_in_paragraph


def test_the_blank_reply_form_is_the_form_django_writes_with_a_new_token_each_time(
    login, member, board
):
    from forums.forms import ReplyForm

    topic = make_topic(member, board, "住民税の申告期限について")
    client = login(member)
    pages = [client.get(topic.get_absolute_url()) for _ in range(2)]
    tokens = [page.context["reply_form"].initial["submission_token"] for page in pages]
    assert tokens[0] != tokens[1]
    for page, token in zip(pages, tokens, strict=True):
        html = page.content.decode()
        assert f'name="submission_token" value="{token}"' in html
        assert str(ReplyForm(initial={"submission_token": token}).as_div()) in html


def test_a_title_of_invisible_characters_is_refused(login, member, board):
    response = login(member).post(
        f"/boards/{board.slug}/new/", {"title": "\u202e\u200b\u200b", "body": "本文は残る"}
    )
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert "本文は残る" in response.content.decode()
