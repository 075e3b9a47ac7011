"""Search benchmark: seed N Japanese posts into a dedicated PostgreSQL database, build the index,
time 30 mixed keyword queries and 10 pasted questions of about 200 characters as a member who
reads most boards, and print a table.

    .venv/bin/python bench/search.py                  # 1,000,000 posts
    .venv/bin/python bench/search.py --posts 200000

The text is generated from vocabulary lists (no downloaded corpus): sentences of municipal
work with a skewed word frequency, so that some words are common and some rare. The database
(default och_bench_search) is created if missing and reseeded when the post count differs.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _machine import reference_note

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/och_bench_search"

FIELDS = "予防接種 税務 保育 生活保護 調達・契約 防災 戸籍 国保 介護 情報政策".split()  # noqa: SIM905
KANJI_WORDS = [
    "接種",
    "入札",
    "保育",
    "納税",
    "予算",
    "決算",
    "条例",
    "規則",
    "要綱",
    "通知",
    "申請",
    "審査",
    "窓口",
    "住民",
    "職員",
    "庁舎",
    "議会",
    "補助金",
    "交付金",
    "委託",
    "契約",
    "仕様書",
    "見積",
    "発注",
    "検収",
    "支払",
    "課税",
    "滞納",
    "督促",
    "減免",
    "還付",
    "保育所",
    "待機児童",
    "入所",
    "選考",
    "保護",
    "扶助",
    "訪問",
    "世帯",
    "避難所",
    "備蓄",
    "訓練",
    "防災無線",
    "戸籍",
    "住民票",
    "印鑑",
    "証明",
    "国保",
    "保険料",
    "介護",
    "認定",
    "給付",
    "健診",
    "予診票",
    "接種券",
    "保管",
    "再発行",
    "予約",
    "入所選考",
    "副反応",
    "集団接種",
    "個別接種",
    "医師会",
    "保健所",
    "保健センター",
    "会計年度",
    "任用",
    "人事異動",
    "引継ぎ",
    "研修",
    "文書",
    "公印",
    "決裁",
    "起案",
    "監査",
    "公募",
    "随意契約",
    "指名競争",
    "一般競争",
    "電子入札",
    "三層分離",
    "個人情報",
    "開示請求",
    "広報",
    "災害",
    "罹災証明",
    "義援金",
    "転入",
    "転出",
    "手数料",
    "口座振替",
    "督促状",
]
KATAKANA_WORDS = [
    "モデルナ",
    "ファイザー",
    "ワクチン",
    "システム",
    "ベンダー",
    "クラウド",
    "マイナンバー",
    "マイナポータル",
    "コンビニ",
    "スマホ",
    "キャッシュレス",
    "デジタル",
    "ガイドライン",
    "マニュアル",
    "チェックリスト",
    "スケジュール",
    "コールセンター",
    "バイアル",
    "ディープフリーザー",
    "セキュリティ",
    "ネットワーク",
    "サーバー",
    "パスワード",
    "メール",
    "ファイル",
    "エクセル",
    "テンプレート",
    "オンライン",
    "アンケート",
    "ホームページ",
    "ポスター",
    "チラシ",
]
LATIN_WORDS = "LGWAN RPA AI OCR PDF CSV VPN ISMAP Teams Zoom".split()  # noqa: SIM905
RARE_WORDS = "ノババックス 罹災台帳 ふるさと納税 ガバメントクラウド 特定健診 コロナ後遺症".split()  # noqa: SIM905
SENTENCES = [
    "{k1}の{k2}について教えてください。",
    "{k1}は{t1}で管理しています。",
    "本市では{k1}の{k2}を{t1}で行っています。",
    "{t1}の{k1}はどのように対応していますか？",
    "{k1}と{k2}の違いが分かりません。",
    "昨年度は{k1}を{l1}で処理しました。",
    "{k1}に関する{t1}を作成しました。参考にしてください。",
    "{k2}の時期は{n}月です。{k1}と重なるので注意が必要です。",
    "{l1}経由で{t1}に接続する場合の{k1}はどうしていますか。",
    "うちの課では{k1}担当が{n}人で、{k2}も兼務しています。",
    "{t1}を使った{k1}の事例があれば共有をお願いします。",
    "{k1}の様式は国の{t1}に合わせました。",
]
TITLES = [
    "{k1}の{k2}について",
    "{t1}の{k1}はどうしていますか",
    "{k1}に関する質問",
    "{l1}と{k1}の関係",
    "{k1}の{t1}を教えてください",
]


def zipf_choice(rng: random.Random, words: list[str]) -> str:
    # The first words of each list are the common ones: weight 1 / (rank + 3).
    weights = ZIPF_WEIGHTS.setdefault(len(words), [1 / (rank + 3) for rank in range(len(words))])
    return rng.choices(words, weights=weights)[0]


ZIPF_WEIGHTS: dict[int, list[float]] = {}


def sentence_pool(rng: random.Random, templates: list[str], size: int) -> list[str]:
    pool = []
    for _ in range(size):
        words = {
            "k1": zipf_choice(rng, KANJI_WORDS),
            "k2": rng.choice(KANJI_WORDS),
            "t1": zipf_choice(rng, KATAKANA_WORDS),
            "l1": rng.choice(LATIN_WORDS),
            "n": rng.randint(1, 12),
        }
        if rng.random() < 0.01:
            words["k2"] = rng.choice(RARE_WORDS)
        pool.append(rng.choice(templates).format(**words))
    return pool


# --- Setup ---------------------------------------------------------------------------------------


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DATABASE_POOL"] = "0"
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onlinecityhall.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    name = database_url.rsplit("/", 1)[1]
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True, check=False
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def copy_rows(model, rows, values_for) -> None:
    """COPY rows into a model's table, filling every column the caller does not give with its
    default, so that columns added by other work do not break the seeding."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.name != "id"]
    columns = ", ".join(f.column for f in fields)
    sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            given = values_for(row)
            copy.write_row(
                [
                    given[f.attname]
                    if f.attname in given
                    else (None if f.null else f.get_default())
                    for f in fields
                ]
            )


def seed(posts: int, rng: random.Random) -> None:
    from django.db import connection, transaction

    from accounts.models import Municipality, User
    from forums.models import Board, Membership, Post, Topic, WorkField

    print(f"Seeding {posts:,} posts …", flush=True)
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE forums_post, forums_topic, forums_membership, forums_board, "
            "forums_workfield, search_postdocument, accounts_user CASCADE"
        )
    municipality, _created = Municipality.objects.get_or_create(
        code="272221", defaults={"prefecture": "大阪府", "name": "羽曳野市", "kind": "city"}
    )
    users = User.objects.bulk_create(
        User(
            email=f"staff{n}@city.habikino.lg.jp",
            full_name=f"職員 {n}",
            display_name=f"職員{n}",
            municipality=municipality,
            status=User.Status.VERIFIED,
            password="!",  # noqa: S106 - unusable
        )
        for n in range(2000)
    )
    fields = [
        WorkField.objects.create(slug=f"field-{n}", name_ja=name, name_en=f"Field {n}", position=n)
        for n, name in enumerate(FIELDS)
    ]
    boards = []
    for n in range(50):
        policy = Board.JoinPolicy.INVITE if n % 10 == 9 else Board.JoinPolicy.OPEN
        boards.append(
            Board.objects.create(
                slug=f"board-{n}",
                name_ja=f"{FIELDS[n % 10]}{n}",
                name_en=f"Board {n}",
                field=fields[n % 10],
                join_policy=policy,
            )
        )
    reader = users[0]
    readable = [b for b in boards if b.join_policy == Board.JoinPolicy.OPEN] + [
        b for b in boards if b.join_policy == Board.JoinPolicy.INVITE
    ][:2]
    Membership.objects.bulk_create(Membership(user=reader, board=b) for b in readable)

    sentences = sentence_pool(rng, SENTENCES, 30000)
    titles = sentence_pool(rng, TITLES, 10000)
    topic_count = max(1, posts // 10)
    start = datetime(2021, 4, 1, tzinfo=UTC)
    step = timedelta(days=5 * 365) / posts
    # Board sizes are skewed: the first boards hold most topics.
    board_ids = [b.pk for b in boards]
    topic_boards = [board_ids[min(49, int(rng.paretovariate(0.8)) - 1)] for _ in range(topic_count)]
    posts_per_topic = [1] * topic_count
    for _ in range(posts - topic_count):
        posts_per_topic[int(rng.random() ** 2 * topic_count)] += 1
    with transaction.atomic():
        copy_rows(
            Topic,
            range(topic_count),
            lambda n: {
                "board_id": topic_boards[n],
                "author_id": users[n % 2000].pk,
                "title": rng.choice(titles),
                "created_at": start + step * n * 10,
                "last_posted_at": start + step * n * 10,
                "post_count": posts_per_topic[n],
                "reply_count": posts_per_topic[n] - 1,
            },
        )
        first_topic = Topic.objects.order_by("pk").values_list("pk", flat=True).first()

        def post_rows():
            index = 0
            for topic in range(topic_count):
                for number in range(1, posts_per_topic[topic] + 1):
                    index += 1
                    yield topic, number, index

        def post_values(row):
            topic, number, index = row
            body = "".join(rng.choices(sentences, k=rng.randint(4, 20)))
            return {
                "topic_id": first_topic + topic,
                "number": number,
                "author_id": users[rng.randrange(2000)].pk,
                "author_municipality_id": municipality.pk,
                "body": body,
                "html": "",
                "created_at": start + step * index,
                "helpful_count": int(rng.paretovariate(2)) - 1,
            }

        copy_rows(Post, post_rows(), post_values)
        with connection.cursor() as cursor:
            # A third of the topics with a reply are solved by their second post.
            cursor.execute(
                "UPDATE forums_topic t SET accepted_post_id = p.id FROM forums_post p "
                "WHERE p.topic_id = t.id AND p.number = 2 AND mod(t.id, 3) = 0"
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE forums_post")
        cursor.execute("VACUUM ANALYZE forums_topic")
        # The members and boards too: without statistics a result page's posts were joined to
        # their authors by reading every member.
        cursor.execute("ANALYZE accounts_user")
        cursor.execute("ANALYZE forums_board")
    print(f"Seeded in {time.monotonic() - started:.0f} s.", flush=True)


# --- Measuring -----------------------------------------------------------------------------------

QUERIES = [
    "入札", "保育", "接種", "納税", "予算", "議会",  # two kanji, common
    "税", "証",  # one kanji
    "モデルナ", "ファイザー", "ワクチン", "マイナンバー", "ｺﾛﾅ後遺症",  # katakana, half-width
    "ころな", "ふぁいざー",  # hiragana spellings
    "LGWAN 接続", "LGWAN", "RPA 文書",  # mixed
    "モデルナ 保管", "接種券 再発行", "集団接種 予約", "待機児童 入所選考",  # several words
    "ノババックス", "罹災台帳", "ガバメントクラウド", "特定健診",  # rare
    "入札 仕様書 システム", "電子入札", "開示請求", "人事異動 引継ぎ",
]  # fmt: skip


QUESTION_TEMPLATE = (
    "4月から{k1}の担当になりました。前任者からの{k2}の引継ぎが十分でなく、{t1}の使い方も"
    "分かりません。他の自治体では{k1}と{k3}をどのように進めていますか。特に{k4}の時期や"
    "{t2}での管理方法、{l1}を使う場合の注意点を教えてください。{k5}についても、"
    "職員が少ない中でどう工夫されているか知りたいです。昨年度は{k2}の件数が増え、窓口での"
    "問い合わせも多くなっています。よろしくお願いします。"
)


def questions(count: int = 10) -> list[str]:
    """Pasted questions of about 200 characters, built from the corpus vocabulary."""
    rng = random.Random(7)
    built = []
    for _ in range(count):
        words = {f"k{n}": rng.choice(KANJI_WORDS) for n in range(1, 6)}
        words |= {"t1": rng.choice(KATAKANA_WORDS), "t2": rng.choice(KATAKANA_WORDS)}
        built.append(QUESTION_TEMPLATE.format(l1=rng.choice(LATIN_WORDS), **words))
    return built


def measure(
    repeats: int, queries: list[str]
) -> tuple[list[tuple[str, float, float, int]], list[float]]:
    from accounts.models import User
    from search.queries import readable_board_ids, search

    reader = User.objects.get(email="staff0@city.habikino.lg.jp")
    rows, every_timing = [], []
    for query in queries:
        timings = []
        for _ in range(repeats + 1):
            started = time.perf_counter()
            page = search(readable_board_ids(reader), query)
            timings.append((time.perf_counter() - started) * 1000)
        timings = timings[1:]  # the first run warms the cache
        every_timing += timings
        rows.append((query, statistics.median(timings), max(timings), page.total))
    return rows, every_timing


PENDING_SETTINGS = [
    (
        "fastupdate on, 4 MB pending list (default)",
        "fastupdate = on, gin_pending_list_limit = 4096",
    ),
    ("fastupdate on, 256 kB pending list", "fastupdate = on, gin_pending_list_limit = 256"),
    ("fastupdate off", "fastupdate = off"),
]


def pending_list(burst: int, repeats: int) -> None:
    """A burst of ``burst`` post writes (each in its own transaction, as in production), then
    the keyword queries, under each GIN setting; and the same queries after VACUUM."""
    from django.db import connection, transaction

    from forums.models import Post
    from search.indexing import GIN_OPTIONS, index_post

    posts = list(Post.objects.select_related("topic").order_by("-pk")[:burst])
    print()
    print(f"GIN pending list: {burst:,} posts written, then {len(QUERIES)} keyword queries")
    print()
    print("| setting | write ms per post | p50 / p95 after the burst | p50 / p95 after VACUUM |")
    print("|---|---:|---:|---:|")
    for label, options in PENDING_SETTINGS:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER INDEX search_doc_terms SET ({options})")
            cursor.execute("VACUUM search_postdocument")
        started = time.perf_counter()
        for post in posts:
            with transaction.atomic():
                index_post(post)
        write = (time.perf_counter() - started) * 1000 / len(posts)
        _rows, after = measure(repeats, QUERIES)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM search_postdocument")
        _rows, clean = measure(repeats, QUERIES)
        print(
            f"| {label} | {write:.2f} | {percentile(after, 0.5):.1f} / "
            f"{percentile(after, 0.95):.1f} ms | {percentile(clean, 0.5):.1f} / "
            f"{percentile(clean, 0.95):.1f} ms |",
            flush=True,
        )
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER INDEX search_doc_terms SET ({GIN_OPTIONS})")


def cpu_seconds() -> float:
    """CPU time of this process, its finished children and (when the database runs on this
    machine) its database backend: on a busy machine the wall-clock time of a build says
    little, its CPU time what two idle cores would need."""
    import resource

    from django.db import connection

    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        pass  # a database elsewhere: its share is not counted
    return total


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--skip-build", action="store_true", help="keep the existing index")
    parser.add_argument(
        "--seed-only", action="store_true", help="seed the posts if needed, then stop"
    )
    parser.add_argument(
        "--pending", type=int, default=0, metavar="N",
        help="also measure GIN pending-list settings after a burst of N writes",
    )  # fmt: skip
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes analysing the text during the build")  # fmt: skip
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.db import connection

    from forums.models import Post
    from search.indexing import rebuild

    rng = random.Random(2024)
    if Post.objects.count() != args.posts:
        seed(args.posts, rng)
    if args.seed_only:
        return
    build_seconds = build_cpu = None
    if not args.skip_build:
        print("Building the index …", flush=True)
        started, cpu = time.monotonic(), cpu_seconds()
        rebuild(workers=args.workers)
        build_seconds, build_cpu = time.monotonic() - started, cpu_seconds() - cpu
        print(
            f"Built in {build_seconds:.0f} s (load average {os.getloadavg()[0]:.1f}); CPU time "
            f"{build_cpu:.0f} s (this process, its analysing workers and its database backend)",
            flush=True,
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_postdocument")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('search_postdocument'))")
        index_size = cursor.fetchone()[0]

    measure(1, QUERIES + questions())  # warm the caches once
    cpu = cpu_seconds()
    keyword_rows, keyword_timings = measure(args.repeats, QUERIES)
    keyword_cpu, cpu = (cpu_seconds() - cpu) * 1000 / len(keyword_timings), cpu_seconds()
    question_rows, question_timings = measure(args.repeats, questions())
    question_cpu = (cpu_seconds() - cpu) * 1000 / len(question_timings)
    print()
    print(f"Search over {args.posts:,} posts, PostgreSQL, {args.repeats} runs per query")
    print()
    print("| query | matches | p50 ms | max ms |")
    print("|---|---:|---:|---:|")
    for query, median, worst, total in keyword_rows + question_rows:
        shown = query if len(query) < 30 else f"{query[:24]}… ({len(query)} characters)"
        print(f"| {shown} | {total:,} | {median:.1f} | {worst:.1f} |")
    print()
    print(f"Load average while measuring: {' / '.join(f'{v:.1f}' for v in os.getloadavg())}")
    print(reference_note())
    print()
    print("| posts | index build (CPU time) | index size | queries | p50 | p95 | CPU per query |")
    print("|---:|---:|---:|---|---:|---:|---:|")
    build = f"{build_seconds:.0f} s ({build_cpu:.0f} s)" if build_seconds is not None else "–"
    for name, timings, cpu in (
        (f"{len(QUERIES)} keyword queries", keyword_timings, keyword_cpu),
        (f"{len(question_rows)} questions of ~200 characters", question_timings, question_cpu),
    ):
        print(
            f"| {args.posts:,} | {build} | {index_size} | {name} | "
            f"{percentile(timings, 0.5):.1f} ms | {percentile(timings, 0.95):.1f} ms | "
            f"{cpu:.1f} ms |"
        )
    if args.pending:
        pending_list(args.pending, max(1, args.repeats // 2))


if __name__ == "__main__":
    main()
