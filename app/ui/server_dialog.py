"""设置 → 数据库: where this desk's data is, and the choice between its own file and a shared server.

:class:`DatabaseSettingsForm` shows where the data is now and lets the clerk (or IT) choose 本机数据库文件（单窗口）
or a PostgreSQL server shared by several desks; 测试连接 checks the server in the background without changing
anything, 保存 keeps the choice (the password only in the password file) for the next start. With a server,
附件与文书文件夹 names the folder shared by the desks for the attachments, issued documents and backups
(checked on 保存: it must exist and be writable); left empty, each desk keeps its own.

At start, a server that cannot be used (unreachable, login refused, a foreign or newer database) is explained
by :func:`recover_start`, which offers 重试, 改用本机数据库文件 (this run only) and 修改连接设置 instead of
quitting. Message boxes go through small functions (:func:`ask_startup_choice`, :func:`ask_restart`) that
tests replace.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QProcess, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.bootstrap import (
    ServerSetting,
    connection_setting_file,
    database_target,
    default_file,
    is_server_target,
    save_server_setting,
    saved_files_folder,
    saved_server,
    try_server,
)
from app.services.errors import ClerkError, DatabaseUnavailable, ValidationError
from app.ui import msgbox
from app.ui.widgets import BackgroundJob

if TYPE_CHECKING:
    from app.services.context import ServiceContext


def tr(text: str) -> str:
    return QCoreApplication.translate("DatabaseSettings", text)


DEFAULT_PORT = 5432
FIELD_WIDTH = 460
LOCAL_CHOICE = "本机数据库文件（单窗口）"
SERVER_CHOICE = "PostgreSQL 服务器（多窗口共用）"


class ServerTest(BackgroundJob):
    """测试连接 off the UI thread (an unreachable server takes up to the 5-second connect timeout)."""

    done = Signal(bool, str)
    thread_name = "server-test"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setting: ServerSetting | None = None
        self.password = ""

    def _run(self) -> None:
        assert self.setting is not None
        try:
            ok, text = True, try_server(self.setting, self.password)
        except ClerkError as exc:
            ok, text = False, str(exc)
        except Exception as exc:  # anything else the driver raises: said in Chinese, never a crash
            ok, text = (
                False,
                tr("测试连接失败：{error}").format(error=str(exc).strip().splitlines()[0] if str(exc) else ""),
            )
        finally:
            self.password = ""
        with contextlib.suppress(RuntimeError):  # the form is gone
            self.done.emit(ok, text)


class DatabaseSettingsForm(QWidget):
    """The 数据库 tab (and the start-up 修改连接设置 dialog): where the data is, and where it should be."""

    saved = Signal()

    def __init__(
        self, location: str = "", is_server: bool = False, parent: QWidget | None = None, *, at_start: bool = False
    ) -> None:
        super().__init__(parent)
        self.at_start = at_start
        layout = QVBoxLayout(self)

        now = QGroupBox(tr("当前使用的数据库"))
        now_layout = QVBoxLayout(now)
        if at_start:
            where = tr("尚未打开数据库")
        elif is_server:
            where = tr("数据库服务器：{location}").format(location=location)
        else:
            where = tr("本机数据库文件：{location}").format(location=location)
        self.current_label = QLabel(where)
        self.current_label.setObjectName("currentDatabase")
        self.current_label.setWordWrap(True)
        self.current_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        now_layout.addWidget(self.current_label)
        layout.addWidget(now)
        now.setVisible(not at_start)  # at start nothing is open yet

        choice = QGroupBox(tr("数据库位置") if at_start else tr("数据库位置（重新启动本程序后生效）"))
        choice_layout = QVBoxLayout(choice)
        self.local_radio = QRadioButton(tr(LOCAL_CHOICE))
        self.local_radio.setObjectName("useLocalFile")
        self.server_radio = QRadioButton(tr(SERVER_CHOICE))
        self.server_radio.setObjectName("useServer")
        group = QButtonGroup(self)
        group.addButton(self.local_radio)
        group.addButton(self.server_radio)
        local_hint = QLabel(tr("数据保存在本机：{path}").format(path=str(default_file())))
        local_hint.setWordWrap(True)
        local_hint.setObjectName("hint")
        choice_layout.addWidget(self.local_radio)
        choice_layout.addWidget(local_hint)
        choice_layout.addWidget(self.server_radio)

        form = QFormLayout()
        self.host = QLineEdit()
        self.host.setObjectName("serverHost")
        self.host.setPlaceholderText(tr("例如 192.168.1.10"))
        self.port = QSpinBox()
        self.port.setObjectName("serverPort")
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setGroupSeparatorShown(False)
        self.database = QLineEdit()
        self.database.setObjectName("serverDatabase")
        self.user = QLineEdit()
        self.user.setObjectName("serverUser")
        self.password = QLineEdit()
        self.password.setObjectName("serverPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(tr("已保存的密码不显示；不修改请留空"))
        for field in (self.host, self.database, self.user, self.password):
            field.setMaximumWidth(FIELD_WIDTH)
        self.port.setMaximumWidth(FIELD_WIDTH // 3)
        form.addRow(tr("服务器地址"), self.host)
        form.addRow(tr("端口"), self.port)
        form.addRow(tr("数据库名"), self.database)
        form.addRow(tr("用户名"), self.user)
        form.addRow(tr("密码"), self.password)
        self.files = QLineEdit()
        self.files.setObjectName("filesFolder")
        self.files.setPlaceholderText(tr("留空则保存在本机"))
        self.files.setMaximumWidth(FIELD_WIDTH - 80)
        self.files_button = QPushButton(tr("选择…"))
        self.files_button.setObjectName("chooseFilesFolder")
        files_row = QHBoxLayout()
        files_row.setContentsMargins(0, 0, 0, 0)
        files_row.addWidget(self.files, 1)
        files_row.addWidget(self.files_button)
        files_row.addStretch(0)
        files_box = QWidget()
        files_box.setMaximumWidth(FIELD_WIDTH)
        files_box.setLayout(files_row)
        form.addRow(tr("附件与文书文件夹"), files_box)
        files_hint = QLabel(
            tr(
                "多窗口共用时填写各窗口都能访问的共享文件夹（附件、已出具文书的 PDF 和备份保存在其中）；"
                "留空则保存在本机。"
            )
        )
        files_hint.setWordWrap(True)
        files_hint.setObjectName("hint")
        files_hint.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)  # right under the field
        form.addRow("", files_hint)
        choice_layout.addLayout(form)
        hint = QLabel(
            tr(
                "密码只保存在本机的密码文件中（仅本人账户可读），不写入数据库、设置或日志。"
                "服务器上的数据库应由信息化管理员事先建好；多个窗口填写同一服务器即共用一本台账。"
            )
        )
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        choice_layout.addWidget(hint)
        layout.addWidget(choice)

        self.result = QLabel()
        self.result.setObjectName("connectionResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result)

        row = QHBoxLayout()
        row.addStretch(1)
        self.test_button = QPushButton(tr("测试连接"))
        self.test_button.setObjectName("testConnection")
        self.save_button = QPushButton(tr("保存") if not at_start else tr("保存并重新连接"))
        self.save_button.setObjectName("saveConnection")
        row.addWidget(self.test_button)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        layout.addStretch(1)

        self.tester = ServerTest(self)
        self.tester.done.connect(self._tested)
        self.test_button.clicked.connect(self.test_connection)
        self.save_button.clicked.connect(self.save)
        self.files_button.clicked.connect(self.choose_files_folder)
        self.server_radio.toggled.connect(self._follow_choice)
        self.load(location if is_server else "")

    # ----- state ---------------------------------------------------------------------------------
    def load(self, current_server: str = "") -> None:
        """Show the saved choice (or, without one, the server in use)."""
        setting = saved_server() or (ServerSetting.parse(current_server) if current_server else None)
        if setting is not None:
            self.host.setText(setting.host)
            self.port.setValue(setting.port)
            self.database.setText(setting.database)
            self.user.setText(setting.user)
        folder = saved_files_folder() if setting is not None else None
        self.files.setText(str(folder) if folder is not None else "")
        self.server_radio.setChecked(setting is not None)
        self.local_radio.setChecked(setting is None)
        self._follow_choice()

    def _follow_choice(self, *_: object) -> None:
        server = self.server_radio.isChecked()
        for field in (
            self.host,
            self.port,
            self.database,
            self.user,
            self.password,
            self.files,
            self.files_button,
            self.test_button,
        ):
            field.setEnabled(server)

    def setting(self) -> ServerSetting:
        return ServerSetting(self.host.text(), self.port.value(), self.database.text(), self.user.text())

    def files_folder(self) -> Path | None:
        """The shared files folder typed or chosen (None: this desk's own folder)."""
        text = self.files.text().strip()
        return Path(text) if text else None

    # ----- actions -------------------------------------------------------------------------------
    def choose_files_folder(self) -> None:
        chosen = choose_folder(self, self.files.text().strip())
        if chosen:
            self.files.setText(str(Path(chosen)))

    def test_connection(self) -> None:
        if self.tester.running():
            return
        setting = self.setting()
        try:
            setting.url()
        except ValidationError as exc:
            self._say(False, "\n".join(exc.problems))
            return
        self.tester.setting = setting
        self.tester.password = self.password.text()
        self.test_button.setEnabled(False)
        self.result.setStyleSheet("")
        self.result.setText(tr("正在连接服务器…（最长约 5 秒）"))
        self.tester.start()

    def _tested(self, ok: bool, text: str) -> None:
        self.test_button.setEnabled(self.server_radio.isChecked())
        self._say(ok, text)

    def _say(self, ok: bool, text: str) -> None:
        self.result.setStyleSheet("color:#1d6b2a" if ok else "color:#a1170f")
        self.result.setText(("✔ " if ok else "✘ ") + text)

    def save(self) -> bool:
        """Keep the choice; the password (when typed) in the password file only. Then offer to restart."""
        try:
            if self.server_radio.isChecked():
                where = save_server_setting(self.setting(), self.password.text(), self.files_folder())
            else:
                where = save_server_setting(None)
        except ValidationError as exc:
            self._say(False, "\n".join(exc.problems))
            return False
        except (ClerkError, OSError) as exc:
            msgbox.error(self, tr("无法保存"), tr("连接设置未能保存：{error}").format(error=exc))
            return False
        self.password.clear()
        self._say(True, tr("连接设置已保存（{file}）。").format(file=str(where)))
        self.saved.emit()
        if not self.at_start and ask_restart(self):
            restart_program()
        return True


def choose_folder(parent: QWidget | None, start: str) -> str:
    """The folder picked in the system dialog ("" when cancelled); tests replace it."""
    return QFileDialog.getExistingDirectory(parent, tr("选择附件与文书文件夹"), start)


class ConnectionDialog(QDialog):
    """修改连接设置 at start: the same form in a dialog, closed once the choice is saved."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("数据库连接设置"))
        layout = QVBoxLayout(self)
        self.form = DatabaseSettingsForm(parent=self, at_start=True)
        layout.addWidget(self.form)
        cancel = QPushButton(tr("取消"))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(cancel)
        layout.addLayout(row)
        cancel.clicked.connect(self.reject)
        self.form.saved.connect(self.accept)
        self.resize(640, self.sizeHint().height())

    @staticmethod
    def edit(parent: QWidget | None) -> bool:
        """Show the dialog; True when a new choice was saved."""
        return ConnectionDialog(parent).exec() == QDialog.DialogCode.Accepted


# ----- after saving: restart -----------------------------------------------------------------------------


def ask_restart(parent: QWidget | None) -> bool:
    box = QMessageBox(
        QMessageBox.Icon.Information,
        tr("连接设置已保存"),
        tr("新的数据库设置在重新启动本程序后生效。是否立即重新启动？"),
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    now = box.addButton(tr("立即重启"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(tr("稍后手动重启"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(now)
    box.exec()
    return box.clickedButton() is now


def restart_arguments(argv: list[str]) -> list[str]:
    """The program's own options for the new start, without ``--db`` (the saved choice decides)."""
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--db":
            skip = True
            continue
        if arg.startswith("--db="):
            continue
        out.append(arg)
    return out


def restart_program() -> None:
    """Start a new copy of the program (with the saved database choice) and close this one."""
    args = restart_arguments(sys.argv[1:])
    if getattr(sys, "frozen", False):
        program = sys.executable
    else:
        program, args = sys.executable, ["-m", "app", *args]
    QProcess.startDetached(program, args, os.getcwd())
    QApplication.quit()


# ----- a server that cannot be used at start ---------------------------------------------------------------

RETRY, LOCAL, SETTINGS, QUIT = "retry", "local", "settings", "quit"


def ask_startup_choice(parent: QWidget | None, text: str) -> str:
    """What to do about a server that cannot be used at start: RETRY, LOCAL, SETTINGS or QUIT."""
    box = QMessageBox(
        QMessageBox.Icon.Critical, tr("无法打开数据库"), text, QMessageBox.StandardButton.NoButton, parent
    )
    box.setInformativeText(
        tr("可以稍后重试，修改连接设置，或本次改用本机数据库文件（在本机文件中登记的申请不会出现在服务器上）。")
    )
    buttons = {
        box.addButton(tr("重试"), QMessageBox.ButtonRole.AcceptRole): RETRY,
        box.addButton(tr("修改连接设置…"), QMessageBox.ButtonRole.ActionRole): SETTINGS,
        box.addButton(tr("改用本机数据库文件"), QMessageBox.ButtonRole.ActionRole): LOCAL,
        box.addButton(tr("退出"), QMessageBox.ButtonRole.RejectRole): QUIT,
    }
    box.setDefaultButton(next(iter(buttons)))  # type: ignore[arg-type]
    box.exec()
    return buttons.get(box.clickedButton(), QUIT)  # type: ignore[arg-type]


def recover_start(
    window: QWidget,
    arg: Path | str | None,
    error: DatabaseUnavailable,
    opener: Callable[[Path | str], ServiceContext],
) -> ServiceContext | None:
    """The database named by *arg* (see bootstrap.database_target) could not be opened at start.

    A file: the Chinese message, then None (the program ends, as before). A server: the message with 重试,
    修改连接设置, 改用本机数据库文件 (this run only; the saved choice stays) and 退出; returns the context
    once one opens, or None when the clerk quits."""
    target = database_target(arg)
    while True:
        if not is_server_target(target):
            window.hide()
            msgbox.error(None, tr("无法打开数据库"), str(error))
            return None
        choice = ask_startup_choice(window, str(error))
        if choice == QUIT:
            window.hide()
            return None
        if choice == LOCAL:
            target = default_file()
        elif choice == SETTINGS:
            if not ConnectionDialog.edit(window):
                continue
            target = database_target(None)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return opener(target)
        except DatabaseUnavailable as again:
            error = again
        finally:
            QApplication.restoreOverrideCursor()


def saved_file_hint() -> str:
    """Where the choice is kept, for IT (the 数据库 tab's tooltip)."""
    return tr("连接设置保存在：{file}").format(file=str(connection_setting_file()))
