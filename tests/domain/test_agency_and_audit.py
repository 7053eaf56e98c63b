import re
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import func, select

from app.domain.agency import PatternError, format_number, validate_pattern
from app.domain.audit import GENESIS, event_hash, verify_chain
from app.domain.codes import OUTCOMES, ApplicantKind, Channel, Outcome


def test_first_run_defaults_come_from_the_office_guide(database, clock):
    from dataclasses import replace

    from app.services.context import ServiceContext
    from app.services.profile import ensure_defaults, get_profile, update_profile
    from app.store.models import AgencyProfile

    ctx = ServiceContext(database, now=clock)
    assert ensure_defaults(ctx) is True  # a fresh database: the office's particulars are written once
    with database.session_scope() as s:
        assert s.scalar(select(func.count()).select_from(AgencyProfile)) == 1
        row = s.scalars(select(AgencyProfile)).one()
        stored = (row.address, row.postcode, row.phone, row.email, row.reconsideration_body, row.court_name)
        assert row.updated_at == clock()
    assert stored == (
        "淄博市张店区西四路119号",
        "255022",
        "0533-2306817",
        "sxzspfwjbgs@zb.shandong.cn",
        "淄博市人民政府",
        "淄博市张店区人民法院",
    )
    assert get_profile(ctx).office_name == "淄博市行政审批服务局信息公开领导小组办公室"
    # a second start never overwrites what the clerk has edited since
    update_profile(ctx, replace(get_profile(ctx), phone="0533-1111111"))
    assert ensure_defaults(ctx) is False
    assert get_profile(ctx).phone == "0533-1111111"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [("〔{年}〕第{号}号", "〔2026〕第7号"), ("淄审批公开〔{年}〕{号:03}号", "淄审批公开〔2026〕007号")],
)
def test_number_patterns(pattern, expected):
    assert format_number(pattern, 2026, 7) == expected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("〔{年}〕", "编号格式“〔{年}〕”缺少 {号}，所有编号将会相同"),
        ("{year}-{号}", "编号格式“{year}-{号}”无效：只能使用 {年} 和 {号} 两个占位符"),
        ("〔{年}〕第{号号", "编号格式“〔{年}〕第{号号”无效：只能使用 {年} 和 {号} 两个占位符"),
    ],
)
def test_unusable_patterns_are_explained(pattern, message):
    assert validate_pattern(pattern) == message
    with pytest.raises(PatternError, match=f"^{re.escape(message)}$"):
        format_number(pattern, 2026, 1)


def test_a_pattern_without_the_year_would_repeat_numbers_each_year():
    assert validate_pattern("依申请第{号}号") == "编号格式“依申请第{号}号”缺少 {年}，各年度的编号将会重复"
    assert validate_pattern("〔{年}〕第1号") == "编号格式“〔{年}〕第1号”缺少 {号}，所有编号将会相同"
    assert validate_pattern("〔{年}〕第{号}号") is None


def test_chain_detects_edits_and_deletions():
    rows = []
    prev = GENESIS
    for i in range(1, 5):
        fields = {"application_id": 1, "kind": "note", "event_date": date(2026, 1, i).isoformat()}
        h = event_hash(prev, fields)
        rows.append((i, prev, h, fields))
        prev = h
    assert verify_chain(rows) == []
    edited = list(rows)
    edited[1] = (2, rows[1][1], rows[1][2], {**rows[1][3], "kind": "decided"})
    assert [(b.event_id, b.reason) for b in verify_chain(edited)] == [(2, "记录内容与其校验值不符（可能被改动）")]
    deleted = rows[:1] + rows[2:]
    assert [(b.event_id, b.reason) for b in verify_chain(deleted)] == [
        (3, "与前一条记录的链接不符（可能有记录被删除或插入）")
    ]


def test_every_outcome_maps_to_one_report_row_and_labels_round_trip():
    rows = [info.report_row for info in OUTCOMES.values()]
    assert len(rows) == len(set(rows)) == len(Outcome)
    for o in Outcome:
        assert Outcome.from_label(o.label) is o
        assert Outcome.from_label(o.info.official_label) is o
    # exactly the six applicant columns of annual-report table 三, in its order, each read back from its label
    table_three = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert [ApplicantKind.from_label(f" {label} ") for label in table_three] == list(ApplicantKind)
    with pytest.raises(ValueError) as err:
        ApplicantKind.from_label("个人")
    assert str(err.value) == "未知的申请人类型：个人"
    assert Channel.from_label("网上申请") is Channel.ONLINE and Channel.from_label("online") is Channel.ONLINE
    with pytest.raises(ValueError) as err:
        Channel.from_label("电话")
    assert str(err.value) == "未知的申请方式：电话"


def test_domain_layer_imports_neither_qt_nor_sqlalchemy():
    code = (
        "import pkgutil, importlib, sys, app.domain as d\n"
        "for m in pkgutil.iter_modules(d.__path__): importlib.import_module('app.domain.' + m.name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy', 'shiboken6')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _keyed_rows(key: bytes, start: int, n: int = 6):
    """Events 1..n, unkeyed before *start*, signed with *key* from *start* on."""
    rows, prev = [], GENESIS
    for i in range(1, n + 1):
        fields = {"application_id": 1, "kind": "note", "event_date": date(2026, 1, i).isoformat()}
        h = event_hash(prev, fields, key if i >= start else None)
        rows.append((i, prev, h, fields))
        prev = h
    return rows


def test_keyed_segment_after_an_unkeyed_start_and_a_recomputed_chain_fails():
    from app.domain.audit import Anchor, ChainResult, Segment, compare_anchor, key_id

    key = b"k" * 32
    kid = key_id(key)
    rows = _keyed_rows(key, start=4)
    anchor = Anchor(6, 6, rows[-1][2], (Segment(4, kid),)).signed(key)
    assert anchor.signature_ok(key) and not anchor.signature_ok(b"x" * 32)
    result = ChainResult()
    assert verify_chain(rows, anchor=anchor, keys={kid: key}, result=result) == []
    assert (result.keyed, result.unverified) == (3, 0) and compare_anchor(anchor, result) == []
    # someone without the key edits event 5 and recomputes every hash the only way they can
    forged, prev = [], GENESIS
    for i, _p, _h, fields in rows:
        fields = {**fields, "kind": "decided"} if i == 5 else fields
        h = event_hash(prev, fields)
        forged.append((i, prev, h, fields))
        prev = h
    assert [b.event_id for b in verify_chain(forged, anchor=anchor, keys={kid: key})] == [4, 5, 6]
    # without the key: links are checked, signatures are counted as unverified, never as broken
    unknown = ChainResult()
    assert verify_chain(rows, anchor=anchor, keys={}, result=unknown) == [] and unknown.unverified == 3


def test_the_anchor_finds_deleted_newest_events_and_keeps_its_gaps():
    from app.domain.audit import Anchor, ChainResult, Gap, compare_anchor

    key = b"k" * 32
    rows = _keyed_rows(key, start=1)
    anchor = Anchor(6, 6, rows[-1][2])
    for kept, words in ((rows[:5], "少了 1 条"), (rows[:-10], "全部记录都已不在表中")):
        result = ChainResult()
        verify_chain(kept, result=result)
        [line] = compare_anchor(anchor, result)
        assert words in line
    gap = Gap(7, 6, 6, 5, 5, "审计锚点与表中最后一条记录不符")
    again = Anchor.from_json({**Anchor(6, 6, "h", (), (gap,)).to_json()})
    assert again is not None and again.gaps == (gap,) and "写入记录 #7 时发现" in gap.sentence()
    assert Anchor.from_json({"count": "x"}) is None
