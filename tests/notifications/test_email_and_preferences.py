"""E-mail: per-kind preferences, the daily digest, one-click unsubscribe, the member's language."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from forums.models import Board
from notifications import digests, emails, services
from notifications.models import Delivery, Kind, Notification
from tests.factories import BoardFactory, MembershipFactory, make_reply, make_topic
from tests.notifications.conftest import notifications_of

pytestmark = pytest.mark.django_db


def test_a_reply_is_e_mailed_at_once_by_default(asker, answerer, topic, committed):
    with committed():
        make_reply(answerer, topic, "-20℃で保管しています。")

    [message] = mail.outbox
    assert message.to == [asker.email]
    assert "佐藤 花子" in message.subject and "モデルナの保管" in message.subject
    assert "-20℃で保管しています。" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html" and "-20℃で保管しています。" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/unsubscribe/" in message.extra_headers["List-Unsubscribe"]


def test_e_mail_is_in_the_members_language(asker, answerer, topic, committed):
    User.objects.filter(pk=asker.pk).update(language="en")
    with committed():
        make_reply(answerer, topic)

    assert mail.outbox[0].subject.startswith("佐藤 花子 (北海道 札幌市) replied in")


def test_off_means_no_e_mail_but_still_in_the_list(asker, answerer, topic, committed):
    services.set_email_preferences(asker, {Kind.REPLY: Delivery.OFF})
    with committed():
        make_reply(answerer, topic)

    assert mail.outbox == []
    assert len(notifications_of(asker)) == 1


def test_digest_mode_waits_for_the_digest(asker, answerer, topic, committed):
    services.set_email_preferences(asker, {Kind.REPLY: Delivery.DIGEST})
    with committed():
        make_reply(answerer, topic)

    assert mail.outbox == []
    assert notifications_of(asker)[0].in_digest


def test_preferences_page_saves_each_kind(login, asker):
    client = login(asker)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    data = {kind.value: Delivery.IMMEDIATELY for kind in Kind}
    data[Kind.HELPFUL] = Delivery.OFF
    response = client.post(reverse("notifications:preferences"), data)

    assert response.status_code == 302
    assert asker.email_preferences.get(kind=Kind.HELPFUL).delivery == Delivery.OFF


def test_digest_lists_new_topics_in_watched_boards_and_waiting_notifications(
    board, asker, answerer, topic, committed
):
    services.watch_board(answerer, board)
    services.set_email_preferences(asker, {Kind.REPLY: Delivery.DIGEST})
    secret = BoardFactory(join_policy=Board.JoinPolicy.INVITE)
    with committed():
        make_topic(asker, board, title="接種券の再発行")
        make_reply(answerer, topic)
    mail.outbox.clear()

    call_command("send_digests")

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert "接種券の再発行" in by_recipient[answerer.email].body
    assert "モデルナの保管" in by_recipient[asker.email].body
    assert (
        "/notifications/unsubscribe/" in by_recipient[asker.email].extra_headers["List-Unsubscribe"]
    )
    assert not Notification.objects.filter(in_digest=True).exists()
    assert secret.name_ja not in by_recipient[answerer.email].body


def test_digest_leaves_out_what_the_member_can_no_longer_read(asker, committed):
    secret = BoardFactory(join_policy=Board.JoinPolicy.INVITE)
    MembershipFactory(board=secret, user=asker)
    insider = MembershipFactory(board=secret).user
    services.watch_board(insider, secret)
    with committed():
        make_topic(asker, secret, title="非公開の相談")
    insider.memberships.all().delete()  # removed from the board before the morning

    assert digests.send_digest(insider.pk) is False
    assert mail.outbox == []


def test_unsubscribe_link_confirms_on_get_and_unsubscribes_on_post(client, asker):
    url = emails.unsubscribe_url(asker, Kind.REPLY).removeprefix("http://localhost:8000")

    page = client.get(url)
    assert page.status_code == 200 and "<form" in page.content.decode()
    assert not asker.email_preferences.exists()

    response = client.post(url, {"List-Unsubscribe": "One-Click"})  # no session, no CSRF token
    assert response.status_code == 200
    assert asker.email_preferences.get(kind=Kind.REPLY).delivery == Delivery.OFF


def test_digest_unsubscribe_turns_off_every_digest_kind(client, asker):
    url = emails.unsubscribe_url(asker, "digest").removeprefix("http://localhost:8000")
    client.post(url)

    preferences = dict(asker.email_preferences.values_list("kind", "delivery"))
    assert preferences == {
        Kind.NEW_TOPIC: Delivery.OFF,
        Kind.HELPFUL: Delivery.OFF,
        Kind.QUESTION: Delivery.OFF,
    }


def test_a_forged_unsubscribe_link_does_nothing(client, asker):
    token = emails.unsubscribe_token(asker, Kind.REPLY)
    response = client.post(f"/notifications/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 400
    assert not asker.email_preferences.exists()


def test_links_inside_the_post_of_an_e_mail_use_the_sites_address(
    asker, answerer, topic, committed, settings
):
    with committed():
        make_reply(answerer, topic, f"@{asker.display_name} さん、[手順](/topics/{topic.pk}/) を")

    html, _mime = mail.outbox[-1].alternatives[0]
    assert f'href="{settings.SITE_URL}/members/{asker.pk}/"' in html
    assert f'href="{settings.SITE_URL}/topics/{topic.pk}/"' in html
    assert 'href="/' not in html
