"""Chinese content similarity for spotting repeated applications (条例第三十五条、第三十六条第（六）项)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.domain.similarity import (
    EarlierApplication,
    content_similarity,
    normalise_text,
    rank_repeats,
)

REQUEST = "请公开2025年本局行政许可决定书目录"
REPHRASED = "申请公开本局2025年度行政许可决定目录"
UNRELATED = "淄博市某小区规划许可证"

SETTINGS = settings(max_examples=300, deadline=None)
# Chinese characters, digits, Latin letters, punctuation and spaces, full and half width
chinese_text = st.text(
    alphabet=st.sampled_from(
        list("行政许可决定书目录本局年度申请公开淄博市小区规划证的营业执照注销登记" + "0123456789abcAB，。、 （）《》")
    ),
    max_size=40,
)


def earlier(id: int, content: str, day: date | None = date(2025, 6, 1)) -> EarlierApplication:
    return EarlierApplication(
        id=id,
        reg_number=f"第{id}号",
        receipt_date=day,
        content=content,
        outcome_label="予以公开",
        status_label="已办结",
        same_by="证件号码",
    )


def test_identical_content_scores_100() -> None:
    result = content_similarity(REQUEST, REQUEST)
    assert result.score == 100
    assert result.shared_phrases == ("2025年本局行政许可决定书目录",)
    assert result.explanation == "内容相似度 100%：内容相同（不计标点、空格和“申请公开”“政府信息”等套话）"


def test_punctuation_spacing_and_width_do_not_matter() -> None:
    assert normalise_text(" 请公开２０２５年《本局　行政许可》决定书目录！") == REQUEST
    assert content_similarity("请公开２０２５年《本局 行政许可》决定书目录。", REQUEST).score == 100
    assert content_similarity("ABC公司营业执照", "abc公司营业执照").score == 100


def test_rephrased_request_ranks_above_unrelated_one() -> None:
    rephrased = content_similarity(REQUEST, REPHRASED)
    unrelated = content_similarity(REQUEST, UNRELATED)
    assert 60 <= rephrased.score < 100
    assert unrelated.score < 30
    assert rephrased.score > unrelated.score
    assert "行政许可" in "".join(rephrased.shared_phrases)
    assert rephrased.shared_phrases[0] == "行政许可决定"  # longest first
    assert "2025年" in rephrased.shared_phrases
    assert rephrased.explanation.startswith(f"内容相似度 {rephrased.score}%：共同词语“行政许可决定”")


def test_shared_phrases_are_longest_first_at_least_two_chars_and_at_most_five() -> None:
    a = "甲乙丙丁戊 子丑 寅卯辰 巳午 未申 酉戌 亥天地"
    b = "亥天地 酉戌 未申 巳午 寅卯辰 子丑 甲乙丙丁戊"
    phrases = content_similarity(a, b).shared_phrases
    assert phrases == ("甲乙丙丁戊", "寅卯辰", "亥天地", "子丑", "巳午")
    assert content_similarity("行政许可", "许可证照").shared_phrases == ("许可",)


def test_formulaic_words_do_not_make_requests_alike() -> None:
    a = "申请公开以下政府信息：本局2024年财政预算"
    b = "申请公开以下政府信息：某路段拆迁补偿方案"
    result = content_similarity(a, b)
    assert result.score < 20
    assert result.shared_phrases == ()
    assert result.explanation == f"内容相似度 {result.score}%：没有共同词语"
    # a text that is nothing but formulaic words is still equal to itself
    assert content_similarity("申请公开政府信息", "申请公开政府信息").score == 100


def test_another_year_is_flagged_and_scores_lower() -> None:
    same_year = content_similarity(REQUEST, "请公开2025年本局行政许可决定书清单")
    other_year = content_similarity(REQUEST, "请公开2024年本局行政许可决定书目录")
    assert other_year.score < same_year.score
    assert "年份不同（2025 / 2024）" in other_year.explanation
    assert "年份不同" not in same_year.explanation


def test_request_contained_in_a_longer_one_is_explained() -> None:
    longer = "申请公开本局2025年行政许可决定书目录及2024年行政处罚决定书目录"
    result = content_similarity(REQUEST, longer)
    assert result.score >= 60
    assert "基本都出现在另一份中" in result.explanation


@pytest.mark.parametrize("short", ["", " ", "。，", "许", "Ａ", "\u3000\n"])
def test_empty_or_very_short_texts_score_zero(short: str) -> None:
    for a, b in ((short, REQUEST), (REQUEST, short), (short, short)):
        result = content_similarity(a, b)
        assert result.score == 0
        assert result.shared_phrases == ()
        assert result.explanation == "内容过短，无法比较相似度"


def test_rank_repeats_orders_by_score_then_newest_and_applies_threshold() -> None:
    items = [
        earlier(1, REPHRASED, date(2025, 3, 1)),
        earlier(2, UNRELATED, date(2025, 9, 1)),
        earlier(3, REQUEST, date(2025, 1, 5)),
        earlier(4, REPHRASED, date(2025, 8, 1)),
        earlier(5, REPHRASED, None),  # receipt not yet confirmed: newest
        earlier(6, "", date(2025, 9, 2)),
    ]
    ranked = rank_repeats(REQUEST, items)
    assert [m.earlier.id for m in ranked] == [3, 5, 4, 1]
    assert ranked[0].score == 100 and ranked[0].similarity.score == 100
    assert ranked[1].score == ranked[2].score == ranked[3].score >= 60
    assert rank_repeats(REQUEST, items, limit=2)[1].earlier.id == 5
    assert [m.earlier.id for m in rank_repeats(REQUEST, items, threshold=100)] == [3]
    assert rank_repeats(REQUEST, items, limit=0) == []
    everything = rank_repeats(REQUEST, items, threshold=0, limit=100)
    assert [m.earlier.id for m in everything] == [3, 5, 4, 1, 2]  # never the incomparable empty text
    assert rank_repeats("", items, threshold=0) == []


@SETTINGS
@given(chinese_text, chinese_text)
def test_score_is_bounded_and_symmetric(a: str, b: str) -> None:
    ab, ba = content_similarity(a, b), content_similarity(b, a)
    assert 0 <= ab.score <= 100
    assert ab.score == ba.score
    assert len(ab.shared_phrases) <= 5
    lengths = [len(p) for p in ab.shared_phrases]
    assert all(n >= 2 for n in lengths) and lengths == sorted(lengths, reverse=True)
    for phrase in ab.shared_phrases:
        assert phrase in normalise_text(a) and phrase in normalise_text(b)


@SETTINGS
@given(st.text(max_size=60))
def test_identical_text_scores_100(text: str) -> None:
    assume(len(normalise_text(text)) >= 2)
    assert content_similarity(text, text).score == 100
    assert content_similarity(text, f" {text}。").score == 100


@SETTINGS
@given(st.text(max_size=60), st.text(max_size=60))
def test_any_text_never_crashes(a: str, b: str) -> None:
    result = content_similarity(a, b)
    assert 0 <= result.score <= 100
    # the clerk always reads a sentence that agrees with the score
    if result.explanation == "内容过短，无法比较相似度":
        assert result.score == 0 and result.shared_phrases == ()
    else:
        assert result.explanation.startswith(f"内容相似度 {result.score}%：")
