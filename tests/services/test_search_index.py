"""The register's search index finds exactly what reading every row finds, whoever wrote the rows.

Applications are written straight into the table (as the ledger import or a repair with another program
would), then changed and deleted behind the program's back; at every step a seeded random set of queries —
one and two characters, longer words, ID-number fragments, registration numbers, ASCII in either case, LIKE's
own wildcards — gives the same ids through the index as through ``LIKE '%…%'``.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import date, datetime

import pytest
from sqlalchemy import insert, select

from app.domain.textsearch import MAX_WORDS, SearchTooLong, name_sort_key
from app.services import register as R
from app.store.models import Applicant, Application

# the gram index and its queue live in a SQLite file (FTS5); a server's search reads the rows
# (tests/services/test_register_query.py runs on both engines)
pytestmark = pytest.mark.sqlite_only

ALPHABET = "许可证王李张〔〕第号年市局食品经营2025370X x%_-（）A a"
NAMES = ["张三", "王五", "阿里", "曾小明", "李四", "王", "王小二", "Alice 陈", "欧阳娜", "许可"]


def _random_text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(n))


def _id_number(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789") for _ in range(17)) + rng.choice("0123456789Xx")


def _fill(ctx, rng: random.Random, n: int) -> None:
    now = datetime(2026, 3, 1, 9, 0)
    with ctx.db.session_scope() as s:
        applicant_id = s.execute(
            insert(Applicant).values(kind="natural_person", name="某人", created_at=now).returning(Applicant.id)
        ).scalar_one()
        rows = []
        for i in range(1, n + 1):
            year = rng.choice((2025, 2026))
            rows.append(
                {
                    "year": year,
                    "seq": i,
                    "reg_number": f"〔{year}〕第{i}号",
                    "channel": "in_person",
                    "arrived_at": now,
                    "receipt_date": date(2026, 3, 1),
                    "applicant_id": applicant_id,
                    "applicant_kind": "natural_person",
                    "applicant_name": rng.choice(NAMES),
                    "applicant_id_number": rng.choice([None, _id_number(rng)]),
                    "content": _random_text(rng, rng.randint(0, 30)),
                    "status": "in_progress",
                    "registered_by": "测试",
                    "created_at": now,
                    "updated_at": now,
                }
            )
        s.execute(insert(Application), rows)


def _queries(ctx, rng: random.Random, k: int) -> list[str]:
    with ctx.db.session_scope() as s:
        fields = [
            value
            for row in s.execute(
                select(
                    Application.reg_number,
                    Application.applicant_name,
                    Application.applicant_id_number,
                    Application.content,
                ).order_by(Application.id)
            )
            for value in row
            if value
        ]
    out = ["王", "许可", "〔2026〕第1", "x", "X", "%", "_", "3703", "许可证 王", "第1号", "（", "a a"]
    for _ in range(k):
        source = rng.choice(fields)
        length = rng.choice((1, 1, 2, 2, 3, 4, 6))
        start = rng.randrange(max(1, len(source) - length + 1))
        word = source[start : start + length].strip()
        if word:
            out.append(word.swapcase() if rng.random() < 0.2 else word)
    out += [_random_text(rng, rng.randint(1, 3)).strip() or "许" for _ in range(k // 4)]
    return out


def _same_as_the_scan(ctx, queries: list[str]) -> None:
    for text in queries:
        with ctx.db.session_scope() as s:
            order = (Application.id,)
            scanned = list(
                s.scalars(select(Application.id).where(*R.text_conditions(text, use_index=False)).order_by(*order))
            )
            indexed = list(s.scalars(select(Application.id).where(*R.text_conditions(text)).order_by(*order)))
        assert indexed == scanned, text
        through_service = R.query_ids(ctx, R.RegisterFilter(text=text), R.SortKey.NUMBER, descending=False)
        assert sorted(through_service) == scanned, text


def _index_everything(ctx) -> None:
    while R.update_search_index(ctx, 97) > 0:
        pass
    assert R.pending_count(ctx) == 0


def test_the_index_finds_exactly_what_the_scan_finds(ctx):
    rng = random.Random(20261129)
    _fill(ctx, rng, 400)
    queries = _queries(ctx, rng, 150)
    _same_as_the_scan(ctx, queries)  # nothing indexed yet: every row is pending and read
    _index_everything(ctx)
    _same_as_the_scan(ctx, queries)

    # another program changes and deletes rows (no Python function of ours in its connection)
    other = sqlite3.connect(ctx.db.path)
    with other:
        for app_id in rng.sample(range(1, 401), 60):
            other.execute(
                "UPDATE application SET content = ?, applicant_name = ?, applicant_id_number = ? WHERE id = ?",
                (_random_text(rng, 12), rng.choice(NAMES), _id_number(rng), app_id),
            )
        other.execute("DELETE FROM application WHERE id IN (3, 5, 8)")
    other.close()
    queries = _queries(ctx, rng, 150)
    _same_as_the_scan(ctx, queries)  # changed rows pending: still exact
    R.index_pending(ctx, 20)
    _same_as_the_scan(ctx, queries)  # half done: still exact
    _index_everything(ctx)
    _same_as_the_scan(ctx, queries)


def test_common_words_are_read_from_the_rows_and_rare_ones_from_the_index(ctx):
    rng = random.Random(7)
    _fill(ctx, rng, 120)
    _index_everything(ctx)
    assert R._is_common(ctx, "年") or R._is_common(ctx, "第")  # in every registration number
    assert not R._is_common(ctx, "没有这个词")
    for text in ("第", "号", "没有这个词", "王五"):
        expected = R.query_ids(ctx, R.RegisterFilter(text=text))
        with ctx.db.session_scope() as s:
            scanned = list(
                s.scalars(
                    select(Application.id)
                    .where(*R.text_conditions(text, use_index=False))
                    .order_by(Application.year.desc(), Application.seq.desc())
                )
            )
        assert expected == scanned


def test_names_sort_by_pinyin_whoever_wrote_them(ctx):
    rng = random.Random(3)
    _fill(ctx, rng, 60)
    ids = R.query_ids(ctx, R.RegisterFilter(), R.SortKey.APPLICANT, descending=False)
    rows = R.fetch_rows(ctx, ids)
    names = [rows[i].applicant_name for i in ids]
    assert names == sorted(names, key=name_sort_key)
    assert names.index("阿里") < names.index("王") < names.index("王五") < names.index("曾小明") < names.index("张三")
    other = sqlite3.connect(ctx.db.path)
    with other:
        other.execute("UPDATE application SET applicant_name = '阿' WHERE id = ?", (ids[-1],))
    other.close()
    ids = R.query_ids(ctx, R.RegisterFilter(), R.SortKey.APPLICANT, descending=False)
    rows = R.fetch_rows(ctx, ids)
    names = [rows[i].applicant_name for i in ids]
    assert names == sorted(names, key=name_sort_key)  # the renamed applicant's key was redone before sorting
    assert names.index("阿") < names.index("阿里")


def test_search_input_is_bounded_and_cleaned(ctx):
    rng = random.Random(5)
    _fill(ctx, rng, 30)
    assert R.query_ids(ctx, R.RegisterFilter(text="\x00")) == []  # a NUL never matches every row
    assert R.query_ids(ctx, R.RegisterFilter(text="\u200b")) == []
    assert R.query_ids(ctx, R.RegisterFilter(text="王\x00")) == R.query_ids(ctx, R.RegisterFilter(text="王"))
    with pytest.raises(SearchTooLong) as err:
        R.query_ids(ctx, R.RegisterFilter(text=" ".join(["王"] * 996)))
    assert f"最多可输入 {MAX_WORDS} 个词" in str(err.value)
    with pytest.raises(SearchTooLong) as err:
        R.first_rows(ctx, R.RegisterFilter(text="许" * 50_000))
    assert "搜索词过长" in str(err.value)


def test_the_upkeep_steps_aside_while_another_program_writes_and_catches_up_after(ctx):
    _fill(ctx, random.Random(7), 5)
    other = sqlite3.connect(ctx.db.path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        assert R.index_pending(ctx) == -1
        assert R.key_names(ctx) == 0
        assert R.update_search_index(ctx) == -1
    finally:
        other.execute("ROLLBACK")
        other.close()
    conn = ctx.db.engine.raw_connection()
    try:  # the short wait of the upkeep is not left behind on the pooled connection
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    finally:
        conn.close()
    assert R.update_search_index(ctx) == 0
    assert R.pending_count(ctx) == 0
