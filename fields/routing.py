"""Unanswered questions reach the people who know the field.

A topic that has waited ``QUESTION_ROUTING_AFTER_HOURS`` without a reply from anyone but its
asker is offered (a notification, in-app and in the digest by default) to members who said
"ask me", whose current or past assignment is in a field of the topic's board, and who may read
that board. Nobody is offered more than ``QUESTION_ROUTING_PER_MEMBER_PER_DAY`` questions a day
(site time) and nobody the same question twice; each run offers a question to a few more
people until someone other than the asker replies. Runs hourly in the task worker.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from accounts.models import Assignment, User
from fields.models import Field, RoutedQuestion
from forums.models import Membership, Post, Topic
from forums.permissions import can_view_board
from notifications import services as notification_services

# How many more people one run offers one question to.
OFFERS_PER_QUESTION_PER_RUN = 3
# Questions older than this are left alone: the moment has passed.
LOOK_BACK = timedelta(days=14)


def waiting_questions(now) -> list[Topic]:
    """Topics of boards that serve a field, old enough, with no reply by anyone but the asker."""
    cutoff = now - timedelta(hours=settings.QUESTION_ROUTING_AFTER_HOURS)
    others_replied = Post.objects.filter(topic=OuterRef("pk"), number__gt=1).exclude(
        author=OuterRef("author")
    )
    return list(
        Topic.objects.filter(
            created_at__lte=cutoff,
            created_at__gte=now - LOOK_BACK,
            is_locked=False,
            expects_answer=True,  # not a meeting's agenda
            board__work_fields__isnull=False,
        )
        .exclude(Exists(others_replied))
        .select_related("board")
        .distinct()
        .order_by("created_at", "id")
    )


def _offered_today(now) -> dict[int, int]:
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = (
        RoutedQuestion.objects.filter(created_at__gte=start)
        .values("recipient")
        .annotate(count=Count("id"))
    )
    return {row["recipient"]: row["count"] for row in rows}


def candidates_for(topic: Topic, fields: list[Field]) -> list[tuple[User, Field]]:
    """Members who know one of the fields, opted in and may read the board, best first:
    those doing the job now, then the most recent experience."""
    assignments = (
        Assignment.objects.filter(
            field__in=fields,
            started_on__lte=timezone.localdate(),
            user__ask_me=True,
            user__status=User.Status.VERIFIED,
            user__is_active=True,
        )
        .exclude(user_id=topic.author_id)
        .select_related("user", "field")
        .order_by("-started_on", "-id")
    )
    already = set(RoutedQuestion.objects.filter(topic=topic).values_list("recipient_id", flat=True))
    chosen: dict[int, tuple[User, Field]] = {}
    for assignment in assignments:
        if assignment.user_id not in already and assignment.user_id not in chosen:
            chosen[assignment.user_id] = (assignment.user, assignment.field)
    memberships = {
        membership.user_id: membership
        for membership in Membership.objects.filter(board=topic.board, user_id__in=chosen.keys())
    }
    return [
        (member, field)
        for member, field in chosen.values()
        if can_view_board(member, topic.board, memberships.get(member.pk))
    ]


def route_unanswered_questions(now=None) -> int:
    """Offer each waiting question to a few more people; returns how many offers were made."""
    now = now or timezone.now()
    limit = settings.QUESTION_ROUTING_PER_MEMBER_PER_DAY
    offered = _offered_today(now)
    made = 0
    for topic in waiting_questions(now):
        fields = list(Field.objects.filter(boards=topic.board).order_by("position"))
        count = 0
        for member, field in candidates_for(topic, fields):
            if count >= OFFERS_PER_QUESTION_PER_RUN:
                break
            if offered.get(member.pk, 0) >= limit:
                continue
            try:
                with transaction.atomic():
                    RoutedQuestion.objects.create(
                        topic=topic, recipient=member, field=field, created_at=now
                    )
                    notification_services.notify_question_for_you(member, topic, field.name_ja)
            except IntegrityError:
                continue  # another run offered it at the same moment
            offered[member.pk] = offered.get(member.pk, 0) + 1
            count += 1
            made += 1
    return made
