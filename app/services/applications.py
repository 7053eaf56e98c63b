"""Use cases on one application: register it, confirm its receipt, record what happens, read it back.

Each function opens one session (one user action), returns plain dataclasses and never hands ORM objects
to the caller. Status and deadlines are recomputed from the timeline after every change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from app.domain.codes import (
    ApplicantKind,
    Channel,
    Delivery,
    EventKind,
    IdDocType,
    Outcome,
    PostKind,
    RequestedForm,
    Status,
    VerificationMethod,
)
from app.domain.dates import cn_date
from app.domain.deadlines import Deadlines, compute_deadlines, explain
from app.domain.identity import IdCheck, check_identity, in_person_identity_problems, normalise_number
from app.domain.procedure import (
    PAYLOAD_TYPES,
    RECORD_KEEPING,
    FieldChange,
    IdentityChecked,
    LitigationFiled,
    ParticularsCorrected,
    Payload,
    ProcedureError,
    ReceiptConfirmed,
    ReconsiderationFiled,
    Recorded,
    RemedyDecided,
    RemedyKind,
    Situation,
    StepOption,
    Voided,
    VoidReason,
    allowed_steps,
    check_step,
    payload_of,
    situation_of,
    to_data,
)
from app.domain.procedure import Edited as EditedPayload
from app.domain.procedure import Registered as RegisteredPayload
from app.domain.receipt import ReceiptDecision, ReceiptError, determine_receipt
from app.domain.text import TextError, clean_field, strip_invisible
from app.domain.timeline import Projection, derive_status, project
from app.domain.workcalendar import WorkCalendar
from app.services.context import ServiceContext
from app.services.errors import ConcurrentEdit, NotFound, ValidationError
from app.services.profile import get_profile
from app.services.report import ReportLock  # report lock: no change to a published year's tables
from app.store.events import append_event, lock_writers
from app.store.models import (
    AgencyProfile,
    Applicant,
    Application,
    Event,
    IdentityCheck,
    RemedyCase,
)
from app.store.numbers import NumberAllocator, NumbersExhausted


@dataclass
class ApplicantInput:
    kind: ApplicantKind
    name: str
    id_doc_type: IdDocType | None = None
    id_number: str = ""
    legal_representative: str = ""
    contact_person: str = ""
    phone: str = ""
    address: str = ""
    postcode: str = ""
    email: str = ""


@dataclass
class AgentInput:
    name: str
    id_doc_type: IdDocType | None = None
    id_number: str = ""
    authorisation: str = ""  # what the letter of authorisation says / how it was checked


@dataclass
class RegistrationInput:
    channel: Channel
    arrived_at: datetime
    applicant: ApplicantInput
    content: str
    post_kind: PostKind | None = None
    handed_in_on: date | None = None
    signed_on: date | None = None
    confirmed_at: datetime | None = None
    confirmed_with: str = ""
    agent: AgentInput | None = None
    verification: VerificationMethod = VerificationMethod.ORIGINAL_SEEN
    id_override_reason: str = ""  # why a number that fails its check is registered anyway
    no_id_reason: str = ""  # 未登记证件号码的理由: 当面 natural person without a number (docs/rules.md §9)
    document_titles: str = ""
    purpose: str = ""
    requested_form: RequestedForm | None = None
    delivery: Delivery | None = None
    fee_waiver_requested: bool = False
    filled_by_clerk: bool = False
    notes: str = ""


@dataclass(frozen=True)
class RegistrationResult:
    id: int
    reg_number: str
    receipt_date: date | None
    receipt_basis: str
    status: Status
    reply_due: date | None
    correction_notice_due: date | None
    provisional: bool
    explanation: str
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class EventView:
    """One event of the timeline as the case view shows it: the typed payload and its every field."""

    id: int
    kind: EventKind
    label: str
    day: date
    recorded_at: datetime
    actor: str
    payload: Payload
    note: str

    @property
    def lines(self) -> list[tuple[str, str]]:
        return self.payload.lines(self.kind)


@dataclass(frozen=True)
class IdentityCheckView:
    subject: str
    doc_type: str
    doc_number: str
    valid: bool
    problems: str
    override_reason: str
    method: str
    checked_by: str
    checked_at: datetime


@dataclass(frozen=True)
class ApplicationDetail:
    id: int
    reg_number: str
    channel: Channel
    post_kind: PostKind | None
    arrived_at: datetime
    receipt_date: date | None
    receipt_basis: str
    confirmed_at: datetime | None
    confirmed_with: str
    applicant_kind: ApplicantKind
    applicant_name: str
    id_doc_type: IdDocType | None
    id_number: str
    legal_representative: str
    contact_person: str
    phone: str
    address: str
    postcode: str
    email: str
    agent_name: str
    agent_id_doc_type: IdDocType | None
    agent_id_number: str
    agent_authorisation: str
    content: str
    document_titles: str
    purpose: str
    requested_form: RequestedForm | None
    delivery: Delivery | None
    fee_waiver_requested: bool
    filled_by_clerk: bool
    notes: str
    status: Status
    outcome: Outcome | None
    closed_on: date | None
    registered_by: str
    created_at: datetime
    deadlines: Deadlines | None
    explanation: str
    days_left: int | None
    identity_checks: tuple[IdentityCheckView, ...]
    events: tuple[EventView, ...] = field(default_factory=tuple)
    situation: Situation | None = None
    steps: tuple[StepOption, ...] = ()  # every step and whether it may be taken today (app.domain.procedure)
    #: the row's version when read: handed back as ``expected_version`` so that a change made meanwhile by
    #: another desk is refused instead of overwritten (:func:`load_for_change`)
    version: int = 0

    def step(self, kind: EventKind) -> StepOption:
        return next((o for o in self.steps if o.kind is kind), StepOption(kind, False, "该操作不适用"))


def _clean(text: str | None) -> str:
    """NFC, without zero-width and other format characters, trimmed (app.domain.text, the one rule)."""
    return strip_invisible(text or "").strip()


def _text_problems(values: dict[str, str | None]) -> list[str]:
    """What the rule for free text (app.domain.text) refuses: control characters and over-long values."""
    problems: list[str] = []
    for field_key, value in values.items():
        try:
            clean_field(value, field_key)
        except TextError as exc:
            problems.append(str(exc))
    return problems


def _identity_check(doc_type: IdDocType | None, number: str, today: date) -> IdCheck | None:
    if doc_type is None or not number.strip():
        return None
    return check_identity(doc_type, number, today=today)


#: The problem an identity record states when a 当面 natural person's number was not registered (§9).
NO_NUMBER = "未登记证件号码"


def _no_number_reason(data: RegistrationInput) -> str:
    """The reason to record for a 当面 natural person registered without a number; "" when none applies."""
    a = data.applicant
    if data.channel is not Channel.IN_PERSON or a.kind is not ApplicantKind.NATURAL_PERSON:
        return ""
    return "" if normalise_number(a.id_number) else _clean(data.no_id_reason)


def validate_registration(ctx: ServiceContext, data: RegistrationInput) -> list[str]:
    """Every reason the form cannot be saved (empty list = can be saved). Identity failures need a reason."""
    problems: list[str] = []
    a = data.applicant
    if not _clean(a.name):
        problems.append("请填写申请人姓名或名称（第二十九条第二款第（一）项）")
    if not _clean(data.content):
        problems.append("请填写申请公开的政府信息的内容描述（第二十九条第二款第（二）项）")
    if not (_clean(a.phone) or _clean(a.address) or _clean(a.email)):
        problems.append("请至少填写一种联系方式（电话、通讯地址或电子邮箱）")
    now = ctx.now()
    if data.arrived_at > now:
        problems.append("到达时间不能晚于当前时间")
    for label, day in (("提交日期", data.handed_in_on), ("签收日期", data.signed_on)):
        if day is not None and day > now.date():
            problems.append(f"{label}不能晚于今天")
    if data.confirmed_at is not None and data.confirmed_at > now:
        problems.append("确认收到的时间不能晚于当前时间")
    try:
        receipt_of(data)
    except ReceiptError as exc:
        problems.append(str(exc))
    today = ctx.today()
    for who, check in (("申请人", _identity_check(a.id_doc_type, a.id_number, today)),) + (
        (("代理人", _identity_check(data.agent.id_doc_type, data.agent.id_number, today)),) if data.agent else ()
    ):
        if check is not None and not check.ok and not _clean(data.id_override_reason):
            problems.append(f"{who}证件号码未通过校验（{'；'.join(check.problems)}），如仍予登记请填写理由")
    problems += in_person_identity_problems(
        data.channel, a.kind, a.id_number, _clean(data.no_id_reason), data.verification
    )
    if data.agent is not None and not _clean(data.agent.name):
        problems.append("已勾选委托代理，请填写代理人姓名")
    texts: dict[str, str | None] = {
        "applicant_name": a.name,
        "id_number": a.id_number,
        "legal_representative": a.legal_representative,
        "contact_person": a.contact_person,
        "phone": a.phone,
        "address": a.address,
        "postcode": a.postcode,
        "email": a.email,
        "content": data.content,
        "document_titles": data.document_titles,
        "purpose": data.purpose,
        "notes": data.notes,
        "confirmed_with": data.confirmed_with,
        "reason": data.id_override_reason,
    }
    if data.agent is not None:
        texts |= {"agent_name": data.agent.name, "agent_authorisation": data.agent.authorisation}
    problems += _text_problems(texts)
    problems += _text_problems({"reason": data.no_id_reason})
    return problems


def receipt_of(data: RegistrationInput) -> ReceiptDecision:
    """The legal receipt date of the registration as entered (第三十一条; docs/rules.md §3): what the counter
    form previews and what :func:`register_application` records. Raises ReceiptError when it cannot tell."""
    return determine_receipt(
        data.channel,
        data.arrived_at.date(),
        post_kind=data.post_kind,
        handed_in_on=data.handed_in_on,
        signed_on=data.signed_on,
        confirmed_on=data.confirmed_at.date() if data.confirmed_at else None,
    )


def allocate_registration_number(session: Session, pattern: str, year: int) -> tuple[int, str]:
    """The next free registration number of *year* (:class:`app.store.numbers.NumberAllocator`)."""
    numbers = NumberAllocator(session, pattern, [year])
    try:
        seq, text = numbers.next_free(year)
    except NumbersExhausted as exc:
        raise ValidationError([f"{year}年的登记编号已用尽，请检查“设置 → 机关信息”中的登记编号格式"]) from exc
    numbers.save()
    return seq, text


def _contact_fields(a: ApplicantInput) -> dict[str, str]:
    return {
        "legal_representative": _clean(a.legal_representative),
        "contact_person": _clean(a.contact_person),
        "phone": _clean(a.phone),
        "address": _clean(a.address),
        "postcode": _clean(a.postcode),
        "email": _clean(a.email),
    }


def given_contact(app: Application, key: str) -> str:
    """A contact detail as given with this application (its snapshot, migration 0002); for applications
    registered before snapshots were kept, the applicant record's."""
    given = app.applicant_snapshot or {}
    if key in given:
        return str(given[key] or "")
    return str(getattr(app.applicant, key, "") or "")


def _find_or_create_applicant(session: Session, a: ApplicantInput, now: datetime) -> Applicant:
    existing = None
    if a.id_doc_type is not None and _clean(a.id_number):
        existing = session.scalars(
            select(Applicant)
            .where(
                Applicant.id_doc_type == a.id_doc_type.value,
                Applicant.id_number == normalise_number(a.id_number),
            )
            .order_by(Applicant.id)
            .limit(1)
        ).first()
    if existing is None:
        existing = Applicant(created_at=now)
        session.add(existing)
    existing.kind = a.kind.value
    existing.name = _clean(a.name)
    existing.id_doc_type = a.id_doc_type.value if a.id_doc_type else None
    existing.id_number = normalise_number(a.id_number) or None
    # newest details win, but a blank field never erases what an earlier application gave
    for attr, value in _contact_fields(a).items():
        if value:
            setattr(existing, attr, value)
    session.flush()
    return existing


def timeline_of(session: Session, application_id: int) -> list[Recorded]:
    """The case's events as the procedure reads them (typed payloads), in date order."""
    rows = session.execute(
        select(Event.kind, Event.event_date, Event.data, Event.note)
        .where(Event.application_id == application_id)
        .order_by(Event.event_date, Event.id)
    ).all()
    return [Recorded.of(EventKind(k), d, data, note or "") for k, d, data, note in rows]


def evaluate(
    receipt_date: date | None, timeline: list[Recorded], cal: WorkCalendar, fee_days: int = 20
) -> tuple[Projection, Deadlines, Status]:
    """Projection, deadlines and status of a timeline (a voided registration is 已作废 whatever else)."""
    proj = project(receipt_date, timeline, fee_payment_days=fee_days)
    dl = compute_deadlines(proj.clock, cal)
    status = derive_status(proj, dl)
    if any(e.kind is EventKind.VOIDED for e in timeline):
        status = Status.VOIDED
    return proj, dl, status


def situation(ctx: ServiceContext, session: Session, app: Application) -> Situation:
    """Where *app* stands, from its stored events (app.domain.procedure)."""
    return situation_of(
        app.arrived_at.date(),
        app.receipt_date,
        timeline_of(session, app.id),
        ctx.calendar(),
        fee_payment_days=ctx.int_setting("fee_payment_days"),
    )


def load_for_change(session: Session, application_id: int, expected_version: int | None = None) -> Application:
    """The application a use case is about to change, read after the writers' lock.

    Why: a desk acts on what it showed the clerk earlier; when another desk changed the case meanwhile its
    version moved on, and acting anyway would overwrite or contradict that change. With *expected_version*
    (the version the desk read, :attr:`ApplicationDetail.version`) a different stored version is refused
    with :class:`ConcurrentEdit` ("该申请已被他人修改，请刷新"). The lock comes first
    (:func:`app.store.events.lock_writers`) so the version read is the latest committed one; the guarded
    UPDATE of the version column (:func:`mark_changed`) still refuses a change that slips in after.
    """
    lock_writers(session)
    app = session.get(Application, application_id)
    if app is None:
        raise NotFound("找不到该申请")
    if expected_version is not None and app.version != expected_version:
        raise ConcurrentEdit()
    return app


def mark_changed(app: Application, now: datetime) -> None:
    """Record that *app* changed now, so that its version moves on even when no column of its row did.

    Why: every change of a case (an event, a document, an attachment) must make a desk holding the old
    version refuse its own change; SQLAlchemy writes the guarded ``UPDATE … WHERE version = ?`` only for a
    dirty row, and setting ``updated_at`` to the same value (a fixed clock, the same second) is no change.
    """
    app.updated_at = now
    flag_modified(app, "updated_at")


def refresh_derived(ctx: ServiceContext, session: Session, app: Application) -> tuple[Projection, Deadlines, Status]:
    """Recompute status, reply due date, outcome and closing date of *app* from its timeline.

    A voided registration keeps none of them: it is in no deadline list and no statistic (docs/rules.md §5).
    """
    proj, dl, status = evaluate(
        app.receipt_date,
        timeline_of(session, app.id),
        ctx.calendar(),
        ctx.int_setting("fee_payment_days"),
    )
    voided = status is Status.VOIDED
    app.status = status.value
    app.reply_due = None if voided else dl.reply_due
    app.closed_on = None if voided else proj.closed_on
    app.outcome = None if voided or proj.outcome is None else proj.outcome.value
    mark_changed(app, ctx.now())
    return proj, dl, status


def register_application(ctx: ServiceContext, data: RegistrationInput) -> RegistrationResult:
    """Register an application the moment it arrives (Art. 29–31): number, receipt date, identity, clock."""
    problems = validate_registration(ctx, data)
    if problems:
        raise ValidationError(problems)
    receipt = receipt_of(data)
    now = ctx.now()
    clerk = ctx.clerk()
    profile = get_profile(ctx)
    today = ctx.today()
    warnings: list[str] = []
    with ctx.db.session_scope() as s:
        lock_writers(s)  # first: the number and the chain are read after it (several desks register at once)
        lock = ReportLock(s, None)  # report lock (app.services.report)
        applicant = _find_or_create_applicant(s, data.applicant, now)
        year = data.arrived_at.year
        seq, reg_number = allocate_registration_number(s, profile.registration_pattern, year)
        a = data.applicant
        app = Application(
            year=year,
            seq=seq,
            reg_number=reg_number,
            channel=data.channel.value,
            post_kind=data.post_kind.value if data.channel is Channel.LETTER and data.post_kind else None,
            arrived_at=data.arrived_at.replace(microsecond=0),
            receipt_date=receipt.receipt_date,
            receipt_basis=receipt.basis,
            confirmed_at=data.confirmed_at,
            confirmed_with=_clean(data.confirmed_with) or None,
            applicant_id=applicant.id,
            applicant_kind=a.kind.value,
            applicant_name=_clean(a.name),
            applicant_id_number=normalise_number(a.id_number) or None,
            applicant_snapshot=_contact_fields(a),
            agent_name=_clean(data.agent.name) if data.agent else None,
            agent_id_doc_type=data.agent.id_doc_type.value if data.agent and data.agent.id_doc_type else None,
            agent_id_number=normalise_number(data.agent.id_number) or None if data.agent else None,
            agent_authorisation=_clean(data.agent.authorisation) or None if data.agent else None,
            content=_clean(data.content),
            document_titles=_clean(data.document_titles) or None,
            purpose=_clean(data.purpose) or None,
            requested_form=data.requested_form.value if data.requested_form else None,
            delivery=data.delivery.value if data.delivery else None,
            fee_waiver_requested=data.fee_waiver_requested,
            filled_by_clerk=data.filled_by_clerk,
            notes=_clean(data.notes) or None,
            status=Status.IN_PROGRESS.value,
            registered_by=clerk,
            created_at=now,
            updated_at=now,
        )
        s.add(app)
        s.flush()
        subjects: list[tuple[str, IdDocType | None, str]] = [("applicant", a.id_doc_type, a.id_number)]
        if data.agent:
            subjects.append(("agent", data.agent.id_doc_type, data.agent.id_number))
        for subject, doc_type, number in subjects:
            check = _identity_check(doc_type, number, today)
            if check is None or doc_type is None:
                continue
            if not check.ok:
                who = "申请人" if subject == "applicant" else "代理人"
                warnings.append(f"{who}证件号码未通过校验：{'；'.join(check.problems)}（已记录理由）")
            s.add(
                IdentityCheck(
                    application_id=app.id,
                    subject=subject,
                    doc_type=doc_type.value,
                    doc_number=check.number,
                    valid=check.ok,
                    problems="；".join(check.problems),
                    override_reason=_clean(data.id_override_reason) or None if not check.ok else None,
                    method=data.verification.value,
                    checked_by=clerk,
                    checked_at=now,
                )
            )
        no_number = _no_number_reason(data)
        if no_number:  # the reason stays with the identity record, not in the notes (docs/rules.md §9)
            s.add(
                IdentityCheck(
                    application_id=app.id,
                    subject="applicant",
                    doc_type=a.id_doc_type.value if a.id_doc_type else "",
                    doc_number="",
                    valid=False,
                    problems=NO_NUMBER,
                    override_reason=no_number,
                    method=data.verification.value,
                    checked_by=clerk,
                    checked_at=now,
                )
            )
        append_event(
            s,
            app.id,
            EventKind.REGISTERED.value,
            data.arrived_at.date(),
            actor=clerk,
            recorded_at=now,
            data=to_data(
                RegisteredPayload(
                    reg_number=reg_number,
                    channel=data.channel.value,
                    receipt_date=receipt.receipt_date,
                    receipt_basis=receipt.basis,
                    filled_by_clerk=data.filled_by_clerk,
                )
            ),
        )
        if no_number or any(c[1] is not None and _clean(c[2]) for c in subjects):
            recorded = tuple(warnings) + ((f"申请人{NO_NUMBER}：{no_number}",) if no_number else ())
            append_event(
                s,
                app.id,
                EventKind.IDENTITY_CHECKED.value,
                data.arrived_at.date(),
                actor=clerk,
                recorded_at=now,
                data=to_data(IdentityChecked(method=data.verification.value, warnings=recorded)),
            )
        _proj, dl, status = refresh_derived(ctx, s, app)
        lock.check(app.id)  # report lock: refused when it counts in a locked (published) year
        app_id = app.id
    return RegistrationResult(
        id=app_id,
        reg_number=reg_number,
        receipt_date=receipt.receipt_date,
        receipt_basis=receipt.basis,
        status=status,
        reply_due=dl.reply_due,
        correction_notice_due=dl.correction_notice_due,
        provisional=dl.provisional,
        explanation=explain(dl),
        warnings=tuple(warnings),
    )


def confirm_receipt(
    ctx: ServiceContext,
    application_id: int,
    confirmed_at: datetime,
    with_whom: str,
    *,
    expected_version: int | None = None,
) -> date:
    """Record the confirmation that starts the clock of an ordinary letter or electronic application.

    ``expected_version``: the version the desk showed (refused when another desk changed the case since)."""
    with ctx.db.session_scope() as s:
        app = load_for_change(s, application_id, expected_version)
        _refuse_unless_allowed(ctx, s, app, EventKind.RECEIPT_CONFIRMED)
        lock = ReportLock(s, app.id)  # report lock (app.services.report)
        if confirmed_at.date() < app.arrived_at.date():
            raise ValidationError(["确认日期不能早于申请到达日期"])
        if confirmed_at > ctx.now():
            raise ValidationError(["确认时间不能晚于当前时间"])
        decision = determine_receipt(
            Channel(app.channel),
            app.arrived_at.date(),
            post_kind=PostKind(app.post_kind) if app.post_kind else None,
            confirmed_on=confirmed_at.date(),
        )
        old = app.receipt_date
        app.receipt_date = decision.receipt_date
        app.receipt_basis = decision.basis
        app.confirmed_at = confirmed_at
        app.confirmed_with = _clean(with_whom) or None
        append_event(
            s,
            app.id,
            EventKind.RECEIPT_CONFIRMED.value,
            confirmed_at.date(),
            actor=ctx.clerk(),
            recorded_at=ctx.now(),
            data=to_data(ReceiptConfirmed(old=old, new=confirmed_at.date(), with_whom=_clean(with_whom))),
        )
        refresh_derived(ctx, s, app)
        lock.check()  # report lock: refused when it changes a locked (published) year
        assert decision.receipt_date is not None
        return decision.receipt_date


def _refuse_unless_allowed(ctx: ServiceContext, session: Session, app: Application, kind: EventKind) -> Situation:
    """Raise the procedure's reason when *kind* may not be taken on *app* today; else return the situation."""
    sit = situation(ctx, session, app)
    option = next(o for o in allowed_steps(sit, ctx.today(), (kind,)))
    if not option.allowed:
        raise ValidationError([option.reason])
    return sit


def record_event(
    ctx: ServiceContext,
    application_id: int,
    kind: EventKind,
    day: date,
    payload: Payload | None = None,
    note: str = "",
    *,
    expected_version: int | None = None,
) -> Status:
    """Record one step of the procedure after :func:`app.domain.procedure.check_step` accepts it.

    The service refuses exactly what the domain refuses (same reasons, citing the article). Returns the
    case's new status. Service and remedies also keep annual-report table 四 (``remedy_case``) in step.
    ``expected_version``: the version the desk showed (refused when another desk changed the case since).
    """
    payload = payload if payload is not None else PAYLOAD_TYPES[kind]()
    with ctx.db.session_scope() as s:
        app = load_for_change(s, application_id, expected_version)
        sit = situation(ctx, s, app)
        problems = check_step(sit, kind, day, payload, ctx.today(), _clean(note))
        if problems:
            raise ValidationError(problems)
        lock = ReportLock(s, app.id)  # report lock (app.services.report)
        append_event(
            s,
            app.id,
            kind.value,
            day,
            actor=ctx.clerk(),
            recorded_at=ctx.now(),
            data=to_data(payload),
            note=_clean(note),
        )
        _record_remedy(s, app.id, kind, day, payload)
        _p, _d, status = refresh_derived(ctx, s, app)
        lock.check()  # report lock: refused when it changes a locked (published) year
        return status


def _record_remedy(session: Session, application_id: int, kind: EventKind, day: date, payload: Payload) -> None:
    """Keep the 行政复议 / 行政诉讼 cases (annual-report table 四) in step with the timeline.

    A case counts in the year it was filed, under its recorded result; no result yet = 尚未审结
    (docs/rules.md §6).
    """
    if isinstance(payload, ReconsiderationFiled):
        session.add(
            RemedyCase(
                application_id=application_id,
                kind=RemedyKind.RECONSIDERATION.value,
                filed_on=day,
                result=payload.result.value if payload.result else None,
            )
        )
    elif isinstance(payload, LitigationFiled):
        session.add(
            RemedyCase(
                application_id=application_id,
                kind=payload.type.remedy_kind.value,
                filed_on=day,
                result=payload.result.value if payload.result else None,
            )
        )
    elif isinstance(payload, RemedyDecided):
        kinds = (
            [RemedyKind.LITIGATION_DIRECT.value, RemedyKind.LITIGATION_AFTER.value]
            if kind is EventKind.LITIGATION_DECIDED
            else [RemedyKind.RECONSIDERATION.value]
        )
        case = session.scalars(
            select(RemedyCase)
            .where(
                RemedyCase.application_id == application_id,
                RemedyCase.kind.in_(kinds),
                RemedyCase.result.is_(None),
            )
            .order_by(RemedyCase.filed_on.desc(), RemedyCase.id.desc())
            .limit(1)
        ).first()
        if case is None:
            raise ValidationError(["没有尚未审结的行政复议或行政诉讼，不能记录结果"])
        case.result = payload.result.value
        case.decided_on = day


def get_application(ctx: ServiceContext, application_id: int) -> ApplicationDetail:
    """Everything recorded about one application, its timeline and its running clocks explained."""
    cal = ctx.calendar()
    with ctx.db.session_scope() as s:
        app = s.get(Application, application_id)
        if app is None:
            raise NotFound("找不到该申请")
        applicant = app.applicant

        def contact(attr: str) -> str:
            return given_contact(app, attr)

        sit = situation(ctx, s, app)
        dl, status = sit.deadlines, sit.status
        events = tuple(
            EventView(
                id=e.id,
                kind=EventKind(e.kind),
                label=EventKind(e.kind).label,
                day=e.event_date,
                recorded_at=e.recorded_at,
                actor=e.actor,
                payload=payload_of(EventKind(e.kind), e.data),
                note=e.note or "",
            )
            for e in s.scalars(select(Event).where(Event.application_id == app.id).order_by(Event.event_date, Event.id))
        )
        checks = tuple(
            IdentityCheckView(
                subject="申请人" if c.subject == "applicant" else "代理人",
                doc_type=IdDocType(c.doc_type).label if c.doc_type else "",
                doc_number=c.doc_number,
                valid=c.valid,
                problems=c.problems,
                override_reason=c.override_reason or "",
                method=VerificationMethod(c.method).label,
                checked_by=c.checked_by,
                checked_at=c.checked_at,
            )
            for c in app.identity_checks
        )
        return ApplicationDetail(
            id=app.id,
            reg_number=app.reg_number,
            channel=Channel(app.channel),
            post_kind=PostKind(app.post_kind) if app.post_kind else None,
            arrived_at=app.arrived_at,
            receipt_date=app.receipt_date,
            receipt_basis=app.receipt_basis,
            confirmed_at=app.confirmed_at,
            confirmed_with=app.confirmed_with or "",
            applicant_kind=ApplicantKind(app.applicant_kind),
            applicant_name=app.applicant_name,
            id_doc_type=IdDocType(applicant.id_doc_type) if applicant.id_doc_type else None,
            id_number=app.applicant_id_number or "",
            legal_representative=contact("legal_representative"),
            contact_person=contact("contact_person"),
            phone=contact("phone"),
            address=contact("address"),
            postcode=contact("postcode"),
            email=contact("email"),
            agent_name=app.agent_name or "",
            agent_id_doc_type=IdDocType(app.agent_id_doc_type) if app.agent_id_doc_type else None,
            agent_id_number=app.agent_id_number or "",
            agent_authorisation=app.agent_authorisation or "",
            content=app.content,
            document_titles=app.document_titles or "",
            purpose=app.purpose or "",
            requested_form=RequestedForm(app.requested_form) if app.requested_form else None,
            delivery=Delivery(app.delivery) if app.delivery else None,
            fee_waiver_requested=app.fee_waiver_requested,
            filled_by_clerk=app.filled_by_clerk,
            notes=app.notes or "",
            status=status,
            outcome=Outcome(app.outcome) if app.outcome else None,
            closed_on=app.closed_on,
            registered_by=app.registered_by,
            created_at=app.created_at,
            deadlines=dl,
            explanation=explain(dl),
            days_left=dl.working_days_left(ctx.today(), cal) if sit.is_open else None,
            identity_checks=checks,
            events=events,
            situation=sit,
            steps=tuple(allowed_steps(sit, ctx.today())),
            version=app.version,
        )


def case_version(ctx: ServiceContext, application_id: int) -> int:
    """The version of the case as committed now (a window remembers it and passes it as ``expected_version``,
    so that a change another desk made meanwhile is not overwritten)."""
    with ctx.db.session_scope() as s:
        version = s.scalar(select(Application.version).where(Application.id == application_id))
    if version is None:
        raise NotFound("找不到该申请")
    return int(version)


def recompute_open(ctx: ServiceContext) -> list[tuple[int, str, date | None, date | None]]:
    """Recompute every open application (after a calendar change); return (id, number, old, new) that moved."""
    moved: list[tuple[int, str, date | None, date | None]] = []
    with ctx.db.session_scope() as s:
        lock_writers(s)  # other desks' steps wait: each case is recomputed from what is committed
        ids = s.scalars(
            select(Application.id).where(Application.status.not_in([Status.CLOSED.value, Status.VOIDED.value]))
        ).all()
        for app_id in ids:
            app = s.get(Application, app_id)
            assert app is not None
            old = app.reply_due
            refresh_derived(ctx, s, app)
            if app.reply_due != old:
                moved.append((app.id, app.reg_number, old, app.reply_due))
    return moved


def touch_profile_timestamp(session: Session, now: datetime) -> None:  # used by tests of migrations
    session.execute(update(AgencyProfile).values(updated_at=now))


# Fields the clerk may correct after registration, with their Chinese names (for the timeline's old → new).
EDITABLE_FIELDS: dict[str, str] = {
    "applicant_name": "申请人姓名/名称",
    "phone": "联系电话",
    "address": "通讯地址",
    "postcode": "邮政编码",
    "email": "电子邮箱",
    "contact_person": "联系人",
    "legal_representative": "法定代表人",
    "content": "所需信息",
    "document_titles": "文件名称/文号",
    "purpose": "用途",
    "notes": "备注",
}
_CONTACT_KEYS = ("phone", "address", "postcode", "email", "contact_person", "legal_representative")


def edit_application(
    ctx: ServiceContext,
    application_id: int,
    changes: dict[str, str],
    reason: str,
    *,
    expected_version: int | None = None,
) -> int:
    """Correct registration particulars; every change is an EDITED event with old → new and the reason.

    The receipt date, channel and identity number are not editable here: they start the legal clock or
    identify the applicant, and a wrong one means the registration itself must be reviewed. Returns the
    number of fields changed (0 = nothing to do, no event written). ``expected_version``: the version the
    desk showed (refused when another desk changed the case since).
    """
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError([f"不能修改的项目：{', '.join(unknown)}"])
    if not _clean(reason):
        raise ValidationError(["请填写修改原因（将记入办理记录）"])
    with ctx.db.session_scope() as s:
        app = load_for_change(s, application_id, expected_version)
        _refuse_unless_allowed(ctx, s, app, EventKind.EDITED)
        given = dict(app.applicant_snapshot or {})

        def current(key: str) -> str:
            return given_contact(app, key) if key in _CONTACT_KEYS else (getattr(app, key) or "")

        diff = {k: (current(k), _clean(v)) for k, v in changes.items() if current(k) != _clean(v)}
        if not diff:
            return 0
        if "applicant_name" in diff and not diff["applicant_name"][1]:
            raise ValidationError(["申请人姓名或名称不能为空"])
        refused = _text_problems({k: changes[k] for k in diff} | {"reason": reason})
        if refused:
            raise ValidationError(refused)
        if "content" in diff and not diff["content"][1]:
            raise ValidationError(["所需信息的内容描述不能为空"])
        for key, (_old, new) in diff.items():
            if key in _CONTACT_KEYS:
                given[key] = new
            else:
                setattr(app, key, new or None if key != "applicant_name" and key != "content" else new)
        app.applicant_snapshot = given
        mark_changed(app, ctx.now())
        append_event(
            s,
            app.id,
            EventKind.EDITED.value,
            ctx.today(),
            actor=ctx.clerk(),
            recorded_at=ctx.now(),
            data=to_data(
                EditedPayload(changes={k: FieldChange(EDITABLE_FIELDS[k], o, n) for k, (o, n) in diff.items()})
            ),
            note=_clean(reason),
        )
        return len(diff)


# ------------------------------------------------------------------------------------ 更正登记事项 and 作废登记


@dataclass(frozen=True)
class ParticularsCorrection:
    """The registration facts that start the legal clock or identify the applicant (docs/rules.md §10).

    ``None`` leaves a fact as it is.
    """

    receipt_date: date | None = None
    arrived_at: datetime | None = None
    channel: Channel | None = None
    post_kind: PostKind | None = None
    applicant_kind: ApplicantKind | None = None
    id_doc_type: IdDocType | None = None
    id_number: str | None = None


@dataclass(frozen=True)
class CorrectionResult:
    changed: int
    number_note: str
    reply_due_before: date | None
    reply_due_after: date | None
    warnings: tuple[str, ...]


def _fmt(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return cn_date(value)
    if isinstance(value, Channel | PostKind | ApplicantKind | IdDocType):
        return value.label
    return str(value)


def correct_particulars(
    ctx: ServiceContext,
    application_id: int,
    correction: ParticularsCorrection,
    reason: str,
    *,
    expected_version: int | None = None,
) -> CorrectionResult:
    """更正登记事项: correct the receipt date, arrival time, channel, applicant kind or identity document.

    Each change is recorded old → new with the reason in one PARTICULARS_CORRECTED event, and every clock is
    recomputed from the corrected facts. The registration number is never renumbered (numbers are neither
    reused nor moved): if the corrected receipt date lies in another year, the number keeps recording when
    the case was registered while the annual report counts it in the year of the corrected receipt date,
    and the event says so (docs/rules.md §10, §6). Refused: a voided registration, a receipt date in the
    future or before the arrival, a receipt date later than a step already recorded, an unconfirmed
    application (confirm it instead). ``expected_version``: the version the desk showed (refused when
    another desk changed the case since).
    """
    if not _clean(reason):
        raise ValidationError(["请填写更正原因（将记入办理记录）"])
    today = ctx.today()
    with ctx.db.session_scope() as s:
        app = load_for_change(s, application_id, expected_version)
        sit = _refuse_unless_allowed(ctx, s, app, EventKind.PARTICULARS_CORRECTED)
        lock = ReportLock(s, app.id)  # report lock (app.services.report)
        applicant = app.applicant
        old_doc = IdDocType(applicant.id_doc_type) if applicant.id_doc_type else None
        c = correction
        before: dict[str, tuple[str, object, object]] = {
            "receipt_date": ("收到申请之日", app.receipt_date, c.receipt_date),
            "arrived_at": ("到达时间", app.arrived_at, c.arrived_at.replace(microsecond=0) if c.arrived_at else None),
            "channel": ("申请方式", Channel(app.channel), c.channel),
            "post_kind": ("信函类型", PostKind(app.post_kind) if app.post_kind else None, c.post_kind),
            "applicant_kind": ("申请人类型", ApplicantKind(app.applicant_kind), c.applicant_kind),
            "id_doc_type": ("证件类型", old_doc, c.id_doc_type),
            "id_number": (
                "证件号码",
                app.applicant_id_number or "",
                normalise_number(c.id_number) if c.id_number is not None else None,
            ),
        }
        diff = {k: v for k, v in before.items() if v[2] is not None and v[2] != v[1]}
        if not diff:
            return CorrectionResult(0, "", app.reply_due, app.reply_due, ())
        problems: list[str] = []
        new_receipt = c.receipt_date if "receipt_date" in diff else app.receipt_date
        new_arrival = c.arrived_at if "arrived_at" in diff else app.arrived_at
        new_channel = c.channel if "channel" in diff else Channel(app.channel)
        if "receipt_date" in diff and app.receipt_date is None:
            problems.append("该申请尚未确认收到，请用“确认收到”记录收到申请之日（第三十一条）")
        if new_receipt is not None:
            if new_receipt > today:
                problems.append("收到申请之日不能晚于今天")
            if new_arrival is not None and new_receipt < new_arrival.date():
                problems.append(f"收到申请之日不能早于到达日期 {cn_date(new_arrival.date())}")
            if new_channel is Channel.IN_PERSON and new_arrival is not None and new_receipt != new_arrival.date():
                problems.append("当面提交的申请，收到申请之日即提交之日（第三十一条第（一）项），应与到达日期一致")
            clock_steps = [  # steps of the procedure; record-keeping (notes, attachments, documents) has no say
                e
                for e in sit.events
                if e.kind not in RECORD_KEEPING
                and e.kind
                not in (
                    EventKind.REGISTERED,
                    EventKind.IDENTITY_CHECKED,
                    EventKind.PARTICULARS_CORRECTED,
                    EventKind.RECEIPT_CONFIRMED,
                )
            ]
            early = [e for e in clock_steps if e.day < new_receipt]
            if early:
                problems.append(
                    f"已记录的“{early[0].kind.label}”（{cn_date(early[0].day)}）早于更正后的收到申请之日，"
                    "请核实日期；更正后的日期不能晚于已办理的事项"
                )
        if new_arrival is not None and new_arrival > ctx.now():
            problems.append("到达时间不能晚于当前时间")
        warnings: list[str] = []
        new_doc = c.id_doc_type if "id_doc_type" in diff else old_doc
        new_number = before["id_number"][2] if "id_number" in diff else (app.applicant_id_number or "")
        check = (
            _identity_check(new_doc, str(new_number or ""), today)
            if ("id_doc_type" in diff or "id_number" in diff)
            else None
        )
        if check is not None and not check.ok:
            warnings.append(f"证件号码未通过校验：{'；'.join(check.problems)}（已按更正原因记录）")
        if problems:
            raise ValidationError(problems)

        due_before = app.reply_due
        if "receipt_date" in diff:
            app.receipt_date = new_receipt
            app.receipt_basis = (
                f"{app.receipt_basis}（{cn_date(today)}更正为 {cn_date(new_receipt)}：{_clean(reason)}）"
            )
        if "arrived_at" in diff:
            app.arrived_at = new_arrival
        if "channel" in diff:
            app.channel = new_channel.value
            if new_channel is not Channel.LETTER:
                app.post_kind = None
        if "post_kind" in diff and new_channel is Channel.LETTER:
            app.post_kind = c.post_kind.value if c.post_kind else None
        if "applicant_kind" in diff:
            app.applicant_kind = c.applicant_kind.value  # type: ignore[union-attr]
        if "id_doc_type" in diff or "id_number" in diff:
            app.applicant_id_number = str(new_number) or None
            # the person behind the corrected document: an existing record with it, else a new one
            other = (
                s.scalars(
                    select(Applicant)
                    .where(Applicant.id_doc_type == new_doc.value, Applicant.id_number == new_number)
                    .order_by(Applicant.id)
                    .limit(1)
                ).first()
                if new_doc is not None and new_number
                else None
            )
            if other is None:
                other = Applicant(
                    kind=app.applicant_kind,
                    name=app.applicant_name,
                    id_doc_type=new_doc.value if new_doc else None,
                    id_number=str(new_number) or None,
                    legal_representative=applicant.legal_representative,
                    contact_person=applicant.contact_person,
                    phone=applicant.phone,
                    address=applicant.address,
                    postcode=applicant.postcode,
                    email=applicant.email,
                    created_at=ctx.now(),
                )
                s.add(other)
                s.flush()
            app.applicant_id = other.id
            if check is not None and new_doc is not None:
                s.add(
                    IdentityCheck(
                        application_id=app.id,
                        subject="applicant",
                        doc_type=new_doc.value,
                        doc_number=check.number,
                        valid=check.ok,
                        problems="；".join(check.problems),
                        override_reason=_clean(reason) if not check.ok else None,
                        method=VerificationMethod.NOT_CHECKED.value,
                        checked_by=ctx.clerk(),
                        checked_at=ctx.now(),
                    )
                )
        number_note = ""
        if new_receipt is not None and new_receipt.year != app.year:
            number_note = (
                f"登记编号{app.reg_number}保持不变（编号不重编、不重复使用）；"
                f"年度报告按更正后的收到申请之日计入{new_receipt.year}年"
            )
        payload = ParticularsCorrected(
            changes={k: FieldChange(label, _fmt(old), _fmt(new)) for k, (label, old, new) in diff.items()},
            number_note=number_note,
        )
        append_event(
            s,
            app.id,
            EventKind.PARTICULARS_CORRECTED.value,
            today,
            actor=ctx.clerk(),
            recorded_at=ctx.now(),
            data=to_data(payload),
            note=_clean(reason),
        )
        s.flush()
        try:
            situation(ctx, s, app)
        except ProcedureError as exc:
            raise ValidationError([f"更正后办理记录前后矛盾：{exc}"]) from exc
        refresh_derived(ctx, s, app)
        lock.check()  # report lock: refused when it changes a locked (published) year
        return CorrectionResult(len(diff), number_note, due_before, app.reply_due, tuple(warnings))


def void_application(
    ctx: ServiceContext,
    application_id: int,
    reason: VoidReason,
    explanation: str,
    duplicate_of: str = "",
    *,
    expected_version: int | None = None,
) -> Status:
    """作废登记: a registration made by mistake or twice (docs/rules.md §5).

    The explanation is required; the number stays used and is never handed out again; the case leaves
    every deadline list and every statistic but stays in the register (filter 已作废). A case already
    answered or withdrawn cannot be voided (its reply is an act of the office).
    """
    duplicate_of = _clean(duplicate_of)
    if duplicate_of:
        with ctx.db.session_scope() as s:
            other = s.scalar(select(Application.id).where(Application.reg_number == duplicate_of))
        if other is None:
            raise ValidationError([f"找不到登记编号为“{duplicate_of}”的申请"])
        if other == application_id:
            raise ValidationError(["重复的登记编号不能是本申请自己的编号"])
    return record_event(
        ctx,
        application_id,
        EventKind.VOIDED,
        ctx.today(),
        Voided(reason=reason, duplicate_of=duplicate_of),
        explanation,
        expected_version=expected_version,
    )
