"""Fill a database with realistic synthetic applications (default 100,000) for load testing the UI.

    .venv/bin/python scripts/make_synthetic_db.py /tmp/big.sqlite --count 100000

Applications spread over 2019 to today, six applicant kinds, every channel, corrections, consultations,
fee pauses, extensions and all outcomes. Status and due dates are computed by the same domain code the
program uses, and the audit chain is built exactly as the program builds it, so `python -m app check`
passes on the result. Names and ID numbers are generated and belong to nobody.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select

from app.domain.codes import ApplicantKind, Channel, EventKind, IdDocType, Outcome, PostKind
from app.domain.identity import credit_code_check_char, resident_id_check_char
from app.domain.procedure import Registered, to_data
from app.domain.timeline import TimelineEvent
from app.services.applications import evaluate
from app.services.bootstrap import open_context
from app.services.profile import get_profile
from app.store.events import EventChain
from app.store.models import Applicant, Application
from app.store.numbers import NumberAllocator

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅志强海燕玉兰立新春雷晓东文博子涵欣怡浩然"
COMPANIES = [
    "淄博{}新材料有限公司",
    "山东{}建设工程有限公司",
    "淄博市{}商贸有限公司",
    "淄博{}陶瓷科技有限公司",
    "山东{}化工股份有限公司",
    "淄博{}物流有限公司",
]
LAW_FIRMS = ["山东{}律师事务所", "淄博{}律师事务所"]
NGOS = ["淄博市{}公益服务中心", "淄博市{}志愿者协会", "淄博{}环保公益促进会"]
INSTITUTES = ["山东理工大学{}研究院", "淄博{}产业技术研究院"]
OTHERS = ["张店区{}街道{}社区居民委员会", "淄博市{}村股份经济合作社"]
WORDS = ["华泰", "齐鲁", "金晶", "鲁中", "博山", "周村", "临淄", "新华", "东方", "瑞丰", "恒通", "宏达", "信诚", "和顺"]
TOPICS = [
    "{y}年度{x}项目的建设工程规划许可证及附图",
    "{x}有限公司{y}年取得的危险化学品经营许可证审批材料",
    "本人位于张店区{x}小区房屋所在地块的建设用地规划许可信息",
    "{y}年市行政审批服务局部门预算、决算及“三公”经费支出情况",
    "{x}项目环境影响评价文件的审批决定及公示情况",
    "{y}年度本局办理的食品经营许可数量及名单",
    "淄博市{x}加油站成品油零售经营资格审批的全部材料",
    "{x}小区物业服务企业资质及备案信息",
    "{y}年本局行政许可事项清单及办理流程",
    "{x}道路改造工程的施工许可及竣工验收备案信息",
    "关于{x}医疗机构执业许可证核发的审批文件",
    "{y}年局长办公会议纪要中涉及{x}项目的内容",
]
KIND_WEIGHTS = [
    (ApplicantKind.NATURAL_PERSON, 78),
    (ApplicantKind.COMMERCIAL, 12),
    (ApplicantKind.LEGAL_SERVICE, 5),
    (ApplicantKind.PUBLIC_INTEREST, 2),
    (ApplicantKind.RESEARCH, 1),
    (ApplicantKind.OTHER, 2),
]
CHANNEL_WEIGHTS = [
    (Channel.ONLINE, 45),
    (Channel.IN_PERSON, 25),
    (Channel.LETTER, 20),
    (Channel.EMAIL, 9),
    (Channel.FAX, 1),
]
OUTCOME_WEIGHTS = [
    (Outcome.DISCLOSED, 40),
    (Outcome.PARTIAL, 10),
    (Outcome.WITHHELD_INTERNAL, 4),
    (Outcome.WITHHELD_PROCESS, 5),
    (Outcome.WITHHELD_THIRD_PARTY, 3),
    (Outcome.WITHHELD_ADMIN_QUERY, 2),
    (Outcome.UNAVAILABLE_NOT_HELD, 20),
    (Outcome.UNAVAILABLE_NEEDS_CREATION, 3),
    (Outcome.UNAVAILABLE_STILL_UNCLEAR, 1),
    (Outcome.NOT_PROCESSED_PETITION, 3),
    (Outcome.NOT_PROCESSED_REPEAT, 3),
    (Outcome.OTHER_NO_CORRECTION, 2),
    (Outcome.OTHER_OTHER, 3),
]
AREAS = ["370302", "370303", "370304", "370305", "370306", "370321", "370322", "370323", "110105", "320102"]


def pick(rng: random.Random, weighted: list[tuple[object, int]]) -> object:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def person_id(rng: random.Random) -> str:
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
    first17 = f"{rng.choice(AREAS)}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return first17 + resident_id_check_char(first17)


def credit_code(rng: random.Random, prefix: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = prefix + rng.choice(AREAS) + "".join(rng.choice(alphabet) for _ in range(9))
    return body + credit_code_check_char(body)


def applicant_for(rng: random.Random, kind: ApplicantKind) -> tuple[str, str, str]:
    w = rng.choice(WORDS)
    if kind is ApplicantKind.NATURAL_PERSON:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        return name, IdDocType.RESIDENT_ID.value, person_id(rng)
    template, prefix = {
        ApplicantKind.COMMERCIAL: (rng.choice(COMPANIES), "91"),
        ApplicantKind.LEGAL_SERVICE: (rng.choice(LAW_FIRMS), "31"),
        ApplicantKind.PUBLIC_INTEREST: (rng.choice(NGOS), "52"),
        ApplicantKind.RESEARCH: (rng.choice(INSTITUTES), "12"),
        ApplicantKind.OTHER: (rng.choice(OTHERS), "54"),
    }[kind]
    return template.format(w, rng.choice(WORDS)), IdDocType.CREDIT_CODE.value, credit_code(rng, prefix)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    started = time.perf_counter()
    now = datetime.combine(args.today, datetime.min.time()).replace(hour=17)
    ctx = open_context(args.db, now=lambda: now)
    db = ctx.db
    pattern = get_profile(ctx).registration_pattern
    cal = ctx.calendar()
    first = date(2019, 1, 2)
    span = (args.today - first).days
    with db.session_scope() as s:
        numbers = NumberAllocator(s, pattern, preload=True)
        chain = EventChain(s)
        next_app_id = (s.scalar(select(Application.id).order_by(Application.id.desc()).limit(1)) or 0) + 1
        # arrival days, sorted, denser in recent years
        days = sorted(first + timedelta(days=int(span * rng.random() ** 0.8)) for _ in range(args.count))
        applicants: list[dict] = []
        apps: list[dict] = []
        n_events = 0
        for n, arrived in enumerate(days):
            app_id = next_app_id + n
            kind = pick(rng, KIND_WEIGHTS)
            channel = pick(rng, CHANNEL_WEIGHTS)
            name, doc_type, number = applicant_for(rng, kind)
            arrived_at = datetime.combine(arrived, datetime.min.time()) + timedelta(minutes=rng.randrange(510, 1020))
            post_kind = None
            receipt: date | None = arrived
            if channel is Channel.LETTER:
                post_kind = rng.choice([PostKind.SIGNED, PostKind.ORDINARY]).value
            age = (args.today - arrived).days
            if channel is not Channel.IN_PERSON and age < 10 and rng.random() < 0.3:
                receipt = None  # still waiting for confirmation
            year = arrived.year
            seq, reg = numbers.next_free(year)
            timeline: list[TimelineEvent] = []
            registered = Registered(
                reg_number=reg, channel=channel.value, receipt_date=receipt, receipt_basis="（模拟数据）"
            )
            raw_events: list[tuple[EventKind, date, dict]] = [(EventKind.REGISTERED, arrived, to_data(registered))]
            if receipt is not None:
                base = receipt
                if rng.random() < 0.06:
                    notice = cal.add_working_days(base, rng.randint(1, 6))
                    raw_events.append((EventKind.CORRECTION_REQUESTED, notice, {}))
                    if age > 40 or rng.random() < 0.5:
                        base = cal.add_working_days(notice, rng.randint(2, 12))
                        raw_events.append((EventKind.CORRECTION_RECEIVED, base, {}))
                if rng.random() < 0.05:
                    start = cal.add_working_days(base, rng.randint(2, 10))
                    raw_events.append((EventKind.THIRD_PARTY_CONSULTATION_STARTED, start, {}))
                    if age > 50 or rng.random() < 0.5:
                        raw_events.append(
                            (
                                EventKind.THIRD_PARTY_CONSULTATION_ENDED,
                                cal.add_working_days(start, rng.randint(3, 15)),
                                {},
                            )
                        )
                if rng.random() < 0.04:
                    raw_events.append(
                        (
                            EventKind.EXTENSION,
                            cal.add_working_days(base, rng.randint(12, 19)),
                            {"days": rng.choice((10, 15, 20))},
                        )
                    )
            raw_events = [e for e in raw_events if e[1] <= args.today]
            timeline = [TimelineEvent(k, d, data) for k, d, data in raw_events]
            proj, dl, _status = evaluate(receipt, timeline, cal)
            if dl.reply_due is not None and (dl.reply_due < args.today or rng.random() < 0.3) and age > 3:
                latest = min(dl.reply_due, args.today)
                lo = max(e[1] for e in raw_events)
                decided = lo + timedelta(days=rng.randint(0, max(0, (latest - lo).days)))
                if rng.random() < 0.01:
                    decided = dl.reply_due + timedelta(days=rng.randint(1, 5))  # a few late replies
                decided = min(decided, args.today)
                outcome = pick(rng, OUTCOME_WEIGHTS)
                raw_events.append((EventKind.DECIDED, decided, {"outcome": outcome.value}))
                timeline.append(TimelineEvent(EventKind.DECIDED, decided, {"outcome": outcome.value}))
                proj, dl, _status = evaluate(receipt, timeline, cal)
            applicants.append(
                dict(
                    id=app_id,
                    kind=kind.value,
                    name=name,
                    id_doc_type=doc_type,
                    id_number=number,
                    phone=f"13{rng.randrange(10**8, 10**9)}",
                    address=f"淄博市张店区{rng.choice(WORDS)}路{rng.randint(1, 300)}号",
                    created_at=arrived_at,
                )
            )
            apps.append(
                dict(
                    id=app_id,
                    year=year,
                    seq=seq,
                    reg_number=reg,
                    channel=channel.value,
                    post_kind=post_kind,
                    arrived_at=arrived_at,
                    receipt_date=receipt,
                    receipt_basis="（模拟数据）" if receipt else "待确认（模拟数据）",
                    applicant_id=app_id,
                    applicant_kind=kind.value,
                    applicant_name=name,
                    applicant_id_number=number,
                    content=rng.choice(TOPICS).format(y=rng.randint(2015, year), x=rng.choice(WORDS)),
                    status=_status.value,
                    reply_due=dl.reply_due,
                    closed_on=proj.closed_on,
                    outcome=proj.outcome.value if proj.outcome else None,
                    registered_by="模拟数据",
                    fee_waiver_requested=False,
                    filled_by_clerk=False,
                    created_at=arrived_at,
                    updated_at=arrived_at,
                )
            )
            for kind_, day, data in sorted(raw_events, key=lambda e: e[1]):
                recorded = datetime.combine(day, datetime.min.time()).replace(hour=16)
                chain.stage(app_id, kind_.value, day, actor="模拟数据", recorded_at=recorded, data=data)
                n_events += 1
            if (n + 1) % 10000 == 0:
                print(f"已生成 {n + 1}/{args.count}", file=sys.stderr)
        for chunk in range(0, len(apps), 5000):
            s.execute(insert(Applicant), applicants[chunk : chunk + 5000])
            s.execute(insert(Application), apps[chunk : chunk + 5000])
        chain.flush()
        numbers.save()
    print(f"完成：{args.count} 件申请，{n_events} 条办理记录，用时 {time.perf_counter() - started:.1f} 秒 → {args.db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
