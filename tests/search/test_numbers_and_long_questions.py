"""Dose numbers, ages and counts keep their number; a long pasted question keeps its subject."""

import pytest

from search.analysis import MAX_CONCEPTS, analyse_question
from tests.search.test_questions import titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def doses(ask):
    ask("vaccination", "5回目接種の予約枠", "5回目接種の予約枠が足りません。どう増やしましたか。")
    ask(
        "vaccination",
        "3回目接種の予約受付",
        "3回目接種の予約はどう受け付けましたか。",
        "電話とWebです。",
    )
    ask("vaccination", "65歳以上のインフルエンザ", "65歳以上の定期接種の案内をどう送っていますか。")
    ask("childcare", "1歳児の定期接種の案内", "1歳児の保護者への案内はいつ送りますか。")
    ask("welfare", "窓口での本人確認", "保険証など本人確認書類を2点お願いしています。")
    ask("vaccination", "モデルナの保管", "モデルナのバイアルを冷凍庫で保管しています。")


def test_a_dose_number_finds_that_dose_first(asker, doses):
    for query in ["3回目接種", "３回目接種の予約", "3回目の予約"]:
        assert titles(asker, query)[0] == "3回目接種の予約受付", query
    assert titles(asker, "5回目")[0] == "5回目接種の予約枠"
    assert "3回目接種の予約受付" not in titles(asker, "5回目")


def test_an_age_finds_that_age_not_another(asker, doses):
    assert titles(asker, "1歳") == ["1歳児の定期接種の案内"]
    assert titles(asker, "65歳以上")[0] == "65歳以上のインフルエンザ"


def test_a_count_with_its_counter_is_a_word_to_search_for(asker, doses):
    assert titles(asker, "保険証２点") == ["窓口での本人確認"]
    assert titles(asker, "2点") == ["窓口での本人確認"]


def test_a_compound_with_a_generic_word_finds_posts_without_it(asker, doses):
    assert titles(asker, "保管方法") == ["モデルナの保管"]


def test_a_long_question_keeps_its_subject_and_drops_grammar(asker, ask):
    ask(
        "welfare",
        "扶養照会の省略",
        "DV被害の方の扶養照会を省略する判断は？",
        "ケース診断会議で判断し記録します。",
    )
    ask("welfare", "4月に異動してきました", "4月に異動してきた者です。よろしくお願いします。")
    question = (
        "4月の人事異動で福祉事務所の生活保護担当になりました。ケースワーカーとして初めて"
        "扶養照会を担当しますが、DVの事情がある方について扶養照会を省略してよいかどうかの"
        "判断基準が分からず困っています。他の自治体ではどのような会議で判断し、記録を"
        "残しているのでしょうか。照会文書の様式や送付時期、回答がなかった場合についても"
        "知りたいです。前任者は退職してしまい、引継書も簡単なものしかありません。係内でも"
        "経験者が少なく、聞きにくい状況です。どなたか教えていただけると助かります。"
    )
    texts = [concept.text for concept in analyse_question(question).concepts]
    assert len(texts) == MAX_CONCEPTS
    assert {"扶養照会", "判断基準", "省略"} <= set(texts)
    assert not {"シマイ", "ソウ", "ツイ", "ニクイ状況"} & set(texts)
    assert titles(asker, question)[0] == "扶養照会の省略"


def test_a_word_after_a_minus_sign_is_left_out(asker, ask):
    ask("vaccination", "接種券の発送時期", "接種券の発送はいつ頃ですか。")
    ask("vaccination", "接種券の再発行", "接種券をなくした方への再発行の手順は？")
    assert set(titles(asker, "接種券")) == {"接種券の発送時期", "接種券の再発行"}
    assert titles(asker, "接種券 -発送") == ["接種券の再発行"]
    assert titles(asker, "接種券 －発送") == ["接種券の再発行"]
    assert titles(asker, "-発送") == []
    assert titles(asker, '接種券 -"発送"') == ["接種券の再発行"]  # a quoted phrase left out
    assert set(titles(asker, "接種券-発送")) == {"接種券の発送時期"}  # no space: one phrase
