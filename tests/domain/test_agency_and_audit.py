import subprocess
import sys
from datetime import date

import pytest

from app.domain.agency import AgencyProfileData, PatternError, format_number, validate_pattern
from app.domain.audit import GENESIS, event_hash, verify_chain
from app.domain.codes import OUTCOMES, ApplicantKind, Channel, Outcome


def test_first_run_defaults_come_from_the_office_guide():
    p = AgencyProfileData()
    assert p.address == "淄博市张店区西四路119号" and p.postcode == "255022"
    assert p.phone == "0533-2306817" and p.email == "sxzspfwjbgs@zb.shandong.cn"
    assert p.reconsideration_body == "淄博市人民政府" and p.court_name == "淄博市张店区人民法院"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [("〔{年}〕第{号}号", "〔2026〕第7号"), ("淄审批公开〔{年}〕{号:03}号", "淄审批公开〔2026〕007号")],
)
def test_number_patterns(pattern, expected):
    assert format_number(pattern, 2026, 7) == expected


@pytest.mark.parametrize("pattern", ["〔{年}〕", "{year}-{号}", "〔{年}〕第{号号"])
def test_unusable_patterns_are_explained(pattern):
    assert validate_pattern(pattern)
    with pytest.raises(PatternError):
        format_number(pattern, 2026, 1)


def test_a_pattern_without_the_year_would_repeat_numbers_each_year():
    assert "{年}" in (validate_pattern("依申请第{号}号") or "")
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
    assert [b.event_id for b in verify_chain(edited)] == [2]
    deleted = rows[:1] + rows[2:]
    assert [b.event_id for b in verify_chain(deleted)] == [3]


def test_every_outcome_maps_to_one_report_row_and_labels_round_trip():
    rows = [info.report_row for info in OUTCOMES.values()]
    assert len(rows) == len(set(rows)) == len(Outcome)
    for o in Outcome:
        assert Outcome.from_label(o.label) is o
        assert Outcome.from_label(o.info.official_label) is o
    assert [k.label for k in ApplicantKind] == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    assert Channel.from_label("网上申请") is Channel.ONLINE


def test_domain_layer_imports_neither_qt_nor_sqlalchemy():
    code = (
        "import pkgutil, importlib, sys, app.domain as d\n"
        "for m in pkgutil.iter_modules(d.__path__): importlib.import_module('app.domain.' + m.name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy', 'shiboken6')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
