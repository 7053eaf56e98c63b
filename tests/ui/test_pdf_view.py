"""Preview and printing of the program's PDFs through pypdfium2 (offscreen)."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrinter
from reportlab.platypus import Paragraph

from app.documents.fonts import load_fonts
from app.documents.layout import build_pdf, styles
from app.ui.pdf_view import PdfView, paint_pdf, render_pages


def _pdf(paragraphs: int) -> bytes:
    fonts = load_fonts()
    st = styles(fonts)
    story = [Paragraph("政府信息公开申请答复书", st["title"])]
    story += [
        Paragraph("本机关于2026年2月13日收到您提出的政府信息公开申请。" * 8, st["body"]) for _ in range(paragraphs)
    ]
    return build_pdf(story, fonts=fonts, title="答复书")[0]


def test_pages_render_as_a4_images_with_ink_where_the_text_is():
    images = render_pages(_pdf(4), dpi=72)
    assert len(images) == 2
    page = images[0]
    assert abs(page.width() - 595) <= 1 and abs(page.height() - 842) <= 1  # A4 at 72 dpi (rounded up)
    # the margin above the text block is blank paper, the text block has ink
    assert page.pixelColor(300, 40).lightness() == 255
    inked = sum(page.pixelColor(x, y).lightness() < 128 for x in range(80, 520, 4) for y in range(200, 260, 2))
    assert inked > 50


def test_the_preview_shows_every_page(qtbot):
    view = PdfView()
    qtbot.addWidget(view)
    view.resize(700, 600)
    assert view.set_pdf(_pdf(4)) == 2
    assert view.findChild(object, "pdfPage2") is not None


def test_printing_draws_every_page_on_the_paper_at_true_scale(tmp_path: Path):
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    printer.setFullPage(True)
    printer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QPageLayout().margins())
    )
    assert paint_pdf(printer, _pdf(4))
    printed = PdfReader(str(out))
    assert len(printed.pages) == 2
    box = printed.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 1 and abs(float(box.height) - 841.9) < 1
