"""Use cases of data safety: back up now, the automatic daily backup, restore, and the integrity check.

The file work is in :mod:`app.store.backup`; this module adds the check of the legal record itself
(the audit hash chain of every timeline event, see :mod:`app.domain.audit`; the SHA-256 of every stored
attachment, see :mod:`app.services.attachments`; the SHA-256 of every issued document's PDF, see
:mod:`app.services.documents`) and Chinese summaries. A backup carries the attachments and the issued
documents its database refers to (``X.sqlite`` → ``X.attachments/``, ``X.documents/`` and their manifests
``X.attachments.sha256``, ``X.documents.sha256`` beside it). A backup without its documents' copy (made
before documents were carried) is still restored: an altered PDF fails the check, a missing one is only a
note, because a reprint re-renders it from the database with the same number.

Every use case takes the opened :class:`~app.store.database.Database` (or, for a file, its path): on a
PostgreSQL server a backup is ``pg_dump`` (``X.dump`` with the same sidecar, manifests and folders), a restore
``pg_restore`` after a 恢复前备份, and the check runs the record checks in one read-only snapshot, the file
checks being the server's own.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.domain.audit import NO_KEY, ChainBreak
from app.services.attachments import count_attachments, verify_attachments
from app.services.context import ServiceContext
from app.services.documents import verify_documents
from app.services.integrity import RecordFindings, check_records
from app.store import backup as files
from app.store.backup import (
    DUMP_SUFFIX,
    MANUAL_PREFIX,
    SUFFIX,
    BackupError,
    RestoreResult,
    backup_name,
    default_backup_dir,
    is_dump,
    is_live_file,
    make_backup,
    make_server_backup,
    restore_server_database,
    rotate,
    select_to_keep,
)
from app.store.database import Database
from app.store.events import Fetch, session_fetch
from app.store.models import IssuedDocument

__all__ = [
    "BackupError",
    "CheckReport",
    "RestoreResult",
    "auto_backup",
    "backup_destination",
    "backup_now",
    "check_database",
    "default_backup_dir",
    "is_live_file",
    "restore_database",
    "rotate",
    "select_to_keep",
    "verify_backup",
]


def _where(db: Database | Path) -> tuple[Path, Database | None]:
    """The database's path (a file, or a server database's local anchor) and the server database, if any."""
    if isinstance(db, Database):
        return db.path, (db if db.is_server else None)
    return Path(db), None


def backup_destination(db: Database | Path, out: Path | str | None, *, now: datetime | None = None) -> Path:
    """Where ``backup --out`` writes: nothing given → the default backup folder; a folder (an existing one, or a
    path ending in a slash) → a dated file inside it; else the file named. A server database's backups are
    ``.dump`` files (pg_dump), a file's ``.sqlite``."""
    now = now or datetime.now()
    db_path, server = _where(db)
    suffix = DUMP_SUFFIX if server is not None else SUFFIX
    if out is None:
        return default_backup_dir(db_path) / backup_name(MANUAL_PREFIX, now, suffix)
    text = str(out)
    if text.endswith(("/", "\\")) or Path(out).is_dir():
        return Path(text.rstrip("/\\") or text) / backup_name(f"{db_path.stem}-{MANUAL_PREFIX}", now, suffix)
    return Path(out)


def backup_now(
    db: Database | Path, out: Path | str | None = None, *, now: datetime | None = None, force: bool = False
) -> Path:
    """Back up the database now: to ``out`` (a file, or a folder such as a USB stick), else to the default
    backup folder. The copy is consistent even while the program (or another desk) is writing (SQLite online
    backup; on a server ``pg_dump`` in one snapshot); the attachments and issued documents it refers to are
    copied beside it (``<backup name>.attachments``, ``<backup name>.documents``). Refused: the database
    itself (or its -wal/-shm) as the destination, and an existing file unless *force*."""
    db_path, server = _where(db)
    dest = backup_destination(db, out, now=now)
    if server is None and is_live_file(dest, db_path):
        raise BackupError(f"备份文件不能是数据库文件本身（或其 -wal/-shm 文件）：\n{dest}\n未作任何改动。")
    if dest.exists() and not force:
        raise BackupError(f"文件已存在，未覆盖：\n{dest}\n请换一个文件名或文件夹，或确认后加 --force 覆盖。")
    if server is not None:
        return make_server_backup(server, dest, overwrite=force)
    return make_backup(db_path, dest, overwrite=force)


def auto_backup(db: Database | Path, backup_dir: Path | None = None, now: datetime | None = None) -> Path | None:
    """The automatic daily backup (see :func:`app.store.backup.auto_backup`); on a server with ``pg_dump``
    (skipped, with a log line, when this computer has no pg_dump)."""
    db_path, server = _where(db)
    if server is not None:
        return files.auto_backup_server(server, backup_dir, now)
    return files.auto_backup(db_path, backup_dir, now)


def verify_backup(path: Path) -> str:
    """Check a backup (a ``.sqlite`` file, or a server's ``.dump``) before it may replace anything; return its
    schema revision (see :func:`app.store.backup.verify_backup`)."""
    path = Path(path)
    if is_dump(path):
        revision, rows, _notes = files._verify_dump(path)
        for store in files.FILE_STORES:
            files._verify_copy(store, path, rows[store])
        return revision
    return files.verify_backup(path)


def restore_database(
    backup_file: Path, db: Database | Path, *, backup_dir: Path | None = None, now: datetime | None = None
) -> RestoreResult:
    """Replace the database with a verified backup (see :func:`app.store.backup.restore_database`; on a
    server :func:`app.store.backup.restore_server_database`). A server database is restored from a ``.dump``
    only, a file from a ``.sqlite`` only."""
    backup_file = Path(backup_file)
    db_path, server = _where(db)
    if server is not None:
        if not is_dump(backup_file):
            raise BackupError(
                f"服务器上的数据库只能从服务器备份（.dump 文件）恢复：\n{backup_file}\n"
                "要把单机数据库文件搬到服务器上，请用命令 python -m app --db 文件 migrate-to 连接字符串。"
                "当前数据库未作任何改动。"
            )
        return restore_server_database(backup_file, server, backup_dir=backup_dir, now=now)
    if is_dump(backup_file):
        raise BackupError(
            f"这是服务器数据库的备份（.dump 文件），不能恢复到单机数据库文件：\n{backup_file}\n"
            "请在连接服务器（--db postgresql://…）时恢复。当前数据库未作任何改动。"
        )
    return files.restore_database(backup_file, db_path, backup_dir=backup_dir, now=now)


@dataclass
class CheckReport:
    """The checks of the integrity check, each with its problems (empty = passed)."""

    integrity: list[str] = field(default_factory=list)
    foreign_keys: list[str] = field(default_factory=list)
    chain: list[ChainBreak] = field(default_factory=list)
    events_checked: int = 0
    attachments: list[str] = field(default_factory=list)  # missing or altered files, one Chinese line each
    attachments_checked: int = 0
    documents: list[str] = field(default_factory=list)  # issued documents whose stored PDF was altered
    documents_missing: list[str] = field(default_factory=list)  # re-rendered from the database when reprinted
    documents_checked: int = 0
    chain_lines: list[str] = field(default_factory=list)  # breaks and unreadable events, in words
    anchor: list[str] = field(default_factory=list)  # the newest events (or all) gone, a forged anchor
    records: list[str] = field(default_factory=list)  # applications that differ from their seal or events
    unreadable: list[str] = field(default_factory=list)  # rows with values that cannot be read
    notes: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)  # a check that could not run, and why
    key_missing: bool = False
    keyed: bool = False
    server: bool = False  # a PostgreSQL server: no file checks (the server checks its storage and foreign keys)
    head: str = ""  # the anchored head in words (shown to the clerk)
    applications_checked: int = 0

    @property
    def ok(self) -> bool:
        return not (
            self.integrity
            or self.foreign_keys
            or self.chain
            or self.chain_lines
            or self.anchor
            or self.records
            or self.unreadable
            or self.incomplete
            or self.attachments
            or self.documents
        )

    @property
    def verified(self) -> bool:
        """Nothing found and every signature verified with a key this computer has."""
        return self.ok and not self.key_missing

    def summary(self) -> str:
        def part(title: str, problems: list[str], unit: str = "处异常") -> str:
            if not problems:
                return title + "通过"
            return f"{title}发现 {len(problems)} {unit}\n  " + "\n  ".join(problems[:20])

        chain_problems = self.chain_lines or [f"记录 #{b.event_id}：{b.reason}" for b in self.chain]
        signature = (
            NO_KEY
            if self.key_missing
            else ("已用本机审计密钥验证签名" if self.keyed else "尚未启用密钥签名（旧数据库）")
        )
        if self.server:
            storage = "数据库存储完整性：由数据库服务器（PostgreSQL）自行检查，本程序不作文件检查" + (
                "" if not self.integrity else "\n  " + "\n  ".join(self.integrity[:20])
            )
            keys = "数据关联（外键）检查：由数据库服务器在每次保存时强制执行"
        else:
            storage = "数据库文件完整性（PRAGMA integrity_check）：" + (
                "通过" if not self.integrity else "发现问题\n  " + "\n  ".join(self.integrity[:20])
            )
            keys = "数据关联（外键）检查：" + (
                "通过" if not self.foreign_keys else "发现问题\n  " + "\n  ".join(self.foreign_keys[:20])
            )
        lines = [
            storage,
            keys,
            part(f"办理记录防篡改校验（共 {self.events_checked} 条记录；{signature}）：", chain_problems),
            part("审计锚点（记录条数与最后一条的校验值）：", self.anchor),
            part(f"登记信息与办理记录核对（共 {self.applications_checked} 件申请）：", self.records),
            part(
                "逐行读取全部数据（各列类型由数据库服务器保证）：" if self.server else "逐行读取全部数据：",
                self.unreadable,
                "处无法读取",
            ),
            part(f"附件文件校验（共 {self.attachments_checked} 个附件）：", self.attachments),
            part(f"已出具文书校验（共 {self.documents_checked} 份）：", self.documents, "份文件被改动"),
        ]
        if self.incomplete:
            lines.append("未能完成的检查：\n  " + "\n  ".join(self.incomplete))
        if self.head:
            lines.append(f"审计链头：{self.head}（可与备份校验文件或此前记下的链头核对）")
        if self.documents_missing:
            lines.append(
                f"提示：{len(self.documents_missing)} 份文书的 PDF 文件不在本机（如从备份恢复后），"
                "重新打印时将按数据库中保存的内容以原文号重新生成。"
            )
        lines.extend(f"提示：{note}" for note in self.notes)
        if not self.ok:
            lines.append("结论：数据存在问题。请勿继续修改，并联系管理员或从备份恢复。")
        elif self.key_missing:
            lines.append(
                f"结论：未发现损坏，但{NO_KEY}（请在原电脑用 python -m app key export 导出密钥，"
                "在本机用 python -m app key import 导入后再检查）。"
            )
        else:
            lines.append("结论：数据完好。")
        return "\n".join(lines)


def check_database(ctx: ServiceContext) -> CheckReport:
    """``PRAGMA integrity_check``, ``PRAGMA foreign_key_check``, the audit chain (keyed where the anchor says
    so; any edited or deleted event breaks it; 档案法 on the integrity of records), its anchor (deleting the
    newest events, or all of them, is found), the seal of every application and its derived columns
    recomputed from its events (:mod:`app.services.integrity`), every row readable, the SHA-256 of every
    attachment (a missing or altered file is reported with the case's registration number) and of every
    issued document's PDF (an altered one fails; a missing one is a note, re-rendered on reprint).

    On a PostgreSQL server the file checks do not apply (the server checks its own storage and enforces the
    foreign keys and column types itself); the record checks run through a read-only transaction.

    Read-only throughout; a check that cannot run is reported as such, never as 数据完好."""
    report = CheckReport()
    if ctx.db.is_server:
        if not _check_server(ctx, report):
            return report
    else:
        conn = sqlite3.connect(f"{ctx.db.path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
        conn.text_factory = _lenient_text  # bytes that are not UTF-8 fail their row's check, not the whole check
        try:
            rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
            report.integrity = [] if rows == ["ok"] else rows
            for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
                report.foreign_keys.append(f"表 {table} 第 {rowid} 行引用的 {parent} 记录不存在")
            findings = _records(ctx, report, lambda sql, params: conn.execute(sql, params).fetchall())
        except sqlite3.DatabaseError as exc:
            report.integrity.append(f"无法读取数据库：{exc}")
            return report
        finally:
            conn.close()
        _take(report, findings)
    for label, step in (("附件", _check_attachments), ("文书", _check_documents)):
        try:
            step(ctx, report)
        except Exception as exc:  # a value the ORM cannot read: named above by the row check
            report.incomplete.append(f"{label}校验未能完成（{type(exc).__name__}）")
    return report


def _records(ctx: ServiceContext, report: CheckReport, fetch: Fetch, *, typed: bool = False) -> RecordFindings:
    """The record checks of :mod:`app.services.integrity` on the database behind *fetch*."""
    try:
        cal, fee_days, current = ctx.calendar(), ctx.int_setting("fee_payment_days"), _calendar_current(ctx)
    except Exception as exc:  # an unreadable calendar or setting: the other checks still run
        cal, fee_days, current = None, 20, False
        report.incomplete.append(f"无法按工作日历推算办理状态（{type(exc).__name__}），已跳过该项核对")
    return check_records(
        fetch,
        calendar=cal,
        fee_days=fee_days,
        calendar_current=current,
        backup_dir=default_backup_dir(ctx.db.path),
        typed=typed,
    )


def _check_server(ctx: ServiceContext, report: CheckReport) -> bool:
    """The record checks on a PostgreSQL server, in one read-only transaction (one consistent snapshot even
    while other desks save). False when the server could not be read (said in the report)."""
    report.server = True
    try:
        with ctx.db.engine.connect() as conn:
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with Session(bind=conn) as session:
                findings = _records(ctx, report, _stored_json(session_fetch(session)), typed=True)
            conn.rollback()
    except DBAPIError as exc:
        report.integrity.append(f"无法读取服务器上的数据库：{str(getattr(exc, 'orig', exc)).strip().splitlines()[0]}")
        return False
    _take(report, findings)
    return True


def _stored_json(fetch: Fetch) -> Fetch:
    """*fetch* with JSON values as their stored text, as SQLite returns them (the server's driver parses a
    ``json`` column into lists and dicts; the readers of :mod:`app.store.events` expect the text)."""

    def text_json(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [tuple(json.dumps(v) if isinstance(v, dict | list) else v for v in row) for row in fetch(sql, params)]

    return text_json


def _take(report: CheckReport, findings: RecordFindings) -> None:
    report.events_checked = findings.events_checked
    report.chain_lines = findings.chain
    report.chain = findings.breaks
    report.anchor = findings.anchor
    report.records = findings.records
    report.unreadable = findings.unreadable
    report.notes = findings.notes
    report.key_missing = findings.key_missing
    report.keyed = findings.keyed
    report.applications_checked = findings.applications_checked
    report.head = findings.head.short() if findings.head is not None else ""


def _lenient_text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _calendar_current(ctx: ServiceContext) -> bool:
    """True when open applications' due dates were computed with the calendar now in force."""
    from app.services.maintenance import FINGERPRINT_KEY, calendar_fingerprint

    stored = ctx.setting(FINGERPRINT_KEY)
    return not stored or stored == calendar_fingerprint(ctx)


def _check_attachments(ctx: ServiceContext, report: CheckReport) -> None:
    report.attachments_checked = count_attachments(ctx)
    report.attachments = verify_attachments(ctx)


def _check_documents(ctx: ServiceContext, report: CheckReport) -> None:
    problems = verify_documents(ctx)
    report.documents = [p for p in problems if not p.endswith("文件缺失")]
    report.documents_missing = [p for p in problems if p.endswith("文件缺失")]
    with ctx.db.session_scope() as s:
        report.documents_checked = s.scalar(select(func.count()).select_from(IssuedDocument)) or 0
