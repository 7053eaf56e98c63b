"""年度报告 page: the official grids, table 二 and texts saved, checks in colour, drill-down, export, lock."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics

from app.domain.codes import Outcome
from app.services import report as R
from app.ui import msgbox, report_page
from app.ui.report_page import BAD_BACKGROUND, BAD_COLOUR, OK_COLOUR, ReportPage
from tests.services.test_report_seed import decide, enter_history, register


@pytest.fixture
def messages(monkeypatch):
    shown: list[tuple[str, str, str]] = []
    for name in ("information", "warning", "error"):
        monkeypatch.setattr(msgbox, name, lambda _p, title, text, details="", n=name: shown.append((n, title, text)))
    return shown


@pytest.fixture
def page(qtbot, ctx, messages):
    enter_history(ctx)
    p = ReportPage(ctx)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    p.year.set_value(2021)
    return p


def texts_of(grid) -> list[str]:
    return [
        grid.item(r, c).text() for r in range(grid.rowCount()) for c in range(grid.columnCount()) if grid.item(r, c)
    ]


def test_the_year_is_shown_as_the_official_tables(page):
    texts = texts_of(page.table3)
    for label in (
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "申请人情况",
        "法人或其他组织",
        "三、本年度办理结果",
        "（三）不予公开",
        "5.属于三类内部事务信息",
        "四、结转下年度继续办理",
    ):
        assert label in texts
    assert page.table3.rowSpan(5, 0) == 22 and page.table3.columnSpan(0, 0) == 3  # merged as printed
    cells = page.table3.cells()
    assert cells[("三", "三.二", 6)].text() == "3" and cells[("三", "二", 1)].text() == "1"
    t4 = page.table4.cells()
    assert t4[("四", "行政复议", 2)].text() == "1" and t4[("四", "行政诉讼_未经复议直接起诉", 4)].text() == "2"
    assert page.checks.count() == 5
    assert all(page.checks.item(i).foreground().color() == OK_COLOUR for i in range(page.checks.count()))
    assert "本年新收 6 件，上年结转 1 件，办结 7 件" in page.summary.text()
    assert "同比增长250%" in page.overview.toPlainText()


def test_no_label_is_clipped_at_1366x768(qtbot, ctx, messages):
    from app.ui.main_window import MainWindow

    enter_history(ctx)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.go_to("年度报告")
    page = window.report
    for grid in (page.table3, page.table4):
        page.tabs.setCurrentIndex(2 if grid is page.table3 else 3)
        qtbot.waitUntil(lambda g=grid: g.isVisible())
        assert grid.horizontalScrollBar().maximum() == 0  # nothing cut off on the right
        for r in range(grid.rowCount()):
            for c in range(grid.columnCount()):
                item = grid.item(r, c)
                if item is None or not item.text():
                    continue
                width = sum(grid.columnWidth(c + i) for i in range(grid.columnSpan(r, c))) - 8
                height = sum(grid.rowHeight(r + i) for i in range(grid.rowSpan(r, c)))
                needed = QFontMetrics(item.font()).boundingRect(
                    QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, item.text()
                )
                assert needed.height() <= height, (item.text(), needed.height(), height)


def test_table2_is_entered_and_saved(page):
    field = page.table2_fields[("行政许可", "本年处理决定数量")]
    field.setValue(12777)
    page.table2_fields[("行政事业性收费", "本年收费金额（单位：万元）")].setValue(1.25)
    page.save_table2_button.click()
    view = R.build_report(page.ctx, 2021)
    assert view.table2.get("行政许可", "本年处理决定数量") == 12777
    assert view.table2.get("行政事业性收费", "本年收费金额（单位：万元）") == 1.25
    page.year.set_value(2022)
    assert field.value() == 0
    page.year.set_value(2021)
    assert field.value() == 12777


def test_texts_are_edited_redrafted_and_saved(page, monkeypatch):
    drafted = page.overview.toPlainText()
    page.overview.setPlainText("本机关自拟。")
    page.problems.setPlainText("问题与改进。")
    page.save_texts_button.click()
    view = R.build_report(page.ctx, 2021)
    assert view.texts["overview"] == "本机关自拟。" and view.texts["problems"] == "问题与改进。"
    page.redraft_button.click()
    assert page.overview.toPlainText() == drafted
    page.defaults_button.click()
    assert page.problems.toPlainText() == view.defaults["problems"]
    asked: list[str] = []
    monkeypatch.setattr(report_page, "confirm", lambda _p, _t, text: asked.append(text) or False)
    page.year.set_value(2022)  # unsaved edits: asked, and the answer "no" keeps the year
    assert asked and page.current_year() == 2021


def test_a_double_click_opens_the_applications_behind_a_cell(page, qtbot):
    opened: list[tuple[list, str]] = []
    page.show_applications.connect(lambda ids, label: opened.append((ids, label)))
    cells = page.table3.cells()
    item = cells[("三", "三.四.1", 0)]
    page.table3.cellDoubleClicked.emit(item.row(), item.column())
    assert len(opened) == 1 and len(opened[0][0]) == 2
    assert opened[0][1] == "2021年 表三 三(四)1 1.本机关不掌握相关政府信息·自然人"
    zero = cells[("三", "三.三.1", 0)]
    page.table3.cellDoubleClicked.emit(zero.row(), zero.column())
    page.table3.cellDoubleClicked.emit(0, 0)  # a label: nothing to open
    assert len(opened) == 1


def test_the_main_window_shows_the_cell_in_the_register(qtbot, ctx, messages):
    from app.ui.main_window import MainWindow

    enter_history(ctx)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.go_to("年度报告")
    window.report.year.set_value(2021)
    ids = R.cell_applications(ctx, 2021, "三", "三.二", 6)
    window.report.show_applications.emit(ids, "2021年 表三 三(二)·总计")
    assert window.stack.currentWidget() is window.register
    assert sorted(window.register.model.id_at(r) for r in range(window.register.model.rowCount())) == sorted(ids)
    assert "2021年 表三 三(二)·总计：共 3 件" in window.register.count_label.text()


def test_export_buttons_write_the_chosen_file(page, monkeypatch, tmp_path, messages):
    chosen: list[tuple[str, str]] = []

    def choose(_parent, suggested, suffix):
        chosen.append((suggested, suffix))
        return str(tmp_path / "年报")  # without the suffix: it is added

    monkeypatch.setattr(report_page, "choose_export_path", choose)
    page.export_buttons[".json"].click()
    data = json.loads((tmp_path / "年报.json").read_text(encoding="utf-8"))
    assert data["year"] == 2021 and data["table4"]["行政复议"] == [0, 0, 1, 0, 1]
    assert chosen == [("淄博市行政审批服务局2021年政府信息公开工作年度报告.json", ".json")]
    page.export_buttons[".xlsx"].click()
    assert (tmp_path / "年报.xlsx").stat().st_size > 0
    assert messages[-1][1] == "导出完成"


def test_lock_and_unlock_with_a_reason(page, monkeypatch, messages):
    monkeypatch.setattr(report_page, "ask_publish_date", lambda _p, year, today: date(2022, 1, 25))
    page.lock_button.click()
    assert "已锁定" in page.lock_label.text() and "2022年1月25日" in page.lock_label.text()
    assert not page.lock_button.isEnabled() and page.unlock_button.isEnabled()
    assert page.overview.isReadOnly() and not page.save_table2_button.isEnabled()
    assert page.table2_fields[("行政许可", "本年处理决定数量")].isReadOnly()
    assert page.checks.count() == 6  # and the comparison with the published tables
    monkeypatch.setattr(report_page, "ask_unlock_reason", lambda _p, year: None)
    page.unlock_button.click()  # cancelled: still locked
    assert R.build_report(page.ctx, 2021).lock.locked
    monkeypatch.setattr(report_page, "ask_unlock_reason", lambda _p, year: "补录答复")
    page.unlock_button.click()
    assert "已解除锁定" in page.lock_label.text() and not page.overview.isReadOnly()


def test_failed_checks_are_red_and_mark_their_cells(page, monkeypatch, ctx):
    late = register(ctx, date(2021, 12, 27))
    R.lock_year(ctx, 2021, date(2022, 1, 25))
    R.unlock_year(ctx, 2021, "补录")
    decide(ctx, late, date(2021, 12, 31), Outcome.DISCLOSED)
    page.refresh()
    bad = [
        page.checks.item(i)
        for i in range(page.checks.count())
        if page.checks.item(i).data(Qt.ItemDataRole.UserRole) is False
    ]
    assert len(bad) == 1 and bad[0].foreground().color() == BAD_COLOUR
    assert "当前数据与2021年已发布的表三、表四一致" in bad[0].text()
    cell = page.table3.cells()[("三", "三.七", 0)]
    assert cell.background().color() == BAD_BACKGROUND
    assert page.table3.cells()[("三", "一", 1)].background().style() == Qt.BrushStyle.NoBrush


def test_the_page_imports_no_store():
    source = Path(report_page.__file__).read_text(encoding="utf-8")
    assert "app.store" not in source
