"""Fields of work for bench/pages: boards mapped to fields, an assignment history for each of the
seeded members (one to four posts since 2010, some concurrent), and "ask me" for about a third.

Added to a seeded database once (the shape of the posts is unchanged), with COPY.
"""

import datetime
import random

# The bench's boards (pages_words.BOARDS) and the fields of work each serves.
FIELDS_OF_BOARDS = {
    "vaccination": ["vaccination", "health-promotion"],
    "welfare": ["public-assistance", "self-reliance-support", "welfare-policy"],
    "procurement": ["procurement"],
    "disaster": ["disaster-prevention"],
    "childcare": ["childcare", "child-family"],
    "tax": ["tax-residents", "tax-property", "tax-collection"],
    "registry": ["resident-registry", "my-number"],
    "elderly": ["elderly-care"],
    "insurance": ["national-health-insurance"],
    "ict": ["ict"],
    "personnel": ["personnel"],
    "budget": ["finance-budget"],
    "assembly": ["assembly"],
    "tourism": ["tourism", "migration-promotion"],
    "water": ["water-sewer"],
    "roads": ["roads-rivers"],
    "environment": ["environment", "waste"],
    "education": ["school-education"],
    "publicity": ["public-relations"],
}


def add_field_data(connection, departments: list[str], log) -> dict:
    """Returns counts; does nothing when the members already have assignments with fields."""
    from django.db import connection as django_connection

    add_field_content()

    from fields.matching import field_for_department
    from fields.models import DepartmentAlias, Field
    from fields.registry import load_registry

    with django_connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_assignment WHERE field_id IS NOT NULL")
        if cursor.fetchone()[0]:
            cursor.execute("SELECT count(*) FROM accounts_assignment")
            return {"assignments": cursor.fetchone()[0]}
    load_registry(Field, DepartmentAlias)
    field_ids = dict(Field.objects.values_list("slug", "id"))
    field_of = {name: getattr(field_for_department(name).field, "pk", None) for name in departments}
    rng = random.Random(16)
    with django_connection.cursor() as cursor:
        cursor.execute("SELECT id, slug FROM forums_board")
        boards = cursor.fetchall()
        cursor.execute(
            "SELECT id, department, municipality_id, position FROM accounts_user ORDER BY id"
        )
        members = cursor.fetchall()
        cursor.execute("DELETE FROM fields_field_boards")
        cursor.execute("DELETE FROM accounts_assignment")
    links = [
        (field_ids[slug], board_id)
        for board_id, board_slug in boards
        for slug in FIELDS_OF_BOARDS.get(board_slug, [])
        if slug in field_ids
    ]
    rows, ask_me = [], []
    for user_id, department, municipality_id, position in members:
        posts = rng.choice((1, 2, 2, 3, 3, 4))
        years = sorted(rng.sample(range(2010, 2026), posts))
        names = [rng.choice(departments) for _ in years[:-1]] + [department]
        for index, (year, name) in enumerate(zip(years, names, strict=True)):
            end = None if index == posts - 1 else datetime.date(years[index + 1], 3, 31)
            rows.append(
                (user_id, municipality_id, name, position, "post", field_of[name], False,
                 datetime.date(year, 4, 1), end)
            )  # fmt: skip
        if rng.random() < 0.1:  # a concurrent post (兼務) for one in ten
            name = rng.choice(departments)
            rows.append(
                (user_id, municipality_id, name, position, "concurrent", field_of[name], False,
                 datetime.date(years[-1], 4, 1), None)
            )  # fmt: skip
        if rng.random() < 0.33:
            ask_me.append(user_id)
    raw = connection
    with raw.cursor() as cursor:
        with cursor.copy("COPY fields_field_boards (field_id, board_id) FROM STDIN") as copy:
            for row in links:
                copy.write_row(row)
        columns = ("user_id, municipality_id, department, position, kind, field_id, "
                   "field_chosen_by_member, started_on, ended_on")  # fmt: skip
        with cursor.copy(f"COPY accounts_assignment ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute("UPDATE accounts_user SET ask_me = true WHERE id = ANY(%s)", [ask_me])
        cursor.execute("ANALYZE accounts_assignment")
        cursor.execute("ANALYZE accounts_user")
    raw.commit()
    log(f"  fields: {len(rows):,} assignments, {len(ask_me):,} members say “ask me”")
    return {"assignments": len(rows), "ask_me": len(ask_me)}


GUIDE = (
    "# 予防接種の担当になったら\n\n## 最初の1週間\n- 実施要領を読む\n- 委託医療機関と契約書を確認\n"
    "- 前任者の引継書を読む\n\n## ワクチンの保管\n- 温度記録は毎日\n- 停電時の移送先\n\n"
    "## 接種券\n- 4月と9月が発送の山\n- 再発行の本人確認\n"
)
CALENDAR = [
    (4, "接種券の一斉発送"),
    (4, "委託契約の更新"),
    (6, "実績報告"),
    (9, "インフルエンザの案内"),
    (10, "予算要求"),
    (12, "実施計画案"),
    (2, "当初予算の審議"),
    (3, "引継書の作成"),
]


def add_field_content() -> None:
    """A guide with history, the calendar of the year and handover notes for vaccination, as
    the demo has them, so the field page renders what a real one shows."""
    from accounts.models import User
    from fields.models import CalendarEntry, DepartmentAlias, Field, GuideRevision, HandoverNote
    from fields.registry import load_registry

    load_registry(Field, DepartmentAlias)
    field = Field.objects.get(slug="vaccination")
    if field.guide_revisions.exists():
        return
    author = User.objects.order_by("id").last()
    for number in (1, 2, 3):
        GuideRevision.objects.create(field=field, number=number, body=GUIDE * number, author=author)
    for month, title in CALENDAR:
        CalendarEntry.objects.create(field=field, month=month, title=title, created_by=author)
    for number in range(5):
        HandoverNote.objects.create(
            field=field,
            author=author,
            title=f"引継書 {number + 1}",
            body=GUIDE,
            organisation_id=author.municipality_id,
        )
