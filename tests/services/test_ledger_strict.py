"""A ledger import that never loses or invents: strict files, numbers, repeats, text, bounds, interrupts.

Every file here is generated in the test (no large files are kept in the repository).
"""

from __future__ import annotations

import csv
import tracemalloc
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app import cli
from app.domain.codes import ApplicantKind, Channel, IdDocType
from app.services import applications as A
from app.services import ledger as L
from app.services.errors import ValidationError
from app.services.ledger import (
    ImportInterrupted,
    LedgerFileError,
    SheetChoiceNeeded,
    export_ledger,
    import_ledger,
    read_table,
)
from app.store.models import Application, Event, NumberSequence
from tests.ledger_factory import generate_ledger, write_csv, write_workbook, write_xlsx
from tests.services.test_ledger import make_ctx

ID = "370305199401059736"  # a valid 居民身份证 number (GB 11643)
HEADER = ["登记编号", "收到日期", "申请人类型", "申请人", "证件号码", "申请内容"]


@pytest.fixture
def lctx(tmp_path: Path):
    ctx = make_ctx(tmp_path / "t.sqlite")
    yield ctx
    ctx.db.dispose()


def _csv(path: Path, *lines: str, bom: bool = True) -> Path:
    path.write_bytes(("\ufeff" if bom else "").encode() + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    return path


def _rows(path: Path, header: list[str], *rows: list[object]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _count(ctx) -> int:
    with ctx.db.session_scope() as s:
        return s.scalar(select(func.count(Application.id))) or 0


def _counter(ctx, year: int) -> int:
    with ctx.db.session_scope() as s:
        row = s.get(NumberSequence, ("registration", year))
        return row.last if row else 0


def _events(ctx) -> int:
    with ctx.db.session_scope() as s:
        return s.scalar(select(func.count(Event.id))) or 0


# ------------------------------------------------------------------------------------------------ CSV


def test_an_unterminated_quote_refuses_the_file_naming_its_row(lctx, tmp_path):
    rows = generate_ledger(40, seed=5)
    path = write_csv(rows, tmp_path / "q.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[31] = lines[31].replace(",", ',"', 4)  # row 32 opens a quote that is never closed
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    with pytest.raises(LedgerFileError, match="第 32 行") as caught:
        import_ledger(lctx, path, dry_run=True)
    assert "引号" in str(caught.value)
    with pytest.raises(LedgerFileError):
        import_ledger(lctx, path)
    assert _count(lctx) == 0


def test_a_quote_in_the_middle_of_a_quoted_cell_is_refused(lctx, tmp_path):
    path = _csv(tmp_path / "m.csv", ",".join(HEADER), '〔2026〕第1号,2026-03-02,自然人,"张"三",,"内容"')
    with pytest.raises(LedgerFileError, match="第 2 行"):
        import_ledger(lctx, path)


@pytest.mark.parametrize("extra", [",多出", ""])
def test_a_ragged_row_refuses_the_file(lctx, tmp_path, extra):
    good = "〔2026〕第1号,2026-03-02,自然人,张三,,内容"
    short = "〔2026〕第2号,2026-03-03,自然人,李四,"  # one cell short
    path = _csv(tmp_path / "r.csv", ",".join(HEADER), good, good.replace("1号", "3号") + extra if extra else short)
    with pytest.raises(LedgerFileError, match="CSV 文件第 3 行有") as caught:
        import_ledger(lctx, path)
    assert ("没有列名" in str(caught.value)) == bool(extra)
    assert _count(lctx) == 0


def test_a_cell_under_an_empty_header_is_a_problem_of_its_row(lctx, tmp_path):
    path = _rows(
        tmp_path / "u.csv",
        ["收到日期", "申请人类型", "申请人", "", "申请内容"],
        ["2026-03-02", "自然人", "张三", "", "a"],
        ["2026-03-03", "自然人", "李四", "丢不得的内容", "b"],
    )
    report = import_ledger(lctx, path)
    assert not report.ok and _count(lctx) == 0
    assert [(p.row, "第 D 列" in p.message) for p in report.problems] == [(3, True)]


def test_a_leading_apostrophe_is_kept_in_a_csv_we_did_not_write(lctx, tmp_path):
    foreign = _rows(
        tmp_path / "f.csv", ["收到日期", "申请人类型", "申请人", "申请内容"], ["2026-03-02", "自然人", "'=张三", "'+1"]
    )
    assert import_ledger(lctx, foreign).ok
    with lctx.db.session_scope() as s:
        assert s.execute(select(Application.applicant_name, Application.content)).one() == ("'=张三", "'+1")


def test_our_own_export_still_reads_back_its_quoted_cells(lctx, tmp_path):
    path = _rows(
        tmp_path / "o.csv", ["收到日期", "申请人类型", "申请人", "申请内容"], ["2026-03-02", "自然人", "=甲", "@乙"]
    )
    assert import_ledger(lctx, path).ok
    out = tmp_path / "export.csv"
    export_ledger(lctx, out)
    assert "'=甲" in out.read_text(encoding="utf-8-sig")
    _header, rows = read_table(out)
    assert "=甲" in rows[0][1] and "@乙" in rows[0][1]


def test_an_over_long_csv_field_is_a_chinese_message_with_its_row(lctx, tmp_path):
    path = _csv(tmp_path / "long.csv", ",".join(HEADER), "〔2026〕第1号,2026-03-02,自然人,张三,," + "长" * 200_000)
    with pytest.raises(LedgerFileError, match="第 2 行") as caught:
        import_ledger(lctx, path)
    assert "字符" in str(caught.value) and "field" not in str(caught.value)


# ------------------------------------------------------------------------------------------------ XLSX


def test_a_second_worksheet_with_the_same_header_is_imported_too(lctx, tmp_path):
    first, second = generate_ledger(6, seed=1), generate_ledger(4, seed=2)
    for r in first + second:
        r["登记编号"] = ""
    path = write_workbook({"2025": first, "2026": second}, tmp_path / "two.xlsx")
    report = import_ledger(lctx, path)
    assert report.ok and report.imported == 10, report.summary()
    assert any("“2025”" in n and "“2026”" in n for n in report.notes)


def test_worksheets_with_other_headers_refuse_the_file_unless_one_is_chosen(lctx, tmp_path):
    rows = generate_ledger(5, seed=1)
    path = write_workbook({"台账": rows, "说明": [["填写说明"], ["日期写成 2026-03-05"]]}, tmp_path / "mixed.xlsx")
    with pytest.raises(SheetChoiceNeeded) as caught:
        import_ledger(lctx, path, dry_run=True)
    assert caught.value.sheets == ("台账", "说明") and "说明" in str(caught.value)
    assert _count(lctx) == 0
    report = import_ledger(lctx, path, sheet="台账")
    assert report.ok and report.imported == 5
    with pytest.raises(LedgerFileError, match="没有名为"):
        import_ledger(lctx, path, sheet="不存在")


def test_the_cli_chooses_a_sheet(tmp_path):
    db = tmp_path / "c.sqlite"
    path = write_workbook({"台账": generate_ledger(3, seed=4), "说明": [["填写说明"], ["略"]]}, tmp_path / "cli.xlsx")
    assert cli.main(["--db", str(db), "ledger", "import", str(path), "--create"]) == 1
    assert cli.main(["--db", str(db), "ledger", "import", str(path), "--sheet", "台账"]) == 0


def test_a_numeric_id_cell_is_refused_with_a_hint_and_never_shown_in_full(lctx, tmp_path):
    rows = generate_ledger(3, seed=1)
    rows[1]["证件号码"] = int(ID)  # what Excel keeps of it: 370305199401059000 shown, digits lost
    rows[2]["联系电话"] = 5332345678.0
    path = write_xlsx(rows, tmp_path / "n.xlsx")
    report = import_ledger(lctx, path)
    assert not report.ok and _count(lctx) == 0
    messages = {(p.row, p.column): p.message for p in report.problems}
    assert "文本" in messages[(3, "证件号码")] and "文本" in messages[(4, "联系电话")]
    assert ID not in report.summary() and ID[:-4] not in report.summary()


def test_an_xfd_wide_sheet_is_refused_without_spending_memory(lctx, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in range(2, 402):
        ws.cell(r, 2, "2026-03-02")
        ws.cell(r, 16384, "x")  # column XFD, the last one Excel has
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    assert path.stat().st_size < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(LedgerFileError, match="XFD"):
            import_ledger(lctx, path)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000


def test_a_style_far_to_the_right_without_a_value_is_harmless(lctx, tmp_path):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = generate_ledger(2, seed=1)
    path = write_xlsx(rows, tmp_path / "styled.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.active.cell(2, 16000).font = Font(bold=True)
    wb.save(path)
    assert Workbook  # imported for symmetry with the test above
    assert import_ledger(lctx, path).ok


# ------------------------------------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("〔9999〕第1号", "年份 9999"),
        ("〔1999〕第1号", "年份 1999"),
        ("〔2026〕第0号", "序号"),
        ("〔2026〕第99999999999999999999号", "序号"),
        ("〔2026〕第100000号", "多出"),
    ],
)
def test_an_impossible_or_far_jumping_number_is_refused_and_moves_no_counter(lctx, tmp_path, number, why):
    path = _rows(tmp_path / "n.csv", HEADER, [number, "2026-03-02", "自然人", "张三", "", "内容"])
    dry = import_ledger(lctx, path, dry_run=True)
    real = import_ledger(lctx, path)
    assert [str(p) for p in dry.problems] == [str(p) for p in real.problems]
    assert len(real.problems) == 1 and why in real.problems[0].message and real.problems[0].row == 2
    assert _count(lctx) == 0 and _counter(lctx, 2026) == 0 and _counter(lctx, 9999) == 0


def test_a_jump_may_be_allowed_explicitly(lctx, tmp_path):
    path = _rows(tmp_path / "j.csv", HEADER, ["〔2026〕第20000号", "2026-03-02", "自然人", "张三", "", "内容"])
    refused = import_ledger(lctx, path)
    assert refused.number_jumps == 1 and "--allow-number-jump" in refused.summary()
    assert import_ledger(lctx, path, allow_number_jump=True).ok
    assert _counter(lctx, 2026) == 20000


def test_a_dense_long_numbering_is_no_jump(lctx, tmp_path):
    rows = [[f"〔2026〕第{n}号", "2026-03-02", "自然人", f"人{n}", "", "内容"] for n in range(1, 30_001, 2_000)]
    assert import_ledger(lctx, _rows(tmp_path / "d.csv", HEADER, *rows), dry_run=True).ok


def test_the_cli_allows_a_jump_only_when_told(tmp_path):
    db = tmp_path / "c.sqlite"
    path = _rows(tmp_path / "j.csv", HEADER, ["〔2026〕第20000号", "2026-03-02", "自然人", "张三", "", "内容"])
    assert cli.main(["--db", str(db), "ledger", "import", str(path), "--create"]) == 1
    assert cli.main(["--db", str(db), "ledger", "import", str(path), "--allow-number-jump"]) == 0


# ------------------------------------------------------------------------------------------------ repeats


def test_the_same_ledger_twice_is_refused_naming_the_rows(lctx, tmp_path):
    rows = generate_ledger(30, seed=8)
    path = write_csv(rows, tmp_path / "l.csv")
    assert import_ledger(lctx, path).imported == 30
    again = import_ledger(lctx, path)
    assert not again.ok and _count(lctx) == 30
    assert {p.row for p in again.problems} == set(range(2, 32))
    allowed = import_ledger(lctx, path, allow_repeats=True)  # numbers already registered stay refused
    assert not allowed.ok and all("已在系统中登记" in p.message for p in allowed.problems if p.column == "登记编号")


def test_the_cli_allows_repeats_only_when_told(tmp_path):
    db = tmp_path / "c.sqlite"
    rows = generate_ledger(4, seed=8)
    for r in rows:
        r["登记编号"] = ""
    path = write_csv(rows, tmp_path / "l.csv")
    assert cli.main(["--db", str(db), "ledger", "import", str(path), "--create"]) == 0
    assert cli.main(["--db", str(db), "ledger", "import", str(path)]) == 1
    assert cli.main(["--db", str(db), "ledger", "import", str(path), "--allow-repeats"]) == 0


# ------------------------------------------------------------------------------------------------ text


def test_control_and_zero_width_characters(lctx, tmp_path):
    path = _rows(
        tmp_path / "t.csv",
        ["收到日期", "申请人类型", "申请人", "申请内容"],
        ["2026-03-02", "自然人", "\u200b\u200d", "a"],
        ["2026-03-02", "自然人", "张\u200b三", "b\x00c"],
        ["2026-03-02", "自然人", "李四", "第一行\x0b第二行"],
        ["2026-03-02", "自然人", "王\x1b五", "x"],
    )
    report = import_ledger(lctx, path)
    problems = {(p.row, p.column): p.message for p in report.problems}
    assert problems[(2, "申请人")] == "必填项为空"  # only zero-width characters: empty
    assert "U+0000" in problems[(3, "申请内容")] and (3, "申请人") not in problems
    assert "U+000B" in problems[(4, "申请内容")] and "U+001B" in problems[(5, "申请人")]
    ok = _rows(
        tmp_path / "ok.csv",
        ["收到日期", "申请人类型", "申请人", "申请内容"],
        ["2026-03-02", "自然人", "张\u200b三", "一\r\n二"],
    )
    assert import_ledger(lctx, ok).ok
    with lctx.db.session_scope() as s:
        assert s.execute(select(Application.applicant_name, Application.content)).one() == ("张三", "一\n二")


def test_over_long_cells_are_refused(lctx, tmp_path):
    path = _rows(
        tmp_path / "l.csv",
        ["收到日期", "申请人类型", "申请人", "申请内容"],
        ["2026-03-02", "自然人", "张" * 201, "a"],
        ["2026-03-02", "自然人", "李四", "内" * 10_001],
    )
    report = import_ledger(lctx, path)
    assert [(p.row, p.column) for p in report.problems] == [(2, "申请人"), (3, "申请内容")]
    assert "200" in report.problems[0].message and "10000" in report.problems[1].message


def _registration(name: str, content: str) -> A.RegistrationInput:
    return A.RegistrationInput(
        channel=Channel.IN_PERSON,
        arrived_at=datetime(2026, 11, 19, 9, 0),
        applicant=A.ApplicantInput(ApplicantKind.NATURAL_PERSON, name, IdDocType.RESIDENT_ID, ID, phone="1"),
        content=content,
    )


def test_the_form_gets_the_same_rule_through_the_service(lctx):
    with pytest.raises(ValidationError) as caught:
        A.register_application(lctx, _registration("\u200b", "x\x00"))
    text_ = str(caught.value)
    assert "请填写申请人" in text_ and "U+0000" in text_
    with pytest.raises(ValidationError, match="10000"):
        A.register_application(lctx, _registration("张三", "长" * 10_001))
    done = A.register_application(lctx, _registration("张\u200b三", "内容"))
    with lctx.db.session_scope() as s:
        assert s.get(Application, done.id).applicant_name == "张三"
    with pytest.raises(ValidationError, match=r"U\+001B"):
        A.edit_application(lctx, done.id, {"address": "某路\x1b1号"}, "更正地址")


def test_export_never_cuts_and_never_breaks_on_stored_control_characters(lctx, tmp_path):
    path = _rows(
        tmp_path / "a.csv", ["收到日期", "申请人类型", "申请人", "申请内容"], ["2026-03-02", "自然人", "甲", "a"]
    )
    assert import_ledger(lctx, path).ok
    with lctx.db.session_scope() as s:  # data stored before the rule existed
        s.execute(text("UPDATE application SET content = :c, applicant_name = :n"), {"c": "前\x0b后", "n": "甲\x1b"})
    report = export_ledger(lctx, tmp_path / "c.xlsx")
    assert any("控制字符" in w and "申请内容" in w for w in report.warnings)
    _header, rows = read_table(tmp_path / "c.xlsx")
    assert "前后" in rows[0][1] and "甲" in rows[0][1]
    with lctx.db.session_scope() as s:
        s.execute(text("UPDATE application SET content = :c"), {"c": "长" * 40_000})
    with pytest.raises(LedgerFileError, match="32767"):
        export_ledger(lctx, tmp_path / "long.xlsx")
    assert not (tmp_path / "long.xlsx").exists()
    export_ledger(lctx, tmp_path / "long.csv")
    assert ("长" * 40_000) in (tmp_path / "long.csv").read_text(encoding="utf-8-sig")


# ------------------------------------------------------------------------------------------------ privacy


def test_messages_mask_identity_numbers_and_birth_dates(lctx, tmp_path):
    bad = ID[:-1] + "0"  # wrong check digit
    path = _rows(
        tmp_path / "p.csv",
        ["收到日期", "申请人类型", "申请人", "证件号码", "申请内容", "答复日期"],
        ["2026-03-02", "自然人", "张三", bad, "a", ""],
        [ID, "自然人", "李四", "", "b", ""],  # an ID number pasted into a date column
    )
    report = import_ledger(lctx, path)
    summary = report.summary()
    assert ID not in summary and bad not in summary and "19940105" not in summary
    assert "370305********" in summary


# ------------------------------------------------------------------------------------------------ dry run, interrupt


def test_the_dry_run_runs_the_same_checks_and_writes_nothing(lctx, tmp_path):
    rows = generate_ledger(20, seed=9)
    path = write_csv(rows, tmp_path / "l.csv")
    before = (_count(lctx), _events(lctx), _counter(lctx, 2026))
    dry = import_ledger(lctx, path, dry_run=True)
    assert dry.ok and (_count(lctx), _events(lctx), _counter(lctx, 2026)) == before
    assert import_ledger(lctx, path).ok


def test_an_interrupt_before_the_commit_says_nothing_was_saved(lctx, tmp_path, monkeypatch):
    path = write_csv(generate_ledger(10, seed=9), tmp_path / "l.csv")

    def boom(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(L.EventChain, "flush", boom)  # inside the write transaction
    with pytest.raises(ImportInterrupted) as caught:
        import_ledger(lctx, path)
    assert caught.value.committed is False and "未作改动" in str(caught.value)
    assert _count(lctx) == 0


def test_an_interrupt_after_the_commit_says_the_rows_were_saved(lctx, tmp_path, monkeypatch, capsys):
    path = write_csv(generate_ledger(10, seed=9), tmp_path / "l.csv")
    real_report = L.ImportReport

    def boom(*args, **kwargs):
        if not args[3] and args[2]:  # a real import that wrote rows: the commit is behind us
            raise KeyboardInterrupt
        return real_report(*args, **kwargs)

    monkeypatch.setattr(L, "ImportReport", boom)
    with pytest.raises(ImportInterrupted) as caught:
        import_ledger(lctx, path)
    assert caught.value.committed is True and caught.value.rows == 10 and "已经完成" in str(caught.value)
    assert _count(lctx) == 10


def test_the_cli_reports_the_truth_after_an_interrupt(tmp_path, monkeypatch, capsys):
    db = tmp_path / "c.sqlite"
    path = write_csv(generate_ledger(5, seed=9), tmp_path / "l.csv")
    real_report = L.ImportReport

    def boom(*args, **kwargs):
        if not args[3] and args[2]:
            raise KeyboardInterrupt
        return real_report(*args, **kwargs)

    monkeypatch.setattr(L, "ImportReport", boom)
    assert cli.main(["--db", str(db), "ledger", "import", str(path), "--create"]) == 130
    err = capsys.readouterr().err
    assert "已经完成" in err and "未作改动" not in err


def test_the_cli_reports_the_truth_when_the_interrupt_falls_after_the_import_returned(tmp_path, monkeypatch, capsys):
    db = tmp_path / "c.sqlite"
    path = write_csv(generate_ledger(5, seed=9), tmp_path / "l.csv")

    def boom(*args, **kwargs):
        if "file" not in kwargs:  # the summary on stdout: Ctrl+C while it is being printed
            raise KeyboardInterrupt
        print(*args, **kwargs)

    monkeypatch.setattr(cli, "print", boom, raising=False)
    assert cli.main(["--db", str(db), "ledger", "import", str(path), "--create"]) == 130
    err = capsys.readouterr().err
    assert "已经完成" in err and "5 条" in err and "未作改动" not in err
