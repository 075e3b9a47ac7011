"""Fixtures of the accessibility specs: the browser fixtures of tests/browser, a tab opener that
takes a language and a viewport, and one small but complete site to look at as each role."""

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from forums import services
from forums.models import Board, Membership
from moderation.services import content as moderation
from tests.browser.conftest import asgi_server, chromium  # noqa: F401 - shared fixtures
from tests.factories import (
    BoardFactory,
    MembershipFactory,
    MunicipalityDomainFactory,
    UserFactory,
    make_reply,
    make_topic,
)


@pytest.fixture
def open_tab(chromium, asgi_server):  # noqa: F811
    """A browser tab for ``user`` (None: signed out) in ``language``, with its own context."""
    contexts = []

    def open_page(user=None, *, language="ja", init_script=None, **context_options):
        context = chromium.new_context(
            locale="ja-JP" if language == "ja" else "en-GB",
            base_url=asgi_server,
            **context_options,
        )
        cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": asgi_server}]
        if user is not None:
            client = Client()
            client.force_login(user)
            name = settings.SESSION_COOKIE_NAME
            cookies.append({"name": name, "value": client.cookies[name].value, "url": asgi_server})
        context.add_cookies(cookies)
        if init_script:
            context.add_init_script(init_script)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def site(transactional_db):
    """Boards, a solved topic with a deleted reply and an edited one, a flag, a join request, a
    pending applicant and a suspended member: enough that every page type has something to show."""
    board = BoardFactory(
        slug="vaccination", name_ja="予防接種", name_en="Vaccination", description_ja="接種の相談"
    )
    approval = BoardFactory(
        slug="procurement",
        name_ja="調達・契約",
        name_en="Procurement",
        join_policy=Board.JoinPolicy.APPROVAL,
    )
    asker = MembershipFactory(
        board=board, user__full_name="山田 花子", user__display_name="山田"
    ).user
    answerer = MembershipFactory(board=board, user__full_name="佐藤 健").user
    board_moderator = MembershipFactory(
        board=board, role=Membership.Role.MODERATOR, user__full_name="鈴木 美咲"
    ).user
    MembershipFactory(board=approval, role=Membership.Role.MODERATOR, user=board_moderator)
    site_moderator = UserFactory(is_site_moderator=True, full_name="加藤 由美")
    MembershipFactory(
        board=approval,
        state=Membership.State.PENDING,
        request_message="入札事務の担当になりました。",
        user__full_name="田中 一郎",
    )

    topic = make_topic(asker, board, title="モデルナのバイアルが合いません")
    answer = make_reply(answerer, topic, "クッションを**切って**使っています。\n\n1. 十字に切る")
    edited = make_reply(asker, topic, "ありがとうございます。")
    services.edit_post(asker, edited, "ありがとうございます！試してみます。")
    deleted = make_reply(answerer, topic, "間違えました。")
    services.delete_post(answerer, deleted)
    services.toggle_helpful(asker, answer)
    services.accept_answer(asker, topic, answer)
    flagged = make_reply(answerer, topic, "窓口に来た住民の電話番号は090-0000-0000です。")
    moderation.flag_post(asker, flagged, "personal_data", "個人情報です")
    open_topic = make_topic(answerer, board, title="接種券の再発行", body="本人確認は？")

    pending = UserFactory(status=User.Status.PENDING, email="applicant@gmail.com")
    # The review queue's other reasons, and a domain waiting for a second site moderator.
    UserFactory(status=User.Status.PENDING, email="kondo@city.sakai.lg.jp")
    MunicipalityDomainFactory(
        domain="city.example.jp", confirmed_at=None, registered_by=site_moderator
    )
    suspended = UserFactory(status=User.Status.SUSPENDED)
    return {
        "board": board,
        "approval": approval,
        "asker": asker,
        "answerer": answerer,
        "board_moderator": board_moderator,
        "site_moderator": site_moderator,
        "pending": pending,
        "suspended": suspended,
        "topic": topic,
        "open_topic": open_topic,
        "answer": answer,
        "edited": edited,
        "flagged": flagged,
    }
