"""``check`` against a database file tampered with outside the program, each way naming what it found."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime

import pytest
from sqlalchemy import text

from app.domain import procedure as P
from app.domain.audit import GENESIS, NO_KEY, event_hash
from app.domain.codes import EventKind, Outcome
from app.services import applications as A
from app.services.audit import chain_head, verify_audit_chain
from app.services.backup import check_database
from app.store.events import ANCHOR_KEY, SEAL_PREFIX, hashed_fields
from tests.factories import register_in_person


@pytest.fixture
def cases(ctx, clock):
    """Three cases (the first two by the same applicant), a decision with a reconsideration, an edit and a
    settings change: enough events to delete ten of them."""
    first = register_in_person(ctx, datetime(2026, 2, 2, 9, 0), clock, name="张三")
    second = register_in_person(ctx, datetime(2026, 2, 3, 9, 0), clock, name="张三")
    third = register_in_person(ctx, datetime(2026, 2, 4, 9, 0), clock, name="李四", content="另一文件")
    clock.value = datetime(2026, 2, 13, 10, 0)
    A.record_event(ctx, second.id, EventKind.DECIDED, date(2026, 2, 10), P.Decided(outcome=Outcome("disclosed")))
    A.record_event(ctx, second.id, EventKind.SERVED, date(2026, 2, 11), P.Served(method=P.ServiceMethod("post")))
    A.record_event(ctx, second.id, EventKind.RECONSIDERATION_FILED, date(2026, 2, 12))
    A.edit_application(ctx, third.id, {"purpose": "研究"}, "补记用途")
    ctx.set_setting("fee_payment_days", 25)
    A.record_event(ctx, first.id, EventKind.NOTE, date(2026, 2, 13), note="电话询问进度")
    return first, second, third


class _Raw:
    """A connection outside the program, on either engine: raw SQL without the services (the foreign keys
    off, as someone editing the file or the tables directly could)."""

    def __init__(self, ctx) -> None:
        self.server = ctx.db.is_server
        if self.server:
            self.conn = ctx.db.engine.connect()
            self.conn.begin()
            for table, name in self.conn.execute(
                text(
                    "SELECT conrelid::regclass::text, conname FROM pg_constraint "
                    "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"
                )
            ).all():
                self.conn.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
        else:
            self.conn = sqlite3.connect(ctx.db.path)
            self.conn.execute("PRAGMA foreign_keys=OFF")

    def rows(self, sql: str, params: dict | None = None) -> list:
        if self.server:
            return list(self.conn.execute(text(sql), params or {}).all())
        return self.conn.execute(sql, params or {}).fetchall()

    def run(self, sql: str, params: dict | None = None) -> None:
        if self.server:
            self.conn.execute(text(sql), params or {})
        else:
            self.conn.execute(sql, params or {})

    def events(self, upto: int | None = None) -> list[tuple]:
        """Every event (up to id *upto*) with its values as Python objects."""
        where = "" if upto is None else f"WHERE id <= {int(upto)} "
        out = []
        for ev_id, app_id, kind, day, recorded, actor, data, note in self.rows(
            f"SELECT id, application_id, kind, event_date, recorded_at, actor, data, note FROM event {where}ORDER BY id"
        ):
            day = day if isinstance(day, date) else date.fromisoformat(day)
            recorded = recorded if isinstance(recorded, datetime) else datetime.fromisoformat(recorded)
            data = json.loads(data) if isinstance(data, str) else data
            out.append((ev_id, app_id, kind, day, recorded, actor, data, note))
        return out

    def close(self) -> None:
        self.conn.commit()
        self.conn.close()


def _sql(ctx, *statements: str) -> None:
    raw = _Raw(ctx)
    for statement in statements:
        raw.run(statement)
    raw.close()


def test_an_untouched_database_is_intact_signed_and_shows_its_head(ctx, cases):
    report = check_database(ctx)
    assert report.ok and report.verified, report.summary()
    text = report.summary()
    assert "结论：数据完好" in text and "已用本机审计密钥验证签名" in text
    head = chain_head(ctx)
    assert head.keyed and head.count == report.events_checked and f"#{head.last_id}" in text
    assert head.text in text
    assert verify_audit_chain(ctx).ok


def _recompute_unkeyed(ctx, victim: int, new_data: dict) -> None:
    """What someone with the database but without the key can do: edit an event and recompute every hash."""
    raw = _Raw(ctx)
    prev = GENESIS
    for ev_id, app_id, kind, day, recorded, actor, data, note in raw.events():
        data = new_data if ev_id == victim else data
        fields = hashed_fields(app_id, kind, day, recorded, actor, data, note)
        digest = event_hash(prev, fields)
        raw.run(
            "UPDATE event SET data = :d, prev_hash = :p, hash = :h WHERE id = :i",
            {"d": json.dumps(data, ensure_ascii=False), "p": prev, "h": digest, "i": ev_id},
        )
        prev = digest
    raw.close()


TAMPERING = {
    "newest event deleted": (["DELETE FROM event WHERE id = (SELECT max(id) FROM event)"], ["少了 1 条"]),
    "last ten deleted": (["DELETE FROM event WHERE id > (SELECT max(id) - 10 FROM event)"], ["少了 10 条"]),
    "all events deleted": (["DELETE FROM event"], ["全部记录都已不在表中"]),
    "status edited": (["UPDATE application SET status = 'closed' WHERE id = {first}"], ["{first_no}：办理状态"]),
    "reply due edited": (
        ["UPDATE application SET reply_due = '2027-01-01' WHERE id = {first}"],
        ["{first_no}：答复期限"],
    ),
    "outcome edited": (
        ["UPDATE application SET outcome = 'withheld_internal' WHERE id = {second}"],
        ["{second_no}：办理结果"],
    ),
    "content edited": (
        ["UPDATE application SET content = '伪造的内容' WHERE id = {third}"],
        ["{third_no}：登记信息、申请人或复议诉讼记录与办理记录封存时不符"],
    ),
    "number edited": (
        ["UPDATE application SET reg_number = '〔2026〕第99号' WHERE id = {third}"],
        ["〔2026〕第99号：登记编号与登记记录中的“{third_no}”不符"],
    ),
    "applicant edited": (
        ["UPDATE applicant SET name = '王五' WHERE id = (SELECT applicant_id FROM application WHERE id = {third})"],
        ["{third_no}：登记信息、申请人"],
    ),
    "shared applicant edited": (
        ["UPDATE applicant SET phone = '999' WHERE id = (SELECT applicant_id FROM application WHERE id = {first})"],
        ["{first_no}：登记信息", "{second_no}：登记信息"],
    ),
    "remedy edited": (
        ["UPDATE remedy_case SET result = 'corrected'"],
        ["{second_no}：登记信息、申请人或复议诉讼记录"],
    ),
    "remedy deleted": (["DELETE FROM remedy_case"], ["{second_no}：登记信息、申请人或复议诉讼记录"]),
    "application inserted": (
        [
            "INSERT INTO application (year, seq, reg_number, channel, arrived_at, receipt_basis, applicant_id, "
            "applicant_kind, applicant_name, content, status, registered_by, created_at, updated_at, "
            "fee_waiver_requested, filled_by_clerk) SELECT year, 77, '〔2026〕第77号', channel, arrived_at, "
            "receipt_basis, applicant_id, applicant_kind, applicant_name, content, status, registered_by, "
            "created_at, updated_at, FALSE, FALSE FROM application WHERE id = {first}"
        ],
        ["登记 〔2026〕第77号：没有封存值", "登记 〔2026〕第77号：没有登记记录"],
    ),
    "application deleted": (["DELETE FROM application WHERE id = {third}"], ["已不在登记表中"]),
    "garbage event date": (["UPDATE event SET event_date = 'garbage' WHERE id = 3"], ["记录 #3：日期无法读取"]),
    "bad event json": (["UPDATE event SET data = '{{bad json' WHERE id = 3"], ["记录 #3：内容（JSON）无法读取"]),
    "garbage application date": (
        ["UPDATE application SET receipt_date = 'soon' WHERE id = {third}"],
        ["表 application 第 {third} 行（登记 {third_no}）“receipt_date”列的值无法读取"],
    ),
    "bytes that are not utf-8 in an event": (
        ["UPDATE event SET note = CAST(X'C3FF' AS TEXT) WHERE id = 3"],
        ["记录 #3：记录内容与其校验值不符"],
    ),
    "bytes that are not utf-8 in an applicant": (
        [
            "UPDATE applicant SET name = CAST(X'C3FF' AS TEXT) "
            "WHERE id = (SELECT applicant_id FROM application WHERE id = {third})"
        ],
        ["{third_no}：登记信息、申请人"],
    ),
    "anchor edited": (
        ["UPDATE setting SET value = json_set(value, '$.count', 3) WHERE key = '" + ANCHOR_KEY + "'"],  # see _PG
        ["审计锚点的签名不符"],
    ),
    "anchor deleted with every event": (
        ["DELETE FROM event", "DELETE FROM setting WHERE key = '" + ANCHOR_KEY + "'"],
        ["锚点可能被删除", "{first_no}：没有登记记录"],
    ),
}


#: The same tampering in PostgreSQL's words where SQLite's differ.
_PG = {
    "anchor edited": [
        "UPDATE setting SET value = jsonb_set(value::jsonb, '{{count}}', '3')::json WHERE key = '" + ANCHOR_KEY + "'"
    ],
}
#: Values a PostgreSQL server refuses to store at all (its column types and its UTF-8 encoding): on a server
#: nobody can write them, so there is nothing for ``check`` to find.
_SQLITE_ONLY = {
    "garbage event date",
    "bad event json",
    "garbage application date",
    "bytes that are not utf-8 in an event",
    "bytes that are not utf-8 in an applicant",
}


@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_check_reports_each_kind_of_tampering_naming_the_record(ctx, cases, how):
    if ctx.db.is_server and how in _SQLITE_ONLY:
        pytest.skip("PostgreSQL 的列类型与 UTF-8 编码拒绝写入这种值，服务器上无从篡改")
    first, second, third = cases
    names = {
        "first": first.id,
        "second": second.id,
        "third": third.id,
        "first_no": first.reg_number,
        "second_no": second.reg_number,
        "third_no": third.reg_number,
    }
    statements, expected = TAMPERING[how]
    if ctx.db.is_server:
        statements = _PG.get(how, statements)
    assert check_database(ctx).verified
    _sql(ctx, *(s.format(**names) for s in statements))
    report = check_database(ctx)
    text = report.summary()
    assert not report.ok, text
    assert "数据存在问题" in text and "发生意外错误" not in text
    for line in expected:
        assert line.format(**names) in text, text


def test_an_event_rewritten_with_a_recomputed_unkeyed_chain_is_found(ctx, cases):
    _first, second, _third = cases
    with ctx.db.session_scope() as s:
        victim = s.execute(
            text("SELECT id FROM event WHERE application_id = :a AND kind = 'decided'"), {"a": second.id}
        ).scalar_one()
    _recompute_unkeyed(ctx, victim, {"outcome": "withheld_internal"})
    report = check_database(ctx)
    assert not report.ok
    assert any(b.event_id == victim and "改动" in b.reason for b in report.chain)
    assert report.anchor  # the anchored head no longer matches the recomputed last hash


def test_without_the_key_the_signature_cannot_be_verified_which_is_not_broken(ctx, cases, tmp_path, monkeypatch):
    monkeypatch.setenv("OGI_DESK_AUDIT_KEY_DIR", str(tmp_path / "another-computer"))
    report = check_database(ctx)
    assert report.ok and not report.verified
    text = report.summary()
    assert NO_KEY in text and "数据存在问题" not in text and "结论：数据完好" not in text
    _sql(ctx, "DELETE FROM event WHERE id = (SELECT max(id) FROM event)")
    broken = check_database(ctx)
    assert not broken.ok and "少了 1 条" in broken.summary()  # the link and count need no key


def test_key_export_and_import_let_another_computer_verify(ctx, cases, tmp_path, monkeypatch):
    from app.services.audit import export_audit_key, import_audit_key

    exported = export_audit_key(tmp_path / "key.txt")
    monkeypatch.setenv("OGI_DESK_AUDIT_KEY_DIR", str(tmp_path / "another-computer"))
    assert not check_database(ctx).verified
    assert len(import_audit_key(exported)) == 1
    assert check_database(ctx).verified
    assert import_audit_key(exported) == []


def _make_legacy(ctx) -> None:
    """The database as an older version of the program left it: unkeyed chain, no anchor, no seals."""
    _sql(ctx, f"DELETE FROM setting WHERE key = '{ANCHOR_KEY}' OR key LIKE '{SEAL_PREFIX}%'")
    _recompute_unkeyed(ctx, -1, {})


def test_an_old_unkeyed_chain_verifies_then_is_keyed_from_the_next_event_on(ctx, cases, clock):
    first, _second, _third = cases
    _make_legacy(ctx)
    report = check_database(ctx)
    assert report.ok and "尚未启用密钥签名" in report.summary()
    before = report.events_checked
    A.record_event(ctx, first.id, EventKind.NOTE, date(2026, 2, 13), note="启用签名后的第一条")
    report = check_database(ctx)
    assert report.verified and report.events_checked == before + 1, report.summary()
    head = chain_head(ctx)
    assert head.keyed and head.count == before + 1
    # the old part still verifies unkeyed; rewriting it (and recomputing it) breaks the link to the keyed part
    _recompute_unkeyed_prefix(ctx, upto=before, victim=2)
    assert not check_database(ctx).ok


def _recompute_unkeyed_prefix(ctx, upto: int, victim: int) -> None:
    raw = _Raw(ctx)
    prev = GENESIS
    for ev_id, app_id, kind, day, recorded, actor, data, note in raw.events(upto):
        note = "改写" if ev_id == victim else note
        fields = hashed_fields(app_id, kind, day, recorded, actor, data, note)
        digest = event_hash(prev, fields)
        raw.run(
            "UPDATE event SET note = :n, prev_hash = :p, hash = :h WHERE id = :i",
            {"n": note, "p": prev, "h": digest, "i": ev_id},
        )
        prev = digest
    raw.close()


def test_a_discrepancy_is_never_healed_by_the_next_append(ctx, cases):
    first, _second, _third = cases
    _sql(ctx, "DELETE FROM event WHERE id = (SELECT max(id) FROM event)")
    A.record_event(ctx, first.id, EventKind.NOTE, date(2026, 2, 13), note="删除之后")
    report = check_database(ctx)
    assert not report.ok
    assert "审计锚点与表中最后一条记录不符" in report.summary()


def test_every_use_case_of_the_desk_keeps_check_intact(ctx, cases, clock, tmp_path):
    """No false alarm: seals and projections follow every legitimate change."""
    from app.domain.codes import ApplicantKind, Channel
    from app.domain.letters import DocumentKind
    from app.services import documents
    from app.services.attachments import AttachmentCategory, add_attachment

    first, second, third = cases
    letter = register_in_person(
        ctx, datetime(2026, 2, 9, 9, 0), clock, name="赵六", channel=Channel.EMAIL, content="第四件"
    )
    clock.value = datetime(2026, 2, 13, 11, 0)
    A.confirm_receipt(ctx, letter.id, datetime(2026, 2, 10, 9, 0), "电话确认")
    A.edit_application(ctx, first.id, {"phone": "13900000000", "applicant_name": "张三丰"}, "申请人来电更正")
    A.correct_particulars(ctx, third.id, A.ParticularsCorrection(applicant_kind=ApplicantKind.OTHER), "类型有误")
    A.correct_particulars(ctx, first.id, A.ParticularsCorrection(id_number="110105194912310037"), "证件号码有误")
    A.record_event(
        ctx,
        second.id,
        EventKind.RECONSIDERATION_DECIDED,
        date(2026, 2, 13),
        P.RemedyDecided(result=P.RemedyResult("upheld")),
    )
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    add_attachment(ctx, third.id, scan, AttachmentCategory.APPLICATION_SCAN)
    documents.issue(ctx, third.id, DocumentKind.APPLICATION_FORM)
    A.void_application(ctx, letter.id, P.VoidReason.MISTAKE, "误登记")
    register_in_person(ctx, datetime(2026, 2, 13, 11, 30), clock, name="张三")  # the shared applicant again
    report = check_database(ctx)
    assert report.verified, report.summary()


def test_a_rewrite_with_the_key_is_invisible_to_the_chain_but_the_backups_remember(ctx, cases):
    """What the key-holder can do (README: what check cannot detect), and the backups' anchors as a witness."""
    from app.domain.audit import Anchor
    from app.services.backup import backup_now
    from app.store.auditkey import own_key
    from app.store.backup import default_backup_dir

    backup_now(ctx.db, f"{default_backup_dir(ctx.db.path)}/", now=datetime(2026, 2, 13, 12, 0))
    _kid, key = own_key()
    raw = _Raw(ctx)
    prev = GENESIS
    for ev_id, app_id, kind, day, recorded, actor, data, note in raw.events():
        note = "改写" if ev_id == 2 else note
        fields = hashed_fields(app_id, kind, day, recorded, actor, data, note)
        digest = event_hash(prev, fields, key)
        raw.run(
            "UPDATE event SET note = :n, prev_hash = :p, hash = :h WHERE id = :i",
            {"n": note, "p": prev, "h": digest, "i": ev_id},
        )
        prev = digest
    value = raw.rows("SELECT value FROM setting WHERE key = :k", {"k": ANCHOR_KEY})[0][0]
    stored = Anchor.from_json(json.loads(value) if isinstance(value, str) else value)
    assert stored is not None
    forged = Anchor(stored.count, stored.last_id, prev, stored.segments, stored.gaps).signed(key)
    raw.run("UPDATE setting SET value = :v WHERE key = :k", {"v": json.dumps(forged.to_json()), "k": ANCHOR_KEY})
    raw.close()
    report = check_database(ctx)
    assert report.ok  # nothing in the database itself can tell
    assert any("与本数据库中的不同" in note for note in report.notes), report.summary()
