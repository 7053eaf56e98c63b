"""申请台账 at the counter: Enter opens a case, a new search starts at the top, the words that matter fit."""

from __future__ import annotations

from datetime import date, datetime

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


def _row(status, **kw):
    from app.domain.codes import ApplicantKind, Channel
    from app.services.register import RegisterRow

    return RegisterRow(
        1, "〔2026〕第1号", date(2026, 11, 2), date(2026, 11, 2), Channel.IN_PERSON, "张三", "",
        ApplicantKind.OTHER, "x", status, None, None, None, None, False, **kw,
    )  # fmt: skip


def test_paused_cases_name_why_and_since_when():
    from app.ui.register_model import paused_text, watch_text

    correcting = _row(Status.AWAITING_CORRECTION, paused_since=date(2026, 11, 13), watch_due=date(2026, 11, 27))
    assert paused_text(correcting) == "补正中（自11月13日）"
    assert watch_text(correcting) == "补正最迟 11月27日"
    no_deadline = _row(Status.AWAITING_CORRECTION, paused_since=date(2026, 11, 13))
    assert watch_text(no_deadline) == "等待补正"
    consulting = _row(
        Status.PAUSED, paused_since=date(2026, 11, 13), pause_kind=PauseKind.THIRD_PARTY, watch_due=date(2026, 12, 4)
    )
    assert paused_text(consulting) == "征求第三方意见中（自11月13日）"
    assert watch_text(consulting) == "意见最迟 12月4日"
    fee = _row(Status.PAUSED, paused_since=date(2026, 11, 12), pause_kind=PauseKind.FEE, watch_due=date(2026, 12, 10))
    assert paused_text(fee) == "等待缴费（自11月12日）"
    assert watch_text(fee) == "缴费最迟 12月10日"
    bare = _row(Status.PAUSED)  # contradictory events: the register cannot say more; the case view explains
    assert paused_text(bare) == "计时暂停"
    assert watch_text(bare) == "暂停，不计时"


def test_the_register_shows_the_date_to_watch_of_each_paused_case(qtbot, ctx, clock):
    from app.domain.fees import FeeScheme
    from app.ui.register_model import COL_DUE

    tp = register_in_person(ctx, datetime(2026, 2, 24, 9, 0), clock, name="甲")
    fee = register_in_person(ctx, datetime(2026, 2, 24, 9, 5), clock, name="乙")
    corr = register_in_person(ctx, datetime(2026, 2, 24, 9, 10), clock, name="丙")
    clock.value = datetime(2026, 3, 3, 10, 0)
    A.record_event(
        ctx, tp.id, EventKind.THIRD_PARTY_CONSULTATION_STARTED, date(2026, 2, 26), P.ConsultationStarted(party="某公司")
    )
    notice = P.FeeNotice(amount_yuan=100, quantity=40, scheme=FeeScheme.PER_PAGE)
    A.record_event(ctx, fee.id, EventKind.FEE_NOTICE_SENT, date(2026, 2, 26), notice)
    A.record_event(
        ctx,
        corr.id,
        EventKind.CORRECTION_REQUESTED,
        date(2026, 3, 3),
        P.CorrectionRequested(deadline=date(2026, 3, 17)),
    )
    page = shown_page(qtbot, ctx)
    model = page.model
    shown = {
        model.id_at(r): (model.data(model.index(r, COL_DUE)), model.data(model.index(r, COL_LEFT)))
        for r in range(model.rowCount())
    }
    # the same dates as the 工作台 lists: the 15th working day of a consultation (第三十二条), the fee period
    # (20 working days from the notice; 2月28日 is a working day in 2026), the deadline the 补正告知 set
    assert shown[tp.id] == ("征求第三方意见中（自2月26日）", "意见最迟 3月18日")
    assert shown[fee.id] == ("等待缴费（自2月26日）", "缴费最迟 3月25日")
    assert shown[corr.id] == ("补正中（自3月3日）", "补正最迟 3月17日")


def test_the_count_follows_the_rest_of_the_list(qtbot, ctx, clock, monkeypatch):
    from app.ui import register_model

    monkeypatch.setattr(register_model, "BLOCK", 3)
    for i in range(7):
        register_in_person(ctx, datetime(2026, 2, 13, 9, i), clock, name=f"申请人{i}")
    page = shown_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.count_label.text() == "共 7 件", timeout=5000)
    page.search.setText("申请人")
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        page.apply_filter()
        assert page.model.rowCount() == 3  # the first screenful is on screen at once …
        assert page.count_label.text() == "正在统计…"  # … and its size is not taken for the count
    assert page.count_label.text() == "共 7 件" and page.model.rowCount() == 7
    page.search.setText("申请人1")  # fewer than a screenful: counted at once
    page.apply_filter()
    assert page.count_label.text() == "共 1 件"


def test_a_reload_keeps_a_place_beyond_the_first_screen(qtbot, ctx, clock, monkeypatch):
    from app.ui import register_model

    monkeypatch.setattr(register_model, "BLOCK", 10)
    for i in range(80):
        register_in_person(ctx, datetime(2026, 2, 13, 9, i % 60), clock, name=f"申请人{i}")
    page = shown_page(qtbot, ctx, height=400)
    qtbot.waitUntil(lambda: page.model.complete, timeout=5000)
    bar = page.table.verticalScrollBar()
    bar.setValue(bar.maximum())
    kept = bar.value()
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        page.mark_stale()
    assert bar.value() == kept and page.model.rowCount() == 80


def test_printing_takes_the_whole_list_before_it_has_arrived(qtbot, ctx, clock, monkeypatch):
    from io import BytesIO

    from pypdf import PdfReader

    from app.ui import pdf_view, register_model

    monkeypatch.setattr(register_model, "BLOCK", 2)
    for i in range(5):
        register_in_person(ctx, datetime(2026, 2, 13, 9, i), clock, name=f"申请人{i}")
    page = RegisterPage(ctx)
    qtbot.addWidget(page)
    page.apply_filter()
    assert page.model.rowCount() == 2
    printed: list[bytes] = []
    monkeypatch.setattr(pdf_view, "print_pdf", lambda _p, pdf, title: printed.append(pdf) or True)
    assert page.print_list(print_it=True)
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(printed[0])).pages)
    assert all(f"申请人{i}" in text for i in range(5))
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        pass  # the rest of the list arrives after the printing: nothing left running


def test_a_caption_set_by_the_annual_report_stays_when_the_rest_arrives(qtbot, ctx, clock, monkeypatch):
    from app.services.register import RegisterFilter
    from app.ui import register_model

    monkeypatch.setattr(register_model, "BLOCK", 2)
    made = [register_in_person(ctx, datetime(2026, 2, 13, 9, i), clock, name=f"申请人{i}") for i in range(5)]
    page = shown_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.count_label.text() == "共 5 件", timeout=5000)
    with qtbot.waitSignal(page.model.loaded, timeout=5000):  # as MainWindow shows the cases behind a cell
        page.model.set_filter(RegisterFilter(ids=tuple(r.id for r in made[:3])))
        page.count_label.setText("2026年 表三 三(二)·总计：共 3 件（改变任一筛选条件即显示全部申请）")
    assert page.model.rowCount() == 3
    assert page.count_label.text().startswith("2026年 表三 三(二)·总计：共 3 件")
    page.search.setText("申请人")
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        page.apply_filter()
    assert page.count_label.text() == "共 5 件"


def test_the_printed_list_follows_the_tables_sort(qtbot, ctx, clock, monkeypatch):
    from io import BytesIO

    from pypdf import PdfReader

    from app.ui import pdf_view
    from app.ui.register_model import COL_APPLICANT

    for i, name in enumerate(["张三", "阿布", "王五"]):
        register_in_person(ctx, datetime(2026, 2, 13, 9, i), clock, name=name)
    page = shown_page(qtbot, ctx)
    page.model.sort(COL_APPLICANT, Qt.SortOrder.AscendingOrder)  # pinyin: a bu, wang wu, zhang san
    qtbot.waitUntil(lambda: page.model.complete, timeout=5000)
    printed: list[bytes] = []
    monkeypatch.setattr(pdf_view, "print_pdf", lambda _p, pdf, title: printed.append(pdf) or True)
    assert page.print_list(print_it=True)
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(printed[0])).pages)
    assert text.index("阿布") < text.index("王五") < text.index("张三")
