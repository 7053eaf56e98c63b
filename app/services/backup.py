"""Use cases of data safety: back up now, the automatic daily backup, restore, and the integrity check.

The file work is in :mod:`app.store.backup`; this module adds the check of the legal record itself
(the audit hash chain of every timeline event, see :mod:`app.domain.audit`; the SHA-256 of every stored
attachment, see :mod:`app.services.attachments`; the SHA-256 of every issued document's PDF, see
:mod:`app.services.documents`) and Chinese summaries. A backup carries the attachments and the issued
documents its database refers to (``X.sqlite`` → ``X.attachments/``, ``X.documents/`` and their manifests
``X.attachments.sha256``, ``X.documents.sha256`` beside it). A backup without its documents' copy (made
before documents were carried) is still restored: an altered PDF fails the check, a missing one is only a
note, because a reprint re-renders it from the database with the same number.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from app.domain.audit import ChainBreak
from app.services.attachments import count_attachments, verify_attachments
from app.services.context import ServiceContext
from app.services.documents import verify_documents
from app.store.backup import (
    MANUAL_PREFIX,
    BackupError,
    RestoreResult,
    auto_backup,
    backup_name,
    default_backup_dir,
    make_backup,
    restore_database,
    rotate,
    select_to_keep,
    verify_backup,
)
from app.store.events import check_chain
from app.store.models import IssuedDocument

__all__ = [
    "BackupError",
    "CheckReport",
    "RestoreResult",
    "auto_backup",
    "backup_now",
    "check_database",
    "default_backup_dir",
    "restore_database",
    "rotate",
    "select_to_keep",
    "verify_backup",
]


def backup_now(db_path: Path, out: Path | None = None, *, now: datetime | None = None) -> Path:
    """Back up the database now: to ``out`` (a file, or a folder such as a USB stick), else to the default
    backup folder. The copy is consistent even while the program is writing (SQLite online backup); the
    attachments and issued documents it refers to are copied beside it (``<backup name>.attachments``,
    ``<backup name>.documents``)."""
    now = now or datetime.now()
    db_path = Path(db_path)
    if out is None:
        dest = default_backup_dir(db_path) / backup_name(MANUAL_PREFIX, now)
    elif Path(out).is_dir() or str(out).endswith(("/", "\\")):
        dest = Path(out) / backup_name(f"{db_path.stem}-{MANUAL_PREFIX}", now)
    else:
        dest = Path(out)
    return make_backup(db_path, dest)


@dataclass
class CheckReport:
    """The four checks of the integrity check, each with its problems (empty = passed)."""

    integrity: list[str] = field(default_factory=list)
    foreign_keys: list[str] = field(default_factory=list)
    chain: list[ChainBreak] = field(default_factory=list)
    events_checked: int = 0
    attachments: list[str] = field(default_factory=list)  # missing or altered files, one Chinese line each
    attachments_checked: int = 0
    documents: list[str] = field(default_factory=list)  # issued documents whose stored PDF was altered
    documents_missing: list[str] = field(default_factory=list)  # re-rendered from the database when reprinted
    documents_checked: int = 0

    @property
    def ok(self) -> bool:
        return not (self.integrity or self.foreign_keys or self.chain or self.attachments or self.documents)

    def summary(self) -> str:
        lines = [
            "数据库文件完整性（PRAGMA integrity_check）："
            + ("通过" if not self.integrity else "发现问题\n  " + "\n  ".join(self.integrity[:20])),
            "数据关联（外键）检查："
            + ("通过" if not self.foreign_keys else "发现问题\n  " + "\n  ".join(self.foreign_keys[:20])),
            f"办理记录防篡改校验（共 {self.events_checked} 条记录）："
            + (
                "通过"
                if not self.chain
                else f"发现 {len(self.chain)} 处异常\n  "
                + "\n  ".join(f"记录 #{b.event_id}：{b.reason}" for b in self.chain[:20])
            ),
            f"附件文件校验（共 {self.attachments_checked} 个附件）："
            + (
                "通过"
                if not self.attachments
                else f"发现 {len(self.attachments)} 处异常\n  " + "\n  ".join(self.attachments[:20])
            ),
            f"已出具文书校验（共 {self.documents_checked} 份）："
            + (
                "通过"
                if not self.documents
                else f"发现 {len(self.documents)} 份文件被改动\n  " + "\n  ".join(self.documents[:20])
            ),
        ]
        if self.documents_missing:
            lines.append(
                f"提示：{len(self.documents_missing)} 份文书的 PDF 文件不在本机（如从备份恢复后），"
                "重新打印时将按数据库中保存的内容以原文号重新生成。"
            )
        lines.append("结论：数据完好。" if self.ok else "结论：数据存在问题。请勿继续修改，并联系管理员或从备份恢复。")
        return "\n".join(lines)


def check_database(ctx: ServiceContext) -> CheckReport:
    """``PRAGMA integrity_check``, ``PRAGMA foreign_key_check``, the audit-chain check (any edited or
    deleted event breaks the chain; 档案法 on the integrity of records), the SHA-256 of every attachment
    (a missing or altered file is reported with the case's registration number) and of every issued
    document's PDF (an altered one fails; a missing one is a note, re-rendered from the database on reprint)."""
    report = CheckReport()
    conn = sqlite3.connect(f"{ctx.db.path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        report.integrity = [] if rows == ["ok"] else rows
        for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
            report.foreign_keys.append(f"表 {table} 第 {rowid} 行引用的 {parent} 记录不存在")
        report.events_checked = conn.execute("SELECT count(*) FROM event").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        report.integrity.append(f"无法读取数据库：{exc}")
        return report
    finally:
        conn.close()
    with ctx.db.session_scope() as s:
        report.chain = check_chain(s)
    report.attachments_checked = count_attachments(ctx)
    report.attachments = verify_attachments(ctx)
    problems = verify_documents(ctx)
    report.documents = [p for p in problems if not p.endswith("文件缺失")]
    report.documents_missing = [p for p in problems if p.endswith("文件缺失")]
    with ctx.db.session_scope() as s:
        report.documents_checked = s.scalar(select(func.count()).select_from(IssuedDocument)) or 0
    return report
