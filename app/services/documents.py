"""Printed documents of a case: which fit, a draft to edit, a preview, issuing with a number, reprints.

The API the screens (and the command line) use; one session per user action, plain dataclasses out:

- :func:`available_documents` — every kind and whether it fits the case now, with the reason
  (:func:`app.domain.letters.applicable_documents`), and the number of one already issued.
- :func:`draft` — title, the number the document has or will get, and its editable parts (理由, 获取方式 …).
- :func:`preview_pdf` — the document with the clerk's edits, marked 样稿; no number is taken.
- :func:`issue` — number, PDF, stored file, ``issued_document`` row and a DOCUMENT_ISSUED event, all in one
  transaction; a failure leaves no number used, no row, no event and no file.
- :func:`reprint` — the same document with the same number (verified by its SHA-256; re-rendered from what
  was stored when the file is missing), recorded as a reprint.
- :func:`list_documents`, :func:`document_pdf`, :func:`void_document`, :func:`blank_form_pdf`,
  :func:`register_list_pdf`, :func:`number_pattern` / :func:`set_number_pattern`, :func:`verify_documents`.

**Numbering** (docs/rules.md §8). Each numbered kind has its own yearly sequence (``number_sequence`` kind
``doc:<kind>``) and its own pattern (settings ``document_pattern_<kind>``, default e.g.
``淄审批公开〔{年}〕{号}号``), allocated with :class:`app.store.numbers.NumberAllocator` inside the issuing
transaction, whose first statement takes SQLite's write lock so that two desks issuing at once get
consecutive numbers. The year is that of the document's date. A reprint keeps its number; a voided
document keeps its row (and so its number, never reused), marked in ``content["voided"]`` with a note in
the audit chain. The 申请表 and the 登记回执 print the **registration number** instead of a number of
their own (they carry an internal serial for the table's uniqueness only). An 答复书 whose reply was
recorded with a number (作出答复 → 答复书文号) written in the reply pattern keeps that number.

Errors reach the clerk as :class:`~app.services.errors.ValidationError` / :class:`~app.services.errors.NotFound`
/ :class:`~app.services.errors.ServiceError` (Chinese); a machine without a Chinese font raises
:class:`app.documents.fonts.FontMissing`; a broken template :class:`app.documents.templates.TemplateProblem`
(all are :class:`~app.services.errors.ClerkError`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.documents import storage

if TYPE_CHECKING:
    from app.documents.fonts import FontSet
    from app.documents.render import Block
from app.domain.agency import AgencyProfileData, validate_pattern
from app.domain.codes import (
    ApplicantKind,
    Channel,
    Delivery,
    EventKind,
    IdDocType,
    Outcome,
    RequestedForm,
)
from app.domain.dates import cn_date
from app.domain.letters import (
    INTERNAL_PATTERN,
    CaseFacts,
    DocumentKind,
    DocumentOption,
    EditError,
    IssuedRef,
    Part,
    applicable_documents,
    apply_edits,
    editable_parts,
    letter_context,
    parse_number,
    template_name,
)
from app.domain.procedure import Decided, DocumentIssued, Payload, Situation, allowed_steps, payload_of, to_data
from app.services.applications import given_contact, load_for_change, mark_changed, situation
from app.services.context import ServiceContext
from app.services.errors import NotFound, ServiceError, ValidationError
from app.services.profile import get_profile
from app.store.events import append_event, lock_writers
from app.store.models import Applicant, Application, Event, IssuedDocument
from app.store.numbers import NumberAllocator, NumbersExhausted

__all__ = [
    "DocumentDraft",
    "IssuedView",
    "available_documents",
    "blank_form_pdf",
    "document_pdf",
    "draft",
    "find_application",
    "issue",
    "issue_or_reprint",
    "list_documents",
    "number_pattern",
    "preview_pdf",
    "register_list_pdf",
    "reprint",
    "set_number_pattern",
    "verify_documents",
    "void_document",
]

#: Kinds dated on the day of the step they arise from; the others are dated on the day they are issued.
_DATED_BY_STEP = frozenset(
    {
        DocumentKind.CORRECTION,
        DocumentKind.EXTENSION,
        DocumentKind.THIRD_PARTY,
        DocumentKind.CONSULTATION_NOTICE,
        DocumentKind.AGENCY_CONSULTATION,
        DocumentKind.FEE,
        DocumentKind.REPLY,
    }
)


# ---------------------------------------------------------------------------------------------- views


@dataclass(frozen=True)
class IssuedView:
    """One issued document as the screens show it (never an ORM object)."""

    id: int
    application_id: int
    kind: DocumentKind
    title: str
    number: str
    year: int
    seq: int
    issued_on: date
    dated: date | None
    created_by: str
    created_at: datetime
    path: Path | None
    sha256: str
    pages: int
    outcome: Outcome | None
    event_id: int | None
    parts: dict[str, str]
    voided: bool = False
    void_reason: str = ""

    @property
    def label(self) -> str:
        if self.kind is DocumentKind.REPLY and self.outcome is not None:
            return f"{self.kind.label}（{self.outcome.label}）"
        return self.kind.label


@dataclass(frozen=True)
class DocumentDraft:
    """A document before it is issued (or as it was issued), for the preview dialog.

    ``number`` is the number the document has (``issued`` is set) or the one it will get if issued now
    (the next of its sequence; another desk may take it first, so it is a forecast). ``parts`` are the
    editable free-text parts, label → text, in the order of the letter; ``part_info`` says for each what to
    write and whether it may be left empty. ``notes`` are things the clerk should know (Chinese).
    """

    application_id: int
    kind: DocumentKind
    title: str
    number: str
    parts: dict[str, str]
    part_info: tuple[Part, ...]
    outcome: Outcome | None = None
    event_id: int | None = None
    dated: date | None = None
    template: str = ""
    issued: IssuedView | None = None
    notes: tuple[str, ...] = ()
    context: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def label(self) -> str:
        if self.kind is DocumentKind.REPLY and self.outcome is not None:
            return f"{self.kind.label}（{self.outcome.label}）"
        return self.kind.label


@dataclass(frozen=True)
class _CaseEvent:
    id: int
    kind: EventKind
    day: date
    payload: Payload


@dataclass(frozen=True)
class _Prepared:
    app_id: int
    reg_number: str
    option: DocumentOption
    facts: CaseFacts
    situation: Situation
    events: tuple[_CaseEvent, ...]
    dated: date


# ---------------------------------------------------------------------------------------------- helpers


def _fonts() -> FontSet:
    from app.documents.fonts import load_fonts

    return load_fonts()


def parse_blocks(text: str) -> list[Block]:
    """The laid-out blocks of a rendered template (reportlab and Jinja2 are imported only when printing, so
    opening the program does not load them)."""
    from app.documents.render import parse_blocks as parse

    return parse(text)


def render_pdf(blocks: list[Block], fonts: FontSet, **kw: Any) -> tuple[bytes, int]:
    from app.documents.render import render_pdf as render

    return render(blocks, fonts, **kw)


def render_text(template: str, kind: DocumentKind, values: dict[str, str]) -> str:
    from app.documents.templates import render_text as render

    return render(template, kind, values)


def _root(ctx: ServiceContext) -> Path:
    return storage.documents_root(ctx.db.path)


def _take_write_lock(s: Session) -> None:
    """Start the transaction as a writer: a second desk waits here instead of failing later (SQLite), or
    queues behind the desks numbering and appending on the server (:func:`app.store.events.lock_writers`)."""
    lock_writers(s)


def number_pattern(ctx: ServiceContext, kind: DocumentKind) -> str:
    """The number pattern of *kind* (setting ``document_pattern_<kind>``); refused when unusable."""
    if not kind.numbered:
        return INTERNAL_PATTERN
    pattern = str(ctx.setting(kind.pattern_setting))
    problem = validate_pattern(pattern)
    if problem:
        raise ValidationError([f"“{kind.label}”的文号格式有误：{problem}"])
    return pattern


def set_number_pattern(ctx: ServiceContext, kind: DocumentKind, pattern: str) -> bool:
    """Change the number pattern of *kind* (audited like every setting). Refused: an unusable pattern, or
    one that gives the same numbers as another kind's. Returns False when unchanged."""
    if not kind.numbered:
        raise ValidationError([f"“{kind.label}”使用登记编号，没有自己的文号格式"])
    pattern = pattern.strip()
    problem = validate_pattern(pattern)
    if problem:
        raise ValidationError([problem])
    for other in DocumentKind:
        if other is not kind and other.numbered and str(ctx.setting(other.pattern_setting)) == pattern:
            raise ValidationError([f"与“{other.label}”的文号格式相同，两种文书的文号会重复"])
    return ctx.set_setting(kind.pattern_setting, pattern)


class _DocumentNumbers(NumberAllocator):
    """The one allocator, with "already used" meaning used by an issued document of this kind.

    (:class:`NumberAllocator` checks the registration numbers of ``application``; a document's (year, seq)
    and number text must be free among the documents of its own kind instead.)
    """

    def __init__(self, session: Session, kind: DocumentKind, pattern: str, year: int, *, forecast: bool) -> None:
        self._doc_kind = kind
        super().__init__(session, pattern, [year], kind=kind.sequence, forecast=forecast)

    def _taken(self, year: int, seq: int, text: str) -> bool:
        if (year, seq) in self._used:
            return True
        same = and_(IssuedDocument.year == year, IssuedDocument.seq == seq)
        clause = or_(same, IssuedDocument.number == text) if self._doc_kind.numbered and text else same
        found = self._s.scalar(
            select(IssuedDocument.id).where(IssuedDocument.kind == self._doc_kind.value, clause).limit(1)
        )
        return found is not None


def _events(s: Session, application_id: int) -> tuple[_CaseEvent, ...]:
    rows = s.execute(
        select(Event.id, Event.kind, Event.event_date, Event.data)
        .where(Event.application_id == application_id)
        .order_by(Event.event_date, Event.id)
    ).all()
    return tuple(_CaseEvent(i, EventKind(k), d, payload_of(EventKind(k), data)) for i, k, d, data in rows)


def _content(doc: IssuedDocument) -> dict[str, Any]:
    return dict(doc.content or {})


def _is_voided(doc: IssuedDocument) -> bool:
    return bool(_content(doc).get("voided"))


def _view(ctx: ServiceContext, doc: IssuedDocument) -> IssuedView:
    c = _content(doc)
    voided = c.get("voided") or {}
    dated = c.get("dated")
    outcome = c.get("outcome")
    return IssuedView(
        id=doc.id,
        application_id=doc.application_id,
        kind=DocumentKind(doc.kind),
        title=str(c.get("title") or DocumentKind(doc.kind).title),
        number=doc.number,
        year=doc.year,
        seq=doc.seq,
        issued_on=doc.issued_on,
        dated=date.fromisoformat(dated) if isinstance(dated, str) else None,
        created_by=doc.created_by,
        created_at=doc.created_at,
        path=storage.resolve(_root(ctx), doc.file_path) if doc.file_path else None,
        sha256=doc.sha256 or "",
        pages=int(c.get("pages") or 0),
        outcome=Outcome(outcome) if outcome else None,
        event_id=c.get("event_id"),
        parts=dict(c.get("parts") or {}),
        voided=bool(voided),
        void_reason=str(voided.get("reason", "")) if isinstance(voided, dict) else "",
    )


def _issued_for(s: Session, application_id: int) -> list[IssuedDocument]:
    return list(
        s.scalars(
            select(IssuedDocument)
            .where(IssuedDocument.application_id == application_id)
            .order_by(IssuedDocument.issued_on, IssuedDocument.id)
        )
    )


def _matching(docs: list[IssuedDocument], option: DocumentOption) -> IssuedDocument | None:
    """The issued, not voided document of *option*'s kind for the same step (the latest)."""
    found = [
        d
        for d in docs
        if d.kind == option.kind.value and not _is_voided(d) and _content(d).get("event_id") == option.event_id
    ]
    return found[-1] if found else None


def _facts(s: Session, app: Application, sit: Situation, events: tuple[_CaseEvent, ...]) -> CaseFacts:
    applicant = s.get(Applicant, app.applicant_id)

    def contact(attr: str) -> str:
        return given_contact(app, attr)

    issued = tuple(
        IssuedRef(DocumentKind(d.kind), d.number, d.issued_on)
        for d in _issued_for(s, app.id)
        if not _is_voided(d) and d.kind in {k.value for k in DocumentKind}
    )
    return CaseFacts(
        reg_number=app.reg_number,
        applicant_name=app.applicant_name,
        applicant_kind=ApplicantKind(app.applicant_kind),
        id_doc_type=IdDocType(applicant.id_doc_type) if applicant is not None and applicant.id_doc_type else None,
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
        channel=Channel(app.channel),
        arrived_on=app.arrived_at.date(),
        receipt_date=app.receipt_date,
        content=app.content,
        document_titles=app.document_titles or "",
        purpose=app.purpose or "",
        requested_form=RequestedForm(app.requested_form) if app.requested_form else None,
        delivery=Delivery(app.delivery) if app.delivery else None,
        fee_waiver_requested=app.fee_waiver_requested,
        filled_by_clerk=app.filled_by_clerk,
        situation=sit,
        events=events,
        issued=issued,
    )


def _load(
    ctx: ServiceContext, s: Session, application_id: int
) -> tuple[Application, Situation, tuple[_CaseEvent, ...]]:
    app = s.get(Application, application_id)
    if app is None:
        raise NotFound("找不到该申请")
    return app, situation(ctx, s, app), _events(s, application_id)


def _options(sit: Situation, events: tuple[_CaseEvent, ...], docs: list[IssuedDocument]) -> list[DocumentOption]:
    out: list[DocumentOption] = []
    for option in applicable_documents(sit, events):
        done = _matching(docs, option) if option.allowed else None
        out.append(replace(option, issued_number=done.number, document_id=done.id) if done is not None else option)
    return out


def _option(options: list[DocumentOption], kind: DocumentKind) -> DocumentOption:
    option = next(o for o in options if o.kind is kind)
    if not option.allowed:
        raise ValidationError([f"不能出具“{kind.label}”：{option.reason}"])
    return option


def _prepare(ctx: ServiceContext, s: Session, application_id: int, kind: DocumentKind) -> _Prepared:
    app, sit, events = _load(ctx, s, application_id)
    option = _option(_options(sit, events, _issued_for(s, app.id)), kind)
    dated = option.event.day if kind in _DATED_BY_STEP and option.event is not None else ctx.today()
    return _Prepared(app.id, app.reg_number, option, _facts(s, app, sit, events), sit, events, dated)


def _served_document(prep: _Prepared, docs: list[IssuedDocument]) -> tuple[str, str]:
    """The document a 送达回证 is for (the 答复书) and a note when its number is not known yet."""
    title = DocumentKind.REPLY.title
    replies = [d for d in docs if d.kind == DocumentKind.REPLY.value and not _is_voided(d)]
    if replies:
        return f"{title}（{replies[-1].number}）", ""
    decided = prep.option.event.payload if prep.option.event is not None else None
    if isinstance(decided, Decided) and decided.document_number:
        return f"{title}（{decided.document_number}）", ""
    return title, "答复书尚未出具：送达回证上的文书文号请在出具答复书后核对"


def _context(
    ctx: ServiceContext, s: Session, prep: _Prepared, profile: AgencyProfileData, number: str
) -> tuple[dict[str, str], list[str]]:
    """Every placeholder of the document, and notes for the clerk."""
    kind = prep.option.kind
    notes: list[str] = []
    extra: dict[str, Any] = {}
    sit = prep.situation
    cal = ctx.calendar()
    if kind is DocumentKind.EXTENSION:
        extra["extended_due"] = sit.deadlines.reply_due
    elif kind is DocumentKind.REASONS:
        extra["reasons_due"] = cal.add_working_days(ctx.today(), ctx.int_setting("reasons_period_days"))
        if prep.facts.receipt_date is not None:
            from app.services.fees import applications_in_month

            extra["month_applications"] = applications_in_month(
                ctx, prep.facts.id_number, prep.facts.applicant_name, prep.facts.phone, prep.facts.receipt_date
            )
    if kind in (DocumentKind.FEE, DocumentKind.REPLY):
        # the payment deadline: the case's clock, or (paid already) the same rule from the notice (§4, §7)
        days = ctx.int_setting("fee_payment_days")
        notice = next((e for e in reversed(prep.events) if e.kind is EventKind.FEE_NOTICE_SENT), None)
        extra["fee_payment_days"] = days
        extra["fee_due"] = sit.fee_payment_due or (cal.add_working_days(notice.day, days) if notice else None)
    elif kind is DocumentKind.SERVICE:
        served, note = _served_document(prep, _issued_for(s, prep.app_id))
        extra["served_document"] = served
        if note:
            notes.append(note)
    values = letter_context(
        kind,
        prep.facts,
        profile,
        number=number,
        dated=prep.dated,
        subject=prep.option.event,
        outcome=prep.option.outcome,
        **extra,
    )
    for part in editable_parts(kind, prep.option.outcome):
        if part.required and not values.get(part.name, "").strip():
            notes.append(f"请填写“{part.name}”：{part.required}")
    return values, notes


def _reply_number_typed(prep: _Prepared) -> str:
    decided = prep.option.event.payload if prep.option.event is not None else None
    if prep.option.kind is DocumentKind.REPLY and isinstance(decided, Decided):
        return decided.document_number.strip()
    return ""


def _numbers(ctx: ServiceContext, s: Session, prep: _Prepared, *, allocate: bool) -> tuple[int, int, str, list[str]]:
    """(year, seq, number text, notes) the document gets. ``allocate=False`` only looks (a forecast).

    Numbered kinds: the next free number of their sequence in the year of the document's date (an 答复书
    keeps the number recorded with the reply when it fits the pattern and is free). 申请表 and 登记回执: the
    registration number, with an internal serial.
    """
    kind = prep.option.kind
    pattern = number_pattern(ctx, kind)
    year = prep.dated.year
    numbers = _DocumentNumbers(s, kind, pattern, year, forecast=not allocate)
    notes: list[str] = []
    typed = _reply_number_typed(prep)
    try:
        claimed = parse_number(pattern, typed) if typed else None
        if claimed is not None and numbers.claim(claimed[0], claimed[1], typed):
            year, seq, number = claimed[0], claimed[1], typed
        else:
            if typed:
                notes.append(
                    f"作出答复时记录的答复书文号“{typed}”不符合答复书文号格式“{pattern}”或已被使用，"
                    "将按答复书的文号顺序编号"
                )
            seq, number = numbers.next_free(year)
    except NumbersExhausted as exc:
        raise ValidationError([f"{year}年“{kind.label}”的文号已用尽，请检查文号格式"]) from exc
    if allocate:
        numbers.save()
    if not kind.numbered:
        number = prep.reg_number
    return year, seq, number, notes


def _file_name(kind: DocumentKind, year: int, seq: int) -> str:
    return f"{kind.value}-{year}-{seq:04d}.pdf"


def _blocks(prep: _Prepared, context: dict[str, str]) -> list[Block]:
    name = template_name(prep.option.kind, prep.option.outcome)
    return parse_blocks(render_text(name, prep.option.kind, context))


def _merge(
    kind: DocumentKind, outcome: Outcome | None, context: dict[str, str], edits: dict[str, str] | None, *, strict: bool
) -> dict[str, str]:
    try:
        return apply_edits(kind, outcome, context, edits, check_required=strict)
    except EditError as exc:
        raise ValidationError(exc.problems) from None


def _parts(kind: DocumentKind, outcome: Outcome | None, context: dict[str, str]) -> dict[str, str]:
    return {p.name: context.get(p.name, "") for p in editable_parts(kind, outcome)}


def _refuse_if_voided_case(sit: Situation, today: date) -> None:
    option = allowed_steps(sit, today, (EventKind.DOCUMENT_ISSUED,))[0]
    if not option.allowed:
        raise ValidationError([option.reason])


# ---------------------------------------------------------------------------------------------- the API


def available_documents(ctx: ServiceContext, application_id: int) -> list[DocumentOption]:
    """Every kind of document and whether it fits the case now, with the reason (Chinese, citing the
    article); an option already issued carries ``issued_number`` and ``document_id`` (reprint it)."""
    with ctx.db.session_scope() as s:
        app, sit, events = _load(ctx, s, application_id)
        return _options(sit, events, _issued_for(s, app.id))


def draft(ctx: ServiceContext, application_id: int, kind: DocumentKind) -> DocumentDraft:
    """The document of *kind* for the case, before issuing: its title, the number it has or will get, its
    editable parts with their default wording (or, once issued, the wording it was issued with).

    Raises :class:`ValidationError` when the kind does not fit the case (the reason of
    :func:`available_documents`), :class:`NotFound` for an unknown application.
    """
    profile = get_profile(ctx)
    with ctx.db.session_scope() as s:
        prep = _prepare(ctx, s, application_id, kind)
        docs = _issued_for(s, prep.app_id)
        done = _matching(docs, prep.option)
        notes: list[str] = []
        if done is not None:
            number, dated = done.number, prep.dated
            stored = _content(done)
            if stored.get("dated"):
                dated = date.fromisoformat(stored["dated"])
            prep = replace(prep, dated=dated)
        else:
            _y, _q, number, notes = _numbers(ctx, s, prep, allocate=False)
        values, context_notes = _context(ctx, s, prep, profile, number)
        if done is not None:
            values |= {k: v for k, v in dict(_content(done).get("parts") or {}).items() if k in values}
            notes = [f"已于{cn_date(done.issued_on)}出具（文号：{done.number}），可重新打印；内容有误的请先作废再出具"]
        else:
            notes += context_notes
        o = prep.option
        return DocumentDraft(
            application_id=prep.app_id,
            kind=kind,
            title=kind.title,
            number=number,
            parts=_parts(kind, o.outcome, values),
            part_info=editable_parts(kind, o.outcome),
            outcome=o.outcome,
            event_id=o.event_id,
            dated=prep.dated,
            template=template_name(kind, o.outcome),
            issued=_view(ctx, done) if done is not None else None,
            notes=tuple(notes),
            context=values,
        )


def preview_pdf(ctx: ServiceContext, draft: DocumentDraft, edits: dict[str, str] | None = None) -> bytes:
    """The draft with the clerk's *edits* (part label → text) as a PDF marked 样稿 (on the number line and
    across every page). Takes no number and writes nothing; required parts may still be empty."""
    values = _merge(draft.kind, draft.outcome, draft.context, edits, strict=False)
    blocks = parse_blocks(render_text(draft.template, draft.kind, values))
    data, _pages = render_pdf(blocks, _fonts(), title=draft.title, author=values.get("机关名称", ""), preview=True)
    return data


def issue(
    ctx: ServiceContext,
    application_id: int,
    kind: DocumentKind,
    edits: dict[str, str] | None = None,
    *,
    expected_version: int | None = None,
) -> IssuedView:
    """Issue the document of *kind*: allocate its number, render it with the clerk's *edits*, store the PDF
    in ``<db stem>.documents/<application id>/`` (atomic write), record an ``issued_document`` row (the
    edits, the values and the laid-out blocks in ``content``) and a DOCUMENT_ISSUED event — all in one
    transaction. Any failure leaves no row, no event, no file and no number used.

    Refused (:class:`ValidationError`): a kind that does not fit the case, a document already issued for
    the same step (reprint it, or void it first), an unknown part or an empty required part.
    ``expected_version``: the version of the case the desk showed (:class:`ConcurrentEdit` when another desk
    changed it since); issuing moves the case's version on (a new event on its timeline).
    """
    profile = get_profile(ctx)
    fonts = _fonts()
    ctx.calendar()  # load outside the write transaction
    written: str | None = None
    root = _root(ctx)
    try:
        with ctx.db.session_scope() as s:
            _take_write_lock(s)
            app = load_for_change(s, application_id, expected_version)
            prep = _prepare(ctx, s, application_id, kind)
            done = _matching(_issued_for(s, prep.app_id), prep.option)
            if done is not None:
                raise ValidationError(
                    [
                        f"“{prep.option.label}”已于{cn_date(done.issued_on)}出具（文号：{done.number}），"
                        "请用“重新打印”；内容有误的，请先作废该文书再重新出具"
                    ]
                )
            year, seq, number, _notes = _numbers(ctx, s, prep, allocate=True)
            values, _ = _context(ctx, s, prep, profile, number)
            values = _merge(kind, prep.option.outcome, values, edits, strict=True)
            blocks = _blocks(prep, values)
            pdf, pages = render_pdf(blocks, fonts, title=kind.title, author=profile.agency_name)
            digest = storage.sha256_of(pdf)
            written = storage.write_atomic(root, prep.app_id, _file_name(kind, year, seq), pdf)
            now = ctx.now()
            doc = IssuedDocument(
                application_id=prep.app_id,
                kind=kind.value,
                year=year,
                seq=seq,
                number=number,
                issued_on=now.date(),
                file_path=written,
                sha256=digest,
                content={
                    "title": kind.title,
                    "template": template_name(kind, prep.option.outcome),
                    "outcome": prep.option.outcome.value if prep.option.outcome else None,
                    "event_id": prep.option.event_id,
                    "dated": prep.dated.isoformat(),
                    "edits": dict(edits or {}),
                    "parts": _parts(kind, prep.option.outcome, values),
                    "context": values,
                    "blocks": blocks,
                    "pages": pages,
                },
                created_by=ctx.clerk(),
                created_at=now,
            )
            s.add(doc)
            s.flush()
            payload = DocumentIssued(
                document_id=doc.id, document_kind=kind.value, title=kind.title, number=number, sha256=digest
            )
            append_event(
                s,
                prep.app_id,
                EventKind.DOCUMENT_ISSUED.value,
                now.date(),
                actor=ctx.clerk(),
                recorded_at=now,
                data=to_data(payload),
            )
            mark_changed(app, now)
            view = _view(ctx, doc)
    except BaseException:
        if written is not None:
            with contextlib.suppress(OSError, ValueError):
                storage.remove_file(root, written)
        raise
    return view


def _stored_pdf(ctx: ServiceContext, doc: IssuedDocument, fonts: FontSet | None = None) -> tuple[bytes, str]:
    """The document's PDF and a note: the stored file when its SHA-256 matches, else re-rendered from the
    stored blocks (same number, same wording)."""
    root = _root(ctx)
    data = storage.read_file(root, doc.file_path) if doc.file_path else None
    if data is not None and storage.sha256_of(data) == doc.sha256:
        return data, ""
    c = _content(doc)
    blocks = c.get("blocks")
    if not blocks:
        raise ServiceError(f"文书“{doc.number}”的存档文件缺失或已被改动，且没有可用于重新生成的存档内容")
    pdf, _ = render_pdf(
        blocks, fonts or _fonts(), title=str(c.get("title") or ""), author=str(c.get("context", {}).get("机关名称", ""))
    )
    same = storage.sha256_of(pdf) == doc.sha256
    if data is None:
        note = "存档文件缺失，已按存档内容重新生成" + (
            "（与原件一致）" if same else "（与原件校验值不同，可能因字体不同）"
        )
        if same and doc.file_path:
            with contextlib.suppress(OSError, ValueError):
                storage.write_atomic(root, doc.application_id, Path(doc.file_path).name, pdf)
    else:
        note = "存档文件校验值不符（文件可能被改动），已按存档内容重新生成"
    return pdf, note


def reprint(ctx: ServiceContext, document_id: int) -> bytes:
    """The issued document again, with the same number and wording; recorded as a DOCUMENT_ISSUED event
    with ``reprint=True``. The stored file is used when its SHA-256 matches; a missing or altered file is
    re-rendered from the stored content (and the event's note says so). A voided document is refused."""
    fonts = _fonts()
    with ctx.db.session_scope() as s:
        _take_write_lock(s)
        doc = s.get(IssuedDocument, document_id)
        if doc is None:
            raise NotFound("找不到该文书")
        if _is_voided(doc):
            raise ValidationError([f"文书“{doc.number}”已作废，不能重新打印；请重新出具"])
        app = s.get(Application, doc.application_id)
        assert app is not None
        _refuse_if_voided_case(situation(ctx, s, app), ctx.today())
        pdf, note = _stored_pdf(ctx, doc, fonts)
        now = ctx.now()
        c = _content(doc)
        append_event(
            s,
            doc.application_id,
            EventKind.DOCUMENT_ISSUED.value,
            now.date(),
            actor=ctx.clerk(),
            recorded_at=now,
            data=to_data(
                DocumentIssued(
                    document_id=doc.id,
                    document_kind=doc.kind,
                    title=str(c.get("title") or ""),
                    number=doc.number,
                    sha256=storage.sha256_of(pdf),
                    reprint=True,
                )
            ),
            note=note or None,
        )
        mark_changed(app, now)
        return pdf


def document_pdf(ctx: ServiceContext, document_id: int) -> bytes:
    """The issued document's PDF to look at (verified like :func:`reprint`, but not recorded as a print)."""
    with ctx.db.session_scope() as s:
        doc = s.get(IssuedDocument, document_id)
        if doc is None:
            raise NotFound("找不到该文书")
        return _stored_pdf(ctx, doc)[0]


def list_documents(ctx: ServiceContext, application_id: int) -> list[IssuedView]:
    """Every document issued on the case (voided ones included, marked), oldest first."""
    with ctx.db.session_scope() as s:
        if s.get(Application, application_id) is None:
            raise NotFound("找不到该申请")
        return [_view(ctx, d) for d in _issued_for(s, application_id)]


def void_document(ctx: ServiceContext, document_id: int, reason: str) -> IssuedView:
    """Void an issued document (wrong content, never sent): its number stays used and is never given out
    again; the row keeps it with ``content["voided"]`` and the audit chain gets a note. The stored file is
    kept. A new document of that kind can then be issued with the next number."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(["请填写作废文书的理由（将记入办理记录）"])
    with ctx.db.session_scope() as s:
        _take_write_lock(s)
        doc = s.get(IssuedDocument, document_id)
        if doc is None:
            raise NotFound("找不到该文书")
        if _is_voided(doc):
            raise ValidationError([f"文书“{doc.number}”已作废"])
        now = ctx.now()
        c = _content(doc)
        c["voided"] = {"on": now.date().isoformat(), "by": ctx.clerk(), "reason": reason}
        doc.content = c
        title = str(c.get("title") or DocumentKind(doc.kind).title)
        append_event(
            s,
            doc.application_id,
            EventKind.NOTE.value,
            now.date(),
            actor=ctx.clerk(),
            recorded_at=now,
            data={},
            note=f"作废文书《{title}》（{doc.number}），该文号不再使用。理由：{reason}",
        )
        app = s.get(Application, doc.application_id)
        if app is not None:
            mark_changed(app, now)
        s.flush()
        return _view(ctx, doc)


def issue_or_reprint(ctx: ServiceContext, application_id: int, kind: DocumentKind) -> tuple[IssuedView, bytes, bool]:
    """Issue the document of *kind* with its default wording, or, when it was issued already for the same
    step, reprint it with the same number. Returns (document, PDF, True when it was a reprint)."""
    for option in available_documents(ctx, application_id):
        if option.kind is kind and option.allowed and option.document_id is not None:
            pdf = reprint(ctx, option.document_id)
            with ctx.db.session_scope() as s:
                doc = s.get(IssuedDocument, option.document_id)
                assert doc is not None
                return _view(ctx, doc), pdf, True
    view = issue(ctx, application_id, kind)
    return view, document_pdf(ctx, view.id), False


def find_application(ctx: ServiceContext, reg_number: str) -> int:
    """The id of the application registered under *reg_number* (spaces ignored); :class:`NotFound` if none."""
    wanted = "".join(reg_number.split())
    with ctx.db.session_scope() as s:
        found = s.scalar(select(Application.id).where(Application.reg_number == wanted).limit(1))
    if found is None:
        raise NotFound(f"找不到登记编号为“{reg_number}”的申请")
    return found


def blank_form_pdf(ctx: ServiceContext) -> bytes:
    """The blank 政府信息公开申请表 (Art. 29) with the office's particulars, to hand out or publish."""
    profile = get_profile(ctx)
    values = letter_context(DocumentKind.APPLICATION_FORM, None, profile, dated=ctx.today())
    blocks = parse_blocks(
        render_text(template_name(DocumentKind.APPLICATION_FORM), DocumentKind.APPLICATION_FORM, values)
    )
    return render_pdf(blocks, _fonts(), title=DocumentKind.APPLICATION_FORM.title, author=profile.agency_name)[0]


def verify_documents(ctx: ServiceContext) -> list[str]:
    """Every issued document whose stored file is missing or altered (Chinese; empty = all intact)."""
    root = _root(ctx)
    problems: list[str] = []
    with ctx.db.session_scope() as s:
        for doc in s.scalars(select(IssuedDocument).order_by(IssuedDocument.id)):
            if not doc.file_path:
                continue
            data = storage.read_file(root, doc.file_path)
            if data is None:
                problems.append(f"文书“{doc.number}”（#{doc.id}）：文件缺失")
            elif storage.sha256_of(data) != doc.sha256:
                problems.append(f"文书“{doc.number}”（#{doc.id}）：校验值不符")
    return problems


def register_list_pdf(ctx: ServiceContext, filter: Any, title: str, sort: Any = None, descending: bool = True) -> bytes:
    """申请台账 for printing: the applications matching *filter* (a
    :class:`app.services.register.RegisterFilter`) in the order the clerk sees them (*sort*, a
    :class:`app.services.register.SortKey`; default: by 登记编号, newest first) on landscape A4 pages, with a
    title line, the count and date, a header repeated on every page and page numbers "— n —"."""
    from app.documents.register_list import register_pdf
    from app.services import register as R

    ids = R.query_ids(ctx, filter, R.SortKey.NUMBER if sort is None else sort, descending)
    if len(ids) > 20_000:
        raise ValidationError([f"符合条件的申请有 {len(ids)} 件，超过 20000 件，请先按年度或状态筛选后再打印"])
    rows = R.fetch_rows(ctx, ids)
    ordered = [rows[i] for i in ids if i in rows]
    return register_pdf(ordered, title=title.strip() or "政府信息公开申请台账", today=ctx.today(), fonts=_fonts())
