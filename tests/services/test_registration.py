"""Registering applications through the services and reading them back."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app.domain import procedure as P
from app.domain.codes import ApplicantKind, Channel, EventKind, IdDocType, Outcome, PostKind, Status, VerificationMethod
from app.services import applications as A
from app.services.backup import check_database
from app.services.errors import ValidationError
from app.services.profile import get_profile, update_profile
from app.store.events import check_chain
from app.store.models import Application


def person(**kw) -> A.ApplicantInput:
    base = dict(
        kind=ApplicantKind.NATURAL_PERSON,
        name="张三",
        id_doc_type=IdDocType.RESIDENT_ID,
        id_number="11010519491231002X",
        phone="13800000000",
    )
    base.update(kw)
    return A.ApplicantInput(**base)


def reg(channel=Channel.IN_PERSON, arrived=datetime(2026, 2, 13, 9, 30), **kw) -> A.RegistrationInput:
    base = dict(channel=channel, arrived_at=arrived, applicant=person(), content="2025年度行政许可决定书")
    base.update(kw)
    return A.RegistrationInput(**base)


def test_in_person_registration_gets_number_and_the_worked_example_due_date(ctx):
    r = A.register_application(ctx, reg())
    assert r.reg_number == "〔2026〕第1号"
    assert r.receipt_date == date(2026, 2, 13)
    assert r.reply_due == date(2026, 3, 19)
    assert r.correction_notice_due == date(2026, 3, 2)
    assert r.status is Status.IN_PROGRESS and not r.provisional
    assert "2月14日（星期六）为调休工作日" in r.explanation


def test_numbers_run_per_year_and_follow_the_configured_pattern(ctx, clock):
    assert A.register_application(ctx, reg()).reg_number == "〔2026〕第1号"
    assert A.register_application(ctx, reg()).reg_number == "〔2026〕第2号"
    profile = get_profile(ctx)
    update_profile(ctx, type(profile)(**{**profile.__dict__, "registration_pattern": "依申请〔{年}〕{号:03}号"}))
    assert A.register_application(ctx, reg()).reg_number == "依申请〔2026〕003号"
    clock.value = datetime(2027, 1, 4, 9, 0)
    assert A.register_application(ctx, reg(arrived=datetime(2027, 1, 4, 8, 45))).reg_number == "依申请〔2027〕001号"


def test_registration_is_read_back_with_every_field(ctx):
    r = A.register_application(
        ctx,
        reg(
            agent=A.AgentInput("李四", IdDocType.RESIDENT_ID, "11010519491231002X", "授权委托书原件一份"),
            document_titles="淄审批〔2025〕12号",
            filled_by_clerk=True,
            notes="申请人视力不便",
        ),
    )
    d = A.get_application(ctx, r.id)
    assert d.reg_number == r.reg_number and d.applicant_name == "张三"
    assert d.id_number == "11010519491231002X" and d.agent_name == "李四"
    assert d.filled_by_clerk and d.document_titles == "淄审批〔2025〕12号"
    assert d.receipt_date == date(2026, 2, 13) and "当面提交" in d.receipt_basis
    assert [e.kind for e in d.events] == [EventKind.REGISTERED, EventKind.IDENTITY_CHECKED]
    assert {c.subject for c in d.identity_checks} == {"申请人", "代理人"}
    assert d.deadlines is not None and d.deadlines.reply_due == date(2026, 3, 19)
    assert d.days_left == 20


def test_receipt_rules_per_channel(ctx):
    signed = A.register_application(ctx, reg(Channel.LETTER, post_kind=PostKind.SIGNED, signed_on=date(2026, 2, 13)))
    assert signed.receipt_date == date(2026, 2, 13)
    ordinary = A.register_application(ctx, reg(Channel.LETTER, post_kind=PostKind.ORDINARY))
    assert ordinary.receipt_date is None and ordinary.status is Status.AWAITING_CONFIRMATION
    assert ordinary.reply_due is None
    email = A.register_application(
        ctx, reg(Channel.EMAIL, confirmed_at=datetime(2026, 2, 13, 10, 0), confirmed_with="电话确认")
    )
    assert email.receipt_date == date(2026, 2, 13)
    online = A.register_application(ctx, reg(Channel.ONLINE))
    assert online.status is Status.AWAITING_CONFIRMATION


def test_confirming_an_ordinary_letter_starts_the_clock(ctx, clock):
    r = A.register_application(ctx, reg(Channel.LETTER, post_kind=PostKind.ORDINARY))
    clock.value = datetime(2026, 9, 18, 16, 0)
    receipt = A.confirm_receipt(ctx, r.id, datetime(2026, 9, 18, 15, 0), "电话联系申请人本人")
    assert receipt == date(2026, 9, 18)
    d = A.get_application(ctx, r.id)
    assert d.status is Status.IN_PROGRESS and d.deadlines.reply_due == date(2026, 10, 22)
    assert d.events[-1].kind is EventKind.RECEIPT_CONFIRMED
    with pytest.raises(ValidationError) as err:
        A.confirm_receipt(ctx, r.id, datetime(2026, 9, 18, 15, 0), "again")
    assert err.value.problems == ["已于2026年9月18日确认收到申请，无需再次确认；日期有误请用“更正登记事项”"]


def test_failed_identity_check_warns_and_needs_a_reason_but_never_blocks(ctx):
    bad = reg(applicant=person(id_number="110105194912310021"))
    with pytest.raises(ValidationError) as err:
        A.register_application(ctx, bad)
    assert err.value.problems == ["申请人证件号码未通过校验（校验码不符，请核对证件号码），如仍予登记请填写理由"]
    bad.id_override_reason = "已核对身份证原件"
    r = A.register_application(ctx, bad)
    assert r.warnings and "校验码" in r.warnings[0]
    check = A.get_application(ctx, r.id).identity_checks[0]
    assert not check.valid and check.override_reason == "已核对身份证原件"


def test_missing_required_fields_are_all_listed(ctx):
    with pytest.raises(ValidationError) as err:
        A.register_application(ctx, reg(applicant=person(name=" ", phone=""), content=""))
    assert err.value.problems == [
        "请填写申请人姓名或名称（第二十九条第二款第（一）项）",
        "请填写申请公开的政府信息的内容描述（第二十九条第二款第（二）项）",
        "请至少填写一种联系方式（电话、通讯地址或电子邮箱）",
    ]


def test_future_arrival_is_refused(ctx):
    with pytest.raises(ValidationError) as err:
        A.register_application(ctx, reg(arrived=datetime(2026, 2, 14, 9, 0)))
    assert err.value.problems == ["到达时间不能晚于当前时间"]
    assert A.register_application(ctx, reg()).reg_number == "〔2026〕第1号"  # the refusal used up no number


def _applicant_rows(ctx) -> tuple[dict[int, int], dict[int, dict], list[tuple]]:
    """(application id → applicant_id, application id → applicant_snapshot, every applicant row)."""
    from sqlalchemy import select

    from app.store.models import Applicant, Application

    with ctx.db.session_scope() as s:
        apps = s.execute(select(Application.id, Application.applicant_id, Application.applicant_snapshot)).all()
        people = s.execute(
            select(
                Applicant.id,
                Applicant.id_doc_type,
                Applicant.id_number,
                Applicant.name,
                Applicant.phone,
                Applicant.address,
                Applicant.email,
            ).order_by(Applicant.id)
        ).all()
    return {i: a for i, a, _ in apps}, {i: snap for i, _, snap in apps}, [tuple(p) for p in people]


def test_same_applicant_is_reused_by_document_number(ctx):
    a = A.register_application(ctx, reg(applicant=person(address="张店区某路1号")))
    b = A.register_application(ctx, reg(applicant=person(phone="13900000000", email="zs@example.cn")))
    other = A.register_application(ctx, reg(applicant=person(name="李四", id_number="110101199003070011")))
    assert len({a.id, b.id, other.id}) == 3

    applicant_of, snapshot_of, people = _applicant_rows(ctx)
    # one applicant row for the ID number, and both applications point to it; another number is another person
    assert applicant_of[a.id] == applicant_of[b.id] != applicant_of[other.id]
    # on that row the newest details win, and a detail left blank later is not erased
    assert [p for p in people if p[2] == "11010519491231002X"] == [
        (
            applicant_of[a.id],
            "resident_id",
            "11010519491231002X",
            "张三",
            "13900000000",
            "张店区某路1号",
            "zs@example.cn",
        )
    ]
    assert len(people) == 2
    # the details given with each application are kept with that application, blanks included
    blank = {"legal_representative": "", "contact_person": "", "postcode": ""}
    assert snapshot_of[a.id] == {**blank, "phone": "13800000000", "address": "张店区某路1号", "email": ""}
    assert snapshot_of[b.id] == {**blank, "phone": "13900000000", "address": "", "email": "zs@example.cn"}
    d1, d2 = A.get_application(ctx, a.id), A.get_application(ctx, b.id)
    assert (d1.phone, d1.address, d1.email) == ("13800000000", "张店区某路1号", "")
    assert (d2.phone, d2.address, d2.email) == ("13900000000", "", "zs@example.cn")


def test_same_applicant_is_reused_when_the_number_is_typed_differently(ctx):
    a = A.register_application(ctx, reg())
    b = A.register_application(ctx, reg(applicant=person(id_number="１１０１０５ 19491231002x")))
    applicant_of, _, people = _applicant_rows(ctx)
    assert applicant_of[b.id] == applicant_of[a.id]
    assert [p[0] for p in people] == [applicant_of[a.id]]


def test_events_update_status_and_keep_the_audit_chain(ctx, clock):
    r = A.register_application(ctx, reg())
    clock.value = datetime(2026, 3, 20, 9, 0)
    assert A.record_event(ctx, r.id, EventKind.THIRD_PARTY_CONSULTATION_STARTED, date(2026, 3, 2)) is Status.PAUSED
    assert A.get_application(ctx, r.id).deadlines.reply_due is None
    A.record_event(
        ctx,
        r.id,
        EventKind.THIRD_PARTY_CONSULTATION_ENDED,
        date(2026, 3, 10),
        P.ConsultationEnded(how=P.ConsultationEnding.ANSWERED),
    )
    assert A.get_application(ctx, r.id).deadlines.reply_due == date(2026, 3, 27)
    with pytest.raises(ValidationError) as err:
        A.record_event(ctx, r.id, EventKind.FEE_PAID, date(2026, 3, 11))
    assert err.value.problems == ["没有正在进行的“收费通知至缴费”，不能记录结束"]
    assert (
        A.record_event(ctx, r.id, EventKind.DECIDED, date(2026, 3, 20), P.Decided(outcome=Outcome("disclosed")))
        is Status.CLOSED
    )
    d = A.get_application(ctx, r.id)
    assert d.outcome is Outcome.DISCLOSED and d.closed_on == date(2026, 3, 20)
    with ctx.db.session_scope() as s:
        assert check_chain(s) == []


def test_a_failed_save_leaves_nothing_half_written(ctx, monkeypatch):
    from app.services import applications

    def boom(*_a, **_k):
        raise OSError("磁盘已满")

    monkeypatch.setattr(applications, "append_event", boom)
    with pytest.raises(OSError, match=r"^磁盘已满$"):
        A.register_application(ctx, reg())
    monkeypatch.undo()
    with ctx.db.session_scope() as s:
        from sqlalchemy import func, select

        from app.store.models import Applicant, Application, NumberSequence

        assert s.scalar(select(func.count()).select_from(Application)) == 0
        assert s.scalar(select(func.count()).select_from(Applicant)) == 0
        assert s.scalar(select(func.count()).select_from(NumberSequence)) == 0
    assert A.register_application(ctx, reg()).reg_number == "〔2026〕第1号"


def test_recompute_open_reports_moved_deadlines(ctx, clock):
    from app.domain.workcalendar import YearSchedule
    from app.store.models import Application

    clock.value = datetime(2026, 12, 15, 10, 0)
    r = A.register_application(ctx, reg(arrived=datetime(2026, 12, 15, 9, 0)))
    closed = A.register_application(ctx, reg(arrived=datetime(2026, 12, 15, 9, 5)))
    A.record_event(ctx, closed.id, EventKind.DECIDED, date(2026, 12, 15), P.Decided(outcome=Outcome.DISCLOSED))
    before = A.get_application(ctx, r.id).deadlines
    assert before.provisional and before.reply_due == date(2027, 1, 13)  # reaches into 2027, not yet confirmed
    assert A.recompute_open(ctx) == []  # same calendar: nothing moves
    # the official 2027 notice (here: 元旦 1–4 January) arrives with a new program version
    official = YearSchedule(2027, {date(2027, 1, d): "元旦" for d in range(1, 5)}, frozenset(), True)
    ctx._calendar = ctx.calendar().with_schedule(official)
    assert A.recompute_open(ctx) == [(r.id, "〔2026〕第1号", date(2027, 1, 13), date(2027, 1, 14))]
    with ctx.db.session_scope() as s:
        assert s.get(Application, r.id).reply_due == date(2027, 1, 14)
    assert A.recompute_open(ctx) == []  # stored dates now agree with the calendar


def test_numbers_already_taken_are_skipped_not_clashed(ctx):
    from app.store.models import Application

    first = A.register_application(ctx, reg())
    with ctx.db.session_scope() as s:  # a ledger import brought in 第2号 under another receipt year
        app = s.get(Application, first.id)
        s.add(
            Application(
                **{c.name: getattr(app, c.name) for c in Application.__table__.columns if c.name != "id"}
                | {"year": 2025, "seq": 99, "reg_number": "〔2026〕第2号"}
            )
        )
    assert A.register_application(ctx, reg()).reg_number == "〔2026〕第3号"
    assert A.register_application(ctx, reg()).reg_number == "〔2026〕第4号"


@pytest.mark.parametrize(
    ("kw", "problem"),
    [
        ({"handed_in_on": date(2026, 2, 14)}, "提交日期不能晚于今天"),
        ({"channel": Channel.EMAIL, "confirmed_at": datetime(2026, 2, 20, 9, 0)}, "确认收到的时间不能晚于当前时间"),
        (
            {"channel": Channel.LETTER, "post_kind": PostKind.SIGNED, "signed_on": date(2026, 3, 1)},
            "签收日期不能晚于今天",
        ),
    ],
)
def test_receipt_dates_in_the_future_are_refused(ctx, kw, problem):
    with pytest.raises(ValidationError) as err:
        A.register_application(ctx, reg(**kw))
    assert err.value.problems == [problem]


def test_extension_after_the_period_ran_out_is_refused_and_the_case_stays_overdue(ctx, clock):
    r = A.register_application(ctx, reg())  # due 2026-03-19
    clock.value = datetime(2026, 3, 31, 9, 0)
    with pytest.raises(ValidationError) as err:
        A.record_event(ctx, r.id, EventKind.EXTENSION, date(2026, 3, 31), P.Extension(days=20))
    assert err.value.problems == [
        "延期须在答复期限届满前告知申请人（第三十三条第二款）；原答复期限为 2026年3月19日，已届满，不能再延期"
    ]
    assert A.get_application(ctx, r.id).days_left == -8  # still overdue: nothing was recorded
    assert A.record_event(ctx, r.id, EventKind.EXTENSION, date(2026, 3, 19), P.Extension(days=20)) is Status.EXTENDED


def test_a_later_application_does_not_rewrite_the_particulars_of_an_earlier_one(ctx):
    first = A.register_application(ctx, reg(applicant=person(address="张店区某路1号")))
    second = A.register_application(ctx, reg(applicant=person(phone="", email="a@example.cn")))
    d1, d2 = A.get_application(ctx, first.id), A.get_application(ctx, second.id)
    assert (d1.phone, d1.address, d1.email) == ("13800000000", "张店区某路1号", "")
    assert (d2.phone, d2.address, d2.email) == ("", "", "a@example.cn")


def test_id_numbers_are_stored_normalised(ctx):
    r = A.register_application(ctx, reg(applicant=person(id_number="１１０１０５ 19491231002x")))
    assert A.get_application(ctx, r.id).id_number == "11010519491231002X"
    from app.services import register as R

    assert R.query_ids(ctx, R.RegisterFilter(text="11010519491231002X")) == [r.id]


def test_corrections_of_the_record_keep_old_and_new_with_the_reason(ctx):
    r = A.register_application(ctx, reg())
    with pytest.raises(ValidationError) as err:
        A.edit_application(ctx, r.id, {"phone": "13900000000"}, reason=" ")
    assert err.value.problems == ["请填写修改原因（将记入办理记录）"]
    with pytest.raises(ValidationError) as err:
        A.edit_application(ctx, r.id, {"receipt_date": "2026-01-01"}, reason="x")
    assert err.value.problems == ["不能修改的项目：receipt_date"]
    assert [e.kind for e in A.get_application(ctx, r.id).events] == [EventKind.REGISTERED, EventKind.IDENTITY_CHECKED]
    assert A.edit_application(ctx, r.id, {"phone": "13800000000"}, reason="未变") == 0
    assert A.edit_application(ctx, r.id, {"phone": "13900000000", "content": "新的描述"}, reason="申请人来电更正") == 2
    d = A.get_application(ctx, r.id)
    assert d.phone == "13900000000" and d.content == "新的描述"
    edited = d.events[-1]
    assert edited.kind is EventKind.EDITED and edited.note == "申请人来电更正"
    assert edited.payload.changes["phone"] == P.FieldChange("联系电话", "13800000000", "13900000000")
    assert ("联系电话", "13800000000 → 13900000000") in edited.lines
    with ctx.db.session_scope() as s:
        assert check_chain(s) == []


def test_remedies_recorded_at_the_counter_become_table_four_cases(ctx, clock):
    from sqlalchemy import select

    from app.store.models import RemedyCase

    r = A.register_application(ctx, reg())
    clock.value = datetime(2026, 6, 30, 9, 0)
    with pytest.raises(ValidationError) as err:  # nothing to serve or appeal before the reply
        A.record_event(ctx, r.id, EventKind.SERVED, date(2026, 3, 2), P.Served(method=P.ServiceMethod("post")))
    assert err.value.problems == ["送达、行政复议和行政诉讼只能在作出答复之后记录"]
    A.record_event(ctx, r.id, EventKind.DECIDED, date(2026, 3, 5), P.Decided(outcome=Outcome("withheld_internal")))
    with pytest.raises(ValidationError) as err:
        A.record_event(ctx, r.id, EventKind.SERVED, date(2026, 3, 4), P.Served(method=P.ServiceMethod("post")))
    assert err.value.problems == ["送达、行政复议和行政诉讼的日期不能早于作出答复之日 2026年3月5日"]
    A.record_event(ctx, r.id, EventKind.SERVED, date(2026, 3, 6), P.Served(method=P.ServiceMethod("post")))
    A.record_event(ctx, r.id, EventKind.RECONSIDERATION_FILED, date(2026, 4, 1))
    A.record_event(
        ctx,
        r.id,
        EventKind.LITIGATION_FILED,
        date(2026, 6, 1),
        P.LitigationFiled(type=P.LitigationType("after_reconsideration")),
    )
    A.record_event(
        ctx,
        r.id,
        EventKind.RECONSIDERATION_DECIDED,
        date(2026, 5, 20),
        P.RemedyDecided(result=P.RemedyResult("upheld")),
    )
    with ctx.db.session_scope() as s:
        cases = [(c.kind, c.filed_on, c.result) for c in s.scalars(select(RemedyCase).order_by(RemedyCase.id))]
    assert cases == [
        ("reconsideration", date(2026, 4, 1), "upheld"),
        ("litigation_after", date(2026, 6, 1), None),  # 尚未审结
    ]


def test_a_lapsed_consultation_ends_on_its_fifteenth_working_day_not_later(ctx, clock):
    r = A.register_application(ctx, reg())
    clock.value = datetime(2026, 3, 31, 9, 0)
    A.record_event(ctx, r.id, EventKind.THIRD_PARTY_CONSULTATION_STARTED, date(2026, 2, 24))
    lapse = A.get_application(ctx, r.id).deadlines.consultation_dues[0][1]
    with pytest.raises(ValidationError) as err:
        A.record_event(
            ctx,
            r.id,
            EventKind.THIRD_PARTY_CONSULTATION_ENDED,
            date(2026, 3, 31),
            P.ConsultationEnded(how=P.ConsultationEnding("lapsed")),
        )
    assert lapse == date(2026, 3, 16)  # 15 working days after 2026-02-24
    assert err.value.problems == [
        "征求意见期限于 2026年3月16日 届满，逾期未提出意见的，暂停计时止于该日，"
        "不能记为更晚的日期（第三十二条、第三十四条）"
    ]
    A.record_event(
        ctx,
        r.id,
        EventKind.THIRD_PARTY_CONSULTATION_ENDED,
        lapse,
        P.ConsultationEnded(how=P.ConsultationEnding("lapsed")),
    )
    # (2-24, 3-16] is not counted: 15 working days are added to 2026-03-19
    assert A.get_application(ctx, r.id).deadlines.reply_due == ctx.calendar().add_working_days(date(2026, 3, 19), 15)


# ----- 当面 natural persons: an ID number, or the reason there is none (第二十九条; docs/rules.md §9)

NO_NUMBER_MISSING = "当面提交的自然人申请，请填写申请人证件号码；确实无法登记的，请选择或填写理由（第二十九条）"
NO_NUMBER_SEEN = "未填写证件号码，身份核验方式不能为“查验原件”，请改为“未核验”或“查验授权委托书”"


def no_number(**kw) -> A.RegistrationInput:
    return reg(applicant=person(id_doc_type=None, id_number=""), **kw)


def test_an_in_person_natural_person_without_a_number_or_a_reason_is_refused(ctx):
    with pytest.raises(ValidationError) as err:
        A.register_application(ctx, no_number(verification=VerificationMethod.NOT_CHECKED))
    assert err.value.problems == [NO_NUMBER_MISSING]
    with pytest.raises(ValidationError) as err:
        A.register_application(ctx, no_number(no_id_reason="  \u200b "))  # blank is no reason
    assert err.value.problems == [NO_NUMBER_MISSING, NO_NUMBER_SEEN]
    # the reason for a number that fails its check is another field: it does not excuse a missing number
    with pytest.raises(ValidationError) as err:
        A.register_application(
            ctx, no_number(id_override_reason="已核对原件", verification=VerificationMethod.NOT_CHECKED)
        )
    assert err.value.problems == [NO_NUMBER_MISSING]
    with ctx.db.session_scope() as s:
        assert s.scalar(select(func.count()).select_from(Application)) == 0


def test_original_seen_cannot_be_claimed_without_a_number(ctx):
    for method in (VerificationMethod.ORIGINAL_SEEN, VerificationMethod.COPY_KEPT, VerificationMethod.ELECTRONIC):
        with pytest.raises(ValidationError) as err:
            A.register_application(ctx, no_number(no_id_reason="申请人未携带身份证件", verification=method))
        assert err.value.problems == [
            f"未填写证件号码，身份核验方式不能为“{method.label}”，请改为“未核验”或“查验授权委托书”"
        ]
    assert (
        A.validate_registration(
            ctx,
            no_number(no_id_reason="由代理人提交，申请人证件号码未提供", verification=VerificationMethod.AUTHORISATION),
        )
        == []
    )


def test_the_reason_is_kept_with_the_identity_record_not_in_the_notes(ctx):
    r = A.register_application(
        ctx,
        no_number(no_id_reason=" 申请人未携带身份证件 ", verification=VerificationMethod.NOT_CHECKED, notes="加急"),
    )
    assert r.warnings == ()
    d = A.get_application(ctx, r.id)
    assert d.notes == "加急" and d.id_number == ""
    [check] = d.identity_checks
    assert (check.subject, check.doc_type, check.doc_number, check.valid) == ("申请人", "", "", False)
    assert (check.problems, check.override_reason, check.method) == ("未登记证件号码", "申请人未携带身份证件", "未核验")
    assert [e.kind for e in d.events] == [EventKind.REGISTERED, EventKind.IDENTITY_CHECKED]
    assert d.events[1].payload == P.IdentityChecked(
        method=VerificationMethod.NOT_CHECKED.value, warnings=("申请人未登记证件号码：申请人未携带身份证件",)
    )
    with ctx.db.session_scope() as s:
        assert check_chain(s) == []
    report = check_database(ctx)
    assert report.ok, report.summary()


def test_the_document_type_is_kept_when_only_the_number_is_missing(ctx):
    data = no_number(no_id_reason="申请人拒绝出示身份证件", verification=VerificationMethod.NOT_CHECKED)
    data.applicant.id_doc_type = IdDocType.PASSPORT
    [check] = A.get_application(ctx, A.register_application(ctx, data).id).identity_checks
    assert (check.doc_type, check.doc_number, check.override_reason) == ("护照", "", "申请人拒绝出示身份证件")


def test_a_reason_is_not_recorded_when_a_number_is_given(ctx):
    r = A.register_application(ctx, reg(no_id_reason="申请人未携带身份证件"))
    [check] = A.get_application(ctx, r.id).identity_checks
    assert check.valid and check.doc_number == "11010519491231002X" and check.override_reason == ""


@pytest.mark.parametrize(
    "kw",
    [
        {"channel": Channel.LETTER, "post_kind": PostKind.SIGNED, "signed_on": date(2026, 2, 13)},
        {"channel": Channel.ONLINE},
        {"channel": Channel.EMAIL},
    ],
    ids=["letter", "online", "email"],
)
def test_other_channels_need_no_number(ctx, kw):
    r = A.register_application(ctx, no_number(**kw))
    d = A.get_application(ctx, r.id)
    assert d.identity_checks == () and [e.kind for e in d.events] == [EventKind.REGISTERED]


def test_organisations_at_the_counter_need_no_number(ctx):
    org = person(kind=ApplicantKind.COMMERCIAL, name="淄博某某商贸有限公司", id_doc_type=None, id_number="")
    r = A.register_application(ctx, reg(applicant=org))
    assert A.get_application(ctx, r.id).identity_checks == ()


def test_an_over_long_reason_is_refused(ctx):
    with pytest.raises(ValidationError) as err:
        A.register_application(ctx, no_number(no_id_reason="理" * 2001, verification=VerificationMethod.NOT_CHECKED))
    assert err.value.problems == ["原因不能超过 2000 个字（实为 2001 个字）"]
