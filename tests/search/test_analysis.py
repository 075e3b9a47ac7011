"""The analyser and its curated data: what a question and a post become."""

import pytest

from search.analysis import (
    RELATED,
    TYPED,
    VARIANT,
    analyse_question,
    document_lexemes,
    phrase,
    stopwords,
    synonyms,
)
from search.tokenise import normalise


def concept_texts(query: str) -> list[str]:
    return [concept.text for concept in analyse_question(query).concepts]


def test_particles_politeness_and_asking_words_are_dropped():
    assert concept_texts("公用車の鍵の管理はどうしていますか") == ["公用車", "鍵", "管理"]


def test_quoted_text_is_one_required_phrase():
    (quoted, other) = analyse_question('"接種券 再発行" 窓口').concepts
    assert quoted.required and quoted.alternatives.keys() == {TYPED}
    assert not other.required


def test_a_query_is_cut_to_a_thousand_characters_without_control_characters():
    question = analyse_question("\x00納税\x07" + "あ" * 2000)
    assert len(question.text) == 1000 and "\x00" not in question.text


def test_the_documents_words_carry_their_dictionary_form_reading_and_year():
    lexemes = document_lexemes("申込みは令和6年度から。住民票と引継書。")
    assert {"xn" + normalise("申し込み"), "fy2024"} <= lexemes
    assert {"ykジュウミンヒョウ", "ykヒキツギショ"} <= lexemes


def test_an_abbreviation_has_its_full_form_as_a_variant():
    (concept,) = analyse_question("特養").concepts
    variants = {m.tokens for alt in concept.alternatives[VARIANT] for m in alt}
    assert phrase("特別養護老人ホーム").tokens in variants


def test_related_words_rank_below_variants():
    (concept,) = analyse_question("公用車").concepts
    assert concept.alternatives.get(RELATED)  # 庁用車 and the like


# --- The data files ------------------------------------------------------------------------------


def test_every_synonym_group_is_symmetric():
    table = synonyms()
    for word, others in table.items():
        for other in others:
            assert word in {entry.word for entry in table[other.word]}, (word, other.word)
            assert other.word != word


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("特養", "特別養護老人ホーム"),
        ("住基", "住民基本台帳"),
        ("放デイ", "放課後等デイサービス"),
        ("公用車", "庁用車"),
        ("会議録", "議事録"),
        ("引っ越しの届", "転入届"),
        ("生保", "生活保護"),
        ("随契", "随意契約"),
        ("ガバクラ", "ガバメントクラウド"),
        ("マイナカード", "マイナンバーカード"),
    ],
)
def test_known_groups(word, expected):
    assert normalise(expected) in {entry.word for entry in synonyms()[normalise(word)]}


def test_abbreviations_are_variants_and_neighbours_are_related():
    by_word = {entry.word: entry.tier for entry in synonyms()[normalise("特養")]}
    assert by_word[normalise("特別養護老人ホーム")] == VARIANT
    by_word = {entry.word: entry.tier for entry in synonyms()[normalise("公用車")]}
    assert by_word[normalise("庁用車")] == RELATED


def test_stopwords_are_asking_words_not_subjects():
    assert {normalise("教える"), normalise("方法"), normalise("皆さん")} <= stopwords()
    assert not {normalise("入札"), normalise("保育"), normalise("税")} & stopwords()


@pytest.mark.parametrize(
    ("matches", "answer_share", "walks"),
    [
        (20_000, 0.0, False),  # without the answers' index: a GIN read up to √(10 × 150 × 10⁶)
        (39_000, 0.0, True),
        (39_000, 0.03, False),  # with it, 1,170 answer rows beat walking 2,000 rows
        (150_000, 0.03, False),
        (300_000, 0.03, True),  # 9,000 answer rows against walking 500 rows
        (3_000, 0.03, False),  # 90 answers: too few, read every match
    ],
)
def test_a_strategy_walks_only_when_reading_its_matches_costs_more(matches, answer_share, walks):
    from search.queries import _walks

    assert _walks(matches, 150, 1_000_000, answer_share) is walks
