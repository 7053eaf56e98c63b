"""工作台 on screen: tiles read at a glance, each row says what to do, one click or Enter opens the case."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.domain import procedure as P
from app.domain.codes import Channel, EventKind, Outcome
from app.domain.fees import FeeScheme
from app.services import applications as A
from app.services.register import StatusFilter as F
from app.ui import register_page
from app.ui.chart import Bar, BarChart
from app.ui.dashboard_page import DashboardPage, WorkTable
from tests.factories import register_in_person


def page_for(qtbot, ctx, width: int = 1216, height: int = 720) -> DashboardPage:
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.resize(width, height)
    page.show()
    qtbot.waitExposed(page)
    page.refresh()
    qtbot.wait(20)  # let the layouts settle
    return page


def rows(page: DashboardPage, key: F) -> list[tuple[str, str, str]]:
    table = page.cards[key].table
    return [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]


def test_tiles_are_read_at_a_glance_and_only_overdue_is_red(qtbot, ctx, clock):
    late = register_in_person(ctx, datetime(2026, 2, 9, 9, 0), clock, name="逾期甲")  # due Fri 03-13
    register_in_person(ctx, datetime(2026, 2, 10, 9, 0), clock, name="今天乙")  # due Mon 03-16
    clock.value = datetime(2026, 3, 16, 9, 0)
    page = page_for(qtbot, ctx)
    tiles = page.tiles
    assert [(t.number.text(), t.caption.text()) for t in tiles.values()] == [
        ("1", "已超期"),
        ("1", "今天到期"),
        ("1", "3个工作日内到期"),
        ("0", "今日收到"),
        ("0", "待确认收到"),
        ("2", "未办结"),
    ]
    assert [t.property("tone") for t in tiles.values()] == ["red", "amber", "amber", "zero", "zero", "plain"]
    for tile in tiles.values():
        assert tile.number.font().pointSizeF() > 1.8 * tile.caption.font().pointSizeF()  # the number is largest
    assert rows(page, F.OVERDUE) == [(late.reg_number, "逾期甲", "答复期限3月13日已过（超期 1 个工作日）")]
    # a day later nothing is overdue any more once the case is answered: the red goes, the zero is grey
    clock.value = datetime(2026, 3, 16, 15, 0)
    A.record_event(ctx, late.id, EventKind.DECIDED, date(2026, 3, 16), P.Decided(outcome=Outcome.DISCLOSED))
    page.refresh()
    assert tiles[F.OVERDUE].number.text() == "0" and tiles[F.OVERDUE].property("tone") == "zero"
    assert page.cards[F.OVERDUE].isHidden() and not page.cards[F.UNSERVED].isHidden()


def test_each_row_names_the_case_the_date_and_what_to_do(qtbot, ctx, clock):
    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock, name="张三")  # correction notice due Mon 03-02
    clock.value = datetime(2026, 2, 27, 9, 0)
    page = page_for(qtbot, ctx)
    assert rows(page, F.CORRECTION_NOTICE) == [(r.reg_number, "张三", "补正告知最迟 3月2日（还有 2 个工作日）")]
    card = page.cards[F.CORRECTION_NOTICE]
    assert card.title.text() == "补正告知：收到申请后 7 个工作日内一次性告知（第三十条）"
    assert card.count.text() == "共 1 件" and card.more.isHidden()
    assert "申请内容：某文件" in card.table.item(0, 2).toolTip()
    clock.value = datetime(2026, 3, 3, 9, 0)  # one working day late
    page.refresh()
    assert rows(page, F.CORRECTION_NOTICE)[0][2] == "补正告知期限3月2日已过 1 个工作日"
    A.record_event(
        ctx, r.id, EventKind.CORRECTION_REQUESTED, date(2026, 3, 3), P.CorrectionRequested(deadline=date(2026, 3, 17))
    )
    page.refresh()
    assert page.cards[F.CORRECTION_NOTICE].isHidden()
    assert rows(page, F.CORRECTION) == [(r.reg_number, "张三", "申请人补正最迟 3月17日（还有 10 个工作日）")]


def test_consultation_fee_and_unconfirmed_rows(qtbot, ctx, clock):
    tp = register_in_person(ctx, datetime(2026, 2, 24, 9, 0), clock, name="甲")
    fee = register_in_person(ctx, datetime(2026, 2, 24, 9, 5), clock, name="乙")
    clock.value = datetime(2026, 2, 26, 10, 0)
    A.record_event(
        ctx, tp.id, EventKind.THIRD_PARTY_CONSULTATION_STARTED, date(2026, 2, 26), P.ConsultationStarted(party="某公司")
    )
    notice = P.FeeNotice(amount_yuan=100, quantity=40, scheme=FeeScheme.PER_PAGE)
    A.record_event(ctx, fee.id, EventKind.FEE_NOTICE_SENT, date(2026, 2, 26), notice)
    online = register_in_person(ctx, datetime(2026, 3, 13, 20, 0), clock, name="丙", channel=Channel.ONLINE)
    clock.value = datetime(2026, 3, 16, 9, 0)
    page = page_for(qtbot, ctx)
    assert rows(page, F.CONSULTING) == [(tp.reg_number, "甲", "第三方意见最迟 3月18日（还有 2 个工作日）（某公司）")]
    assert rows(page, F.FEE_DUE) == [(fee.reg_number, "乙", "100元，缴费最迟 3月25日（还有 7 个工作日）")]
    assert rows(page, F.AWAITING) == [(online.reg_number, "丙", "网上申请，3月13日到达，尚未确认收到")]


def test_one_click_or_enter_opens_the_case_and_tab_reaches_the_lists(qtbot, ctx, clock):
    first = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock, name="甲")
    second = register_in_person(ctx, datetime(2026, 2, 13, 9, 1), clock, name="乙")
    clock.value = datetime(2026, 3, 17, 9, 0)
    page = page_for(qtbot, ctx)
    opened: list[int] = []
    page.open_application.connect(opened.append)
    table = page.cards[F.DUE_SOON].table
    # keyboard: from the quick search, Tab passes the button and the tiles and reaches the first list
    page.activateWindow()
    page.search.setFocus()
    qtbot.waitUntil(page.search.hasFocus)
    for _ in range(1 + len(page.tiles) + 1):
        qtbot.keyClick(page.focusWidget(), Qt.Key.Key_Tab)
    assert page.focusWidget() is table and table.currentRow() == 0
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened == [first.id]
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Enter)
    assert opened == [first.id, second.id]
    # the mouse: one click on any cell of the row
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualItemRect(table.item(0, 2)).center())
    assert opened == [first.id, second.id, first.id]
    qtbot.keyClick(table, Qt.Key.Key_Down)
    # after a refresh (the case view changed something) the keyboard is still on the same case
    page.refresh()
    assert page.focusWidget() is table and table.id_at(table.currentRow()) == second.id


def test_a_cut_list_says_how_many_more_and_opens_the_register_on_them(qtbot, ctx, clock):
    for m in range(11):
        register_in_person(ctx, datetime(2026, 2, 13, 9, m), clock, name=f"申请人{m}")
    clock.value = datetime(2026, 3, 17, 9, 0)
    page = page_for(qtbot, ctx)
    asked: list[str] = []
    page.show_register.connect(asked.append)
    card = page.cards[F.DUE_SOON]
    assert card.table.rowCount() == 8 and card.count.text() == "共 11 件"
    assert not card.more.isHidden() and card.more.text() == "还有 3 件，在申请台账中查看 →"
    qtbot.mouseClick(card.more, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.tiles[F.OVERDUE], Qt.MouseButton.LeftButton)
    page.tiles[F.AWAITING].setFocus()
    qtbot.keyClick(page.tiles[F.AWAITING], Qt.Key.Key_Return)
    assert asked == ["due_soon", "overdue", "awaiting"]


def test_quick_search_and_new_registration(qtbot, ctx):
    page = page_for(qtbot, ctx)
    searched: list[str] = []
    new: list[bool] = []
    page.search_register.connect(searched.append)
    page.new_registration.connect(lambda: new.append(True))
    page.search.setText(" 张三 ")  # (QTest types Latin keys only)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert searched == ["张三"] and page.search.text() == ""
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert new == [True]
    # nothing to do: every list is hidden and the page says so
    assert all(card.isHidden() for card in page.cards.values()) and not page.empty_hint.isHidden()


def test_the_main_window_opens_cases_searches_and_registers_from_the_dashboard(qtbot, ctx, clock, monkeypatch):
    from app.ui.main_window import MainWindow

    r = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock, name="王五", content="部门预算")
    register_in_person(ctx, datetime(2026, 2, 13, 9, 5), clock, name="赵六", content="建设工程规划许可")
    clock.value = datetime(2026, 3, 17, 9, 0)
    opened: list[int] = []

    class FakeDetail:
        def __init__(self, _ctx, application_id: int, _parent=None) -> None:
            opened.append(application_id)
            self.changed = False

        def exec(self) -> int:
            return 0

    monkeypatch.setattr(register_page, "DetailDialog", FakeDetail)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    dash = window.dashboard
    assert window.stack.currentWidget() is dash
    table = dash.cards[F.DUE_SOON].table
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualItemRect(table.item(0, 0)).center())
    assert opened == [r.id]
    dash.search.setText("预算")
    qtbot.keyClick(dash.search, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.register
    assert window.register.search.text() == "预算" and window.register.model.rowCount() == 1
    window.go_to("工作台")
    dash.cards[F.DUE_SOON].more.setVisible(True)  # (two cases only: the link is shown here to follow it)
    qtbot.mouseClick(dash.cards[F.DUE_SOON].more, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.register
    assert window.register.status.value() is F.DUE_SOON and window.register.search.text() == ""
    assert window.register.model.rowCount() == 2
    window.go_to("工作台")
    qtbot.mouseClick(dash.new_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.registration


def _clipped_labels(root: QWidget) -> list[str]:
    return [
        label.text()
        for label in root.findChildren(QLabel)
        if label.isVisibleTo(root) and not label.wordWrap() and label.width() < label.sizeHint().width()
    ]


def test_the_page_fits_1366_by_768_and_uses_1920_by_1080(qtbot, ctx, clock):
    for m in range(11):
        register_in_person(ctx, datetime(2026, 2, 13, 9, m), clock, name=f"淄博某某新材料科技有限公司{m}")
    for m in range(3):
        register_in_person(ctx, datetime(2026, 3, 10, 9, m), clock, name=f"山东某某律师事务所{m}")
    clock.value = datetime(2026, 3, 17, 9, 0)  # replies due soon, extensions, correction notices: three lists
    page = page_for(qtbot, ctx, 1366 - 150, 768 - 60)  # the page beside the navigation, under the title bar
    assert page.minimumSizeHint().width() <= 1366 - 150
    assert _clipped_labels(page) == []
    assert page.scroll.horizontalScrollBar().maximum() == 0
    assert page._n_columns == 2 and not page._wide  # two columns of lists, this year's figures under them
    shown = [key for key, card in page.cards.items() if not card.isHidden()]
    assert shown == [F.DUE_SOON, F.EXTENSION_WINDOW, F.CORRECTION_NOTICE]
    assert all(page.cards[key].width() > 540 for key in shown)
    page.resize(1920 - 150, 1080 - 60)
    qtbot.waitUntil(lambda: page._wide)
    assert page._n_columns == 2 and _clipped_labels(page) == []
    qtbot.wait(20)
    card, panel = page.cards[F.DUE_SOON], page.year_panel
    assert card.mapTo(page, QPoint(card.width(), 0)).x() < panel.mapTo(page, QPoint(0, 0)).x()  # side by side
    assert panel.width() == 480 and card.width() > 560


def test_the_year_panel_and_its_chart(qtbot, ctx, clock):
    register_in_person(ctx, datetime(2026, 1, 5, 9, 0), clock)
    register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock)
    register_in_person(ctx, datetime(2026, 2, 13, 9, 5), clock)
    clock.value = datetime(2026, 2, 16, 9, 0)
    page = page_for(qtbot, ctx)
    panel = page.year_panel
    assert panel.title.text() == "2026年累计"
    assert panel.received_heading.text() == "收到申请 3 件（按申请人类型）"
    assert panel.closed_heading.text() == "办结 0 件（按办理结果）"
    assert [b.label for b in panel.chart.bars()] == [f"{m}月" for m in (*range(3, 13), 1, 2)]
    assert [b.value for b in panel.chart.bars()][-2:] == [1, 2]
    assert panel.chart.bars()[-1].tooltip == "2026年2月：收到 2 件（本月截至今天）"


def test_bar_chart_draws_and_names_each_bar(qtbot):
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.resize(480, 200)
    chart.set_bars([Bar("1月", 4, "1月：4 件"), Bar("2月", 0, "2月：0 件"), Bar("3月", 2, "3月：2 件", True)])
    chart.show()
    qtbot.waitExposed(chart)
    full, zero, half = (chart.bar_rect(i) for i in range(3))
    assert zero.height() == 0 and abs(half.height() * 2 - full.height()) < 1
    assert chart.bar_at(QPoint(int(half.center().x()), int(half.center().y()))) == 2
    assert chart.accessibleDescription() == "1月：4 件；2月：0 件；3月：2 件"
    assert not chart.grab().isNull()


def test_work_table_leaves_tab_to_the_next_widget(qtbot):
    table = WorkTable()
    qtbot.addWidget(table)
    assert table.tabKeyNavigation() is False


def test_dates_in_the_lists_leave_out_only_this_year():
    from app.domain.codes import Channel, Status
    from app.services.dashboard import WorkItem
    from app.ui.dashboard_page import describe

    def item(day: date) -> WorkItem:
        return WorkItem(1, "〔2026〕第1号", "甲", "某文件", Status.IN_PROGRESS, Channel.IN_PERSON, day, 5, False)

    today = date(2026, 12, 28)
    assert describe(F.DUE_SOON, item(date(2026, 12, 31)), today) == "答复最迟 12月31日（还有 5 个工作日）"
    assert describe(F.DUE_SOON, item(date(2027, 1, 6)), today) == "答复最迟 2027年1月6日（还有 5 个工作日）"
    assert describe(F.DUE_SOON, item(date(2027, 1, 6))) == "答复最迟 2027年1月6日（还有 5 个工作日）"
