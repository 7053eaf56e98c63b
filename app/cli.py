"""Command line: the same services as the desk, without Qt (no PySide6 import anywhere on this path).

    python -m app [--db PATH] ledger import FILE [--dry-run]
    python -m app [--db PATH] ledger export FILE [--year Y]
    python -m app [--db PATH] ledger template FILE
    python -m app [--db PATH] backup [--out FILE]
    python -m app [--db PATH] restore FILE
    python -m app [--db PATH] check
    python -m app [--db PATH] report --year Y --out FILE     (.xlsx, .pdf, .docx or .json)
    python -m app [--db PATH] document --request NUMBER --kind KIND --out FILE.pdf

Exit status 0 on success, 1 when the work was refused or failed, 2 for a wrong command line. Messages for
the clerk are Chinese and go to stderr, results to stdout; long runs print their progress to stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, NoReturn

COMMANDS = ("ledger", "backup", "restore", "check", "report", "document")

_ARGPARSE_CN = (
    ("the following arguments are required", "缺少必需的参数"),
    ("unrecognized arguments", "无法识别的参数"),
    ("invalid choice", "无效的选项"),
    ("expected one argument", "需要一个参数值"),
    ("invalid int value", "不是有效的整数"),
    ("choose from", "可选"),
)


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese error messages and exit status 2."""

    def error(self, message: str) -> NoReturn:
        for en, cn in _ARGPARSE_CN:
            message = message.replace(en, cn)
        self.print_usage(sys.stderr)
        self.exit(2, f"命令行参数错误：{message}\n")


def is_cli_command(argv: list[str]) -> bool:
    """True when a sub-command word (ledger, backup, restore, check) follows the optional ``--db PATH``."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--db":
            i += 2
            continue
        if arg.startswith("--db="):
            i += 1
            continue
        return arg in COMMANDS
    return False


def _build_parser() -> _Parser:
    parser = _Parser(
        prog="python -m app", description="政府信息公开申请办理台账：命令行工具（数据导入导出、备份与恢复、检查）"
    )
    parser.add_argument(
        "--db", metavar="数据库文件", type=Path, default=None, help="数据库文件路径（默认在用户数据目录）"
    )
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    sub.required = True

    ledger = sub.add_parser("ledger", help="台账导入、导出与模板")
    lsub = ledger.add_subparsers(dest="action", metavar="操作", parser_class=_Parser)
    lsub.required = True
    imp = lsub.add_parser("import", help="从 .xlsx 或 .csv 导入台账（全部通过校验才导入）")
    imp.add_argument("file", metavar="文件", type=Path, help="台账文件")
    imp.add_argument("--dry-run", action="store_true", help="只校验，不写入数据库")
    exp = lsub.add_parser("export", help="导出台账到 .xlsx 或 .csv")
    exp.add_argument("file", metavar="文件", type=Path, help="导出文件（.xlsx 或 .csv）")
    exp.add_argument("--year", metavar="年份", type=int, default=None, help="只导出该年收到的申请")
    tpl = lsub.add_parser("template", help="保存导入模板（表头和一行示例）")
    tpl.add_argument("file", metavar="文件", type=Path, help="模板文件（.xlsx 或 .csv）")

    bak = sub.add_parser("backup", help="立即备份数据库")
    bak.add_argument(
        "--out", metavar="路径", type=Path, default=None, help="备份文件或文件夹（默认：数据库所在文件夹下的 backups）"
    )
    res = sub.add_parser("restore", help="从备份恢复数据库（先校验备份，当前数据库另存保留）")
    res.add_argument("file", metavar="文件", type=Path, help="备份文件")
    sub.add_parser("check", help="检查数据库完整性、数据关联和办理记录防篡改校验")
    rep = sub.add_parser("report", help="导出政府信息公开工作年度报告（.xlsx、.pdf、.docx 或 .json）")
    rep.add_argument("--year", metavar="年份", type=int, required=True, help="报告年度")
    rep.add_argument("--out", metavar="文件", type=Path, required=True, help="导出文件，格式按扩展名确定")
    _add_document_parser(sub)
    return parser


def _add_document_parser(sub: argparse._SubParsersAction) -> None:
    from app.domain.letters import DocumentKind

    kinds = [k.label for k in DocumentKind]
    doc = sub.add_parser("document", help="出具（已出具的则按原文号重新打印）一件申请的文书，保存为 PDF")
    doc.add_argument("--request", metavar="登记编号", required=True, help="申请的登记编号，如：〔2026〕第3号")
    doc.add_argument(
        "--kind", metavar="文书", required=True, choices=kinds, help=f"文书种类：{'、'.join(kinds)}（答复书按办理结果）"
    )
    doc.add_argument("--out", metavar="文件", type=Path, required=True, help="保存的 PDF 文件")


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class _Progress:
    """Progress on stderr, at most a few lines per second (e.g. 已校验 5000/10000 行)."""

    LABELS: ClassVar[dict[str, str]] = {"validate": "已校验", "write": "已写入", "export": "已导出"}

    def __init__(self) -> None:
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == "read":
            _err("正在读取文件…")
            return
        if stage == "commit":
            _err("正在保存…")
            return
        now = time.monotonic()
        if done < total and now - self.last < 0.5:
            return
        self.last = now
        _err(f"{self.LABELS.get(stage, stage)} {done}/{total} 行")


def _open(db_path: Path | None):  # -> ServiceContext
    from app.services.bootstrap import open_context

    return open_context(db_path)


def _db_path(arg: Path | None) -> Path:
    from app.services.bootstrap import database_path

    return database_path(arg)


def _ledger_import(args: argparse.Namespace) -> int:
    from app.services.ledger import import_ledger

    ctx = _open(args.db)
    try:
        report = import_ledger(ctx, args.file, dry_run=args.dry_run, progress=_Progress())
    finally:
        ctx.db.dispose()
    if report.ok:
        print(report.summary())
        return 0
    _err(report.summary())
    return 1


def _ledger_export(args: argparse.Namespace) -> int:
    from app.services.ledger import export_ledger

    ctx = _open(args.db)
    try:
        report = export_ledger(ctx, args.file, year=args.year, progress=_Progress())
    finally:
        ctx.db.dispose()
    scope = f"{args.year}年" if args.year else "全部"
    print(f"已导出{scope}申请 {report.rows} 条到：{args.file}")
    if report.warnings:
        _err(f"提示 {len(report.warnings)} 条（请核对）：")
        for warning in report.warnings:
            _err(f"  {warning}")
    return 0


def _ledger_template(args: argparse.Namespace) -> int:
    from app.services.ledger import write_template

    write_template(args.file)
    print(f"已保存导入模板：{args.file}")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from app.services.backup import backup_now
    from app.services.bootstrap import check_file

    path = _db_path(args.db)
    if not path.exists():
        _err(f"找不到数据库文件：{path}")
        return 1
    check_file(path)
    dest = backup_now(path, args.out)
    print(f"已备份到：{dest}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from app.services.backup import restore_database

    path = _db_path(args.db)
    result = restore_database(args.file, path)
    print(f"已从备份恢复：{result.restored_from}\n数据库：{result.database}")
    if result.replaced_kept_as is not None:
        print(f"被替换的数据库已另存为：{result.replaced_kept_as}")
    for note in result.notes:
        print(f"提示：{note}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from app.services.backup import check_database

    ctx = _open(args.db)
    try:
        report = check_database(ctx)
    finally:
        ctx.db.dispose()
    if report.ok:
        print(report.summary())
        return 0
    _err(report.summary())
    return 1


def _report(args: argparse.Namespace) -> int:
    """年度报告: tables and text of one year to .xlsx/.pdf/.docx/.json (no file on any error)."""
    from app.services.report_export import check_target, export_report

    check_target(args.out)
    ctx = _open(args.db)
    try:
        path = export_report(ctx, args.year, args.out)
    finally:
        ctx.db.dispose()
    print(f"已导出{args.year}年政府信息公开工作年度报告：{path}")
    return 0


def _document(args: argparse.Namespace) -> int:
    """文书: issue one document of a case (its number allocated), or reprint it with the same number when it
    was issued already; the PDF is written to --out only when everything succeeded."""
    import os
    import tempfile

    from app.domain.letters import DocumentKind
    from app.services.documents import find_application, issue_or_reprint

    out: Path = args.out
    if out.suffix.lower() != ".pdf":
        _err(f"输出文件须为 .pdf 文件：{out}")
        return 1
    if not out.parent.resolve().is_dir():
        _err(f"找不到输出文件所在的文件夹：{out.parent}")
        return 1
    ctx = _open(args.db)
    try:
        application_id = find_application(ctx, args.request)
        view, pdf, reprinted = issue_or_reprint(ctx, application_id, DocumentKind.from_label(args.kind))
    finally:
        ctx.db.dispose()
    fd, tmp = tempfile.mkstemp(prefix=".part-", suffix=".pdf", dir=out.parent.resolve())
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(pdf)
            fh.flush()
            os.fsync(fh.fileno())
        from app.services.report_export import ordinary_file_mode

        os.chmod(tmp, ordinary_file_mode())  # mkstemp makes it private; the saved letter is an ordinary file
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    done = "已按原文号重新打印" if reprinted else "已出具"
    print(f"{done}《{view.title}》，文号：{view.number}，共{view.pages}页：{out}")
    return 0


_HANDLERS: dict[tuple[str, str | None], Callable[[argparse.Namespace], int]] = {
    ("ledger", "import"): _ledger_import,
    ("ledger", "export"): _ledger_export,
    ("ledger", "template"): _ledger_template,
    ("backup", None): _backup,
    ("restore", None): _restore,
    ("check", None): _check,
    ("report", None): _report,
    ("document", None): _document,
}


def os_error_message(exc: OSError) -> str:
    """A Chinese sentence for a failed file operation (see :func:`app.services.errors.os_error_message`)."""
    from app.services.errors import os_error_message as message

    return message(exc)


def main(argv: list[str]) -> int:
    """Run one command; return the exit status (0 = success)."""
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a wrong command line (2)
        return int(exc.code or 0)
    handler = _HANDLERS[(args.command, getattr(args, "action", None))]
    from app.domain.workcalendar import ScheduleError
    from app.services.errors import ClerkError

    try:
        return handler(args)
    except ClerkError as exc:
        _err(str(exc))
        return 1
    except ScheduleError as exc:
        _err(f"工作日历（放假安排）数据有误：{exc}\n请在“设置 → 工作日历”中检查该年的放假安排。")
        return 1
    except KeyboardInterrupt:
        _err("已中断，数据库未作改动。")
        return 130
    except OSError as exc:
        _err(os_error_message(exc))
        return 1
    except Exception as exc:  # never a traceback for the clerk; the technical text as a detail
        _err(f"发生意外错误，操作未完成。\n（技术信息：{type(exc).__name__}: {exc}）")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
