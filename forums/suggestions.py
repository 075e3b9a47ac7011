"""After a transfer: the boards, answered topics and people of a member's new field.

Department names vary between municipalities (健康推進課, 健康増進課, 保健予防課 …) and fields
are not a fixed list, so matching is by shared character bigrams of the department name with a
board's names and description, and with the departments of other members' assignments.
"""

from dataclasses import dataclass

from django.db.models import Q

from accounts.models import Assignment
from forums.models import Board, Topic
from forums.queries import visible_boards

# Words that every department name carries and that say nothing about the field.
GENERIC = {"課", "係", "室", "部", "局", "担当", "センター", "グループ"}


def bigrams(text: str) -> set[str]:
    for word in GENERIC:
        text = text.replace(word, " ")
    words = [word for word in text.split() if word]
    grams = set()
    for word in words:
        if len(word) == 1:
            grams.add(word)
        grams.update(word[index : index + 2] for index in range(len(word) - 1))
    return grams


def likeness(department: str, text: str) -> float:
    wanted = bigrams(department)
    if not wanted:
        return 0.0
    return len(wanted & bigrams(text)) / len(wanted)


@dataclass
class Suggestions:
    boards: list[Board]
    topics: list[Topic]
    people: list[Assignment]


def suggestions_for(user, department: str | None = None) -> Suggestions:
    department = department if department is not None else user.department
    grams = bigrams(department)
    if not grams:
        return Suggestions([], [], [])
    scored = []
    for entry in visible_boards(user):
        board = entry.board
        text = " ".join([board.name_ja, board.name_en, board.description_ja, board.field.name_ja])
        score = likeness(department, text)
        if score > 0:
            scored.append((score, board))
    boards = [board for _score, board in sorted(scored, key=lambda pair: -pair[0])[:4]]
    topics = list(
        Topic.objects.filter(board__in=boards, accepted_post__isnull=False)
        .select_related("board", "accepted_post")
        .order_by("-accepted_post__helpful_count", "-last_posted_at")[:8]
    )
    any_gram = Q()
    for gram in sorted(grams)[:8]:
        any_gram |= Q(department__contains=gram)
    candidates = (
        Assignment.objects.filter(any_gram, user__status="verified", user__is_active=True)
        .exclude(user=user)
        .select_related("user", "municipality")
        .order_by("-started_on")[:200]
    )
    best: dict[int, tuple[float, Assignment]] = {}
    for assignment in candidates:
        score = likeness(department, assignment.department)
        if score >= 0.5 and score > best.get(assignment.user_id, (0, None))[0]:
            best[assignment.user_id] = (score, assignment)
    people = [item for _score, item in sorted(best.values(), key=lambda pair: -pair[0])[:10]]
    return Suggestions(boards, topics, people)
