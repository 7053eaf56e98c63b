"""审计日志 page: a lazy model that passes Qt's model tests, filters that change the rows, the 校验 button."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from sqlalchemy import text

from app.domain.audit import NO_KEY
from app.domain.codes import EventKind
from app.services import audit
from app.store import auditkey
from app.ui import audit_page
from app.ui.audit_page import COL_CASE, COL_KIND, COL_RECORDED, COL_SUMMARY, AuditPage, AuditTableModel
from tests.factories import register_in_person


def fill(ctx, clock, n: int) -> list:
    made = [register_in_person(ctx, datetime(2026, 2, 13, 9, i), clock, name=f"申请人{i}") for i in range(n)]
    ctx.set_setting("due_soon_days", 5)
    return made


def test_model_passes_qtmodeltester(qtmodeltester, ctx, clock, monkeypatch):
    monkeypatch.setattr(audit_page, "BLOCK", 5)  # several blocks and an evicting cache with few rows
    monkeypatch.setattr(audit_page, "CACHE_ROWS", 8)
    fill(ctx, clock, 12)
    model = AuditTableModel(ctx)
    model.reload()
    total = len(audit.query_event_ids(ctx, audit.AuditFilter()))
    assert model.rowCount() == total >= 13
    qtmodeltester.check(model, force_py=True)
    shown = [model.data(model.index(r, 0), Qt.ItemDataRole.UserRole) for r in range(total)]
    assert shown == audit.query_event_ids(ctx, audit.AuditFilter())  # right across blocks and evictions
    assert model.data(model.index(0, COL_CASE)) == "（设置）"
    assert model.data(model.index(0, COL_KIND)) == "修改设置"
    assert model.data(model.index(0, COL_SUMMARY)) == "即将到期提醒（工作日）：3（默认） → 5"
    assert model.data(model.index(0, COL_RECORDED)) == "2026-02-13 09:11:00"
    assert len(model._cache) <= 8 + 5


def test_filters_change_the_row_count(qtbot, ctx, clock):
    made = fill(ctx, clock, 3)
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    page.show()
    total = page.model.rowCount()
    assert total == len(audit.query_event_ids(ctx, audit.AuditFilter())) and "共 " in page.count_label.text()

    page.settings_only.setChecked(True)
    assert page.model.rowCount() == 1
    assert not page.case_text.isEnabled()
    page.settings_only.setChecked(False)

    page.kind.set_value(frozenset({EventKind.REGISTERED}))
    assert page.model.rowCount() == 3
    page.kind.setCurrentIndex(0)

    page.case_text.setText(made[1].reg_number)
    qtbot.waitUntil(lambda: page.model.rowCount() < total)
    assert {page.model.row_at(r).application_id for r in range(page.model.rowCount())} == {made[1].id}

    page.reset_filter()
    assert page.model.rowCount() == total
    assert page.actor.values() == [None, "窗口工作人员"]
    page.date_from.set_value(datetime(2026, 2, 14).date())
    assert page.model.rowCount() == 0


def test_double_click_on_a_case_opens_it(qtbot, ctx, clock):
    made = fill(ctx, clock, 1)
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    page.show()
    opened: list[int] = []
    page.open_application.connect(opened.append)
    page.table.doubleClicked.emit(page.model.index(0, COL_CASE))  # the settings change: nothing to open
    page.table.doubleClicked.emit(page.model.index(1, COL_CASE))
    assert opened == [made[0].id]


def test_verify_button_shows_intact_then_broken(qtbot, ctx, clock):
    made = fill(ctx, clock, 3)
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.verified, timeout=10_000):
        qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    total = len(audit.query_event_ids(ctx, audit.AuditFilter()))
    assert page.verify_label.text().startswith(f"审计链完好：共校验 {total} 条记录")
    assert page.verify_button.isEnabled() and not page.is_verifying()

    victim = audit.query_event_ids(ctx, audit.AuditFilter(case_text=made[1].reg_number))[-1]
    with ctx.db.session_scope() as s:
        s.execute(text("UPDATE event SET note = '事后改动' WHERE id = :i"), {"i": victim})
    with qtbot.waitSignal(page.verified, timeout=10_000):
        page.verify_button.click()
    shown = page.verify_label.text()
    where = f"（申请编号 {made[1].reg_number}，记录于 2026-02-13 09:01:00）"
    assert shown.startswith(f"审计链在第 {victim} 条记录处断开{where}：")
    assert "改动" in shown and "a1170f" in page.verify_label.styleSheet()  # in red
    row = page.model.row_of(victim)
    assert page.table.selectionModel().isRowSelected(row)
    background = Qt.ItemDataRole.BackgroundRole
    assert page.model.data(page.model.index(row, 0), background).color().name() == "#f9d7d5"  # the break in red
    others = [r for r in range(page.model.rowCount()) if r != row]
    assert all(page.model.data(page.model.index(r, 0), background) is None for r in others)


def test_main_window_lists_the_page_before_settings_and_opens_cases_from_it(qtbot, ctx, clock, monkeypatch):
    from app.ui.main_window import MainWindow

    made = fill(ctx, clock, 1)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    names = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert names[names.index("年度报告") + 1 : names.index("设置")] == ["审计日志"]
    opened: list[int] = []
    monkeypatch.setattr(window.register, "open_detail", opened.append)
    window.show()
    window.go_to("审计日志")
    assert window.stack.currentWidget() is window.audit and window.audit.model.rowCount() > 1
    window.audit.open_application.emit(made[0].id)
    assert opened == [made[0].id]


def test_the_chain_head_is_shown_and_a_missing_key_is_not_called_intact(qtbot, ctx, clock, tmp_path, monkeypatch):
    fill(ctx, clock, 2)
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    page.show()
    head = audit.chain_head(ctx)
    assert page.head_label.text() == f"审计链头：{head.text}" and head.keyed

    monkeypatch.setenv(auditkey.ENV_KEY_DIR, str(tmp_path / "another-computer"))  # this PC has no key for it
    page.verify()
    page.wait_for_verification()
    qtbot.waitUntil(lambda: not page.is_verifying())
    shown = page.verify_label.text()
    assert shown.startswith(NO_KEY) and "完好" not in shown and "a1170f" in page.verify_label.styleSheet()
