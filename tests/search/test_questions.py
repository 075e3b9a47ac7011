"""A newcomer's question, typed in their own words, finds the answer that already exists."""

import pytest
from django.utils import timezone

from search.queries import readable_board_ids, search, similar_topics

pytestmark = pytest.mark.django_db


def titles(user, query: str) -> list[str]:
    found: list[str] = []
    for result in search(readable_board_ids(user), query).results:
        if result.post.topic.title not in found:
            found.append(result.post.topic.title)
    return found


@pytest.fixture
def noise(ask):
    """Unrelated topics sharing common words, so that rare words weigh more."""
    for number in range(6):
        ask("procurement", f"物品の管理について{number}", "備品の管理台帳をどう作っていますか。")
        ask("tax", f"窓口の対応{number}", "窓口の混雑にどう対応していますか。")


def test_a_whole_sentence_without_spaces_finds_the_topic(ask, noise, verified_user):
    ask(
        "procurement",
        "公用車の鍵",
        "公用車の鍵の管理方法を教えて",
        "キーボックスで管理しています。",
    )
    assert titles(verified_user, "公用車の鍵の管理はどうしていますか")[0] == "公用車の鍵"


def test_a_particle_inside_a_compound_does_not_matter(ask, noise, verified_user):
    ask("procurement", "会議録作成の外部委託", "会議録作成を委託しています。")
    ask("procurement", "会議録の保存", "会議録の作成後の保存年限は？")
    assert set(titles(verified_user, "会議録の作成")[:2]) == {
        "会議録作成の外部委託",
        "会議録の保存",
    }
    assert "会議録の保存" in titles(verified_user, "会議録作成")


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("申込み", "申し込み"),
        ("申し込み", "申込"),
        ("取扱い", "取り扱い"),
        ("問い合わせ", "問合せ"),
        ("引継ぎ", "引き継ぎ"),
    ],
)
def test_spelling_variants_meet(ask, verified_user, written, typed):
    ask("tax", f"{written}の件", f"{written}について教えてください。")
    assert titles(verified_user, typed) == [f"{written}の件"]


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("特別養護老人ホームの入所", "特養"),
        ("住民基本台帳の閲覧", "住基"),
        ("放課後等デイサービスの指導", "放デイ"),
        ("特養の待機者", "特別養護老人ホーム"),
        ("庁用車の運転日誌", "公用車"),
        ("議事録の公開", "会議録"),
        ("転入届の受付", "引っ越しの届"),
    ],
)
def test_abbreviations_and_everyday_words_find_the_official_term(
    ask, verified_user, written, typed
):
    ask("welfare", written, f"{written}について教えてください。")
    assert written in titles(verified_user, typed)


def test_the_word_as_typed_ranks_above_its_expansion(ask, verified_user):
    ask("welfare", "特別養護老人ホームの入所基準", "入所基準の質問です。")
    ask("welfare", "特養の入所基準", "入所基準の質問です。")
    assert titles(verified_user, "特養 入所基準") == [
        "特養の入所基準",
        "特別養護老人ホームの入所基準",
    ]


def test_variant_kanji_fold_together(ask, verified_user):
    ask("tax", "髙橋さんの宛名", "宛名の髙橋を高橋で出力しました。")
    ask("tax", "山﨑町の住所", "山﨑町の表記について。")
    assert titles(verified_user, "高橋 宛名") == ["髙橋さんの宛名"]
    assert titles(verified_user, "山崎町") == ["山﨑町の住所"]


@pytest.mark.parametrize("typed", ["令和6年度", "R6年度", "2024年度", "FY2024", "Ｒ６年度"])
def test_fiscal_years_meet_whatever_the_era(ask, verified_user, typed):
    ask("tax", "令和6年度の予算編成", "令和6年度の当初予算の日程。")
    ask("tax", "令和5年度の決算", "R5年度の決算の日程。")
    assert titles(verified_user, f"{typed} 日程")[0] == "令和6年度の予算編成"


def test_a_kana_query_finds_kanji_with_that_reading_below_exact_matches(ask, verified_user):
    ask("welfare", "住民票の写しの交付", "住民票の写しを郵送で交付しています。")
    ask("welfare", "じゅうみんひょうのよみかた", "じゅうみんひょう と読みます。")
    assert titles(verified_user, "じゅうみんひょう") == [
        "じゅうみんひょうのよみかた",
        "住民票の写しの交付",
    ]


def test_a_missing_word_does_not_empty_the_list(ask, noise, verified_user):
    ask("procurement", "公用車の鍵の管理", "キーボックスで鍵を管理しています。")
    found = titles(verified_user, "公用車の鍵の紛失時の弁償について")
    assert found[0] == "公用車の鍵の管理"


def test_an_old_exact_answer_is_not_buried_under_newer_matches(ask, verified_user, boards):
    from forums.models import Post, Topic
    from search.indexing import reindex_topic

    old = ask(
        "tax", "口座振替の依頼書の不備", "口座振替依頼書の不備の扱い", "金融機関に返戻します。"
    )
    long_ago = timezone.now() - timezone.timedelta(days=730)
    Topic.objects.filter(pk=old.pk).update(created_at=long_ago)
    Post.objects.filter(topic=old).update(created_at=long_ago)
    for post in Post.objects.filter(topic=old):
        from search.indexing import index_post

        index_post(post)
    reindex_topic(old)
    for number in range(230):
        ask("tax", f"口座振替の件{number}", "口座振替の開始月について。")
    assert titles(verified_user, "口座振替の依頼書の不備")[0] == "口座振替の依頼書の不備"


def test_a_pasted_question_of_a_thousand_characters_is_read(ask, noise, verified_user):
    ask(
        "procurement",
        "公用車の鍵",
        "公用車の鍵の管理方法を教えて",
        "キーボックスで管理しています。",
    )
    question = ("公用車の鍵の管理について、担当になったばかりで分からないことが多いです。" * 40)[
        :1000
    ]
    assert len(question) == 1000
    assert titles(verified_user, question)[0] == "公用車の鍵"


def test_the_count_and_the_list_agree(ask, noise, verified_user):
    for number in range(25):
        ask("tax", f"納税通知書{number}", "納税通知書の発送について。")
    for query in ["納税通知書", "納税通知書の発送はいつですか", "窓口", "存在しない語句ですよ"]:
        result = search(readable_board_ids(verified_user), query)
        listed = len(result.results)
        for page in range(2, result.page_count + 1):
            listed += len(search(readable_board_ids(verified_user), query, page=page).results)
        assert result.total == listed, query


@pytest.mark.parametrize(
    "query",
    [
        "「」、。!?…・",
        "\x00\x01\x07納税\x1b[31m",
        "' OR 1=1; DROP TABLE search_postdocument; --",
        "納税 & | ! <-> :* ( ) '\\",
        '"unbalanced quote 納税',
        "NEAR(納税 通知) {title} : * ^ -",
        "納税" * 5000,
        "\u202e\u200b納税\ufeff",
    ],
)
def test_hostile_input_gives_results_or_nothing_never_an_error(ask, verified_user, query):
    ask("tax", "納税通知書の発送", "納税通知書を発送します。")
    page = search(readable_board_ids(verified_user), query)
    assert page.total == len(page.results) or page.total > len(page.results)


def test_hostile_input_on_the_page_is_a_message_not_an_error(login, verified_user, corpus):
    client = login(verified_user)
    response = client.get("/search/", {"q": "「」、。!?"})
    assert response.status_code == 200
    assert response.context["form"].errors["q"]
    long = client.get("/search/", {"q": "納税" * 5000})
    assert long.status_code == 200 and long.context["form"].errors["q"]
    assert ("納税" * 5000) in long.content.decode()  # what was typed is kept
    sql = client.get("/search/", {"q": "' OR 1=1 -- & <-> :*"})
    assert sql.status_code == 200


def test_similar_topics_read_title_and_body_and_show_the_answer(ask, noise, verified_user):
    ask(
        "procurement",
        "庁用車の鍵の保管",
        "鍵の保管方法は？",
        "総務課のキーボックスで保管しています。\n貸出簿に記入してもらいます。\n\n以上です。",
    )
    topics = similar_topics(
        readable_board_ids(verified_user), "鍵のこと", body="公用車の鍵をなくした職員がいます"
    )
    assert topics[0]["title"] == "庁用車の鍵の保管"
    assert (
        topics[0]["answer"]
        == "総務課のキーボックスで保管しています。 貸出簿に記入してもらいます。 …"
    )


def test_two_words_no_post_holds_together_still_find_each(ask, noise, verified_user):
    for number in range(4):
        ask("procurement", f"接種会場の動線{number}", "集団接種の会場で受付を二つに分けました。")
    ask("procurement", "庁用車の貸出簿", "R6年度から貸出簿を電子化しました。")
    found = titles(verified_user, "R6年度 接種")
    assert found[0] == "庁用車の貸出簿"  # the rarer word's post first
    assert {f"接種会場の動線{number}" for number in range(4)} <= set(found)


def test_two_words_held_together_keep_the_list_precise(ask, noise, verified_user):
    ask("procurement", "R6年度の接種計画", "R6年度の接種計画を共有します。")
    for number in range(4):
        ask("procurement", f"接種会場の動線{number}", "集団接種の会場で受付を二つに分けました。")
    found = titles(verified_user, "R6年度 接種")
    assert found == ["R6年度の接種計画"]


def test_how_one_asks_is_not_part_of_the_question(ask, noise, verified_user):
    from search.analysis import analyse_question

    texts = [c.text for c in analyse_question("予約枠はどうやって増やしましたか").concepts]
    assert "ヤッ" not in texts and "予約枠" in texts
