"""Render the main screens to PNG files (for review and the documentation), on any QPA platform.

QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screens.py OUTDIR [--db PATH|postgresql://…]

Or show one page, maximised, until closed (for a look under Xvfb with a window manager, see gui-shot):

    .venv/bin/python scripts/screens.py --show 申请台账 [--tab 工作日历] [--today 2026-11-30] --db PATH
    .venv/bin/python scripts/screens.py --show 申请台账 --open-case --db PATH   # the first case's detail
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.domain.codes import ApplicantKind, Channel, PostKind
from app.services.bootstrap import open_context
from app.ui.application import create_qapplication


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path, nargs="?", default=Path("/tmp/screens"))
    parser.add_argument(
        "--db",
        type=lambda v: v if v.startswith(("postgresql://", "postgres://")) else Path(v),
        default=Path("/tmp/screens.sqlite"),
        help="a database file, or a server's connection string postgresql://…",
    )
    parser.add_argument("--show", help="a page of the navigation, shown maximised until the window is closed")
    parser.add_argument("--tab", help="with --show 设置: the tab to open")
    parser.add_argument("--today", help="the date the program takes for today (YYYY-MM-DD)")
    parser.add_argument("--status", help="with --show 申请台账: a status filter (overdue, paused …)")
    parser.add_argument("--open-case", action="store_true", help="with --show: open the first listed case")
    parser.add_argument("--explain", action="store_true", help="with --open-case: unfold 如何计算")
    args = parser.parse_args()
    if args.show:
        return show(args)
    args.out.mkdir(parents=True, exist_ok=True)
    app = create_qapplication()
    ctx = open_context(args.db, now=lambda: datetime(2026, 2, 13, 10, 12))
    db = ctx.db
    from app.ui.main_window import MainWindow

    w = MainWindow(ctx)
    w.resize(1400, 900)
    w.show()
    w.go_to("申请登记")
    page = w.registration
    page.name.setText("张三")
    page.id_field.number.setText("11010519491231002X")
    page.phone.setText("13800000000")
    page.content.setPlainText("2025年度市行政审批服务局作出的危险化学品经营许可决定及附件")
    states = [
        ("in_person", Channel.IN_PERSON, None, False),
        ("letter_signed", Channel.LETTER, PostKind.SIGNED, False),
        ("letter_ordinary", Channel.LETTER, PostKind.ORDINARY, False),
        ("email_confirmed", Channel.EMAIL, None, True),
        ("online_unconfirmed", Channel.ONLINE, None, False),
    ]
    for name, channel, post, confirmed in states:
        page.channel.set_value(channel)
        if post:
            page.post_kind.set_value(post)
        page.confirmed.setChecked(confirmed)
        app.processEvents()
        w.grab().save(str(args.out / f"registration_{name}.png"))
    page.channel.set_value(Channel.IN_PERSON)
    page.kind.set_value(ApplicantKind.OTHER)
    page.name.setText("福建某某有限公司")
    page.id_field.number.setText("91350100M000100Y43")
    app.processEvents()
    w.grab().save(str(args.out / "registration_org_suggestion.png"))
    page.kind.set_value(ApplicantKind.NATURAL_PERSON)
    page.id_field.number.setText("110105199002290011")
    page.has_agent.setChecked(True)
    app.processEvents()
    w.grab().save(str(args.out / "registration_bad_id_agent.png"))
    for name in ("工作台", "申请台账", "年度报告"):
        w.go_to(name)
        app.processEvents()
        w.grab().save(str(args.out / f"page_{name}.png"))
    w.go_to("设置")
    for i in range(w.settings.tabs.count()):
        w.settings.tabs.setCurrentIndex(i)
        app.processEvents()
        w.grab().save(str(args.out / f"settings_{i}_{w.settings.tabs.tabText(i)}.png"))
    ids = w.register.model._ids
    if ids:
        from app.ui.detail_dialog import DetailDialog

        d = DetailDialog(ctx, ids[0], w)
        d.explain_toggle.setChecked(True)
        d.show()
        app.processEvents()
        d.grab().save(str(args.out / "detail.png"))
        from app.ui.event_dialog import EventDialog

        e = EventDialog(d.detail, ctx.today(), ctx.calendar(), 15, d)
        e.show()
        app.processEvents()
        e.grab().save(str(args.out / "event_dialog.png"))
    db.dispose()
    return 0


def show(args: argparse.Namespace) -> int:
    app = create_qapplication()
    now = datetime.fromisoformat(args.today + "T10:12") if args.today else datetime.now()
    ctx = open_context(args.db, now=lambda: now)
    from app.ui.main_window import MainWindow

    w = MainWindow(ctx)
    w.showMaximized()
    w.go_to(args.show)
    if args.status:
        w.register.set_status_filter(args.status)
    if args.tab:
        tabs = w.settings.tabs
        names = [tabs.tabText(i) for i in range(tabs.count())]
        tabs.setCurrentIndex(names.index(args.tab))
    if args.open_case:
        from PySide6.QtCore import QTimer

        def open_case() -> None:
            from app.ui.detail_dialog import DetailDialog

            ids = w.register.model._ids
            dialog = DetailDialog(ctx, ids[0], w)
            dialog.explain_toggle.setChecked(args.explain)
            dialog.show()
            w._shown_dialog = dialog  # kept alive while shown

        QTimer.singleShot(300, open_case)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
