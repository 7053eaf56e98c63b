"""The GB/T 9704 page: text block position measured from the PDF, page numbers, fonts embedded, repeatable."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from app.documents.fonts import FontMissing, choose_fonts, load_fonts
from app.documents.layout import LEFT_MARGIN, PAGE_H, TOP_MARGIN, build_pdf, styles


def _story(paragraphs: int):
    fonts = load_fonts()
    st = styles(fonts)
    return fonts, [Paragraph("政府信息公开申请答复书", st["title"])] + [
        Paragraph("本机关于2026年2月13日收到您提出的政府信息公开申请。" * 8, st["body"]) for _ in range(paragraphs)
    ]


def _text_positions(data: bytes, page: int = 0) -> list[tuple[float, float, str]]:
    found: list[tuple[float, float, str]] = []

    def visitor(text, cm, tm, _font, _size):
        if text.strip():  # reportlab draws with an identity text matrix inside a translated CTM
            found.append((cm[4] + tm[4], cm[5] + tm[5], text))

    PdfReader(BytesIO(data)).pages[page].extract_text(visitor_text=visitor)
    return found


def test_the_text_block_starts_28_mm_from_the_left_and_37_mm_from_the_top():
    fonts, story = _story(2)
    data, pages = build_pdf(story, fonts=fonts, title="t")
    assert pages == 1
    positions = _text_positions(data)
    body = [p for p in positions if "本机关" in p[2] or "关于" in p[2]]
    assert abs(min(x for x, _y, _t in body) - LEFT_MARGIN) <= 1 * mm  # continuation lines start at the edge
    first_lines = [x for x, _y, t in body if t.startswith("本机关于2026")]
    assert all(abs(x - LEFT_MARGIN - 2 * 16) <= 1 * mm for x in first_lines[:1])  # indented two characters
    top_line = max(y for _x, y, _t in positions)
    # the first baseline sits one title line below the top edge of the text block
    assert 0 < (PAGE_H - TOP_MARGIN) - top_line <= 22 * 1.2 + 1 * mm


def test_long_text_flows_onto_numbered_pages_and_fonts_are_embedded():
    fonts, story = _story(12)
    data, pages = build_pdf(story, fonts=fonts, title="t")
    reader = PdfReader(BytesIO(data))
    assert pages == len(reader.pages) >= 2
    assert "— 1 —" in reader.pages[0].extract_text() and "— 2 —" in reader.pages[1].extract_text()
    descriptors = [
        font["/FontDescriptor"].get_object()
        for page in reader.pages
        for font in (page["/Resources"]["/Font"][name].get_object() for name in page["/Resources"]["/Font"])
        if "+" in str(font["/BaseFont"])  # the CJK subsets (reportlab also lists an unused Helvetica)
    ]
    assert descriptors and all("/FontFile2" in d for d in descriptors)  # every font embedded (TrueType subset)


def test_the_same_story_gives_the_same_bytes():
    a = build_pdf(_story(2)[1], fonts=load_fonts(), title="t")[0]
    b = build_pdf(_story(2)[1], fonts=load_fonts(), title="t")[0]
    assert a == b


def test_no_chinese_font_is_a_chinese_message_not_boxes(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(FontMissing) as err:
        choose_fonts([tmp_path / "empty"])
    assert "本机没有可用于打印的中文字体" in str(err.value)
    bad = tmp_path / "x.ttf"
    bad.write_bytes(b"not a font")
    with pytest.raises(FontMissing) as err:
        choose_fonts([tmp_path / "empty"], chosen=bad)
    assert "所选字体文件无法使用" in str(err.value)
