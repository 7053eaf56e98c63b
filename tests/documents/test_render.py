"""From rendered text to the page: marks, tables, the signature block, page flow, preview, determinism."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.documents.fonts import load_fonts
from app.documents.layout import LEFT_MARGIN, PAGE_W, TEXT_W
from app.documents.render import parse_blocks, render_pdf
from app.documents.templates import BREAK, GUARD
from tests.documents.cases import pdf_text

TEXT = "\n".join(
    [
        "【标题】淄博市行政审批服务局",
        "【标题】政府信息公开申请答复书",
        "【文号】淄审批公开〔2026〕1号",
        "【称谓】张三：",
        "　　本机关于2026年2月13日收到您的申请。",
        "【一级标题】一、答复内容",
        "【二级标题】（一）予以公开",
        "【列宽】40,116",
        f"| 送达方式 | {GUARD}■邮寄 |",
        f"| 受送达人签名 | {GUARD}{BREAK}{BREAK}　　年　　月　　日 |",
        "| 备注 |",
        "【空行】",
        f"{GUARD}第一段{BREAK}第二段",
        f"{GUARD}",
        "【落款】淄博市行政审批服务局",
        "【日期】2026年3月5日",
        "【附注】（联系电话：0533-2306817）",
    ]
)


def test_marks_become_blocks():
    blocks = parse_blocks(TEXT)
    assert blocks[:4] == [
        ["title", "淄博市行政审批服务局"],
        ["title", "政府信息公开申请答复书"],
        ["number", "淄审批公开〔2026〕1号"],
        ["addressee", "张三："],
    ]
    assert ["body", "本机关于2026年2月13日收到您的申请。"] in blocks  # the style indents, not the text
    assert ["heading1", "一、答复内容"] in blocks and ["heading2", "（一）予以公开"] in blocks
    table = next(b for b in blocks if b[0] == "table")
    assert table[1] == [["送达方式", "■邮寄"], ["受送达人签名", "\n\n　　年　　月　　日"], ["备注"]]
    assert table[2] == [40.0, 116.0]
    assert ["space"] in blocks and ["body", "第一段"] in blocks and ["body", "第二段"] in blocks
    assert blocks[-3:] == [
        ["signature", "淄博市行政审批服务局"],
        ["date", "2026年3月5日"],
        ["note", "（联系电话：0533-2306817）"],
    ]


def test_the_signature_sits_at_the_lower_right_and_the_date_four_characters_in():
    data, pages = render_pdf(parse_blocks(TEXT), load_fonts(), title="t")
    assert pages == 1
    found: list[tuple[float, float, str]] = []

    def visitor(text, cm, tm, _font, _size):
        if text.strip():
            found.append((cm[4] + tm[4], cm[5] + tm[5], text.strip()))

    PdfReader(BytesIO(data)).pages[0].extract_text(visitor_text=visitor)
    date_x = next(x for x, _y, t in found if t.startswith("2026年3月5日"))
    name = [(x, y) for x, y, t in found if t == "淄博市行政审批服务局"]
    assert len(name) == 2  # title and signature
    sig_x, sig_y = min(name, key=lambda p: p[1])
    date_y = next(y for _x, y, t in found if t.startswith("2026年3月5日"))
    right = LEFT_MARGIN + TEXT_W
    date_w = stringWidth("2026年3月5日", load_fonts().fangsong, 16)
    assert abs((date_x + date_w) - (right - 4 * 16)) < 6  # 右空四字
    name_w = stringWidth("淄博市行政审批服务局", load_fonts().fangsong, 16)
    assert abs((sig_x + name_w / 2) - (date_x + date_w / 2)) < 2  # the body centred on the date
    assert sig_y > date_y and sig_x > PAGE_W / 2


def test_a_long_text_flows_onto_page_two_and_the_seal_takes_text_with_it():
    body = [f"{GUARD}第{n}段：本机关于2026年2月13日收到您提出的政府信息公开申请，现答复如下。" for n in range(1, 30)]
    text = "\n".join(["【标题】答复书", *body, "【落款】淄博市行政审批服务局", "【日期】2026年3月5日"])
    data, pages = render_pdf(parse_blocks(text), load_fonts(), title="t")
    whole, texts = pdf_text(data)
    assert pages == len(texts) >= 2
    assert "— 1 —" in texts[0] and "— 2 —" in texts[1]
    last = "".join(texts[-1].split())
    assert "第29段" in last and "2026年3月5日" in last
    assert "第1段" in whole and "第29段" in whole


def test_a_preview_is_marked_and_output_is_repeatable():
    blocks = parse_blocks(TEXT)
    fonts = load_fonts()
    preview, _ = render_pdf(blocks, fonts, title="t", preview=True)
    assert "淄审批公开〔2026〕1号（样稿）" in pdf_text(preview)[0]
    final, _ = render_pdf(blocks, fonts, title="t")
    assert "样稿" not in pdf_text(final)[0]
    assert render_pdf(blocks, fonts, title="t")[0] == final
    no_number = parse_blocks("【标题】申请表\n正文")
    assert "（样稿）" in pdf_text(render_pdf(no_number, fonts, title="t", preview=True)[0])[0]


def test_full_width_punctuation_never_starts_a_line():
    line = "经审查，" + "您申请获取的政府信息属于可以公开的政府信息" * 3 + "；逾期未缴纳的，视为放弃申请。"
    blocks = [["body", line * 3]]
    data, _ = render_pdf(blocks, load_fonts(), title="t")
    _whole, pages = pdf_text(data)
    lines = [ln.strip() for ln in pages[0].splitlines() if ln.strip()]
    assert len(lines) > 3
    assert not any(ln[0] in "，。、；：？！”）》" for ln in lines)


def test_tables_stay_inside_the_text_block():
    rows = [["所需信息的内容描述", "很长的内容" * 40], ["载体形式", "■纸质文本　□电子文档"]]
    data, _ = render_pdf([["table", rows, None]], load_fonts(), title="t")
    found: list[float] = []

    def visitor(text, cm, tm, _font, size):
        if text.strip():
            found.append(cm[4] + tm[4])

    PdfReader(BytesIO(data)).pages[0].extract_text(visitor_text=visitor)
    assert min(found) >= LEFT_MARGIN - 0.5 * mm
    assert max(found) <= LEFT_MARGIN + TEXT_W


def test_line_breaking_keeps_punctuation_and_numbers_where_chinese_typesetting_puts_them():
    from app.documents.linebreak import break_lines

    def lines(text: str, per_line: int) -> list[str]:
        widths = [10.0 if ord(ch) >= 0x3000 else 5.0 for ch in text]
        return [t for _extra, t in break_lines(text, widths, per_line * 10.0)]

    assert lines("甲乙丙丁，戊己", 4) == ["甲乙丙丁，", "戊己"]  # the comma hangs
    assert lines("甲乙丙《丁戊》己", 4) == ["甲乙丙", "《丁戊》", "己"]  # the opening mark goes over
    assert lines("电话：0533-2306817", 6) == ["电话：", "0533-2306817"]  # the number is not cut
    assert lines("甲乙丙丁", 4) == ["甲乙丙丁"]
    assert lines("", 4) == []
