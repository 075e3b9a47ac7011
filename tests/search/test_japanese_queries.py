"""Japanese queries find what they should, whatever the spelling, on the default database."""

import pytest

from search.analysis import analyse_question
from search.queries import readable_board_ids, search
from search.tokenise import normalise, tokens
from tests.search.corpus import EXPECTED

pytestmark = pytest.mark.django_db


def titles_found(user, query: str, **kwargs) -> list[str]:
    page = search(readable_board_ids(user), query, **kwargs)
    return [result.post.topic.title for result in page.results]


def test_half_width_full_width_and_hiragana_fold_to_the_same_text():
    assert normalise("ｺﾛﾅ") == normalise("コロナ") == normalise("ころな") == "コロナ"
    assert normalise("ＬＧＷＡＮ") == "lgwan"
    assert normalise("ｶﾞｲﾄﾞﾗｲﾝ") == "ガイドライン"


def test_japanese_runs_become_bigrams_and_latin_words_stay_whole():
    assert tokens("LGWAN接続系") == ["lgwan", "接続", "続系", "系"]
    assert tokens("コロナ、入札 2024年") == ["コロ", "ロナ", "ナ", "入札", "札", "2024", "年"]


def test_a_query_word_is_a_phrase_and_a_single_character_a_prefix():
    first, second = analyse_question("「モデルナ 鍵」").concepts
    (typed,) = first.alternatives[1][0]
    assert typed.tokens == ("モデ", "デル", "ルナ") and not typed.prefix
    (typed,) = second.alternatives[1][0]
    assert typed.tokens == ("鍵",) and typed.prefix


@pytest.mark.parametrize(("query", "title"), EXPECTED)
def test_query_finds_the_topic(corpus, verified_user, query, title):
    assert title in titles_found(verified_user, query)


def test_posts_with_every_word_rank_above_posts_with_one(corpus, verified_user, asker, boards):
    from forums import services

    services.create_topic(asker, boards["procurement"], "モデルナの入札", "モデルナを入札で調達。")
    found = titles_found(verified_user, "モデルナ 入札")
    assert found[0] == "モデルナの入札"
    assert "入札参加資格の審査期間" in found


def test_a_phrase_does_not_match_its_bigrams_far_apart(corpus, verified_user, asker, boards):
    from forums import services

    services.create_topic(asker, boards["tax"], "無関係", "ルナパーク。モデル事業。デルタ地帯。")
    assert "無関係" not in titles_found(verified_user, "モデルナ")


def test_an_accepted_answer_ranks_above_other_replies(corpus, verified_user):
    page = search(readable_board_ids(verified_user), "冷凍庫")
    first = page.results[0].post
    assert first.topic.accepted_post_id == first.pk


def test_snippets_mark_the_match_as_written(corpus, verified_user):
    page = search(readable_board_ids(verified_user), "コロナ")
    snippets = " ".join(str(result.snippet) for result in page.results)
    assert "<mark>ｺﾛﾅ</mark>" in snippets
    assert "<mark>ころな</mark>" in snippets


def test_snippets_escape_html_before_marking(db, verified_user, asker, boards):
    from forums import services

    services.create_topic(asker, boards["tax"], "スクリプト", '<script>alert("入札")</script>')
    page = search(readable_board_ids(verified_user), "入札")
    snippet = str(page.results[0].snippet)
    assert "<script>" not in snippet
    assert "&lt;script&gt;alert(&quot;<mark>入札</mark>&quot;)&lt;/script&gt;" in snippet


def test_snippets_show_the_text_without_markdown_markers(db, verified_user, asker, boards):
    from forums import services

    body = (
        "## 入札の手順\n\n- 仕様書を作る\n- **予定価格**を決める\n\n---\n\n"
        "> 前年度の[入札結果](https://www.example.lg.jp/)も参照\n\n| 年度 | 件数 |\n|---|---|\n"
        "| 令和5年 | 12 |\n\n1. 公告\n2. ~~開札~~"
    )
    services.create_topic(asker, boards["tax"], "入札の流れ", body)

    snippet = str(search(readable_board_ids(verified_user), "入札").results[0].snippet)

    for marker in ("- ", "---", "**", "##", "&gt;", "|", "](", "~~", "https://"):
        assert marker not in snippet, marker
    assert "<mark>入札</mark>の手順 仕様書を作る 予定価格を決める" in snippet


def test_an_empty_or_punctuation_only_query_finds_nothing(corpus, verified_user):
    assert search(readable_board_ids(verified_user), "「」、。!?").results == []
