"""生成文书 from the case view: the right document preselected, a 样稿 preview, issue with a number, print."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

from pypdf import PdfReader
from PySide6.QtCore import Qt

from app.domain import procedure as P
from app.domain.codes import EventKind, Outcome
from app.domain.letters import DocumentKind
from app.services import applications as A
from app.services import documents as D
from app.ui import document_dialog, msgbox, pdf_view
from app.ui.detail_dialog import DetailDialog
from app.ui.document_dialog import DocumentDialog
from app.ui.event_dialog import EventDialog
from tests.factories import register_in_person


def _closed_case(ctx, clock) -> int:
    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock, name="王晓明", content="2025年度行政许可决定目录")
    clock.value = datetime(2026, 3, 5, 10, 0)
    A.record_event(ctx, r.id, EventKind.DECIDED, date(2026, 3, 5), P.Decided(outcome=Outcome.DISCLOSED))
    return r.id


def test_the_dialog_offers_what_fits_and_previews_a_sample(qtbot, ctx, clock):
    app_id = _closed_case(ctx, clock)
    dialog = DocumentDialog(ctx, app_id, DocumentKind.REPLY)
    qtbot.addWidget(dialog)
    assert dialog.option().kind is DocumentKind.REPLY
    refused = [i for i in range(dialog.kinds.count()) if not dialog.kinds.item(i).flags() & Qt.ItemFlag.ItemIsEnabled]
    kinds = [dialog.options[i].kind for i in refused]
    assert DocumentKind.CORRECTION in kinds and dialog.kinds.item(refused[0]).toolTip()  # greyed, with the reason
    assert dialog.refresh_preview() >= 1
    assert "淄审批公开〔2026〕1号" in dialog.heading.text()
    assert not dialog.issue_print.isHidden() and dialog.reprint_button.isHidden()


def test_issuing_takes_the_number_prints_and_then_offers_a_reprint(qtbot, ctx, clock, monkeypatch, tmp_path):
    app_id = _closed_case(ctx, clock)
    printed: list[tuple[bytes, str]] = []
    monkeypatch.setattr(pdf_view, "print_pdf", lambda _p, pdf, title: printed.append((pdf, title)) or True)
    monkeypatch.setattr(msgbox, "warning", lambda *a, **k: (_ for _ in ()).throw(AssertionError(a)))
    dialog = DocumentDialog(ctx, app_id, DocumentKind.REPLY)
    qtbot.addWidget(dialog)
    view = dialog.issue(print_it=True, save_it=False)
    assert view is not None and view.number == "淄审批公开〔2026〕1号"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(printed[0][0])).pages)
    assert "王晓明" in text and "淄审批公开〔2026〕1号" in text and "样稿" not in text
    assert dialog.changed and not dialog.reprint_button.isHidden()  # now shown as issued
    assert [d.number for d in D.list_documents(ctx, app_id)] == ["淄审批公开〔2026〕1号"]
    assert dialog.reprint() and len(printed) == 2
    saved = tmp_path / "答复书.pdf"
    monkeypatch.setattr(document_dialog, "ask_save_path", lambda _p, _s: saved)
    assert dialog.save_issued() == saved and saved.read_bytes().startswith(b"%PDF")


def test_the_case_view_lists_issued_documents(qtbot, ctx, clock, monkeypatch):
    app_id = _closed_case(ctx, clock)
    D.issue(ctx, app_id, DocumentKind.REPLY)
    detail = DetailDialog(ctx, app_id)
    qtbot.addWidget(detail)
    assert detail.tabs.tabText(3) == "文书（1）"
    assert detail.documents.item(0, 1).text() == "淄审批公开〔2026〕1号"
    assert "出具文书" in detail.browser.toPlainText()  # the timeline records it
    opened: list[DocumentKind | None] = []
    monkeypatch.setattr(
        DocumentDialog, "open", classmethod(lambda cls, ctx, i, kind=None, parent=None: opened.append(kind) or False)
    )
    detail.documents.setCurrentCell(0, 0)
    detail._open_document()
    assert opened == [DocumentKind.REPLY]


def test_a_voided_case_prints_nothing(qtbot, ctx, clock):
    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    A.void_application(ctx, r.id, P.VoidReason.MISTAKE, "误登记")
    detail = DetailDialog(ctx, r.id)
    qtbot.addWidget(detail)
    assert not detail.document_button.isEnabled() and "作废" in detail.document_button.toolTip()


def test_recording_a_step_offers_its_document_next(qtbot, ctx, clock, monkeypatch):
    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    clock.value = datetime(2026, 2, 16, 9, 0)
    detail = DetailDialog(ctx, r.id)
    qtbot.addWidget(detail)
    assert detail.document_button.text() == "生成文书…"
    answer = (EventKind.CORRECTION_REQUESTED, date(2026, 2, 16), P.CorrectionRequested(deadline=date(2026, 3, 9)), "")
    monkeypatch.setattr(EventDialog, "ask", classmethod(lambda cls, parent, d, **kw: answer))
    assert detail.record_event()
    assert detail.document_button.text() == "生成补正告知书…"
    opened: list[DocumentKind | None] = []
    monkeypatch.setattr(
        DocumentDialog, "open", classmethod(lambda cls, c, i, kind=None, parent=None: opened.append(kind) or False)
    )
    detail.make_document()
    assert opened == [DocumentKind.CORRECTION]
    detail.load()
    assert detail.document_button.text() == "生成文书…"


def test_a_case_changed_at_another_desk_is_not_issued_on_until_seen(qtbot, ctx, clock, monkeypatch):
    app_id = _closed_case(ctx, clock)
    warnings: list[str] = []
    monkeypatch.setattr(msgbox, "warning", lambda _p, _t, text, *a, **k: warnings.append(text))
    monkeypatch.setattr(pdf_view, "print_pdf", lambda *_a, **_k: True)
    dialog = DocumentDialog(ctx, app_id, DocumentKind.REPLY)
    qtbot.addWidget(dialog)
    A.edit_application(ctx, app_id, {"content": "2025年度行政许可决定目录（更正）"}, "另一窗口更正")  # another desk
    assert dialog.issue(print_it=True, save_it=False) is None
    assert warnings == ["该申请已被他人修改，请刷新。本次操作未保存。"] and D.list_documents(ctx, app_id) == []
    view = dialog.issue(print_it=True, save_it=False)  # the window has read the case again
    assert view is not None and [d.number for d in D.list_documents(ctx, app_id)] == [view.number]
    assert dialog.issue(print_it=True, save_it=False) is None  # issued: nothing more to issue of this kind
