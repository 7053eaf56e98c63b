"""Every dialog fits a 1366×768 office screen and closes with Esc.

Qt's offscreen screen is 800×800 in the test process and cannot be changed once the application exists, so
the dialogs are opened in a child process whose offscreen screen is configured as 1366×768.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _dialogs(ctx, app_id: int):
    """(name, dialog) for every dialog a clerk meets, built on one real case."""
    from app.domain.codes import EventKind
    from app.domain.letters import DocumentKind
    from app.domain.workcalendar import WorkCalendar
    from app.services.applications import get_application
    from app.services.calendar import MovedDeadline
    from app.ui.calendar_page import MovedDeadlinesDialog
    from app.ui.detail_dialog import ConfirmReceiptDialog, DetailDialog
    from app.ui.document_dialog import DocumentDialog
    from app.ui.edit_dialog import EditDialog
    from app.ui.event_dialog import EventDialog
    from app.ui.step_dialogs import AttachmentDialog, CorrectParticularsDialog, VoidDialog

    detail = get_application(ctx, app_id)
    yield "DetailDialog", DetailDialog(ctx, app_id)
    dialog = DetailDialog(ctx, app_id)
    dialog.explain_toggle.setChecked(True)
    yield "DetailDialog+explanation", dialog
    yield "DocumentDialog", DocumentDialog(ctx, app_id, DocumentKind.REPLY)
    yield "EditDialog", EditDialog(detail)
    events = EventDialog(detail, date(2026, 2, 13), WorkCalendar())
    yield "EventDialog", events
    for kind in (
        EventKind.DECIDED,
        EventKind.CORRECTION_REQUESTED,
        EventKind.EXTENSION,
        EventKind.FEE_NOTICE_SENT,
        EventKind.THIRD_PARTY_CONSULTATION_STARTED,
    ):
        dialog = EventDialog(detail, date(2026, 2, 13), WorkCalendar())
        if dialog.action.set_value(kind):
            yield f"EventDialog:{kind.name}", dialog
    yield "CorrectParticularsDialog", CorrectParticularsDialog(detail, date(2026, 2, 13))
    yield "VoidDialog", VoidDialog(detail)
    yield "AttachmentDialog", AttachmentDialog()
    yield "ConfirmReceiptDialog", ConfirmReceiptDialog(datetime(2026, 2, 13, 10, 30))
    moved = [
        MovedDeadline(i, f"〔2026〕第{i}号", date(2026, 10, 9), date(2026, 10, 12), False, True) for i in range(1, 200)
    ]
    yield "MovedDeadlinesDialog", MovedDeadlinesDialog(2026, moved)


def probe() -> None:
    """Child process: open each dialog at the configured screen and print its geometry as JSON."""
    import tempfile

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.services.context import ServiceContext
    from app.services.profile import ensure_defaults
    from app.store.database import open_database
    from tests.factories import register_in_person

    app = QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "ogi.sqlite")
        now = datetime(2026, 2, 13, 10, 30)
        ctx = ServiceContext(db, now=lambda: now)
        ensure_defaults(ctx)
        case = register_in_person(ctx, datetime(2026, 2, 13, 9, 0), content="某某文件" * 200, notes="备注" * 100)
        area = app.primaryScreen().availableGeometry()
        out = {"screen": [area.x(), area.y(), area.width(), area.height()], "dialogs": {}}
        for name, dialog in _dialogs(ctx, case.id):
            dialog.show()
            app.processEvents()
            g = dialog.frameGeometry()
            QTest.keyClick(dialog, Qt.Key.Key_Escape)
            app.processEvents()
            out["dialogs"][name] = {"rect": [g.x(), g.y(), g.width(), g.height()], "closed": not dialog.isVisible()}
            dialog.deleteLater()
            app.processEvents()
        db.dispose()
    print(json.dumps(out))


def measure(width: int, height: int, tmp_path: Path) -> dict:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "office", "x": 0, "y": 0, "width": width, "height": height}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    done = subprocess.run(
        [sys.executable, "-c", "from tests.ui.test_dialog_fit import probe; probe()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


#: 1366×768 at 100 %, and at 125 % scaling with the task bar (1093×582 logical pixels)
SCREENS = [(1366, 768), (1093, 582)]
#: the window manager's title bar and frame come on top of a window's own geometry
TITLE_BAR = 30


@pytest.mark.parametrize("size", SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_every_dialog_fits_the_screen_and_closes_with_esc(size, tmp_path):
    result = measure(*size, tmp_path)
    _x, _y, sw, sh = result["screen"]
    assert (sw, sh) == size
    too_big = {
        name: d["rect"] for name, d in result["dialogs"].items() if d["rect"][2] > sw or d["rect"][3] + TITLE_BAR > sh
    }
    assert too_big == {}
    assert [name for name, d in result["dialogs"].items() if not d["closed"]] == []
    assert len(result["dialogs"]) >= 10
