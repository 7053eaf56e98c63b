"""Composition root: ``python -m app [--db PATH]`` starts the counter desk; sub-commands run the CLI.

Builds the database, the service context and the main window, and passes them in. Nothing global.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ARGPARSE_ZH = {
    "usage: ": "用法：",
    "options": "选项",
    "positional arguments": "参数",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选：%(choices)s）",
    "expected one argument": "需要一个参数值",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
}


def speak_chinese_on_the_command_line() -> None:
    """argparse's own words (用法, 选项, 错误 …) in Chinese, like the rest of the program."""
    argparse._ = lambda text: ARGPARSE_ZH.get(text, text)  # type: ignore[attr-defined]
    argparse.ngettext = lambda one, many, n: ARGPARSE_ZH.get(one if n == 1 else many, one if n == 1 else many)  # type: ignore[attr-defined]


def _unknown_word(argv: list[str], commands: tuple[str, ...]) -> str | None:
    """The first word that is neither an option, an option's value nor a sub-command (None: there is none)."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--db", "--page"):
            i += 2
            continue
        if arg.startswith("-"):
            i += 1
            continue
        return None if arg in commands else arg
    return None


def _program_name() -> str:
    """How the clerk started the program: ``ogi-desk`` for the office PC build, else ``python -m app``."""
    return Path(sys.executable).stem if getattr(sys, "frozen", False) else "python -m app"


def _parse_gui_args(argv: list[str]) -> argparse.Namespace:
    """The desk's own options; anything else is refused (exit status 2), never silently ignored."""
    parser = argparse.ArgumentParser(
        prog=_program_name(),
        description="政府信息公开申请办理台账。不带命令时启动窗口程序；带命令时在命令行办理，不打开窗口。",
        epilog=(
            "命令（各命令的选项见“命令 --help”，如 ledger import --help）：\n"
            "  ledger import|export|template   台账导入、导出与模板\n"
            "  backup                          备份数据库\n"
            "  restore                         从备份恢复\n"
            "  check                           检查数据完整性与审计链\n"
            "  migrate-to 连接字符串           把单机数据库文件迁移到服务器数据库（多窗口共用）\n"
            "  report                          导出年度报告\n"
            "  document                        出具文书（PDF）\n"
            "  key export|import               导出、导入本机审计密钥"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--db",
        metavar="数据库",
        default=None,
        help="数据库文件路径，或数据库服务器连接字符串 postgresql://用户名@服务器地址:端口/数据库名"
        "（默认使用 设置 → 数据库 中保存的选择，未选择时为用户数据目录中的数据库文件）",
    )
    parser.add_argument("--no-backup", action="store_true", help="启动时不做每日自动备份")
    parser.add_argument(
        "--page",
        metavar="页面",
        default="工作台",
        help="启动后显示的页面：工作台、申请登记、申请台账、年度报告、审计日志、设置",
    )
    return parser.parse_args(argv)


def keep_files_private() -> None:
    """Everything the program writes — database, backups, exports, temporary copies — readable by the clerk's
    own account only (POSIX; the umask has no say on Windows, where the per-user data folder is private)."""
    if os.name == "posix":
        os.umask(0o077)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    keep_files_private()
    speak_chinese_on_the_command_line()
    from app import cli  # no Qt behind this import: sub-commands run without a display

    if cli.is_cli_command(argv):
        return cli.main(argv)
    word = _unknown_word(argv, cli.COMMANDS)
    if word is not None:
        print(
            f"python -m app：错误：未知的命令“{word}”（可用的命令：{'、'.join(cli.COMMANDS)}；"
            "不带命令时启动窗口程序，可用选项 --db、--page、--no-backup）",
            file=sys.stderr,
        )
        return 2
    try:
        args = _parse_gui_args(argv)
    except SystemExit as exc:  # --help (0) or an unknown option (2, message already on stderr in Chinese)
        return int(exc.code or 0)
    from app.ui.application import run_gui

    # a path or a connection string, as typed (a Path would fold the "//" of postgresql://): see database_target
    return run_gui(args.db, auto_backup=not args.no_backup, page=args.page)


if __name__ == "__main__":
    sys.exit(main())
