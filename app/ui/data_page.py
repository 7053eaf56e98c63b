"""数据与备份: ledger import/export, the import template, backups, restore and the integrity check.

Thin over :mod:`app.services.ledger` and :mod:`app.services.backup`. Long work (import, export, backup,
check) runs in a QThread so the window never freezes; a progress dialog shows how far it got. Dialogs sit
behind small functions (:class:`ReportDialog.ask`, :func:`ask`, :mod:`app.ui.msgbox`) that tests replace.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QInputDialog,
    QLabel,
    QListWidget,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.backup import backup_now, check_database, restore_database, verify_backup
from app.services.bootstrap import backup_folder
from app.services.context import ServiceContext
from app.services.errors import BackupRefused, ClerkError, ServiceError, os_error_message
from app.services.ledger import (
    ExportReport,
    ImportReport,
    SheetChoiceNeeded,
    export_ledger,
    export_years,
    import_ledger,
    write_template,
)
from app.ui import msgbox

Progress = Callable[[str, int, int], None]


def tr(text: str) -> str:
    return QCoreApplication.translate("DataPage", text)


def ask(parent: QWidget | None, title: str, text: str, yes_text: str, no_text: str | None = None) -> bool:
    """A question with explicit Chinese buttons (e.g. 导入 / 取消); True when the first is chosen."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton(no_text or tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes


class ReportDialog(QDialog):
    """Every problem or warning of a ledger check in a list the clerk can scroll and copy."""

    def __init__(
        self, parent: QWidget | None, title: str, heading: str, lines: Sequence[str], accept_text: str | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(720, 480)
        layout = QVBoxLayout(self)
        label = QLabel(heading)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.list = QListWidget()
        self.list.addItems(list(lines))
        self.list.setVisible(bool(lines))
        layout.addWidget(self.list)
        buttons = QDialogButtonBox()
        if accept_text:
            buttons.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
            buttons.addButton(tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        else:
            buttons.addButton(tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @staticmethod
    def ask(
        parent: QWidget | None, title: str, heading: str, lines: Sequence[str], accept_text: str | None = None
    ) -> bool:
        """Show the report; True when ``accept_text`` was chosen (always False without it)."""
        dialog = ReportDialog(parent, title, heading, lines, accept_text)
        return dialog.exec() == QDialog.DialogCode.Accepted and bool(accept_text)


def choose_sheet(parent: QWidget | None, message: str, sheets: Sequence[str]) -> str | None:
    """Which worksheet of a workbook to import (None = cancelled); tests replace this function."""
    choice, ok = QInputDialog.getItem(
        parent, tr("选择工作表"), message + "\n\n" + tr("请选择要导入的工作表："), list(sheets), 0, False
    )
    return choice if ok and choice else None


def _explain(exc: BaseException) -> tuple[str, str]:
    """(Chinese message for the clerk, technical details) of a failure; English only ever in the details."""
    if isinstance(exc, ClerkError):
        return str(exc), ""
    technical = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    if isinstance(exc, OSError):
        return os_error_message(exc), technical
    return tr("发生意外错误，操作未完成。如问题反复出现，请把“详细信息”中的内容告诉技术支持人员。"), "".join(
        traceback.format_exception(type(exc), exc, exc.__traceback__)
    )


def _button_rows(*rows: tuple[QPushButton, str]) -> QGridLayout:
    """Buttons of their natural width in a left column, each with a one-line explanation beside it."""
    grid = QGridLayout()
    grid.setHorizontalSpacing(12)
    grid.setColumnStretch(1, 1)
    for r, (button, text) in enumerate(rows):
        explanation = QLabel(text)
        explanation.setStyleSheet("color:#555;")
        explanation.setWordWrap(True)
        button.setMinimumWidth(140)  # one column width in both groups
        grid.addWidget(button, r, 0)
        grid.addWidget(explanation, r, 1)
    return grid


class _Task(QThread):
    """Runs ``work(progress)`` off the GUI thread; results come back through signals."""

    progressed = Signal(str, int, int)
    succeeded = Signal(object)
    failed = Signal(str, str)  # (Chinese message, technical details)

    def __init__(self, work: Callable[[Progress], Any], parent: QWidget) -> None:
        super().__init__(parent)
        self._work = work

    def run(self) -> None:
        try:
            result = self._work(self.progressed.emit)
        except (ClerkError, OSError) as exc:
            self.failed.emit(*_explain(exc))
        except Exception as exc:  # shown to the clerk instead of vanishing in a thread
            self.failed.emit(*_explain(exc))
        else:
            self.succeeded.emit(result)


_STAGES = {"read": "正在读取文件…", "validate": "已校验", "write": "已写入", "commit": "正在保存…", "export": "已导出"}


class DataPage(QWidget):
    """The 数据与备份 page. Emits :attr:`data_changed` after an import or a restore."""

    data_changed = Signal()

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._task: _Task | None = None
        self._progress: QProgressDialog | None = None
        self._result: Any = None
        self._error: str | None = None
        self._error_details = ""
        self._then: Callable[[Any], None] | None = None

        layout = QVBoxLayout(self)
        ledger = QGroupBox(tr("台账导入与导出"))
        lv = QVBoxLayout(ledger)
        hint = QLabel(
            tr(
                "可从 Excel（.xlsx）或 CSV 文件导入以往的台账。导入前先逐行校验，"
                "只要有一行有误就不导入任何数据，并列出每一处问题（行号、列名）。"
            )
        )
        hint.setWordWrap(True)
        lv.addWidget(hint)
        self.import_button = QPushButton(tr("导入台账…"))
        self.export_button = QPushButton(tr("导出台账…"))
        self.template_button = QPushButton(tr("保存导入模板…"))
        lv.addLayout(
            _button_rows(
                (self.import_button, tr("选择 Excel 或 CSV 台账文件，先校验、确认后再导入。")),
                (self.export_button, tr("把某一年或全部年份收到的申请导出为 Excel 或 CSV 台账。")),
                (self.template_button, tr("保存一份空白台账模板，按列填写以往的申请后再导入。")),
            )
        )
        layout.addWidget(ledger)

        safety = QGroupBox(tr("备份与恢复"))
        sv = QVBoxLayout(safety)
        folder = backup_folder(ctx.db.path)
        auto = QLabel(tr("程序每天启动时自动备份到：") + f"\n{folder}\n" + tr("（保留最近 7 天、8 周、12 个月的备份）"))
        auto.setWordWrap(True)
        auto.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        sv.addWidget(auto)
        self.backup_button = QPushButton(tr("立即备份到…"))
        self.restore_button = QPushButton(tr("从备份恢复…"))
        self.check_button = QPushButton(tr("完整性检查"))
        sv.addLayout(
            _button_rows(
                (self.backup_button, tr("把当前数据库另存一份到所选位置（如U盘），用于异地保存。")),
                (self.restore_button, tr("用以前的备份替换当前数据库；当前数据库会先另存，恢复后程序关闭。")),
                (self.check_button, tr("检查数据库文件是否完好、办理记录的审计链是否完整。")),
            )
        )
        layout.addWidget(safety)
        layout.addStretch(1)

        self.import_button.clicked.connect(self.import_ledger)
        self.export_button.clicked.connect(self.export_ledger)
        self.template_button.clicked.connect(self.save_template)
        self.backup_button.clicked.connect(self.backup)
        self.restore_button.clicked.connect(self.restore)
        self.check_button.clicked.connect(self.check)
        self._buttons = (
            self.import_button,
            self.export_button,
            self.template_button,
            self.backup_button,
            self.restore_button,
            self.check_button,
        )

    # ------------------------------------------------------------------------------------------ running

    @property
    def busy(self) -> bool:
        return self._task is not None

    def _run(self, label: str, work: Callable[[Progress], Any], then: Callable[[Any], None]) -> None:
        if self._task is not None:
            return
        for b in self._buttons:
            b.setEnabled(False)
        self._result, self._error, self._then = None, None, then
        dialog = QProgressDialog(label, "", 0, 0, self)
        dialog.setWindowTitle(tr("请稍候"))
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        self._progress = dialog
        task = _Task(work, self)
        task.progressed.connect(self._on_progress)
        task.succeeded.connect(self._on_succeeded)
        task.failed.connect(self._on_failed)
        task.finished.connect(self._on_finished)
        self._task = task
        task.start()

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        if self._progress is None:
            return
        text = tr(_STAGES.get(stage, stage))
        if total and stage in ("validate", "write", "export"):
            self._progress.setMaximum(total)
            self._progress.setValue(min(done, total))
            text = f"{text} {done}/{total} {tr('行')}"
        self._progress.setLabelText(text)

    def _on_succeeded(self, result: object) -> None:
        self._result = result

    def _on_failed(self, message: str, details: str = "") -> None:
        self._error = message
        self._error_details = details

    def _on_finished(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.wait()
            task.deleteLater()
        if self._progress is not None:
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None
        for b in self._buttons:
            b.setEnabled(True)
        then, self._then = self._then, None
        if self._error is not None:
            msgbox.error(self, tr("操作未完成"), self._error, self._error_details)
        elif then is not None:
            then(self._result)

    # ------------------------------------------------------------------------------------------ ledger

    def import_ledger(self) -> None:
        """导入台账…: choose a file, check every row (dry run), show every problem, then confirm."""
        path, _ = QFileDialog.getOpenFileName(
            self, tr("选择要导入的台账文件"), "", tr("台账文件 (*.xlsx *.csv);;所有文件 (*)")
        )
        if not path:
            return
        self._dry_run(Path(path), {})

    def _dry_run(self, path: Path, options: dict[str, Any]) -> None:
        """Check every row with the chosen options (sheet, allow_number_jump, allow_repeats): the dry run runs
        every check of the real import and writes nothing."""
        ctx = self.ctx

        def work(p: Progress) -> ImportReport | SheetChoiceNeeded:
            try:
                return import_ledger(ctx, path, dry_run=True, progress=p, **options)
            except SheetChoiceNeeded as exc:  # answered on the GUI thread: the clerk chooses a sheet
                return exc

        self._run(tr("正在校验台账…"), work, lambda result: self._after_dry_run(path, result, options))

    def _after_dry_run(
        self, path: Path, report: ImportReport | SheetChoiceNeeded, options: dict[str, Any] | None = None
    ) -> None:
        options = dict(options or {})
        if isinstance(report, SheetChoiceNeeded):
            sheet = choose_sheet(self, str(report), report.sheets)
            if sheet is not None:
                self._dry_run(path, {**options, "sheet": sheet})
            return
        if not report.ok:
            heading = tr("发现 {n} 处问题，未导入任何数据。请在文件中改正以下各处后重新导入：").format(
                n=len(report.problems)
            )
            only_allowable = report.repeats + report.number_jumps == len(report.problems)
            if only_allowable:  # every problem is one the clerk may overrule knowingly
                if report.repeats:
                    heading += "\n" + tr(
                        "其中 {r} 行与已登记的申请相同（申请人、收到日期、申请内容），多半是同一份台账导入了两次。"
                    ).format(r=report.repeats)
                if report.number_jumps:
                    heading += "\n" + tr("其中 {j} 行的登记编号比该年已用编号大出太多，多半是输入有误。").format(
                        j=report.number_jumps
                    )
                heading += "\n" + tr("如确认这些行无误，可选择“仍然导入”（将再校验一次）。")
            accepted = ReportDialog.ask(
                self,
                tr("台账校验未通过"),
                heading,
                [str(p) for p in report.problems],
                tr("仍然导入") if only_allowable else None,
            )
            if accepted:
                if report.repeats:
                    options["allow_repeats"] = True
                if report.number_jumps:
                    options["allow_number_jump"] = True
                self._dry_run(path, options)
            return
        heading = tr("校验通过：共 {n} 行，均可导入。").format(n=report.total_rows)
        if report.new_numbers:
            heading += tr("其中 {m} 行没有登记编号，将按本机关编号规则自动编号。").format(m=report.new_numbers)
        if report.warnings:
            heading += "\n" + tr("以下 {k} 条提示不影响导入，请核对：").format(k=len(report.warnings))
        if report.ignored_columns:
            heading += "\n" + tr("以下列将被忽略：") + "、".join(report.ignored_columns)
        for note in report.notes:  # e.g. the worksheets imported together or skipped as empty
            heading += "\n" + note
        if not ReportDialog.ask(self, tr("确认导入"), heading, [str(w) for w in report.warnings], tr("导入")):
            return
        ctx = self.ctx
        self._run(tr("正在导入台账…"), lambda p: import_ledger(ctx, path, progress=p, **options), self._after_import)

    def _after_import(self, report: ImportReport) -> None:
        if not report.ok:  # the register changed between the check and the import
            ReportDialog.ask(self, tr("台账导入未完成"), tr("未导入任何数据："), [str(p) for p in report.problems])
            return
        self.data_changed.emit()
        msgbox.information(
            self,
            tr("导入完成"),
            tr("已导入 {n} 条申请。").format(n=report.imported),
            "\n".join(str(w) for w in report.warnings),
        )

    def export_ledger(self) -> None:
        """导出台账…: choose a year (or all), then the file (.xlsx or .csv)."""
        years = export_years(self.ctx)
        items = [tr("全部年份")] + [tr("{y}年").format(y=y) for y in years]
        choice, ok = QInputDialog.getItem(self, tr("导出台账"), tr("导出哪一年收到的申请："), items, 0, False)
        if not ok:
            return
        year = years[items.index(choice) - 1] if choice in items[1:] else None
        name = tr("政府信息公开申请台账") + (f"-{year}" if year else "") + ".xlsx"
        path, selected = QFileDialog.getSaveFileName(
            self, tr("导出台账"), name, tr("Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)")
        )
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in (".xlsx", ".csv"):
            target = target.with_name(target.name + (".csv" if "csv" in selected.lower() else ".xlsx"))
        ctx = self.ctx
        self._run(
            tr("正在导出台账…"),
            lambda p: export_ledger(ctx, target, year=year, progress=p),
            lambda report: self._exported(report, target),
        )

    def _exported(self, report: ExportReport, target: Path) -> None:
        text = tr("已导出 {n} 条申请到：").format(n=report.rows) + f"\n{target}"
        if report.warnings:
            text += "\n\n" + tr("其中 {n} 件的办理过程无法在台账各列中完整写出（见“详细信息”）。").format(
                n=len(report.warnings)
            )
        msgbox.information(self, tr("导出完成"), text, "\n".join(report.warnings))

    def save_template(self) -> None:
        """保存导入模板…: the header row and one example row."""
        path, selected = QFileDialog.getSaveFileName(
            self, tr("保存导入模板"), tr("台账导入模板.xlsx"), tr("Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)")
        )
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in (".xlsx", ".csv"):
            target = target.with_name(target.name + (".csv" if "csv" in selected.lower() else ".xlsx"))
        try:
            write_template(target)
        except (ServiceError, OSError) as exc:
            msgbox.error(self, tr("保存失败"), *_explain(exc))
            return
        msgbox.information(
            self,
            tr("已保存导入模板"),
            tr("模板已保存到：") + f"\n{target}\n" + tr("必填列：收到日期、申请人类型、申请人、申请内容。"),
        )

    # ------------------------------------------------------------------------------------------ safety

    def backup(self) -> None:
        """立即备份到…: a folder such as a USB stick."""
        folder = QFileDialog.getExistingDirectory(self, tr("选择备份位置（如U盘）"))
        if not folder:
            return
        db = self.ctx.db  # a file is copied; a server database is dumped with pg_dump (a .dump file)
        self._run(
            tr("正在备份…"),
            lambda _p: backup_now(db, Path(folder)),
            lambda dest: msgbox.information(self, tr("备份完成"), tr("已备份到：") + f"\n{dest}"),
        )

    def restore(self) -> None:
        """从备份恢复…: verify the backup, confirm, replace the database, then close the program."""
        path, _ = QFileDialog.getOpenFileName(
            self,
            tr("选择备份文件"),
            str(backup_folder(self.ctx.db.path)),
            tr("服务器数据库备份 (*.dump);;所有文件 (*)")
            if self.ctx.db.is_server
            else tr("数据库备份 (*.sqlite *.db);;所有文件 (*)"),
        )
        if not path:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            verify_backup(Path(path))
        except BackupRefused as exc:
            QApplication.restoreOverrideCursor()
            msgbox.error(self, tr("不能使用该备份"), str(exc))
            return
        QApplication.restoreOverrideCursor()
        if not ask(
            self,
            tr("从备份恢复"),
            tr("将用以下备份替换当前数据库：")
            + f"\n{path}\n\n"
            + (tr("这将替换服务器上所有窗口共用的数据库，请先通知其他窗口关闭程序。") if self.ctx.db.is_server else "")
            + tr("当前数据库会先另存备份，不会丢失。恢复后程序将关闭，请重新启动。确定恢复吗？"),
            tr("恢复"),
        ):
            return
        self.ctx.db.dispose()  # close our connections: the file is about to be replaced
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = restore_database(Path(path), self.ctx.db)
        except (BackupRefused, OSError) as exc:
            QApplication.restoreOverrideCursor()
            msgbox.error(self, tr("恢复失败"), str(exc))
            return
        QApplication.restoreOverrideCursor()
        self.data_changed.emit()
        kept_label = tr("恢复前的数据已备份为：") if self.ctx.db.is_server else tr("被替换的数据库已另存为：")
        kept = f"\n{kept_label}\n{result.replaced_kept_as}" if result.replaced_kept_as else ""
        kept += "".join(f"\n\n{note}" for note in result.notes)
        msgbox.information(self, tr("恢复完成"), tr("已从备份恢复数据库。程序将关闭，请重新启动后继续使用。") + kept)
        QApplication.quit()

    def check(self) -> None:
        """完整性检查: integrity_check, foreign keys and the audit chain."""
        ctx = self.ctx
        self._run(tr("正在检查数据…"), lambda _p: check_database(ctx), self._after_check)

    def _after_check(self, report: Any) -> None:
        if report.verified:
            msgbox.information(self, tr("完整性检查"), report.summary())
        elif report.ok:  # nothing found, but signed with a key this computer does not have
            msgbox.warning(self, tr("无法验证签名"), tr("未发现问题，但签名未能核对。"), report.summary())
        else:
            msgbox.warning(self, tr("完整性检查发现问题"), tr("数据存在问题，详见下方。"), report.summary())
