"""Helpers for test_concurrent_writes: run inside ``manage.py shell`` against the site's own
database (a SQLite file or a PostgreSQL database of its own), never the test database."""

import json

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Max

from accounts.models import User
from forums import services
from forums.models import Board, Membership, Post, Topic
from notifications.models import Delivery, EmailPreference, Kind, Notification, TopicSubscription
from tests.factories import BoardFactory, MembershipFactory, MunicipalityFactory


def _session_for(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def seed(posters: int) -> None:
    """A board, a topic that every poster watches, and a signed-in session per poster."""
    MunicipalityFactory()
    board = BoardFactory(slug="vaccination", join_policy=Board.JoinPolicy.OPEN)
    asker = MembershipFactory(board=board).user
    topic = services.create_topic(asker, board, "同時投稿の試験", "返信をお願いします。")
    people = [
        MembershipFactory(board=board, role=Membership.Role.MEMBER).user for _ in range(posters)
    ]
    for index, person in enumerate(people):
        TopicSubscription.objects.update_or_create(
            user=person, topic=topic, defaults={"level": TopicSubscription.Level.WATCHING}
        )
        if index % 4:  # a quarter (and the asker) get each reply by e-mail, the rest in a digest
            EmailPreference.objects.create(user=person, kind=Kind.REPLY, delivery=Delivery.DIGEST)
    print(json.dumps({"topic": topic.pk, "sessions": [_session_for(p) for p in people]}))


def report(topic_id: int, bodies: bool = False) -> None:
    topic = Topic.objects.get(pk=topic_id)
    rows = list(
        Post.objects.filter(topic=topic).order_by("number").values_list("number", "author", "body")
    )
    posts = [(number, author) for number, author, _body in rows]
    watchers = TopicSubscription.objects.filter(
        topic=topic, level=TopicSubscription.Level.WATCHING
    ).values_list("user_id", flat=True)
    told_up_to = dict(
        Notification.objects.filter(topic=topic, kind=Kind.REPLY)
        .values("recipient_id")
        .annotate(number=Max("post__number"))
        .values_list("recipient_id", "number")
    )
    # Every watcher was told about the latest reply that somebody else wrote.
    untold = [
        watcher
        for watcher in watchers
        if told_up_to.get(watcher, 0)
        != max((number for number, author in posts[1:] if author != watcher), default=0)
    ]
    print(
        json.dumps(
            {
                "posts": len(posts),
                "numbers": [number for number, _author in posts],
                "post_count": topic.post_count,
                "board_post_count": topic.board.post_count,
                "watchers": len(watchers),
                "untold_watchers": untold,
                **({"bodies": [body for _n, _a, body in rows]} if bodies else {}),
            }
        )
    )
