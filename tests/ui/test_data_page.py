"""The 数据与备份 page with every dialog replaced (never clicking through a modal)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog
from sqlalchemy import func, select

from app.services.context import ServiceContext
from app.services.profile import ensure_defaults
from app.store.database import open_database
from app.store.models import Application
from app.ui import data_page as D
from app.ui import msgbox
from tests.dbdump import dump
from tests.ledger_factory import NOW, generate_ledger, write_csv


@pytest.fixture
def dctx(tmp_path: Path):
    db = open_database(tmp_path / "t.sqlite")
    ctx = ServiceContext(db, now=lambda: NOW)
    ensure_defaults(ctx)
    yield ctx
    db.dispose()


@pytest.fixture
def shown(monkeypatch):
    messages: list[tuple[str, str, str, str]] = []
    for kind in ("information", "warning", "error"):
        monkeypatch.setattr(
            msgbox, kind, lambda _p, title, text, details="", kind=kind: messages.append((kind, title, text, details))
        )
    return messages


@pytest.fixture
def reports(monkeypatch):
    seen: list[tuple[str, str, list[str], str | None]] = []
    answer = {"value": True}

    def fake(_parent, title, heading, lines, accept_text=None):
        seen.append((title, heading, list(lines), accept_text))
        return bool(accept_text) and answer["value"]

    monkeypatch.setattr(D.ReportDialog, "ask", staticmethod(fake))
    seen_answer = answer
    return seen, seen_answer


def count(ctx: ServiceContext) -> int:
    with ctx.db.session_scope() as s:
        return s.scalar(select(func.count(Application.id))) or 0


def test_buttons_are_there_in_chinese(qtbot, dctx):
    page = D.DataPage(dctx)
    qtbot.addWidget(page)
    texts = [b.text() for b in page._buttons]
    assert texts == ["导入台账…", "导出台账…", "保存导入模板…", "立即备份到…", "从备份恢复…", "完整性检查"]


def test_buttons_keep_their_width_and_each_is_explained(qtbot, dctx):
    page = D.DataPage(dctx)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    qtbot.waitExposed(page)
    for button in page._buttons:
        assert button.width() < 250  # not stretched over the page
        assert button.x() == page._buttons[0].x()  # one left-aligned column
        beside = [
            w
            for w in button.parentWidget().findChildren(D.QLabel)
            if w.isVisible() and abs(w.geometry().center().y() - button.geometry().center().y()) < 6
        ]
        assert len(beside) == 1 and beside[0].text().endswith("。")


def test_import_checks_first_then_imports_on_confirmation(qtbot, dctx, tmp_path, monkeypatch, shown, reports):
    seen, _ = reports
    rows = generate_ledger(50, seed=8)
    rows[0]["证件号码"] = "110105194912310021"  # a warning
    path = write_csv(rows, tmp_path / "a.csv")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    page = D.DataPage(dctx)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.data_changed, timeout=20000):
        page.import_button.click()
        assert page.busy and not page.import_button.isEnabled()
    qtbot.waitUntil(lambda: not page.busy and bool(shown), timeout=20000)
    assert seen[0][0] == "确认导入" and "共 50 行" in seen[0][1] and seen[0][3] == "导入"
    assert any("证件号码" in line for line in seen[0][2])
    assert shown[-1][:2] == ("information", "导入完成") and "50" in shown[-1][2]
    assert count(dctx) == 50 and page.import_button.isEnabled()


def test_invalid_ledger_lists_every_problem_and_imports_nothing(qtbot, dctx, tmp_path, monkeypatch, shown, reports):
    seen, _ = reports
    rows = generate_ledger(20, seed=8)
    rows[3]["收到日期"] = "2026-02-30"
    rows[7]["申请人类型"] = "个体户"
    path = write_csv(rows, tmp_path / "bad.csv")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    before = dump(dctx.db.path)
    page = D.DataPage(dctx)
    qtbot.addWidget(page)
    changed: list[bool] = []
    page.data_changed.connect(lambda: changed.append(True))
    page.import_button.click()
    qtbot.waitUntil(lambda: not page.busy and bool(seen), timeout=20000)
    title, heading, lines, accept = seen[-1]
    assert title == "台账校验未通过" and accept is None and "2 处问题" in heading
    assert lines == [
        "第 5 行“收到日期”列：日期“2026-02-30”不存在",
        "第 9 行“申请人类型”列：未知的申请人类型“个体户”"
        "（可填：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他）",
    ]
    assert dump(dctx.db.path) == before and changed == []


def test_cancelled_confirmation_imports_nothing(qtbot, dctx, tmp_path, monkeypatch, shown, reports):
    seen, answer = reports
    answer["value"] = False
    path = write_csv(generate_ledger(5, seed=1), tmp_path / "a.csv")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    page = D.DataPage(dctx)
    qtbot.addWidget(page)
    page.import_button.click()
    qtbot.waitUntil(lambda: not page.busy and bool(seen), timeout=20000)
    qtbot.wait(50)
    assert count(dctx) == 0 and not page.busy


def test_unreadable_file_shows_an_error(qtbot, dctx, tmp_path, monkeypatch, shown):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "x.txt"), ""))
    page = D.DataPage(dctx)
    qtbot.addWidget(page)
    page.import_button.click()
    qtbot.waitUntil(lambda: not page.busy and bool(shown), timeout=10000)
    assert shown[-1][0] == "error" and "不支持的文件类型" in shown[-1][2]


def test_export_with_year_choice_and_template(qtbot, dctx, tmp_path, monkeypatch, shown):
    from app.domain.ledger import template_rows
    from app.services.ledger import import_ledger, read_table

    rows = generate_ledger(40, seed=8)
    assert import_ledger(dctx, write_csv(rows, tmp_path / "a.csv")).ok
    offered: list[list[str]] = []

    def get_item(_parent, _title, _label, items, *_a, **_k):
        offered.append(list(items))
        return "2023年", True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "导出"), "CSV 文件 (*.csv)"))
    page = D.DataPage(dctx)
    qtbot.addWidget(page)
    page.export_button.click()
    qtbot.waitUntil(lambda: not page.busy and bool(shown), timeout=20000)
    assert offered[0][0] == "全部年份" and "2026年" in offered[0] and "2019年" in offered[0]
    out = tmp_path / "导出.csv"
    assert out.exists() and shown[-1][1] == "导出完成"
    header, data = read_table(out)
    assert len(data) == sum(1 for r in rows if r["收到日期"].year == 2023) > 0
    column = header.index("收到日期")
    assert all(str(cells[column]).startswith("2023-") for _, cells in data)

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "模板.xlsx"), ""))
    page.template_button.click()
    assert shown[-1][1] == "已保存导入模板"
    header, example = read_table(tmp_path / "模板.xlsx")
    assert tuple(header) == tuple(template_rows()[0]) and len(example) == 1
    assert import_ledger(dctx, tmp_path / "模板.xlsx", dry_run=True).ok  # a template the import accepts


def test_backup_restore_and_check(qtbot, dctx, tmp_path, monkeypatch, shown):
    from app.services.ledger import import_ledger

    assert import_ledger(dctx, write_csv(generate_ledger(10, seed=8), tmp_path / "a.csv")).ok
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(usb))
    page = D.DataPage(dctx)
    qtbot.addWidget(page)
    page.backup_button.click()
    qtbot.waitUntil(lambda: not page.busy and bool(shown), timeout=10000)
    assert shown[-1][1] == "备份完成"
    backups = list(usb.glob("*.sqlite"))
    assert len(backups) == 1
    saved = dump(dctx.db.path)

    page.check_button.click()
    qtbot.waitUntil(lambda: not page.busy and shown[-1][1] == "完整性检查", timeout=10000)
    assert "数据完好" in shown[-1][2]

    later = [{**r, "登记编号": None} for r in generate_ledger(3, seed=5)]
    assert import_ledger(dctx, write_csv(later, tmp_path / "b.csv")).ok  # a change after the backup
    quits: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", staticmethod(lambda: quits.append(True)))
    questions: list[str] = []
    monkeypatch.setattr(D, "ask", lambda _p, title, text, yes, no=None: questions.append(yes) or True)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(backups[0]), ""))
    with qtbot.waitSignal(page.data_changed, timeout=10000):
        page.restore_button.click()
    assert questions == ["恢复"]
    assert shown[-1][1] == "恢复完成" and "程序将关闭" in shown[-1][2] and quits == [True]
    assert dump(dctx.db.path) == saved


def test_corrupted_backup_is_refused_in_the_page(qtbot, dctx, tmp_path, monkeypatch, shown):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    before = dump(dctx.db.path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    monkeypatch.setattr(D, "ask", lambda *a, **k: pytest.fail("must not ask before the backup is verified"))
    page = D.DataPage(dctx)
    qtbot.addWidget(page)
    page.restore_button.click()
    assert shown[-1][:2] == ("error", "不能使用该备份") and "未作任何改动" in shown[-1][2]
    assert dump(dctx.db.path) == before


def test_an_unexpected_error_is_chinese_with_the_technical_text_only_in_the_details(
    qtbot, dctx, tmp_path, monkeypatch, shown
):
    def boom(*_a, **_k):
        raise KeyError("收到日期")

    monkeypatch.setattr(D, "import_ledger", boom)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "x.csv"), ""))
    page = D.DataPage(dctx)
    qtbot.addWidget(page)
    page.import_button.click()
    qtbot.waitUntil(lambda: not page.busy and bool(shown), timeout=10000)
    kind, _title, text, details = shown[-1]
    assert kind == "error" and "发生意外错误" in text
    assert "KeyError" not in text and "KeyError" in details


def test_a_file_error_is_chinese(qtbot, dctx, tmp_path, monkeypatch, shown):
    import errno

    def boom(*_a, **_k):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "x.csv"))

    monkeypatch.setattr(D, "import_ledger", boom)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "x.csv"), ""))
    page = D.DataPage(dctx)
    qtbot.addWidget(page)
    page.import_button.click()
    qtbot.waitUntil(lambda: not page.busy and bool(shown), timeout=10000)
    kind, _title, text, details = shown[-1]
    assert kind == "error" and "没有权限" in text and "Errno" not in text and "Permission denied" in details


def test_export_warnings_are_shown(qtbot, dctx, tmp_path, monkeypatch, shown):
    from app.services.ledger import ExportReport

    monkeypatch.setattr(D, "export_ledger", lambda *a, **k: ExportReport(Path(a[1]), 3, ("〔2026〕第1号：收费 2 次",)))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("全部年份", True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "x.csv"), ""))
    page = D.DataPage(dctx)
    qtbot.addWidget(page)
    page.export_button.click()
    qtbot.waitUntil(lambda: not page.busy and bool(shown), timeout=10000)
    _kind, title, text, details = shown[-1]
    assert title == "导出完成" and "已导出 3 条" in text and "〔2026〕第1号" in details


def test_a_workbook_with_other_sheets_lets_the_clerk_choose_one(qtbot, dctx, tmp_path, monkeypatch, shown, reports):
    from tests.ledger_factory import write_workbook

    seen, _ = reports
    path = write_workbook({"台账": generate_ledger(5, seed=2), "说明": [["填写说明"], ["略"]]}, tmp_path / "w.xlsx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    asked: list[tuple[str, ...]] = []

    def choose(_parent, message, sheets):
        asked.append(tuple(sheets))
        assert "说明" in message
        return "台账"

    monkeypatch.setattr(D, "choose_sheet", choose)
    page = D.DataPage(dctx)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.data_changed, timeout=20000):
        page.import_button.click()
    qtbot.waitUntil(lambda: not page.busy and bool(shown), timeout=20000)
    assert asked == [("台账", "说明")] and seen[0][0] == "确认导入" and count(dctx) == 5


def test_a_repeat_import_is_refused_until_the_clerk_allows_it(qtbot, dctx, tmp_path, monkeypatch, shown, reports):
    from app.services.ledger import import_ledger

    seen, answer = reports
    rows = generate_ledger(6, seed=4)
    for r in rows:
        r["登记编号"] = ""
    path = write_csv(rows, tmp_path / "again.csv")
    assert import_ledger(dctx, path).imported == 6
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    page = D.DataPage(dctx)
    qtbot.addWidget(page)
    answer["value"] = False  # 取消 at the first question
    page.import_button.click()
    qtbot.waitUntil(lambda: not page.busy and len(seen) == 1, timeout=20000)
    assert seen[0][0] == "台账校验未通过" and seen[0][3] == "仍然导入" and "导入了两次" in seen[0][1]
    assert count(dctx) == 6
    answer["value"] = True
    with qtbot.waitSignal(page.data_changed, timeout=20000):
        page.import_button.click()
    qtbot.waitUntil(lambda: not page.busy and bool(shown), timeout=20000)
    assert [s[0] for s in seen[1:]] == ["台账校验未通过", "确认导入"] and count(dctx) == 12
