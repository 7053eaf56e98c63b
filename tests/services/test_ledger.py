"""Importing and exporting ledgers through the services, against a real SQLite file."""

from __future__ import annotations

import csv
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, select

from app.domain import procedure as P
from app.domain.codes import ApplicantKind, Channel, EventKind, IdDocType, Outcome, PostKind, Status
from app.domain.fees import FeeScheme
from app.domain.ledger import COMPUTED_COLUMNS, EXPORT_COLUMNS, IMPORT_COLUMNS, parse_date
from app.services import applications as A
from app.services.context import ServiceContext
from app.services.ledger import LedgerFileError, export_ledger, import_ledger, read_table, write_template
from app.services.profile import ensure_defaults
from app.store.database import open_database
from app.store.events import check_chain
from app.store.models import Applicant, Application, Event, NumberSequence, RemedyCase
from tests.dbdump import dump_db
from tests.ledger_factory import NOW, generate_ledger, write_csv, write_xlsx

_ID = "11010519491231002X"  # a valid 居民身份证 number (GB 11643)


def _reverse_unordered(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA reverse_unordered_selects=ON")


def make_ctx(path: Path) -> ServiceContext:
    db = open_database(path)
    event.listen(db.engine, "connect", _reverse_unordered)
    db.engine.dispose()
    ctx = ServiceContext(db, now=lambda: NOW)
    ensure_defaults(ctx)
    return ctx


@pytest.fixture
def lctx(database):
    """A context on a fresh database of either engine (tests/conftest.py), at the ledger's fixed "now"."""
    ctx = ServiceContext(database, now=lambda: NOW)
    ensure_defaults(ctx)
    return ctx


@pytest.fixture(scope="module")
def ledger() -> list[dict[str, object]]:
    return generate_ledger(300, seed=3)


def app_summary(ctx: ServiceContext) -> dict[str, tuple]:
    """What an application is, independent of ids, hashes and the file it came from."""
    out: dict[str, tuple] = {}
    with ctx.db.session_scope() as s:
        for app in s.scalars(select(Application).order_by(Application.id)):
            events = tuple(
                (e.kind, e.event_date, tuple(sorted((k, v) for k, v in e.data.items() if k not in ("file", "row"))))
                for e in sorted(app.events, key=lambda e: (e.event_date, e.id))
            )
            remedies = tuple(
                sorted(
                    (r.kind, r.filed_on, r.result)
                    for r in s.scalars(select(RemedyCase).where(RemedyCase.application_id == app.id))
                )
            )
            a = app.applicant
            out[app.reg_number] = (
                app.year,
                app.receipt_date,
                app.channel,
                app.applicant_kind,
                app.applicant_name,
                a.id_doc_type,
                app.applicant_id_number,
                a.phone,
                a.address,
                a.email,
                app.content,
                app.status,
                app.reply_due,
                app.closed_on,
                app.outcome,
                events,
                remedies,
            )
    return out


def test_import_of_a_realistic_ledger_then_export_round_trips(lctx, ledger, tmp_path):
    src = write_xlsx(ledger, tmp_path / "台账.xlsx")
    report = import_ledger(lctx, src)
    assert report.ok, report.summary()
    assert report.imported == len(ledger) == 300 and report.warnings == ()
    with lctx.db.session_scope() as s:
        assert check_chain(s) == []
        years = set(s.scalars(select(Application.year)))
    assert years == set(range(2019, 2027))

    out = tmp_path / "导出.csv"
    assert export_ledger(lctx, out).rows == 300
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    header, rows = read_table(out)
    assert tuple(header) == EXPORT_COLUMNS
    exported = [dict(zip(header, cells, strict=True)) for _, cells in rows]

    # same rows: every generated row comes back (numbers given in the ledger are kept)
    def key(r: dict[str, object]) -> tuple:
        return (parse_date(r["收到日期"]), r["申请人"], str(r["证件号码"]))

    by_key = {key(r): r for r in exported}
    assert len(by_key) == 300
    for original in ledger:
        back = by_key[key(original)]
        if original["登记编号"]:
            assert back["登记编号"] == original["登记编号"]
        else:
            assert back["登记编号"].startswith(f"〔{parse_date(back['收到日期']).year}〕第")
        for column in IMPORT_COLUMNS[1:]:
            want, got = original.get(column), back[column]
            if column == "申请方式":
                want = want or "当面"
            if column == "征求意见对象" and original["征求意见开始"]:
                want = want or "第三方"  # the export names whom was consulted
            if column == "办理结果" and want:
                want = Outcome.from_label(str(want)).label
            if isinstance(want, date):
                assert parse_date(got) == want, (column, original)
            else:
                assert (got or "") == ("" if want is None else str(want)), (column, original)

    # computed columns agree with the service that shows one application
    with lctx.db.session_scope() as s:
        ids = {a.reg_number: a.id for a in s.scalars(select(Application))}
    for r in exported[::7]:
        detail = A.get_application(lctx, ids[r["登记编号"]])
        assert r["状态"] == detail.status.label
        assert (parse_date(r["答复期限"]) if r["答复期限"] else None) == detail.deadlines.reply_due
        assert parse_date(r["补正告知期限"]) == detail.deadlines.correction_notice_due
        due = detail.deadlines.reply_due
        late = due is not None and ((detail.closed_on or NOW.date()) > due)
        assert r["是否超期"] == ("是" if late else "否")
    statuses = {r["状态"] for r in exported}
    assert {"已办结", "办理中"} <= statuses


def test_exported_file_imports_again_into_a_fresh_database_identically(lctx, ledger, tmp_path):
    assert import_ledger(lctx, write_csv(ledger, tmp_path / "a.csv")).ok
    for suffix in (".xlsx", ".csv"):
        out = tmp_path / f"export{suffix}"
        export_ledger(lctx, out)
        other = make_ctx(tmp_path / f"again{suffix}.sqlite")
        report = import_ledger(other, out)
        assert report.ok and report.ignored_columns == COMPUTED_COLUMNS, report.summary()
        assert app_summary(other) == app_summary(lctx)
        other.db.dispose()


def test_gbk_utf8_bom_and_xlsx_variants_import_identically(ledger, tmp_path):
    files = [
        write_csv(ledger, tmp_path / "gbk.csv", encoding="gbk"),
        write_csv(ledger, tmp_path / "gb18030.csv", encoding="gb18030"),
        write_csv(ledger, tmp_path / "bom.csv", encoding="utf-8-sig"),
        write_csv(ledger, tmp_path / "plain.csv", encoding="utf-8"),
        write_xlsx(ledger, tmp_path / "book.xlsx"),
    ]
    assert (tmp_path / "gbk.csv").read_bytes()[:2] != b"\xef\xbb"
    summaries = []
    for path in files:
        ctx = make_ctx(tmp_path / f"{path.stem}.sqlite")
        report = import_ledger(ctx, path)
        assert report.ok, report.summary()
        summaries.append(app_summary(ctx))
        ctx.db.dispose()
    assert all(s == summaries[0] for s in summaries[1:])
    assert len(summaries[0]) == 300


def invalid_ledger(ledger: list[dict[str, object]]) -> list[dict[str, object]]:
    rows = [dict(r) for r in ledger[:40]]
    rows[4]["收到日期"] = "2026-02-30"  # row 6
    rows[9]["申请人类型"] = "个体户"  # row 11
    closed = next(i for i, r in enumerate(rows) if r["答复日期"] and i > 10)
    rows[closed]["答复日期"] = date(2018, 12, 1)  # before receipt
    rows[20]["登记编号"] = rows[21]["登记编号"] = "〔2019〕第99号"  # rows 22 and 23
    return rows


def test_invalid_ledger_imports_nothing_and_lists_every_problem(lctx, ledger, tmp_path):
    A.register_application(
        lctx,
        A.RegistrationInput(
            channel=Channel.IN_PERSON,
            arrived_at=datetime(2026, 11, 19, 9, 0),
            applicant=A.ApplicantInput(
                ApplicantKind.NATURAL_PERSON, "李四", IdDocType.RESIDENT_ID, "11010519491231002X", phone="1"
            ),
            content="x",
        ),
    )
    before = dump_db(lctx.db)
    rows = invalid_ledger(ledger)
    for path in (write_csv(rows, tmp_path / "bad.csv"), write_xlsx(rows, tmp_path / "bad.xlsx")):
        report = import_ledger(lctx, path)
        assert not report.ok and report.imported == 0
        places = [(p.row, p.column) for p in report.problems]
        assert (6, "收到日期") in places and (11, "申请人类型") in places and (23, "登记编号") in places
        assert any(c == "答复日期" and "早于" in p.message for (_, c), p in zip(places, report.problems, strict=True))
        assert "未导入任何数据" in report.summary()
        assert dump_db(lctx.db) == before


def test_number_already_in_the_register_is_refused(lctx, tmp_path):
    rows = generate_ledger(5, seed=1)
    rows[0]["登记编号"], rows[1]["登记编号"], rows[3]["登记编号"] = "A-1", None, "A-3"
    path = write_csv(rows, tmp_path / "a.csv")
    assert import_ledger(lctx, path).ok
    before = dump_db(lctx.db)
    again = import_ledger(lctx, path)
    assert not again.ok
    given = [i + 2 for i, r in enumerate(rows) if r["登记编号"]]
    assert [(p.row, p.column) for p in again.problems if p.column == "登记编号"] == [(r, "登记编号") for r in given]
    assert dump_db(lctx.db) == before


def test_dry_run_writes_nothing(lctx, ledger, tmp_path):
    before = dump_db(lctx.db)
    report = import_ledger(lctx, write_csv(ledger, tmp_path / "a.csv"), dry_run=True)
    assert report.ok and report.dry_run and report.total_rows == 300 and report.imported == 0
    assert "仅校验" in report.summary()
    assert dump_db(lctx.db) == before


def test_warnings_are_listed_and_the_rows_imported(lctx, tmp_path):
    rows = generate_ledger(200, seed=5, late=True)
    rows[0]["证件号码"] = "110105194912310021"  # wrong check character
    report = import_ledger(lctx, write_csv(rows, tmp_path / "late.csv"))
    assert report.ok and report.imported == 200
    columns = {w.column for w in report.warnings}
    assert {"证件号码", "答复日期"} <= columns
    assert (2, "证件号码") in [(w.row, w.column) for w in report.warnings]
    assert "提示" in report.summary()


def test_blank_numbers_continue_the_counter_sequence_and_the_audit_chain(lctx, tmp_path):
    first = A.register_application(
        lctx,
        A.RegistrationInput(
            channel=Channel.IN_PERSON,
            arrived_at=datetime(2026, 11, 2, 9, 0),
            applicant=A.ApplicantInput(ApplicantKind.NATURAL_PERSON, "李四", IdDocType.RESIDENT_ID, _ID, phone="1"),
            content="x",
        ),
    )
    assert first.reg_number == "〔2026〕第1号"
    with lctx.db.session_scope() as s:
        events_before = len(s.scalars(select(Event)).all())
    path = tmp_path / "a.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["收到日期", "申请人类型", "申请人", "申请内容", "登记编号"])
        w.writerow(["2026-11-03", "自然人", "甲", "a", ""])
        w.writerow(["2026-11-02", "自然人", "乙", "b", "〔2026〕第5号"])
        w.writerow(["2026-11-02", "商业企业", "丙公司", "c", ""])
        w.writerow(["2026-11-04", "自然人", "丁", "d", "旧编号-17"])
    report = import_ledger(lctx, path)
    assert report.ok and report.new_numbers == 2, report.summary()
    with lctx.db.session_scope() as s:
        numbers = {a.applicant_name: (a.reg_number, a.seq) for a in s.scalars(select(Application))}
        assert check_chain(s) == []
        assert s.get(NumberSequence, ("registration", 2026)).last == 8
        basis = s.scalar(select(Application.receipt_basis).where(Application.applicant_name == "甲"))
        arrived = s.scalar(select(Application.arrived_at).where(Application.applicant_name == "甲"))
        regs = s.scalar(select(Application.registered_by).where(Application.applicant_name == "甲"))
        n_events = len(s.scalars(select(Event)).all())
    assert numbers["乙"] == ("〔2026〕第5号", 5)
    assert numbers["丙公司"] == ("〔2026〕第6号", 6)  # blank numbers in receipt order after the highest
    assert numbers["甲"] == ("〔2026〕第7号", 7)
    assert numbers["丁"][0] == "旧编号-17"  # a number in another style is kept as written
    assert "台账" in basis and arrived == datetime(2026, 11, 3) and regs == lctx.clerk()
    assert n_events == events_before + 4  # the counter's registration, then one REGISTERED per imported row
    nxt = A.register_application(
        lctx,
        A.RegistrationInput(
            channel=Channel.IN_PERSON,
            arrived_at=datetime(2026, 11, 19, 9, 0),
            applicant=A.ApplicantInput(ApplicantKind.NATURAL_PERSON, "戊", IdDocType.RESIDENT_ID, _ID, phone="1"),
            content="y",
        ),
    )
    assert nxt.reg_number == "〔2026〕第9号"
    with lctx.db.session_scope() as s:
        assert check_chain(s) == []


def test_remedy_cases_and_derived_columns(lctx, tmp_path):
    path = tmp_path / "r.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "收到日期",
                "申请人类型",
                "申请人",
                "申请内容",
                "答复日期",
                "办理结果",
                "行政复议日期",
                "行政复议结果",
                "行政诉讼日期",
                "行政诉讼类型",
                "行政诉讼结果",
                "征求意见开始",
            ]
        )
        w.writerow(
            [
                "2026年2月13日",
                "法律服务机构",
                "某律所",
                "a",
                "2026/3/10",
                "3.危及“三安全一稳定”",
                "2026-04-01",
                "纠正",
                "2026-05-06",
                "直接起诉",
                "",
                "",
            ]
        )
        w.writerow(["2026-11-02", "自然人", "乙", "b", "", "", "", "", "", "", "", "2026-11-10"])
    report = import_ledger(lctx, path)
    assert report.ok, report.summary()
    with lctx.db.session_scope() as s:
        apps = {a.applicant_name: a for a in s.scalars(select(Application))}
        cases = sorted((r.kind, r.filed_on, r.result) for r in s.scalars(select(RemedyCase)))
        law, open_ = apps["某律所"], apps["乙"]
        assert (law.status, law.outcome, law.closed_on, law.reply_due) == (
            Status.CLOSED.value,
            Outcome.WITHHELD_SECURITY_STABILITY.value,
            date(2026, 3, 10),
            date(2026, 3, 19),
        )
        assert (open_.status, open_.reply_due) == (Status.PAUSED.value, None)
    assert cases == [("litigation_direct", date(2026, 5, 6), None), ("reconsideration", date(2026, 4, 1), "corrected")]
    out = tmp_path / "e.csv"
    export_ledger(lctx, out, year=2026)
    _, rows = read_table(out)
    by_name = {cells[4]: dict(zip(EXPORT_COLUMNS, cells, strict=True)) for _, cells in rows}
    assert by_name["乙"]["答复期限"] == "" and by_name["乙"]["状态"] == "暂停计时"
    assert by_name["某律所"]["答复期限"] == "2026-03-19" and by_name["某律所"]["补正告知期限"] == "2026-03-02"
    assert by_name["某律所"]["行政复议结果"] == "纠正" and by_name["某律所"]["行政诉讼类型"] == "直接起诉"
    assert by_name["某律所"]["是否超期"] == "否"


def test_export_year_filter_and_xlsx_cells(lctx, ledger, tmp_path):
    import_ledger(lctx, write_csv(ledger, tmp_path / "a.csv"))
    out = tmp_path / "y.xlsx"
    n = export_ledger(lctx, out, year=2021).rows
    assert n == sum(1 for r in ledger if r["收到日期"].year == 2021) > 0
    _header, rows = read_table(out)
    assert all(parse_date(cells[1]).year == 2021 for _, cells in rows)
    from openpyxl import load_workbook

    ws = load_workbook(out).worksheets[0]
    assert (ws["B1"].value, ws["G1"].value) == ("收到日期", "证件号码")
    received = [ws.cell(row=r, column=2).value for r in range(2, n + 2)]
    assert all(isinstance(v, datetime) and v.year == 2021 for v in received)  # real date cells
    numbers = [ws.cell(row=r, column=7).value for r in range(2, n + 2)]
    given = {str(r["证件号码"]) for r in ledger if r["证件号码"]}
    assert any(numbers) and all(v is None or (isinstance(v, str) and v in given) for v in numbers)  # text, not 1.1e17


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_template_validates(lctx, tmp_path, suffix):
    path = tmp_path / f"模板{suffix}"
    write_template(path)
    report = import_ledger(lctx, path, dry_run=True)
    assert report.ok and report.total_rows == 1 and report.warnings == ()


def test_unreadable_files(lctx, tmp_path):
    with pytest.raises(LedgerFileError) as err:
        import_ledger(lctx, tmp_path / "a.txt")
    assert str(err.value) == "不支持的文件类型“.txt”，请使用 .xlsx 或 .csv 文件"
    (tmp_path / "x.xls").write_bytes(b"\xd0\xcf")
    with pytest.raises(LedgerFileError) as err:
        import_ledger(lctx, tmp_path / "x.xls")
    assert str(err.value) == "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx（Excel 工作簿）后再导入"
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(LedgerFileError) as err:
        import_ledger(lctx, tmp_path / "broken.xlsx")
    assert str(err.value).startswith(
        f"无法读取 Excel 文件（文件可能已损坏或不是 .xlsx 格式）：{tmp_path / 'broken.xlsx'}"
    )
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(LedgerFileError) as err:
        import_ledger(lctx, tmp_path / "empty.csv")
    assert str(err.value) == "文件是空的：没有表头行"
    with pytest.raises(LedgerFileError) as err:
        import_ledger(lctx, tmp_path / "missing.csv")
    assert str(err.value) == f"找不到文件：{tmp_path / 'missing.csv'}"


def test_header_only_file_is_a_problem_not_a_crash(lctx, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text(",".join(IMPORT_COLUMNS) + "\n", encoding="utf-8")
    report = import_ledger(lctx, path)
    assert not report.ok and "没有数据行" in report.summary()


def test_progress_is_reported(lctx, ledger, tmp_path):
    seen: list[tuple[str, int, int]] = []
    rows = ledger * 2
    for i, r in enumerate(rows):
        r = rows[i] = dict(r)
        r["登记编号"] = None
    import_ledger(lctx, write_csv(rows, tmp_path / "a.csv"), progress=lambda *a: seen.append(a))
    stages = [s for s, _, _ in seen]
    assert stages[0] == "read" and "validate" in stages and "write" in stages and stages[-1] == "commit"
    assert ("validate", 500, 600) in seen


def test_xlsx_with_blank_lines_reports_excel_row_numbers(lctx, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["收到日期", "申请人类型", "申请人", "申请内容"])
    ws.append([datetime(2026, 3, 5), "自然人", "甲", "a"])
    ws.append([])
    ws.append([])
    ws.append(["2026/3/6", "外星人", "乙", "b"])
    wb.save(tmp_path / "gap.xlsx")
    report = import_ledger(lctx, tmp_path / "gap.xlsx")
    assert [(p.row, p.column) for p in report.problems] == [(5, "申请人类型")]


def test_file_copied_from_elsewhere_keeps_working(lctx, ledger, tmp_path):
    src = write_csv(ledger[:3], tmp_path / "a.csv")
    copy = tmp_path / "sub" / "副本.CSV"
    copy.parent.mkdir()
    shutil.copy(src, copy)
    assert import_ledger(lctx, copy).ok


# ------------------------------------------------------------------ review findings (numbers, export, applicants)


def _csv(path: Path, header: list[str], *rows: list[object]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _counter(ctx: ServiceContext, year: int) -> int:
    with ctx.db.session_scope() as s:
        row = s.get(NumberSequence, ("registration", year))
        return row.last if row else 0


def _person(name: str = "戊") -> A.RegistrationInput:
    return A.RegistrationInput(
        channel=Channel.IN_PERSON,
        arrived_at=datetime(2026, 11, 19, 9, 0),
        applicant=A.ApplicantInput(ApplicantKind.NATURAL_PERSON, name, IdDocType.RESIDENT_ID, _ID, phone="1"),
        content="y",
    )


def test_an_imported_number_of_another_year_moves_that_years_counter(lctx, tmp_path):
    # a letter numbered in 2025 (the year it arrived) but received on 2026-01-05
    path = _csv(
        tmp_path / "y.csv",
        ["登记编号", "收到日期", "申请人类型", "申请人", "申请内容"],
        ["〔2026〕第1号", "2026-01-05", "自然人", "甲", "a"],
        ["〔2026〕第3号", "2025-12-30", "自然人", "乙", "b"],  # numbered in 2026, received the year before
    )
    report = import_ledger(lctx, path)
    assert report.ok, report.summary()
    assert _counter(lctx, 2026) == 3  # moved past the number written, not by the receipt year
    with lctx.db.session_scope() as s:
        assert s.scalar(select(Application.year).where(Application.applicant_name == "乙")) == 2026
    numbers = [A.register_application(lctx, _person(n)).reg_number for n in ("丙", "丁")]
    assert numbers == ["〔2026〕第4号", "〔2026〕第5号"]


def test_blank_numbers_never_reuse_a_number_text_in_use(lctx, tmp_path):
    path = _csv(
        tmp_path / "n.csv",
        ["登记编号", "收到日期", "申请人类型", "申请人", "申请内容"],
        ["", "2026-03-02", "自然人", "甲", "a"],
        ["〔2026〕第1号", "2025-12-31", "自然人", "乙", "b"],  # another year's row holding 2026's first number
    )
    assert import_ledger(lctx, path).ok
    with lctx.db.session_scope() as s:
        numbers = sorted(s.scalars(select(Application.reg_number)))
    assert numbers == ["〔2026〕第1号", "〔2026〕第2号"]


def _core(t: tuple) -> tuple:
    """An application summary without event data (a counter registration and an import record differently;
    the identity check at the counter is no ledger column)."""
    return (*t[:15], tuple((k, d) for k, d, _ in t[15] if k != EventKind.IDENTITY_CHECKED.value), t[16])


def _round_trip(ctx: ServiceContext, tmp_path: Path, suffix: str = ".csv", year: int | None = None):
    out = tmp_path / f"out{suffix}"
    report = export_ledger(ctx, out, year=year)
    fresh = make_ctx(tmp_path / "fresh.sqlite")
    try:
        imported = import_ledger(fresh, out)
        assert imported.ok, imported.summary()
        return report, app_summary(ctx), app_summary(fresh), fresh
    finally:
        fresh.db.dispose()


def test_awaiting_confirmation_is_exported_with_its_arrival_date_and_imports_again(lctx, tmp_path):
    pending = A.register_application(
        lctx,
        A.RegistrationInput(
            channel=Channel.LETTER,
            post_kind=PostKind.ORDINARY,
            arrived_at=datetime(2026, 11, 17, 10, 0),
            applicant=A.ApplicantInput(ApplicantKind.NATURAL_PERSON, "待确认人", phone="1"),
            content="某文件",
        ),
    )
    assert pending.receipt_date is None
    A.register_application(lctx, _person())
    for suffix in (".csv", ".xlsx"):
        (tmp_path / suffix[1:]).mkdir()
        report, before, after, _ = _round_trip(lctx, tmp_path / suffix[1:], suffix)
        assert report.rows == 2 and report.warnings == ()
        row = before[pending.reg_number]
        back = after[pending.reg_number]
        assert back[1] is None and back[11] == Status.AWAITING_CONFIRMATION.value
        assert back[:12] == row[:12]
    # a per-year export keeps the 待确认 case (its year is the arrival year)
    out = tmp_path / "2026.csv"
    assert export_ledger(lctx, out, year=2026).rows == 2
    header, rows = read_table(out)
    cells = dict(zip(header, next(c for _, c in rows if c[0] == pending.reg_number), strict=True))
    assert cells["收到日期"] == "" and cells["到达日期"] == "2026-11-17" and cells["状态"] == "待确认收到"


def test_a_pending_row_may_not_carry_clock_dates(lctx, tmp_path):
    path = _csv(
        tmp_path / "p.csv",
        ["收到日期", "到达日期", "申请人类型", "申请人", "申请内容", "答复日期", "办理结果"],
        ["", "2026-03-02", "自然人", "甲", "a", "2026-03-20", "予以公开"],
        ["", "", "自然人", "乙", "b", "", ""],
    )
    report = import_ledger(lctx, path)
    assert not report.ok
    text = report.summary()
    assert "第 2 行“答复日期”列" in text and "第 3 行“收到日期”列：必填项为空" in text


#: What each step carries when a test records it at the counter (the dialog always fills these in).
_COUNTER_PAYLOADS = {
    EventKind.FEE_NOTICE_SENT: P.FeeNotice(scheme=FeeScheme.PER_PAGE, quantity=40, amount_yuan=100),
    EventKind.AGENCY_CONSULTATION_ENDED: P.ConsultationEnded(how=P.ConsultationEnding.ANSWERED),
    EventKind.THIRD_PARTY_CONSULTATION_ENDED: P.ConsultationEnded(how=P.ConsultationEnding.ANSWERED),
}


def _record(ctx: ServiceContext, app_id: int, *events: tuple[EventKind, date]) -> None:
    for kind, day in events:
        A.record_event(ctx, app_id, kind, day, _COUNTER_PAYLOADS.get(kind))


def test_repeated_pauses_are_named_in_a_warning_and_the_due_date_column_is_true(lctx, tmp_path):
    reg = A.register_application(
        lctx,
        A.RegistrationInput(
            channel=Channel.IN_PERSON,
            arrived_at=datetime(2026, 9, 1, 9, 0),
            applicant=A.ApplicantInput(ApplicantKind.NATURAL_PERSON, "两次收费", IdDocType.RESIDENT_ID, _ID, phone="1"),
            content="x",
        ),
    )
    _record(
        lctx,
        reg.id,
        (EventKind.FEE_NOTICE_SENT, date(2026, 9, 3)),
        (EventKind.FEE_PAID, date(2026, 9, 8)),
        (EventKind.FEE_NOTICE_SENT, date(2026, 9, 10)),
        (EventKind.FEE_PAID, date(2026, 9, 15)),
    )
    with lctx.db.session_scope() as s:
        true_due = s.get(Application, reg.id).reply_due
    out = tmp_path / "fee.csv"
    report = export_ledger(lctx, out)
    assert len(report.warnings) == 1 and reg.reg_number in report.warnings[0] and "收费 2 次" in report.warnings[0]
    assert reg.reg_number in report.summary()
    header, rows = read_table(out)
    cells = dict(zip(header, rows[0][1], strict=True))
    assert parse_date(cells["答复期限"]) == true_due


def test_another_agencys_consultation_comes_back_as_such(lctx, tmp_path):
    reg = A.register_application(
        lctx,
        A.RegistrationInput(
            channel=Channel.IN_PERSON,
            arrived_at=datetime(2026, 9, 1, 9, 0),
            applicant=A.ApplicantInput(ApplicantKind.NATURAL_PERSON, "会商", IdDocType.RESIDENT_ID, _ID, phone="1"),
            content="x",
        ),
    )
    _record(
        lctx,
        reg.id,
        (EventKind.AGENCY_CONSULTATION_STARTED, date(2026, 9, 3)),
        (EventKind.AGENCY_CONSULTATION_ENDED, date(2026, 9, 10)),
    )
    report, before, after, _ = _round_trip(lctx, tmp_path)
    assert report.warnings == ()
    assert _core(after[reg.reg_number]) == _core(before[reg.reg_number])
    assert EventKind.AGENCY_CONSULTATION_STARTED.value in {e[0] for e in after[reg.reg_number][-2]}


def test_the_same_person_twice_with_other_contact_details_keeps_both(lctx, tmp_path):
    header = ["收到日期", "申请人类型", "申请人", "证件号码", "联系电话", "通讯地址", "申请内容"]
    path = _csv(
        tmp_path / "same.csv",
        header,
        ["2026-03-02", "自然人", "张三", "11010519491231002X", "13800000001", "甲路1号", "a"],
        ["2026-04-02", "自然人", "张三", "11010519491231002X", "13900000002", "乙路2号", "b"],
        ["2026-05-02", "自然人", "张三", "11010519491231002X", "", "", "c"],  # nothing new: the first record
    )
    assert import_ledger(lctx, path).ok
    with lctx.db.session_scope() as s:
        got = {
            a.content: (a.applicant.phone, a.applicant.address, a.applicant_id) for a in s.scalars(select(Application))
        }
        given = {a.content: a.applicant_snapshot for a in s.scalars(select(Application))}
        people = s.execute(
            select(Applicant.id, Applicant.phone, Applicant.address)
            .where(Applicant.id_number == "11010519491231002X")
            .order_by(Applicant.id)
        ).all()
    assert got["a"][:2] == ("13800000001", "甲路1号")
    assert got["b"][:2] == ("13900000002", "乙路2号")
    # two applicant rows for the number: one per set of contact details; the row with nothing new reuses the first
    assert [tuple(p) for p in people] == [
        (got["a"][2], "13800000001", "甲路1号"),
        (got["b"][2], "13900000002", "乙路2号"),
    ]
    assert got["c"][2] == got["a"][2] != got["b"][2]
    blank = {"legal_representative": "", "contact_person": "", "postcode": "", "email": ""}
    assert given == {
        "a": {**blank, "phone": "13800000001", "address": "甲路1号"},
        "b": {**blank, "phone": "13900000002", "address": "乙路2号"},
        "c": {**blank, "phone": "", "address": ""},
    }


def test_csv_cells_that_excel_would_run_are_quoted_and_read_back(lctx, tmp_path):
    path = _csv(
        tmp_path / "f.csv",
        ["收到日期", "申请人类型", "申请人", "联系电话", "申请内容", "延期工作日"],
        ["2026-03-02", "自然人", '=HYPERLINK("x")', "+86 13800000000", "@SUM(A1)", ""],
    )
    assert import_ledger(lctx, path).ok
    out = tmp_path / "out.csv"
    export_ledger(lctx, out)
    raw = out.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in raw and "'+86 13800000000" in raw and "'@SUM(A1)" in raw
    header, rows = read_table(out)
    cells = dict(zip(header, rows[0][1], strict=True))
    assert cells["申请人"] == '=HYPERLINK("x")' and cells["联系电话"] == "+86 13800000000"
    assert cells["申请内容"] == "@SUM(A1)"
    _, before, after, _ = _round_trip(lctx, tmp_path)
    assert [_core(t) for t in after.values()] == [_core(t) for t in before.values()]


def test_importing_the_same_unnumbered_rows_again_is_refused_unless_allowed(lctx, tmp_path):
    rows = generate_ledger(5, seed=3)
    for r in rows:
        r["登记编号"] = ""
    path = write_csv(rows, tmp_path / "once.csv")
    first = import_ledger(lctx, path)
    assert first.ok and not any("重复导入" in w.message for w in first.warnings)
    again = import_ledger(lctx, path, dry_run=True)
    repeats = [p for p in again.problems if "重复导入" in p.message]
    assert [p.row for p in repeats] == [2, 3, 4, 5, 6] and not again.ok and again.repeats == 5
    assert "--allow-repeats" in again.summary()
    allowed = import_ledger(lctx, path, dry_run=True, allow_repeats=True)
    assert allowed.ok and [w.row for w in allowed.warnings if "重复导入" in w.message] == [2, 3, 4, 5, 6]
