"""Search quality: do newcomers' questions find the topic that already answers them?

    .venv/bin/python bench/search_quality.py                      # PostgreSQL, with the baseline
    .venv/bin/python bench/search_quality.py --distractors 6000 --show-misses
    .venv/bin/python bench/search_quality.py --sqlite /tmp/quality.sqlite3   # the embedded default

The answering topics and the questions are in ``bench/search_quality_data.py``. They are
inserted, among generated distractor topics on the same subjects (vocabulary of
``bench/search.py``), through the real forum services, so the index is built as in production.
Each question is asked through ``search.queries.search`` as a member who reads every board;
the rank of its answering topic among the topics of the results gives recall@1/3/10, the mean
reciprocal rank (0 beyond 10) and the number of questions with no result at all.

In the same run, on PostgreSQL, the same questions go to a baseline as a typical forum does it:
text cut into words by TinySegmenter, a PostgreSQL ``simple`` full-text vector (title weighted
A), every word of the question required (AND), ranked by ``ts_rank``.
The database (default ``och_bench_search_q``) is emptied and filled again on every run.
"""

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/och_bench_search_q"
BOARDS = {
    "general": "総務・人事",
    "residents": "戸籍・住民",
    "tax": "税務",
    "procurement": "調達・契約",
    "vaccination": "予防接種",
    "childcare": "子育て支援",
    "welfare": "福祉・介護",
    "disaster": "防災",
    "digital": "情報政策",
}
BASELINE = "baseline (TinySegmenter + simple, AND)"
HIRAGANA_ONLY = re.compile(r"[\u3041-\u309fー]+")
DISTRACTOR_REPLIES = [
    "本市では{k1}の担当が{t1}で管理しています。{k2}は年{n}回見直しています。",
    "{k1}については国の{t1}を参考にしました。{k2}との関係は県に確認してください。",
    "うちも{k1}で困っています。{k2}の時期と重なるので{n}月は大変です。",
    "{k1}の様式は{t1}で共有できます。{l1}経由で送ります。",
]


def configure(database_url: str | None, sqlite_path: str | None, fresh: bool = True) -> None:
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onlinecityhall.settings")
    if sqlite_path:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_NAME"] = str(Path(sqlite_path).resolve())
        if fresh:
            Path(sqlite_path).unlink(missing_ok=True)
    else:
        os.environ["DATABASE_URL"] = database_url
        os.environ["DATABASE_POOL"] = "0"
        name = database_url.rsplit("/", 1)[1]
        if "bench" not in name:
            sys.exit("The bench drops and recreates its database: give one named *bench*.")
        if fresh:
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name],
                           capture_output=True, check=False)  # fmt: skip
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name],
                       capture_output=True, check=False)  # fmt: skip
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(distractors: int, rng: random.Random) -> tuple[dict, object]:
    """Insert the answering topics among the distractors; returns {title: topic} and the
    reader."""
    from accounts.models import Municipality, User
    from bench.search import SENTENCES as BODY_SENTENCES
    from bench.search import TITLES, sentence_pool
    from bench.search_quality_data import TOPICS
    from forums import services
    from forums.models import Board, Membership, WorkField

    municipality, _created = Municipality.objects.get_or_create(
        code="272221", defaults={"prefecture": "大阪府", "name": "羽曳野市", "kind": "city"}
    )

    def user(n: int) -> User:
        return User.objects.create(
            email=f"staff{n}@city.habikino.lg.jp",
            full_name=f"職員 {n}",
            display_name=f"職員{n}",
            municipality=municipality,
            status=User.Status.VERIFIED,
            password="!",  # noqa: S106 - unusable
        )

    people = [user(n) for n in range(6)]
    reader = people[0]
    field = WorkField.objects.create(slug="work", name_ja="業務", name_en="Work", position=0)
    boards = {}
    for slug, name in BOARDS.items():
        boards[slug] = Board.objects.create(slug=slug, name_ja=name, name_en=slug, field=field)
        Membership.objects.bulk_create(Membership(user=p, board=boards[slug]) for p in people)
    titles = sentence_pool(rng, TITLES, 4000)
    bodies = sentence_pool(rng, BODY_SENTENCES, 8000)
    replies = sentence_pool(rng, DISTRACTOR_REPLIES, 8000)
    plan = [("answer", entry) for entry in TOPICS] + [("distractor", n) for n in range(distractors)]
    rng.shuffle(plan)
    answers = {}
    started = time.monotonic()
    for kind, entry in plan:
        asker, answerer = rng.sample(people[1:], 2)
        if kind == "answer":
            board, title, body, answer, _questions = entry
            topic = services.create_topic(asker, boards[board], title, body)
            post = services.post_reply(answerer, topic, answer)
            services.accept_answer(asker, topic, post)
            answers[title] = topic
            continue
        board = boards[rng.choice(list(BOARDS))]
        body = "".join(rng.choices(bodies, k=rng.randint(1, 4)))
        topic = services.create_topic(asker, board, rng.choice(titles), body)
        posts = [
            services.post_reply(answerer, topic, "".join(rng.choices(replies, k=rng.randint(1, 3))))
            for _ in range(rng.randint(0, 3))
        ]
        if posts and rng.random() < 0.35:
            services.accept_answer(asker, topic, posts[0])
    print(
        f"Inserted {len(plan):,} topics through the forum services in "
        f"{time.monotonic() - started:.0f} s.",
        flush=True,
    )
    return answers, reader


# --- The baseline --------------------------------------------------------------------------------


def build_baseline() -> None:
    import tinysegmenter
    from django.db import connection

    from forums.models import Post

    segmenter = tinysegmenter.TinySegmenter()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_baseline (post_id bigint PRIMARY KEY, topic_id bigint, "
            "title text, body text)"
        )
        rows = list(
            Post.objects.filter(deleted_at__isnull=True).values_list(
                "pk", "topic_id", "number", "topic__title", "body"
            )
        )
        with cursor.cursor.copy("COPY bench_baseline FROM STDIN") as copy:
            for pk, topic_id, number, title, body in rows:
                title = " ".join(segmenter.tokenize(title)) if number == 1 else ""
                copy.write_row((pk, topic_id, title, " ".join(segmenter.tokenize(body))))
        cursor.execute(
            "ALTER TABLE bench_baseline ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
            "(setweight(to_tsvector('simple', title), 'A') || to_tsvector('simple', body)) STORED"
        )
        cursor.execute("CREATE INDEX bench_baseline_tsv ON bench_baseline USING gin (tsv)")
        cursor.execute("ANALYZE bench_baseline")


def baseline_topics(question: str) -> list[int]:
    import tinysegmenter
    from django.db import connection

    # Particles and endings (TinySegmenter gives them as all-hiragana words) are dropped, which
    # is kinder to the baseline than requiring them.
    words = [
        word
        for word in tinysegmenter.TinySegmenter().tokenize(question)
        if any(c.isalnum() for c in word) and not HIRAGANA_ONLY.fullmatch(word)
    ]
    if not words:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT topic_id FROM bench_baseline, plainto_tsquery('simple', %s) AS q
            WHERE tsv @@ q GROUP BY topic_id ORDER BY max(ts_rank(tsv, q)) DESC, topic_id DESC
            LIMIT 10
            """,
            [" ".join(words)],
        )
        return [row[0] for row in cursor.fetchall()]


# --- The product ---------------------------------------------------------------------------------


def product_topics(board_ids: list[int], question: str) -> list[int]:
    from search.queries import search

    topics: list[int] = []
    for page in (1, 2, 3):
        result = search(board_ids, question, page=page)
        for item in result.results:
            if item.post.topic_id not in topics:
                topics.append(item.post.topic_id)
        if len(topics) >= 10 or result.page >= result.page_count:
            break
    return topics[:10]


def scores(ranks: list[int | None], found_any: list[bool]) -> dict:
    count = len(ranks)
    return {
        "recall@1": sum(1 for r in ranks if r and r <= 1) / count,
        "recall@3": sum(1 for r in ranks if r and r <= 3) / count,
        "recall@10": sum(1 for r in ranks if r and r <= 10) / count,
        "MRR": sum(1 / r for r in ranks if r) / count,
        "zero results": sum(1 for found in found_any if not found),
    }


def evaluate(ask, questions, answers, name: str, show_misses: bool) -> dict:
    ranks, found_any, misses, timings = [], [], [], []
    for question, title in questions:
        target = answers[title].pk
        started = time.perf_counter()
        topics = ask(question)
        timings.append((time.perf_counter() - started) * 1000)
        rank = topics.index(target) + 1 if target in topics else None
        ranks.append(rank)
        found_any.append(bool(topics))
        if not rank or rank > 3:
            misses.append((question, title, rank, len(topics)))
    if show_misses and misses:
        print(f"\nMisses of {name} (rank > 3):")
        for question, title, rank, found in misses:
            print(f"  {question}  →  {title}  (rank {rank or '–'}, {found} topics)")
    figures = scores(ranks, found_any) | {"questions": len(ranks)}
    figures["median ms"] = statistics.median(timings)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--sqlite", help="measure the product on this SQLite file instead")
    parser.add_argument("--distractors", type=int, default=3000)
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the inserted topics, only rebuild the index"
    )
    args = parser.parse_args()
    configure(None if args.sqlite else args.database_url, args.sqlite, fresh=not args.reuse)

    from django.db import connection

    from bench.search_quality_data import HELD_OUT, TOPICS
    from search.queries import readable_board_ids

    postgres = connection.vendor == "postgresql"
    if args.reuse:
        from accounts.models import User
        from forums.models import Topic
        from search.indexing import rebuild

        rebuild()
        answers = {
            topic.title: topic for topic in Topic.objects.filter(title__in=[t[1] for t in TOPICS])
        }
        reader = User.objects.get(email="staff0@city.habikino.lg.jp")
    else:
        answers, reader = seed(args.distractors, random.Random(2026))
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_postdocument")
        if not args.reuse:
            build_baseline()
    board_ids = readable_board_ids(reader)
    systems = {"product": lambda q: product_topics(board_ids, q)}
    if postgres:
        systems[BASELINE] = baseline_topics
    question_sets = {
        "questions": [
            (question, title) for _b, title, _q, _a, questions in TOPICS for question in questions
        ],
        "held-out questions": HELD_OUT,
    }
    results = {}
    for set_name, questions in question_sets.items():
        for name, ask in systems.items():
            results[(name, set_name)] = evaluate(ask, questions, answers, name, args.show_misses)
    from forums.models import Topic

    documents = Topic.objects.count()
    print()
    print(f"{documents:,} topics, {connection.vendor}")
    print()
    print("| system | question set | questions | recall@1 | recall@3 | recall@10 | MRR "
          "| zero results | median ms |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for (name, set_name), figures in results.items():
        print(
            f"| {name} | {set_name} | {figures['questions']} | {figures['recall@1']:.2f} | "
            f"{figures['recall@3']:.2f} | {figures['recall@10']:.2f} | {figures['MRR']:.2f} | "
            f"{figures['zero results']} | {figures['median ms']:.1f} |"
        )
    if postgres:
        print()
        for set_name in question_sets:
            product = results[("product", set_name)]["recall@3"]
            baseline = results[(BASELINE, set_name)]["recall@3"]
            print(f"{set_name}: recall@3 above the baseline {product - baseline:+.2f}")


if __name__ == "__main__":
    main()
