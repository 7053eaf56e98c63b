"""The one rule for free text (app.domain.text): NFC, format characters stripped, controls refused, limits."""

from __future__ import annotations

import unicodedata

import pytest

from app.domain.text import FIELD_LIMITS, XLSX_CELL_LIMIT, TextError, clean_field, for_export, strip_invisible


def test_nfc_and_outer_blanks():
    decomposed = "e\u0301"
    assert clean_field(f"\u3000 {decomposed} \t", "applicant_name") == unicodedata.normalize("NFC", decomposed)


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2066", "\u00ad"])
def test_format_characters_are_stripped_and_a_name_of_only_them_is_empty(invisible):
    assert clean_field(f"张{invisible}三", "applicant_name") == "张三"
    assert clean_field(invisible * 3, "applicant_name") == ""
    assert strip_invisible(invisible) == ""


@pytest.mark.parametrize(
    ("char", "code"),
    [("\x00", "U+0000"), ("\x0b", "U+000B"), ("\x1b", "U+001B"), ("\x7f", "U+007F"), ("\x85", "U+0085")],
)
def test_control_characters_are_refused_with_their_position_never_the_text(char, code):
    with pytest.raises(TextError) as caught:
        clean_field(f"秘密{char}内容", "content")
    message = str(caught.value)
    assert code in message and "第 3 个字符" in message and "秘密" not in message


def test_line_breaks_kept_in_multi_line_fields_and_made_spaces_in_one_line_fields():
    assert clean_field("一\r\n二\r三\u2028四\t五", "content") == "一\n二\n三\n四\t五"
    assert clean_field("张三\n（代）", "applicant_name") == "张三 （代）"
    assert clean_field("a\t\tb", "phone") == "a b"


def test_lone_surrogates_are_refused():
    with pytest.raises(TextError, match="无效字符"):
        clean_field("a\ud800", "content")


def test_length_limits_fit_an_xlsx_cell_and_refuse_never_cut():
    assert all(rule.limit < XLSX_CELL_LIMIT for rule in FIELD_LIMITS.values())
    limit = FIELD_LIMITS["content"].limit
    assert clean_field("字" * limit, "content") == "字" * limit
    with pytest.raises(TextError, match=f"不能超过 {limit} 个字"):
        clean_field("字" * (limit + 1), "content")


def test_export_leaves_out_what_an_xlsx_cannot_hold_and_says_so():
    assert for_export("a\x00b\x1bc\td\ne") == ("abc\td\ne", True)
    assert for_export("平常") == ("平常", False)
