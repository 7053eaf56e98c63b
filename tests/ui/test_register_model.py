from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt

from app.domain.codes import ApplicantKind, Channel, IdDocType
from app.services import applications as A
from app.services import register as R
from app.services.register import RegisterFilter
from app.ui.register_model import (
    COL_APPLICANT,
    COL_DUE,
    COL_ID,
    COL_LEFT,
    COL_NUMBER,
    COL_STATUS,
    RegisterTableModel,
)


def fill(ctx, n: int) -> None:
    for i in range(n):
        A.register_application(
            ctx,
            A.RegistrationInput(
                channel=Channel.IN_PERSON if i % 3 else Channel.ONLINE,
                arrived_at=datetime(2026, 2, 13, 9, i % 60),
                applicant=A.ApplicantInput(
                    ApplicantKind.NATURAL_PERSON, f"申请人{i}", IdDocType.RESIDENT_ID, "11010519491231002X", phone="1"
                ),
                content=f"第{i}项信息",
            ),
        )


def test_model_passes_qtmodeltester(qtbot, qtmodeltester, ctx, monkeypatch):
    from app.ui import register_model

    monkeypatch.setattr(register_model, "BLOCK", 5)  # several blocks and an evicting cache with few rows
    monkeypatch.setattr(register_model, "CACHE_ROWS", 8)
    fill(ctx, 23)
    model = RegisterTableModel(ctx)
    with qtbot.waitSignal(model.loaded, timeout=5000) as loaded:
        model.reload()
        assert model.rowCount() == 5 and not model.complete  # the first screenful at once, the rest after
        qtmodeltester.check(model, force_py=True)  # stays connected: also checks the rows appended later
    assert loaded.args == [23]
    assert model.rowCount() == 23 and model.complete
    qtmodeltester.check(model, force_py=True)
    numbers = [model.data(model.index(r, COL_NUMBER)) for r in range(23)]
    assert numbers == [f"〔2026〕第{n}号" for n in range(23, 0, -1)]  # every row right across blocks and evictions
    assert len(model._cache) <= 8 + 5


def test_model_shows_masked_ids_clock_and_colours(qapp, ctx):
    fill(ctx, 3)
    model = RegisterTableModel(ctx)
    model.reload()
    top = model.index(0, COL_NUMBER)
    assert model.data(top) == "〔2026〕第3号"
    assert model.data(model.index(0, COL_ID)) == "110105********002X"
    assert model.data(model.index(2, COL_DUE)) == "未起算"  # 第1号 came online, not yet confirmed
    assert model.data(model.index(2, COL_STATUS)) == "待确认收到"
    background = Qt.ItemDataRole.BackgroundRole
    assert model.data(model.index(2, COL_STATUS), background).color().name() == "#e6e6e6"  # grey: no clock yet
    assert model.data(model.index(1, COL_DUE)) == "2026-03-19"
    assert model.data(model.index(1, COL_LEFT)) == "20"
    assert model.data(model.index(1, COL_STATUS), background) is None  # 20 working days left: no colour
    assert model.data(model.index(1, COL_NUMBER), Qt.ItemDataRole.DecorationRole) is None
    model.sort(COL_NUMBER, Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(0, COL_NUMBER)) == "〔2026〕第1号"


def test_overdue_beats_paused_in_the_traffic_light():
    from datetime import date

    from app.domain.codes import Status
    from app.services.register import RegisterRow
    from app.ui.register_model import traffic_light

    def row(status, days_left, due=date(2026, 3, 19)):
        return RegisterRow(
            1, "〔2026〕第1号", date(2026, 2, 13), date(2026, 2, 13), Channel.IN_PERSON, "张三", "",
            ApplicantKind.OTHER, "x", status, None, due, None, days_left, False,
        )  # fmt: skip

    assert traffic_light(row(Status.PAUSED, -1), 3) == "red"
    assert traffic_light(row(Status.PAUSED, None, None), 3) == "grey"
    assert traffic_light(row(Status.IN_PROGRESS, 3), 3) == "amber"
    assert traffic_light(row(Status.IN_PROGRESS, 4), 3) == ""
    assert traffic_light(row(Status.CLOSED, -5), 3) == "green"


def test_the_register_prints_the_list_it_shows(qtbot, ctx, clock, monkeypatch, tmp_path):
    from io import BytesIO

    from pypdf import PdfReader

    from app.services.register import StatusFilter
    from app.ui import document_dialog, pdf_view
    from app.ui.register_page import RegisterPage
    from tests.factories import register_in_person

    register_in_person(ctx, datetime(2026, 2, 13, 9, 0), clock, name="甲某", content="甲文件")
    register_in_person(ctx, datetime(2026, 2, 13, 9, 5), clock, name="乙某", content="乙文件")
    page = RegisterPage(ctx)
    qtbot.addWidget(page)
    page.search.setText("甲")
    page.apply_filter()
    page.status.set_value(StatusFilter.OPEN)
    printed: list[tuple[bytes, str]] = []
    monkeypatch.setattr(pdf_view, "print_pdf", lambda _p, pdf, title: printed.append((pdf, title)) or True)
    assert page.print_list(print_it=True)
    pdf, title = printed[0]
    assert title == "政府信息公开申请台账　未办结　含“甲”"
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert "甲某" in text and "乙某" not in text and "— 1 —" in text
    out = tmp_path / "list.pdf"
    monkeypatch.setattr(document_dialog, "ask_save_path", lambda _p, _s: out)
    assert page.print_list(print_it=False) and out.read_bytes() == pdf


def test_first_screen_at_once_and_the_rest_after(qtbot, ctx, monkeypatch):
    from app.ui import register_model

    monkeypatch.setattr(register_model, "BLOCK", 5)
    fill(ctx, 12)
    model = RegisterTableModel(ctx)
    counts: list[int] = []
    model.loaded.connect(counts.append)
    model.set_filter(RegisterFilter())
    assert model.rowCount() == 5 and not model.complete and counts == []
    assert [model.data(model.index(r, COL_NUMBER)) for r in range(5)] == [f"〔2026〕第{n}号" for n in range(12, 7, -1)]
    with qtbot.waitSignal(model.loaded, timeout=5000):
        pass
    assert counts == [12] and model.rowCount() == 12
    assert [model.data(model.index(r, COL_NUMBER)) for r in range(12)] == [f"〔2026〕第{n}号" for n in range(12, 0, -1)]
    # a sort shows its own first screen at once, and row_of() finds a row the first screen does not hold
    model.sort(COL_NUMBER, Qt.SortOrder.AscendingOrder)
    assert model.rowCount() == 5 and model.data(model.index(0, COL_NUMBER)) == "〔2026〕第1号"
    last = model.id_at(4)
    first_registered = R.query_ids(ctx, RegisterFilter())[0]  # 第12号, newest
    assert model.row_of(first_registered) == 11 and model.complete and counts == [12, 12]
    model.wait_loaded(5)
    qtbot.wait(20)  # the background answer arrives after the list was completed: ignored
    assert counts == [12, 12] and model.rowCount() == 12 and model.row_of(last) == 4


def test_a_newer_filter_drops_the_rest_of_an_older_one(qtbot, ctx, monkeypatch):
    import threading

    from app.ui import register_model

    monkeypatch.setattr(register_model, "BLOCK", 3)
    fill(ctx, 12)  # 申请人0 … 申请人11
    real = R.query_ids
    gate = threading.Event()

    def slow_for_the_first(c, f, *args, **kw):
        if f.text == "申请人1":  # 申请人1, 申请人10, 申请人11: its rest is late, after the next search's
            gate.wait(5)
        return real(c, f, *args, **kw)

    monkeypatch.setattr(R, "query_ids", slow_for_the_first)
    model = RegisterTableModel(ctx)
    counts: list[int] = []
    model.loaded.connect(counts.append)
    model.set_filter(RegisterFilter(text="申请人1"))
    older = model._loader
    assert model.rowCount() == 3 and not model.complete
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_filter(RegisterFilter(text="申请"))  # all 12, while the first search's rest is still out
    assert counts == [12]
    gate.set()
    assert older is not None
    older.join(5)
    qtbot.wait(20)  # deliver the older answer: it is stale and dropped
    assert counts == [12] and model.rowCount() == 12
    names = {model.data(model.index(r, COL_APPLICANT)) for r in range(12)}
    assert names == {f"申请人{i}" for i in range(12)}
