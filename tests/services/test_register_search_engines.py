"""The register's search and name order give the same answers on a desk's SQLite file and on a server.

SQLite looks words up in its gram index; a server reads the rows (``ILIKE``, case-folded as SQLite's LIKE
folds ASCII). Either way a word finds exactly the applications holding it in the number, the name, the ID
number or the content, and names sort by pinyin once keyed (a renamed applicant is keyed again).
"""

from __future__ import annotations

from datetime import datetime

from app.services import applications as A
from app.services import register as R
from tests.services.test_register_query import add

CASES = [
    ("曾小明", "食品经营许可证"),
    ("阿里", "建设工程规划许可"),
    ("王五", "部门预算 100% 执行"),
    ("Alice 陈", "x 光机 采购"),
]


def _added(ctx) -> list[int]:
    ids = []
    for i, (name, content) in enumerate(CASES):
        ids.append(add(ctx, name, content, arrived=datetime(2026, 2, 2 + i, 9, 0)).id)
    return ids


def test_words_find_exactly_their_applications_on_either_engine(ctx):
    ids = _added(ctx)
    R.update_search_index(ctx)
    newest_first = list(reversed(ids))

    def found(text: str) -> list[int]:
        return R.query_ids(ctx, R.RegisterFilter(text=text))

    assert found("许可") == [ids[1], ids[0]]
    assert found("许可 规划") == [ids[1]]
    assert found("100%") == [ids[2]]
    assert found("%") == [ids[2]]  # LIKE's wildcard is a plain character in the search box
    assert found("_") == []
    assert found("ALICE") == [ids[3]] == found("alice")
    assert found("1002x") == newest_first  # every applicant's ID number ends 1002X: the x is folded
    assert found("曾") == [ids[0]]
    assert found("〔2026〕第2号") == [ids[1]]
    assert found("没有这个词") == []


def test_names_sort_by_pinyin_and_a_renamed_applicant_is_keyed_again(ctx):
    ids = _added(ctx)
    R.key_names(ctx)
    order = R.query_ids(ctx, R.RegisterFilter(), R.SortKey.APPLICANT, descending=False)
    # Alice 陈, 阿里 (a li), 王五 (wang wu), 曾小明 (zeng xiao ming)
    assert order == [ids[3], ids[1], ids[2], ids[0]]
    A.edit_application(ctx, ids[0], {"applicant_name": "艾明"}, "登记时姓名写错")
    order = R.query_ids(ctx, R.RegisterFilter(), R.SortKey.APPLICANT, descending=False)
    assert order.index(ids[0]) < order.index(ids[2])  # 艾 (ai) now before 王 (wang)


def test_a_many_ids_filter_is_one_parameter_on_either_engine(ctx):
    ids = _added(ctx)
    wanted = (ids[0], ids[2], *range(10_000, 15_000))
    assert R.query_ids(ctx, R.RegisterFilter(ids=wanted)) == [ids[2], ids[0]]
    assert R.query_ids(ctx, R.RegisterFilter(ids=())) == []
