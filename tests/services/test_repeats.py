"""Earlier applications of the same applicant with similar content (条例第三十五条、第三十六条第（六）项)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import update

from app.domain.codes import ApplicantKind, Channel, IdDocType, Outcome, Status
from app.services import applications as A
from app.services.errors import NotFound
from app.services.repeats import find_repeats, find_repeats_for_application
from app.store.models import Application
from tests.factories import VALID_ID, register_in_person, without_number

REQUEST = "请公开2025年本局行政许可决定书目录"
REPHRASED = "申请公开本局2025年度行政许可决定目录"
UNRELATED = "淄博市某小区规划许可证"
OTHER_ID = "110101199003070011"  # other valid 居民身份证号码
THIRD_ID = "370303198511200027"


def register_other(ctx, clock, arrived: datetime, *, name: str, content: str, id_number: str = "", phone: str = "1"):
    """Register a handed-in application of an applicant given by name, number (optional) and phone."""
    clock.value = arrived
    doc = IdDocType.RESIDENT_ID if id_number else None
    return A.register_application(
        ctx,
        A.RegistrationInput(
            channel=Channel.IN_PERSON,
            arrived_at=arrived,
            applicant=A.ApplicantInput(ApplicantKind.NATURAL_PERSON, name, doc, id_number, phone=phone),
            content=content,
            **without_number(Channel.IN_PERSON, id_number, {}),
        ),
    )


def set_columns(ctx, application_id: int, **values: object) -> None:
    with ctx.db.session_scope() as s:
        s.execute(update(Application).where(Application.id == application_id).values(**values))


def test_finds_rephrased_request_of_same_id_above_unrelated_one(ctx, clock) -> None:
    first = register_in_person(ctx, datetime(2026, 1, 5, 9), clock, name="张三", content=REPHRASED)
    register_in_person(ctx, datetime(2026, 1, 6, 9), clock, name="张三", content=UNRELATED)
    set_columns(ctx, first.id, status=Status.CLOSED.value, outcome=Outcome.DISCLOSED.value)

    matches = find_repeats(ctx, id_number=" 110105 19491231002x", name="张三", phone="1", content=REQUEST)

    assert [m.earlier.id for m in matches] == [first.id]
    match = matches[0]
    assert 60 <= match.score < 100
    assert "行政许可" in "".join(match.similarity.shared_phrases)
    assert match.earlier.same_by == "证件号码"
    assert match.earlier.reg_number == first.reg_number
    assert match.earlier.receipt_date == date(2026, 1, 5)
    assert match.earlier.content == REPHRASED
    assert match.earlier.outcome_label == Outcome.DISCLOSED.label
    assert match.earlier.status_label == "已办结"
    everything = find_repeats(ctx, id_number=VALID_ID, name="张三", phone="1", content=REQUEST, threshold=0)
    assert [m.earlier.content for m in everything] == [REPHRASED, UNRELATED]


def test_identical_content_scores_100_and_open_application_has_no_outcome(ctx, clock) -> None:
    first = register_in_person(ctx, datetime(2026, 1, 5, 9), clock, content=REQUEST)
    [match] = find_repeats(ctx, id_number=VALID_ID, name="张三", phone="1", content=REQUEST)
    assert match.earlier.id == first.id
    assert match.score == 100
    assert match.earlier.outcome_label == ""
    assert match.earlier.status_label == Status(first.status).label
    kw = {"id_number": VALID_ID, "name": "张三", "phone": "1", "content": REQUEST}
    assert find_repeats(ctx, **kw, exclude_application_id=first.id) == []


def test_another_applicants_identical_application_is_not_found(ctx, clock) -> None:
    register_other(ctx, clock, datetime(2026, 1, 5, 9), name="李四", content=REQUEST, id_number=THIRD_ID, phone="2")
    assert find_repeats(ctx, id_number=VALID_ID, name="张三", phone="1", content=REQUEST) == []
    # the same name and phone with another document number is another person as well
    other = register_other(ctx, clock, datetime(2026, 1, 6, 9), name="张三", content=REQUEST, id_number=OTHER_ID)
    assert find_repeats(ctx, id_number=VALID_ID, name="张三", phone="1", content=REQUEST) == []
    [match] = find_repeats(ctx, id_number=OTHER_ID, name="张三", phone="1", content=REQUEST)
    assert match.earlier.id == other.id and match.earlier.same_by == "证件号码"


def test_same_name_with_another_phone_is_not_found(ctx, clock) -> None:
    register_in_person(ctx, datetime(2026, 1, 5, 9), clock, name="张三", content=REQUEST)
    assert find_repeats(ctx, id_number=None, name="张三", phone="13800000000", content=REQUEST) == []
    assert find_repeats(ctx, id_number=None, name="张三", phone="", content=REQUEST) == []
    assert find_repeats(ctx, id_number="", name="", phone="1", content=REQUEST) == []


def test_same_name_and_phone_is_found_by_name_and_phone(ctx, clock) -> None:
    without_id = register_other(
        ctx, clock, datetime(2026, 1, 5, 9), name="王五", content=REQUEST, phone="0533-123 4567"
    )
    [match] = find_repeats(ctx, id_number=None, name=" 王五 ", phone="05331234567", content=REPHRASED)
    assert match.earlier.id == without_id.id
    assert match.earlier.same_by == "姓名和电话"
    # a new application that carries a number still finds the earlier one given without a number
    [match] = find_repeats(ctx, id_number=OTHER_ID, name="王五", phone="0533-1234567", content=REQUEST)
    assert match.earlier.id == without_id.id and match.earlier.same_by == "姓名和电话"
    # and one that was given with the factory's number and phone "1" is found by name and phone too
    with_id = register_in_person(ctx, datetime(2026, 1, 6, 9), clock, name="王五", content=REQUEST)
    [match] = find_repeats(ctx, id_number=None, name="王五", phone="1", content=REQUEST)
    assert match.earlier.id == with_id.id and match.earlier.same_by == "姓名和电话"


def test_voided_application_is_not_found(ctx, clock) -> None:
    voided = register_in_person(ctx, datetime(2026, 1, 5, 9), clock, content=REQUEST)
    kept = register_in_person(ctx, datetime(2026, 1, 6, 9), clock, content=REPHRASED)
    set_columns(ctx, voided.id, status=Status.VOIDED.value)
    matches = find_repeats(ctx, id_number=VALID_ID, name="张三", phone="1", content=REQUEST)
    assert [m.earlier.id for m in matches] == [kept.id]


def test_for_stored_application_only_earlier_or_same_day_ones_and_not_itself(ctx, clock) -> None:
    before = register_in_person(ctx, datetime(2026, 1, 5, 9), clock, content=REPHRASED)
    same_day = register_in_person(ctx, datetime(2026, 1, 7, 8), clock, content=REPHRASED)
    target = register_in_person(ctx, datetime(2026, 1, 7, 10), clock, content=REQUEST)
    register_in_person(ctx, datetime(2026, 1, 8, 9), clock, content=REQUEST)  # later: not a repeat *of* it

    matches = find_repeats_for_application(ctx, target.id)
    assert [m.earlier.id for m in matches] == [same_day.id, before.id]  # equal scores: newest first
    assert all(m.earlier.same_by == "证件号码" for m in matches)
    assert find_repeats_for_application(ctx, before.id) == []
    with pytest.raises(NotFound, match=r"^找不到该申请$"):
        find_repeats_for_application(ctx, 9999)


def test_ties_are_newest_first_and_limit_applies(ctx, clock) -> None:
    ids = [register_in_person(ctx, datetime(2026, 1, day, 9), clock, content=REPHRASED).id for day in (5, 6, 7, 8, 9)]
    matches = find_repeats(ctx, id_number=VALID_ID, name="张三", phone="1", content=REQUEST, limit=3)
    assert [m.earlier.id for m in matches] == ids[::-1][:3]
