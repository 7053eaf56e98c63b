"""Show and print PDFs the program made, with pypdfium2 (no QtPdf: it lives in the 400 MB Addons package).

:func:`render_pages` turns PDF bytes into QImages; :class:`PdfView` shows them one under the other, scaled to
the view's width; :func:`print_pdf` asks the system's print dialog and prints every page at true scale on
A4 (the PDF page is drawn onto the whole paper, printer margins off, so 37 mm stays 37 mm). Printing goes
through :func:`print_pdf` only, so tests replace that one function.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QMarginsF, QRect, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

PDF_DPI = 72.0


def tr(text: str) -> str:
    return QCoreApplication.translate("PdfView", text)


def page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def render_pages(pdf: bytes, dpi: float = 96.0, pages: list[int] | None = None) -> list[QImage]:
    """Every page (or the given ones) as an image at *dpi*; white background, text anti-aliased."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        out: list[QImage] = []
        for i in pages if pages is not None else range(len(doc)):
            page = doc[i]
            bitmap = page.render(
                scale=dpi / PDF_DPI, rev_byteorder=True, force_bitmap_format=pdfium.raw.FPDFBitmap_BGRx
            )  # RGBX, 4 bytes a pixel: what QImage.Format_RGBX8888 reads
            width, height, stride = bitmap.width, bitmap.height, bitmap.stride
            image = QImage(bytes(bitmap.buffer), width, height, stride, QImage.Format.Format_RGBX8888)
            out.append(image.copy())  # own the pixels before pdfium frees its buffer
            bitmap.close()
            page.close()
        return out
    finally:
        doc.close()


class PdfView(QScrollArea):
    """The pages of a PDF one under the other, each as wide as the view allows (a print preview)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfView")
        self.setWidgetResizable(True)
        self.setStyleSheet("QScrollArea#pdfView { background: #8a8f98; }")
        self._images: list[QImage] = []
        self._body = QWidget()
        self._body.setStyleSheet("background: #8a8f98;")
        self._layout = QVBoxLayout(self._body)
        self._layout.setSpacing(12)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.setWidget(self._body)

    def set_pdf(self, pdf: bytes) -> int:
        """Show *pdf*; returns the number of pages."""
        self._images = render_pages(pdf, dpi=110.0)
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for i in range(len(self._images)):
            label = QLabel()
            label.setObjectName(f"pdfPage{i + 1}")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setToolTip(tr("第 {n} 页").format(n=i + 1))
            self._layout.addWidget(label)
        self._fit()
        return len(self._images)

    def page_images(self) -> list[QImage]:
        return list(self._images)

    def _fit(self) -> None:
        from PySide6.QtGui import QPixmap

        width = max(200, self.viewport().width() - 40)
        for i, image in enumerate(self._images):
            item = self._layout.itemAt(i)
            label = item.widget() if item is not None else None
            if isinstance(label, QLabel):
                scaled = image.scaledToWidth(min(width, image.width()), Qt.TransformationMode.SmoothTransformation)
                label.setPixmap(QPixmap.fromImage(scaled))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()


def print_pdf(parent: QWidget | None, pdf: bytes, title: str) -> bool:
    """Ask the system print dialog, then print every page at true scale on A4. True when printed."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setFullPage(True)
    printer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
    )
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(tr("打印 — {t}").format(t=title))
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    return paint_pdf(printer, pdf)


def paint_pdf(printer: QPrinter, pdf: bytes) -> bool:
    """Draw every page of *pdf* onto *printer*, each filling the paper (true scale for A4 on A4)."""
    dpi = float(min(printer.resolution(), 300))
    images = render_pages(pdf, dpi=dpi)
    painter = QPainter()
    if not painter.begin(printer):
        return False
    try:
        for i, image in enumerate(images):
            if i:
                printer.newPage()
            paper = printer.pageLayout().fullRectPixels(printer.resolution())
            painter.drawImage(QRect(0, 0, paper.width(), paper.height()), image)
    finally:
        painter.end()
    return True
