"""Moving a desk's SQLite register onto a PostgreSQL server (``python -m app --db FILE migrate-to URL``).

Everything is copied: every table of :data:`app.store.models.Base.metadata` in foreign-key order with its
ids, the sequences set after the highest id, and the attachments' and issued documents' files from beside the
SQLite file into the folders beside the server database's local anchor (:attr:`Database.path`). The server
database must be empty (just created by IT, or only migrated by this program): a database with any of this
program's rows, or with another program's tables, is refused before anything is written.

The rows go in ONE transaction on the server: a failure anywhere (the server, a file, a value) leaves the
server database empty, and the files copied so far are removed. Afterwards the copy is verified on the server
itself: rows per table equal to the file's, the audit chain and its anchor, every application's seal and its
status recomputed from its events, every attachment's and document's SHA-256 (the ``check`` of
:mod:`app.services.backup`). Values are read through SQLAlchemy Core with the models' column types, so SQLite's
stored text (dates, JSON, 0/1) arrives as Python values and is written in the server's own types.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Table, insert, inspect, select, text
from sqlalchemy.exc import DBAPIError

from app.domain.errors import ClerkError
from app.services.backup import CheckReport, check_database
from app.services.context import ServiceContext
from app.store.attachments import remove_tree, resolve
from app.store.backup import FILE_STORES, FileStore, copy_verified
from app.store.database import Database, open_database
from app.store.models import Base
from app.store.server import is_server_url, table_counts
from app.store.sqlfunc import advance_id_sequences

__all__ = ["MigrationError", "MigrationReport", "copied_tables", "migrate_to_server"]

#: SQLite-only tables (the search index's work queue; the full-text index is not in the metadata at all)
SQLITE_ONLY_TABLES = frozenset({"search_pending"})
BATCH = 1000

Progress = Callable[[str], None]


class MigrationError(ClerkError):
    """The register could not be moved; ``str(err)`` is Chinese. The server database was left empty."""


@dataclass
class MigrationReport:
    """What was copied and what the verification on the server found."""

    source: Path
    target: str  # the server database, without the password
    rows: dict[str, int] = field(default_factory=dict)  # per table, as counted on the server
    files: dict[str, int] = field(default_factory=dict)  # per file store label (附件, 文书)
    missing_files: list[str] = field(default_factory=list)  # recorded files not found beside the SQLite file
    check: CheckReport | None = None

    @property
    def ok(self) -> bool:
        return self.check is not None and self.check.ok

    def summary(self) -> str:
        """The clerk's summary (Chinese): rows per table, files, the chain and its head."""
        lines = [f"已将数据库文件 {self.source}", f"迁移到服务器数据库 {self.target}", "各表行数（与原文件一致）："]
        lines.extend(f"  {name}：{count} 行" for name, count in self.rows.items())
        for label, count in self.files.items():
            lines.append(f"{label}文件：已复制 {count} 个")
        if self.missing_files:
            lines.append(f"提示：原文件旁缺少 {len(self.missing_files)} 个已登记的文件（原库中已缺失，未复制）：")
            lines.extend(f"  {m}" for m in self.missing_files[:20])
        if self.check is not None:
            chain_ok = not (self.check.chain or self.check.chain_lines or self.check.anchor)
            lines.append(
                f"办理记录防篡改校验：{'通过' if chain_ok else '未通过'}（共 {self.check.events_checked} 条记录）"
            )
            if self.check.head:
                lines.append(f"审计链头：{self.check.head}")
            if not self.check.ok:
                lines.append("服务器上的检查发现问题：\n" + self.check.summary())
        lines.append("结论：迁移完成，数据完好。" if self.ok else "结论：迁移后的检查未通过，请勿使用，并联系管理员。")
        return "\n".join(lines)


def copied_tables(conn: Connection) -> list[Table]:
    """The tables of the register that are copied, parents before children, as present on *conn*'s database."""
    present = set(inspect(conn).get_table_names())
    return [t for t in Base.metadata.sorted_tables if t.name not in SQLITE_ONLY_TABLES and t.name in present]


def _refuse_non_empty(conn: Connection, shown: str) -> None:
    ours = {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"}
    present = set(inspect(conn).get_table_names())
    foreign = sorted(present - ours)
    if foreign:
        raise MigrationError(
            f"目标数据库中有其他程序的数据表（{'、'.join(foreign[:5])}），不是空数据库：\n{shown}\n"
            "未作任何改动。请使用专门为本程序新建的空数据库。"
        )
    filled = []
    for table in copied_tables(conn):
        quoted = conn.dialect.identifier_preparer.quote(table.name)
        if conn.execute(text(f"SELECT EXISTS (SELECT 1 FROM {quoted})")).scalar():
            filled.append(table.name)
    if filled:
        raise MigrationError(
            f"目标数据库不是空的（表 {'、'.join(filled[:5])} 中已有数据），为免覆盖已有登记，已拒绝迁移：\n{shown}\n"
            "未作任何改动。请使用新建的空数据库。"
        )


def _copy_rows(source: Connection, target: Connection, table: Table, progress: Progress | None) -> int:
    """Copy every row of *table* (in primary-key order, ids kept); returns how many."""
    order = list(table.primary_key.columns)
    result = source.execution_options(stream_results=True).execute(select(table).order_by(*order))
    copied = 0
    while True:
        batch = [dict(row) for row in result.mappings().fetchmany(BATCH)]
        if not batch:
            break
        target.execute(insert(table), batch)
        copied += len(batch)
        if progress is not None:
            progress(f"{table.name}：已复制 {copied} 行")
    return copied


def _copy_file(src: Path, out: Path, digest: str) -> bool:
    """Copy *src* to *out* when its content has *digest*; False (nothing left) when missing or altered."""
    if not src.is_file():
        return False
    out.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return copy_verified(src, out, digest)


def _copy_files(store: FileStore, source: Path, target_anchor: Path, made: list[Path], missing: list[str]) -> int:
    """Copy the files *store* records in the SQLite file *source* beside the server anchor; *made* collects
    what was created (removed again on failure). Returns how many were copied."""
    conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = sorted(set(store.rows(conn)))
    finally:
        conn.close()
    src_root, dst_root = store.root(source), store.root(target_anchor)
    if rows and not dst_root.exists():
        dst_root.mkdir(parents=True, mode=0o700)
        made.append(dst_root)
    copied = 0
    for rel, digest in rows:
        try:
            src, out = resolve(src_root, rel), resolve(dst_root, rel)
        except ValueError:
            missing.append(f"{store.label} {rel}")
            continue
        if out.exists():
            raise MigrationError(
                f"服务器数据库的本机文件夹中已有同名文件，为免覆盖已拒绝迁移：\n{out}\n服务器数据库未作任何改动。"
            )
        if _copy_file(src, out, digest):
            made.append(out)
            copied += 1
        else:
            missing.append(f"{store.label} {rel}")
    return copied


def migrate_to_server(
    source: Path,
    target_url: str,
    *,
    files_at: Path | None = None,
    progress: Progress | None = None,
    now: Callable[[], datetime] = datetime.now,
) -> MigrationReport:
    """Copy the register in the SQLite file *source* (with its files) to the EMPTY server database
    *target_url*, then verify it there; see the module docstring. MigrationError (Chinese) when the target
    is not empty or the copy fails (the server database is then left empty); a DatabaseOpenError when either
    database cannot be opened."""
    source = Path(source)
    if not is_server_url(target_url):
        raise MigrationError(
            f"迁移目标须为服务器数据库的连接字符串（postgresql://用户名@服务器地址:端口/数据库名）：{target_url}"
        )
    src = open_database(source)
    try:
        if src.is_server:
            raise MigrationError("迁移的来源须为单机数据库文件（--db 文件）。")
        tgt = open_database(target_url, files_at=files_at)  # checks it, and migrates an empty one to head
        try:
            return _migrate(src, tgt, progress, now)
        finally:
            tgt.dispose()
    finally:
        src.dispose()


def _migrate(src: Database, tgt: Database, progress: Progress | None, now: Callable[[], datetime]) -> MigrationReport:
    shown = tgt.location
    report = MigrationReport(src.path, shown)
    made: list[Path] = []
    try:
        with src.engine.connect() as source, tgt.engine.connect() as target:
            with target.begin():
                target.execute(text("LOCK TABLE alembic_version IN EXCLUSIVE MODE"))  # one migration at a time
                _refuse_non_empty(target, shown)
                tables = [t for t in copied_tables(source) if t in copied_tables(target)]
                expected = {}
                for table in tables:
                    expected[table.name] = _copy_rows(source, target, table, progress)
                advance_id_sequences(target, tables)
                for store in FILE_STORES:
                    report.files[store.label] = _copy_files(store, src.path, tgt.path, made, report.missing_files)
            source.rollback()
    except DBAPIError as exc:
        _remove(made)
        detail = str(getattr(exc, "orig", exc)).strip().splitlines()
        raise MigrationError(
            f"迁移失败，服务器数据库未作任何改动（仍为空）：\n{shown}\n（{detail[0] if detail else exc}）"
        ) from exc
    except OSError as exc:
        _remove(made)
        raise MigrationError(
            f"复制附件或文书文件失败（{exc.strerror or exc}），服务器数据库未作任何改动（仍为空）：\n{shown}"
        ) from exc
    except BaseException:
        _remove(made)
        raise
    report.rows = table_counts(tgt.engine, list(expected))
    differ = [name for name, count in expected.items() if report.rows.get(name) != count]
    if differ:
        raise MigrationError(f"迁移后核对行数不符（表 {'、'.join(differ)}），请勿使用该服务器数据库：\n{shown}")
    report.check = check_database(ServiceContext(tgt, now=now))
    return report


def _remove(made: list[Path]) -> None:
    """Remove the files and folders a failed migration created (newest first)."""
    for path in reversed(made):
        with contextlib.suppress(OSError):
            if path.is_dir():
                remove_tree(path)
            else:
                path.unlink(missing_ok=True)
