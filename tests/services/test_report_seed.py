"""The office's published reports 2020, 2021 and 2023 rebuilt from applications entered at the desk.

Every application is registered with :func:`app.services.applications.register_application` and closed with
``record_event(… DECIDED …)``; the remedies of 2021 are filed with RECONSIDERATION_FILED / LITIGATION_FILED.
The expected figures are the office's published tables 三 and 四 (淄博市行政审批服务局, 2020, 2021, 2023
年度报告), copied cell by cell; 2022's applications (8, all closed in 2022) keep the years in between honest.
A voided registration and an unconfirmed online application are in the register too and must count nowhere.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from app.domain.codes import ApplicantKind, Channel, EventKind, Outcome
from app.domain.procedure import (
    Decided,
    LitigationFiled,
    LitigationType,
    ReconsiderationFiled,
    RemedyDecided,
    RemedyResult,
    VoidReason,
)
from app.domain.statistics import COLUMNS, ROW_KEYS
from app.services import applications as A
from app.services import report as R
from app.services.context import ServiceContext
from tests.factories import without_number

NP, BIZ, OTHER = ApplicantKind.NATURAL_PERSON, ApplicantKind.COMMERCIAL, ApplicantKind.OTHER
OC = Outcome


def register(ctx: ServiceContext, day: date, kind: ApplicantKind = NP, name: str = "张三", **kw: object) -> int:
    """Register an application handed in at the counter on *day* (its legal receipt date, Art. 31(一)).

    Natural persons come without an ID number, so with the reason and 未核验 the counter records (§9).
    """
    channel: Channel = kw.pop("channel", Channel.IN_PERSON)  # type: ignore[assignment]
    if kind is NP:
        kw = without_number(channel, "", kw)
    data = A.RegistrationInput(
        channel=channel,
        arrived_at=datetime.combine(day, time(9, 30)),
        applicant=A.ApplicantInput(kind, name, phone="0533-2306817"),
        content="申请公开某项政府信息",
        **kw,  # type: ignore[arg-type]
    )
    return A.register_application(ctx, data).id


def decide(ctx: ServiceContext, app_id: int, day: date, outcome: Outcome) -> None:
    A.record_event(ctx, app_id, EventKind.DECIDED, day, Decided(outcome=outcome))


def handled(ctx: ServiceContext, received: date, closed: date, outcome: Outcome, kind: ApplicantKind = NP) -> int:
    app_id = register(ctx, received, kind)
    decide(ctx, app_id, closed, outcome)
    return app_id


def enter_history(ctx: ServiceContext) -> dict[str, int]:
    """The applications of 2020–2023 behind the published reports; returns a few ids by name."""
    d = date
    ids: dict[str, int] = {}
    # 2020: 自然人 2 (予以公开), 商业企业 1 received in late December and carried into 2021
    handled(ctx, d(2020, 3, 10), d(2020, 3, 20), OC.DISCLOSED)
    handled(ctx, d(2020, 7, 6), d(2020, 7, 15), OC.DISCLOSED)
    ids["carried"] = register(ctx, d(2020, 12, 21), BIZ, "淄博某某商贸有限公司")
    # 2021: the carried one closes; 自然人 5 and 其他 1 received and closed; one reconsideration, two lawsuits
    decide(ctx, ids["carried"], d(2021, 1, 12), OC.PARTIAL)
    handled(ctx, d(2021, 3, 1), d(2021, 3, 10), OC.DISCLOSED)
    handled(ctx, d(2021, 4, 6), d(2021, 4, 20), OC.PARTIAL)
    ids["internal_2021"] = handled(ctx, d(2021, 5, 10), d(2021, 5, 20), OC.WITHHELD_INTERNAL)
    ids["not_held_a"] = handled(ctx, d(2021, 6, 1), d(2021, 6, 10), OC.UNAVAILABLE_NOT_HELD)
    ids["not_held_b"] = handled(ctx, d(2021, 8, 2), d(2021, 8, 12), OC.UNAVAILABLE_NOT_HELD)
    handled(ctx, d(2021, 9, 1), d(2021, 9, 10), OC.PARTIAL, OTHER)
    A.record_event(ctx, ids["internal_2021"], EventKind.RECONSIDERATION_FILED, d(2021, 6, 15), ReconsiderationFiled())
    A.record_event(
        ctx,
        ids["internal_2021"],
        EventKind.RECONSIDERATION_DECIDED,
        d(2021, 8, 1),
        RemedyDecided(result=RemedyResult.OTHER),
    )
    A.record_event(
        ctx,
        ids["not_held_a"],
        EventKind.LITIGATION_FILED,
        d(2021, 7, 1),
        LitigationFiled(type=LitigationType.DIRECT, result=RemedyResult.OTHER),
    )
    A.record_event(
        ctx, ids["not_held_b"], EventKind.LITIGATION_FILED, d(2021, 9, 1), LitigationFiled(type=LitigationType.DIRECT)
    )
    A.record_event(
        ctx, ids["not_held_b"], EventKind.LITIGATION_DECIDED, d(2021, 11, 1), RemedyDecided(result=RemedyResult.OTHER)
    )
    # a registration made by mistake in 2021: voided, counted nowhere
    ids["voided"] = register(ctx, d(2021, 10, 11), NP, "李四")
    A.void_application(ctx, ids["voided"], VoidReason.MISTAKE, "误登记")
    # 2022: 自然人 8, all closed in 2022 (予以公开 3, 部分公开 1, 无法提供 4)
    for month, outcome in enumerate(
        [OC.DISCLOSED] * 3 + [OC.PARTIAL] + [OC.UNAVAILABLE_NOT_HELD] * 4,
        start=2,
    ):
        handled(ctx, d(2022, month, 8), d(2022, month, 18), outcome)
    # 2023: 自然人 7 (予以公开 2, 部分公开 1, 内部事务信息 1, 不掌握 3)
    for month, outcome in enumerate(
        [OC.DISCLOSED] * 2 + [OC.PARTIAL, OC.WITHHELD_INTERNAL] + [OC.UNAVAILABLE_NOT_HELD] * 3,
        start=3,
    ):
        handled(ctx, d(2023, month, 6), d(2023, month, 16), outcome)
    # an online application of 2023 never confirmed (待确认): no receipt date, not yet counted
    ids["unconfirmed"] = register(ctx, d(2023, 12, 29), NP, "王五", channel=Channel.ONLINE)
    return ids


def rows(**nonzero: list[int]) -> dict[str, list[int]]:
    """A whole table 三 from its non-zero rows (keyword ``三_三_5`` is row "三.三.5")."""
    out = {k: [0] * 7 for k in ROW_KEYS}
    for key, values in nonzero.items():
        out[key.replace("_", ".")] = values
    return out


#: table 三 as the office published it (columns 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计)
PUBLISHED_T3: dict[int, dict[str, list[int]]] = {
    2020: rows(
        一=[2, 1, 0, 0, 0, 0, 3],
        三_一=[2, 0, 0, 0, 0, 0, 2],
        三_七=[2, 0, 0, 0, 0, 0, 2],
        四=[0, 1, 0, 0, 0, 0, 1],
    ),
    2021: rows(
        一=[5, 0, 0, 0, 0, 1, 6],
        二=[0, 1, 0, 0, 0, 0, 1],
        三_一=[1, 0, 0, 0, 0, 0, 1],
        三_二=[1, 1, 0, 0, 0, 1, 3],
        三_三_5=[1, 0, 0, 0, 0, 0, 1],
        三_四_1=[2, 0, 0, 0, 0, 0, 2],
        三_七=[5, 1, 0, 0, 0, 1, 7],
    ),
    2023: rows(
        一=[7, 0, 0, 0, 0, 0, 7],
        三_一=[2, 0, 0, 0, 0, 0, 2],
        三_二=[1, 0, 0, 0, 0, 0, 1],
        三_三_5=[1, 0, 0, 0, 0, 0, 1],
        三_四_1=[3, 0, 0, 0, 0, 0, 3],
        三_七=[7, 0, 0, 0, 0, 0, 7],
    ),
}
ZERO_T4 = {"行政复议": [0] * 5, "行政诉讼_未经复议直接起诉": [0] * 5, "行政诉讼_复议后起诉": [0] * 5}
#: table 四 as published (结果维持, 结果纠正, 其他结果, 尚未审结, 总计)
PUBLISHED_T4: dict[int, dict[str, list[int]]] = {
    2020: ZERO_T4,
    2021: {
        "行政复议": [0, 0, 1, 0, 1],
        "行政诉讼_未经复议直接起诉": [0, 0, 2, 0, 2],
        "行政诉讼_复议后起诉": [0, 0, 0, 0, 0],
    },
    2023: ZERO_T4,
}


@pytest.fixture
def history(ctx: ServiceContext) -> dict[str, int]:
    return enter_history(ctx)


@pytest.mark.parametrize("year", [2020, 2021, 2023])
def test_published_tables_are_rebuilt_exactly(ctx, history, year):
    t3, t4 = R.compute_tables(ctx, year)
    assert t3.to_json() == {"columns": list(COLUMNS), "rows": PUBLISHED_T3[year]}
    assert t4.to_json() == PUBLISHED_T4[year]
    view = R.build_report(ctx, year)
    assert view.table3 == t3 and view.table4 == t4
    assert [c.rule for c in view.checks if not c.ok] == []


def test_2022_is_consistent_with_its_neighbours(ctx, history):
    t3, t4 = R.compute_tables(ctx, 2022)
    assert t3.rows["一"] == (8, 0, 0, 0, 0, 0, 8) and t3.rows["三.七"] == (8, 0, 0, 0, 0, 0, 8)
    assert t3.rows["二"] == (0,) * 7 and t3.rows["四"] == (0,) * 7
    assert t4.to_json() == ZERO_T4


def test_drafted_overview_reads_like_the_published_one(ctx, history):
    text = R.build_report(ctx, 2021).drafted_overview
    # published: "其中予以公开1件，部分公开3件，不予公开1件，无法提供2件，所有答复均未收费，对比2020年，同比增长250%"
    assert "其中予以公开1件，部分公开3件，不予公开1件，无法提供2件" in text
    assert "上年结转1件" in text and "同比增长250%" in text
    assert "所有答复均未收取信息处理费" in text
    assert "被申请行政复议1件、被提起行政诉讼2件" in text
    assert "（其中自然人5件、其他1件）" in text
    text_2023 = R.build_report(ctx, 2023).drafted_overview
    assert text_2023.startswith("2023年，本机关共收到自然人提交的政府信息公开申请7件。本年度共办结7件")
    assert "办结的申请均在法定期限内作出答复" in text_2023
    assert "未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况" in text_2023
    assert "办结数量对比2022年（8件），同比下降13%" in text_2023  # 7 on 8: 12.5 % rounded half up
