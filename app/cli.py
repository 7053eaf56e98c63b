"""Command line: the same services as the desk, without Qt (no PySide6 import anywhere on this path).

    python -m app [--db PATH] ledger import FILE [--dry-run] [--sheet NAME] [--allow-number-jump]
                                                 [--allow-repeats] [--create]
    python -m app [--db PATH] ledger export FILE [--year Y]
    python -m app [--db PATH] ledger template FILE
    python -m app [--db PATH|URL] backup [--out FILE|FOLDER/] [--force]
    python -m app [--db PATH|URL] restore FILE
    python -m app [--db PATH|URL] check
    python -m app --db FILE migrate-to postgresql://USER@HOST:PORT/DB
    python -m app [--db PATH] report --year Y --out FILE|FOLDER/ [--force]   (.xlsx, .pdf, .docx or .json)
    python -m app [--db PATH] document --request NUMBER --kind KIND --out FILE.pdf|FOLDER/ [--force]
    python -m app key export FILE | key import FILE

Exit status 0 on success, 1 when the work was refused or failed, 2 for a wrong command line. Messages for
the clerk are Chinese and go to stderr, results to stdout; long runs print their progress to stderr. No
traceback ever reaches the clerk: an unexpected failure is one Chinese sentence and the path of a log file
(in the data folder) holding the technical details. A database that does not exist (or is empty) is never
created by a command; the desk's first start creates it. An output path ending in a slash, or naming an
existing folder, is a folder (a named file is written inside it); an existing file is replaced only with
``--force``, and never the database itself.

``--db`` also takes a PostgreSQL server's connection string (``postgresql://用户名@服务器地址:端口/数据库名``,
the password in the password file, see app.store.server): ``backup`` and ``restore`` then use the server's
own ``pg_dump``/``pg_restore`` (``.dump`` files), ``check`` runs the record checks on the server, and
``migrate-to`` copies a desk's SQLite file with its files onto an empty server database and verifies it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, NoReturn

COMMANDS = ("ledger", "backup", "restore", "check", "report", "document", "key", "migrate-to")

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
        "--db",
        metavar="数据库文件",
        type=_db_arg,
        default=None,
        help="数据库文件路径（默认在用户数据目录），或服务器数据库连接字符串 postgresql://用户名@服务器地址:端口/数据库名",
    )
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    sub.required = True

    ledger = sub.add_parser("ledger", help="台账导入、导出与模板")
    lsub = ledger.add_subparsers(dest="action", metavar="操作", parser_class=_Parser)
    lsub.required = True
    imp = lsub.add_parser("import", help="从 .xlsx 或 .csv 导入台账（全部通过校验才导入）")
    imp.add_argument("file", metavar="文件", type=Path, help="台账文件")
    imp.add_argument("--dry-run", action="store_true", help="只校验，不写入数据库")
    imp.add_argument("--sheet", metavar="工作表", default=None, help="只导入 .xlsx 中的这一个工作表")
    imp.add_argument("--create", action="store_true", help="数据库文件不存在时新建（含本机默认设置）再导入")
    imp.add_argument(
        "--allow-number-jump", action="store_true", help="允许登记编号比该年已用编号大出 10000 以上（确属跳号时）"
    )
    imp.add_argument(
        "--allow-repeats", action="store_true", help="允许导入与已登记申请相同（申请人、收到日期、内容）的行"
    )
    exp = lsub.add_parser("export", help="导出台账到 .xlsx 或 .csv")
    exp.add_argument("file", metavar="文件", type=Path, help="导出文件（.xlsx 或 .csv）")
    exp.add_argument("--year", metavar="年份", type=int, default=None, help="只导出该年收到的申请")
    tpl = lsub.add_parser("template", help="保存导入模板（表头和一行示例）")
    tpl.add_argument("file", metavar="文件", type=Path, help="模板文件（.xlsx 或 .csv）")

    bak = sub.add_parser("backup", help="立即备份数据库")
    bak.add_argument(
        "--out", metavar="路径", default=None, help="备份文件或文件夹（默认：数据库所在文件夹下的 backups）"
    )
    bak.add_argument("--force", action="store_true", help="备份文件已存在时覆盖")
    res = sub.add_parser("restore", help="从备份恢复数据库（先校验备份，当前数据库另存保留）")
    res.add_argument("file", metavar="文件", type=Path, help="备份文件")
    sub.add_parser("check", help="检查数据库完整性、数据关联和办理记录防篡改校验")
    mig = sub.add_parser("migrate-to", help="把单机数据库文件（含附件和文书）完整迁移到空的服务器数据库，并核对")
    mig.add_argument("url", metavar="连接字符串", help="目标服务器数据库：postgresql://用户名@服务器地址:端口/数据库名")
    rep = sub.add_parser("report", help="导出政府信息公开工作年度报告（.xlsx、.pdf、.docx 或 .json）")
    rep.add_argument("--year", metavar="年份", type=int, required=True, help="报告年度")
    rep.add_argument(
        "--out", metavar="文件", required=True, help="导出文件（格式按扩展名确定）或文件夹（以 / 结尾，存为 .xlsx）"
    )
    rep.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    _add_document_parser(sub)
    key = sub.add_parser("key", help="导出或导入本机的审计密钥（用于在另一台电脑上验证签名）")
    ksub = key.add_subparsers(dest="action", metavar="操作", parser_class=_Parser)
    ksub.required = True
    kexp = ksub.add_parser("export", help="把本机的审计密钥保存到文件（请妥善保管）")
    kexp.add_argument("file", metavar="文件", type=Path, help="密钥文件（不存在的新文件）")
    kimp = ksub.add_parser("import", help="导入另一台电脑导出的审计密钥")
    kimp.add_argument("file", metavar="文件", type=Path, help="密钥文件")
    return parser


def _add_document_parser(sub: argparse._SubParsersAction) -> None:
    from app.domain.letters import DocumentKind

    kinds = [k.label for k in DocumentKind]
    doc = sub.add_parser("document", help="出具（已出具的则按原文号重新打印）一件申请的文书，保存为 PDF")
    doc.add_argument("--request", metavar="登记编号", required=True, help="申请的登记编号，如：〔2026〕第3号")
    doc.add_argument(
        "--kind", metavar="文书", required=True, choices=kinds, help=f"文书种类：{'、'.join(kinds)}（答复书按办理结果）"
    )
    doc.add_argument("--out", metavar="文件", required=True, help="保存的 PDF 文件，或文件夹（以 / 结尾）")
    doc.add_argument("--force", action="store_true", help="文件已存在时覆盖")


def _db_arg(value: str) -> Path | str:
    """``--db``: a file path, or a server's connection string kept as text (a Path would fold its ``//``)."""
    return value.strip() if _is_server(value) else Path(value)


def _is_server(arg: Path | str | None) -> bool:
    from app.services.bootstrap import is_server_target

    return is_server_target(arg)


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


def _open(db_path: Path | str | None):  # -> ServiceContext
    """Open --db (a file or a server) as the window does: the saved server keeps its shared files folder."""
    from app.services.bootstrap import database_target, open_context

    return open_context(database_target(db_path))


def _db_path(arg: Path | str | None) -> Path:
    from app.services.bootstrap import database_path

    if _is_server(arg):
        return Path(str(arg).replace("://", "-").replace("/", "-").replace(":", "-"))  # never a local file
    return database_path(Path(arg) if arg is not None else None)


def _require_database(arg: Path | str | None) -> Path:
    """The database file a command works on; refused (Chinese) when it does not exist, is empty or is not a
    usable database of this program. A command never creates a database (the desk's first start does). A
    server's connection string is checked when it is opened (an empty server database is migrated then)."""
    from app.services.bootstrap import check_file
    from app.services.errors import ServiceError

    if _is_server(arg):
        return _db_path(arg)
    path = _db_path(arg)
    if not path.is_file():
        raise ServiceError(
            f"找不到数据库文件：{path}\n未作任何改动（命令行不会新建数据库）。请用 --db 指定已有的数据库文件；"
            "首次使用请先启动窗口程序。"
        )
    if path.stat().st_size == 0:
        raise ServiceError(
            f"数据库文件为空（0 字节），不是可用的数据库：{path}\n未作任何改动。"
            "如数据丢失，请从备份恢复（python -m app restore 备份文件）。"
        )
    check_file(path)
    return path


def _output_path(out: str, default_name: str, db: Path | None, *, force: bool) -> Path:
    """Where a command writes: a folder (existing, or written with a trailing slash) gets *default_name*
    inside it; an existing file only with *force*; never the database or its -wal/-shm."""
    from app.services.backup import is_live_file
    from app.services.errors import ServiceError

    target = Path(out)
    if out.endswith(("/", "\\")) or target.is_dir():
        folder = Path(out.rstrip("/\\") or out)
        if not folder.is_dir():
            raise ServiceError(f"找不到保存文件的文件夹：{folder}")
        target = folder / default_name
    if is_live_file(target, _db_path(db)):
        raise ServiceError(f"不能写到数据库文件本身（或其 -wal/-shm 文件）：{target}\n未作任何改动。")
    if target.exists() and not force:
        raise ServiceError(f"文件已存在，未覆盖：{target}\n请换一个文件名，或确认后加 --force 覆盖。")
    return target


def _ledger_import(args: argparse.Namespace) -> int:
    from app.services.ledger import ImportInterrupted, import_ledger

    report = None
    if not args.create:
        _require_database(args.db)
    db_arg = args.db
    scratch = None
    if args.dry_run and not _db_path(args.db).exists():
        # checking a ledger for a database still to be created: check against a new one in a scratch folder,
        # so that "仅校验，未写入数据库" stays true and no file is left at --db
        import tempfile

        scratch = tempfile.TemporaryDirectory(prefix="ogi-dry-run-")
        db_arg = Path(scratch.name) / "dry-run.sqlite"
    try:
        ctx = _open(db_arg)
        try:
            report = import_ledger(
                ctx,
                args.file,
                dry_run=args.dry_run,
                progress=_Progress(),
                sheet=args.sheet,
                allow_number_jump=args.allow_number_jump,
                allow_repeats=args.allow_repeats,
            )
        finally:
            ctx.db.dispose()
        if report.ok:
            print(report.summary())
            return 0
        _err(report.summary())
        return 1
    except KeyboardInterrupt as exc:  # the truth, whenever Ctrl+C falls: committed or not
        if not isinstance(exc, ImportInterrupted):
            done = report is not None and report.ok and not report.dry_run and report.imported > 0
            exc = ImportInterrupted(done, report.imported if done and report is not None else 0)
        _err(str(exc))
        return 130
    finally:
        if scratch is not None:
            scratch.cleanup()


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
    from app.services.maintenance import cleanup_temporary

    if _is_server(args.db):
        ctx = _open(args.db)
        try:
            dest = backup_now(ctx.db, args.out, force=args.force)
        finally:
            ctx.db.dispose()
        print(f"已备份服务器数据库 {ctx.db.location} 到：{dest}")
        return 0
    path = _require_database(args.db)
    cleanup_temporary(path)  # what a killed backup or restore left behind
    dest = backup_now(path, args.out, force=args.force)
    print(f"已备份到：{dest}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from app.services.backup import is_live_file, restore_database
    from app.services.errors import ServiceError

    if _is_server(args.db):
        ctx = _open(args.db)
        try:
            result = restore_database(args.file, ctx.db)
        finally:
            ctx.db.dispose()
        print(f"已从备份恢复：{result.restored_from}\n服务器数据库：{ctx.db.location}")
        if result.replaced_kept_as is not None:
            print(f"恢复前的数据已备份为：{result.replaced_kept_as}")
        for note in result.notes:
            print(f"提示：{note}")
        return 0
    path = _db_path(args.db)
    if is_live_file(args.file, path):
        raise ServiceError(f"要恢复的备份就是当前数据库文件本身：{args.file}\n未作任何改动。请选择备份文件。")
    result = restore_database(args.file, path)
    print(f"已从备份恢复：{result.restored_from}\n数据库：{result.database}")
    if result.replaced_kept_as is not None:
        print(f"被替换的数据库已另存为：{result.replaced_kept_as}")
    for note in result.notes:
        print(f"提示：{note}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from app.services.backup import check_database

    _require_database(args.db)
    ctx = _open(args.db)
    try:
        report = check_database(ctx)
    finally:
        ctx.db.dispose()
    if report.verified:
        print(report.summary())
        return 0
    _err(report.summary())
    return 1


def _migrate_to(args: argparse.Namespace) -> int:
    """migrate-to: the SQLite file of --db, with its files, onto an empty server database, then verified."""
    from app.services.errors import ServiceError
    from app.services.migrate import migrate_to_server

    if args.db is None or _is_server(args.db):
        raise ServiceError(
            "请用 --db 指定要迁移的单机数据库文件，例如：python -m app --db 台账.sqlite migrate-to 连接字符串"
        )
    from app.services.bootstrap import files_anchor_for

    path = _require_database(args.db)
    files_at = files_anchor_for(args.url)  # the saved server: its files go to the shared folder
    report = migrate_to_server(path, args.url, files_at=files_at, progress=_err)
    if report.ok:
        print(report.summary())
        return 0
    _err(report.summary())
    return 1


def _report(args: argparse.Namespace) -> int:
    """年度报告: tables and text of one year to .xlsx/.pdf/.docx/.json (no file on any error)."""
    from app.services.report_export import check_target, export_report

    _require_database(args.db)
    out = _output_path(args.out, f"{args.year}年政府信息公开工作年度报告.xlsx", args.db, force=args.force)
    check_target(out)
    ctx = _open(args.db)
    try:
        path = export_report(ctx, args.year, out)
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

    safe_number = "".join(c for c in args.request if c.isalnum()) or "申请"
    out = Path(args.out)
    if not (args.out.endswith(("/", "\\")) or out.is_dir()) and out.suffix.lower() != ".pdf":
        _err(f"输出文件须为 .pdf 文件：{out}")
        return 1
    if not (args.out.endswith(("/", "\\")) or out.is_dir()) and not out.parent.resolve().is_dir():
        _err(f"找不到输出文件所在的文件夹：{out.parent}")
        return 1
    _require_database(args.db)
    out = _output_path(args.out, f"{args.kind}-{safe_number}.pdf", args.db, force=args.force)
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
        os.replace(tmp, out)  # private (mkstemp: 0600): a letter names the applicant
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    done = "已按原文号重新打印" if reprinted else "已出具"
    print(f"{done}《{view.title}》，文号：{view.number}，共{view.pages}页：{out}")
    return 0


def _key_export(args: argparse.Namespace) -> int:
    from app.services.audit import export_audit_key

    path = export_audit_key(args.file)
    print(f"已导出审计密钥到：{path}\n该文件可验证并续写本机所有办理记录的签名，请像保管公章一样保管。")
    return 0


def _key_import(args: argparse.Namespace) -> int:
    from app.services.audit import import_audit_key

    new = import_audit_key(args.file)
    print(f"已导入 {len(new)} 个审计密钥。" if new else "该文件中的审计密钥本机已有，未作改动。")
    return 0


_HANDLERS: dict[tuple[str, str | None], Callable[[argparse.Namespace], int]] = {
    ("ledger", "import"): _ledger_import,
    ("ledger", "export"): _ledger_export,
    ("ledger", "template"): _ledger_template,
    ("backup", None): _backup,
    ("restore", None): _restore,
    ("check", None): _check,
    ("migrate-to", None): _migrate_to,
    ("report", None): _report,
    ("document", None): _document,
    ("key", "export"): _key_export,
    ("key", "import"): _key_import,
}
#: handlers owned elsewhere that must not create a missing database either
_NEED_DATABASE = {("ledger", "export")}


def os_error_message(exc: OSError) -> str:
    """A Chinese sentence for a failed file operation (see :func:`app.services.errors.os_error_message`)."""
    from app.services.errors import os_error_message as message

    return message(exc)


def _unexpected(exc: BaseException) -> str:
    """One Chinese sentence for an unexpected failure, and where its technical details were written."""
    from app.services.errors import write_error_log

    log = write_error_log(exc)
    where = f"\n技术信息已写入日志文件：{log}（联系技术支持时请提供）" if log is not None else ""
    return f"发生意外错误，操作未完成。{where}"


def _quiet_unraisable(unraisable: object) -> None:
    """Errors Python can only report while tidying up (a file closed on a full disk …) go to the log, not to
    the clerk's screen."""
    exc = getattr(unraisable, "exc_value", None)
    if isinstance(exc, BaseException):
        from app.services.errors import write_error_log

        write_error_log(exc)


def main(argv: list[str]) -> int:
    """Run one command; return the exit status (0 = success)."""
    sys.unraisablehook = _quiet_unraisable
    try:
        return _main(argv)
    except KeyboardInterrupt:
        _err("已中断。")
        return 130
    except Exception as exc:  # never a traceback for the clerk
        _err(_unexpected(exc))
        return 1


def _main(argv: list[str]) -> int:
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a wrong command line (2)
        return int(exc.code or 0)
    key = (args.command, getattr(args, "action", None))
    handler = _HANDLERS[key]
    from app.domain.workcalendar import ScheduleError
    from app.services.errors import ClerkError

    try:
        if key in _NEED_DATABASE:
            _require_database(args.db)
        return handler(args)
    except ClerkError as exc:
        _err(str(exc))
        return 1
    except ScheduleError as exc:
        _err(f"工作日历（放假安排）数据有误：{exc}\n请在“设置 → 工作日历”中检查该年的放假安排。")
        return 1
    except KeyboardInterrupt:
        _err("已中断，操作未完成。每次保存要么完整写入、要么完全未写入；请运行“检查”确认。")
        return 130
    except OSError as exc:
        _err(os_error_message(exc))
        return 1
    except Exception as exc:  # never a traceback for the clerk; the technical text goes to the log
        _err(_unexpected(exc))
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
