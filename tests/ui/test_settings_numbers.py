"""设置 → 文书编号: one pattern per kind of document, audited, used by the next document issued."""

from __future__ import annotations

from datetime import date, datetime

from app.domain import procedure as P
from app.domain.codes import EventKind, Outcome
from app.domain.letters import DocumentKind
from app.services import applications as A
from app.services import documents as D
from app.ui import msgbox
from app.ui.settings_page import SettingsPage
from tests.factories import register_in_person


def test_a_changed_pattern_numbers_the_next_reply_and_a_clash_is_refused(qtbot, ctx, clock, monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr(msgbox, "warning", lambda _p, _t, text, details="": warnings.append(text))
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    form = page.numbers
    assert form.edits[DocumentKind.REPLY].text() == "淄审批公开〔{年}〕{号}号"
    assert DocumentKind.RECEIPT not in form.edits  # prints the registration number
    form.edits[DocumentKind.REPLY].setText("淄审批依申请〔{年}〕{号:03}号")
    assert "淄审批依申请〔2026〕001号" in form.previews[DocumentKind.REPLY].text()
    assert form.save()
    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    A.record_event(ctx, r.id, EventKind.DECIDED, date(2026, 2, 13), P.Decided(outcome=Outcome.DISCLOSED))
    assert D.issue(ctx, r.id, DocumentKind.REPLY).number == "淄审批依申请〔2026〕001号"
    form.edits[DocumentKind.FEE].setText("淄审批依申请〔{年}〕{号:03}号")  # the same as the reply's
    assert not form.save()
    assert "收费通知书" in warnings[-1] and "文号会重复" in warnings[-1]
    assert form.edits[DocumentKind.FEE].text() == "淄审批公开费〔{年}〕{号}号"  # not saved
