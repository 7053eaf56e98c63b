"""申请台账 at the counter: Enter opens a case, a new search starts at the top, the words that matter fit."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle

from app.domain import procedure as P
from app.domain.codes import EventKind, Outcome, Status
from app.domain.deadlines import PauseKind
from app.services import applications as A
from app.services.register import StatusFilter
from app.ui.register_model import COL_CONTENT, COL_LEFT, COL_STATUS
from app.ui.register_page import RegisterPage
from tests.factories import register_in_person


def shown_page(qtbot, ctx, width: int = 1216, height: int = 600) -> RegisterPage:
    page = RegisterPage(ctx)
    qtbot.addWidget(page)
    page.resize(width, height)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_enter_on_a_row_opens_the_case(qtbot, ctx, clock, monkeypatch):
    first = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock, name="甲某")
    second = register_in_person(ctx, datetime(2026, 2, 13, 9, 5), clock, name="乙某")
    page = shown_page(qtbot, ctx)
    opened: list[int] = []
    monkeypatch.setattr(page, "open_detail", opened.append)
    page.table.setFocus()
    page.table.selectRow(1)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.keyClick(page.table, Qt.Key.Key_Up)
    qtbot.keyClick(page.table, Qt.Key.Key_Enter)
    assert opened == [first.id, second.id]  # newest first: row 1 is the first registration


def test_a_new_filter_or_sort_starts_at_the_top(qtbot, ctx, clock):
    for i in range(80):
        register_in_person(ctx, datetime(2026, 2, 13, 9, i % 60), clock, name=f"申请人{i}")
    page = shown_page(qtbot, ctx, height=400)
    bar = page.table.verticalScrollBar()
    bar.setValue(bar.maximum())
    assert bar.value() > 0
    page.status.set_value(StatusFilter.OPEN)
    assert bar.value() == 0
    bar.setValue(bar.maximum())
    page.table.horizontalHeader().setSortIndicator(COL_STATUS, Qt.SortOrder.AscendingOrder)
    assert bar.value() == 0
    bar.setValue(bar.maximum())
    page.search.setText("申请人")
    page.apply_filter()
    assert bar.value() == 0
    bar.setValue(bar.maximum())
    kept = bar.value()
    page.mark_stale()  # a reload after a change in a case keeps the clerk's place
    assert bar.value() == kept


def test_status_and_days_left_show_their_full_words(qtbot, ctx, clock):
    late = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock, content="某某文件" * 40)
    clock.value = datetime(2026, 3, 2, 9, 0)
    A.record_event(ctx, late.id, EventKind.EXTENSION, date(2026, 3, 2), P.Extension(days=3, approved_by="科长"))
    closed = register_in_person(ctx, datetime(2026, 3, 2, 9, 0), clock)
    A.record_event(
        ctx, closed.id, EventKind.DECIDED, date(2026, 3, 2), P.Decided(outcome=Outcome.WITHHELD_LAW_PROHIBITS)
    )
    clock.value = datetime(2031, 11, 28, 9, 0)  # years late: four digits of working days
    page = shown_page(qtbot, ctx)
    model = page.model
    texts = {
        (model.data(model.index(r, COL_STATUS)), model.data(model.index(r, COL_LEFT))) for r in range(model.rowCount())
    }
    [(status, left)] = [t for t in texts if t[0].startswith("已超期")]
    assert status == "已超期（已延期）"
    assert left.startswith("超期 1") and left.endswith(" 个工作日") and len(left) == len("超期 1234 个工作日")
    assert ("已办结（不予公开-法律行政法规禁止）", "已办结 2026-03-02") in texts
    metrics = page.table.fontMetrics()
    margin = 2 * page.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 4
    for col in (COL_STATUS, COL_LEFT):
        widest = max(metrics.horizontalAdvance(t[col == COL_LEFT]) for t in texts)
        assert page.table.columnWidth(col) >= widest + margin
    # 申请内容 takes what is left of the width and is the column that elides
    total = sum(page.table.columnWidth(c) for c in range(model.columnCount()) if not page.table.isColumnHidden(c))
    assert total <= page.table.viewport().width()
    row = model.row_of(late.id)
    assert page.table.columnWidth(COL_CONTENT) < metrics.horizontalAdvance(model.data(model.index(row, COL_CONTENT)))


def test_paused_cases_name_why_and_since_when():
    from app.ui.register_model import paused_text, watch_text

    correcting = SimpleNamespace(status=Status.AWAITING_CORRECTION, paused_since=date(2026, 11, 13), watch_due=None)
    assert paused_text(correcting) == "补正中（自11月13日）"
    assert watch_text(correcting) == "等待补正"
    consulting = SimpleNamespace(
        status=Status.PAUSED,
        paused_since=date(2026, 11, 13),
        pause_kind=PauseKind.THIRD_PARTY,
        watch_due=date(2026, 12, 4),
    )
    assert paused_text(consulting) == "征求第三方意见中（自11月13日）"
    assert watch_text(consulting) == "意见最迟 12月4日"
    fee = SimpleNamespace(status=Status.PAUSED, paused_since=date(2026, 11, 12), pause_kind=PauseKind.FEE)
    assert paused_text(fee) == "等待缴费（自11月12日）"
    bare = SimpleNamespace(status=Status.PAUSED)  # a register row that does not carry the pause
    assert paused_text(bare) == "计时暂停"
    assert watch_text(bare) == "暂停，不计时"
