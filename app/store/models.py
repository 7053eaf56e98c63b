"""SQLAlchemy 2 models: the office's legal record of every application.

The schema is owned by the Alembic migrations in ``db/``; these classes must match them (a test compares
``Base.metadata`` with the migrated database). Codes stored in the columns are the ASCII values of the
enumerations in :mod:`app.domain.codes`.

Columns marked *derived* (``status``, ``reply_due``, ``closed_on``, ``outcome`` on ``application``) are a
projection of the event timeline kept for fast SQL filtering of large registers; they are recomputed by
the services from the events whenever the timeline changes and are never edited by hand.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class AgencyProfile(Base):
    """The office itself: letterhead, contacts and the bodies named in the remedy clause (single row)."""

    __tablename__ = "agency_profile"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_name: Mapped[str] = mapped_column(String(200))
    office_name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    postcode: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str] = mapped_column(String(100))
    report_phone: Mapped[str] = mapped_column(String(100))
    fax: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200))
    office_hours: Mapped[str] = mapped_column(String(200))
    reconsideration_body: Mapped[str] = mapped_column(String(200))
    reconsideration_address: Mapped[str] = mapped_column(String(300))
    reconsideration_phone: Mapped[str] = mapped_column(String(100))
    court_name: Mapped[str] = mapped_column(String(200))
    court_address: Mapped[str] = mapped_column(String(300))
    court_phone: Mapped[str] = mapped_column(String(100))
    registration_pattern: Mapped[str] = mapped_column(String(100))
    document_pattern: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Setting(Base):
    """Further key/value settings (fee payment period, clerk name, backup folder …)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class NumberSequence(Base):
    """Per-year counters for registration numbers and each document kind's 文号."""

    __tablename__ = "number_sequence"

    kind: Mapped[str] = mapped_column(String(50), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Applicant(Base):
    __tablename__ = "applicant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200), index=True)
    id_doc_type: Mapped[str | None] = mapped_column(String(30))
    id_number: Mapped[str | None] = mapped_column(String(60), index=True)
    legal_representative: Mapped[str | None] = mapped_column(String(100))
    contact_person: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Application(Base):
    __tablename__ = "application"
    __table_args__ = (
        UniqueConstraint("year", "seq", name="uq_application_year_seq"),
        Index("ix_application_receipt", "receipt_date"),
        Index("ix_application_status_due", "status", "reply_due"),
        Index("ix_application_kind", "applicant_kind"),
        Index("ix_application_year", "year"),
        Index("ix_application_applicant_name", "applicant_name"),
        Index("ix_application_closed", "closed_on", "outcome"),
        Index("ix_application_name_key", "name_key", "id"),
        Index("ix_application_due_order", "reply_due", "id"),
        Index("ix_application_channel_order", "channel", "id"),
        Index("ix_application_content_order", "content", "id"),
        Index("ix_application_receipt_kind", "receipt_date", "applicant_kind", "status"),
        # and ix_application_receipt_order on (coalesce(receipt_date, date(arrived_at)), id): migration 0007
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    reg_number: Mapped[str] = mapped_column(String(60), unique=True)

    channel: Mapped[str] = mapped_column(String(20))
    post_kind: Mapped[str | None] = mapped_column(String(20))
    arrived_at: Mapped[datetime] = mapped_column(DateTime)
    receipt_date: Mapped[date | None] = mapped_column(Date)
    receipt_basis: Mapped[str] = mapped_column(Text, default="")
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_with: Mapped[str | None] = mapped_column(String(200))

    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="RESTRICT"), index=True)
    applicant_kind: Mapped[str] = mapped_column(String(30))
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_id_number: Mapped[str | None] = mapped_column(String(60))
    # contact details and representative as given with this application (see migration 0002)
    applicant_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    agent_name: Mapped[str | None] = mapped_column(String(100))
    agent_id_doc_type: Mapped[str | None] = mapped_column(String(30))
    agent_id_number: Mapped[str | None] = mapped_column(String(60))
    agent_authorisation: Mapped[str | None] = mapped_column(Text)

    content: Mapped[str] = mapped_column(Text)
    document_titles: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str | None] = mapped_column(Text)
    requested_form: Mapped[str | None] = mapped_column(String(30))
    delivery: Mapped[str | None] = mapped_column(String(30))
    fee_waiver_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    filled_by_clerk: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)

    # derived from the timeline (see module docstring)
    status: Mapped[str] = mapped_column(String(30))
    reply_due: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(40))

    registered_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    # derived for sorting: the pinyin key of applicant_name (migration 0007); NULL until the program keys it
    name_key: Mapped[str | None] = mapped_column(String(800))

    # moves on by one with every change of the application (migration 0008): an UPDATE is written only while
    # the version is still the one read, so a desk never overwrites another desk's change (StaleDataError)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    applicant: Mapped[Applicant] = relationship()
    events: Mapped[list[Event]] = relationship(
        back_populates="application", order_by="Event.id", cascade="all, delete-orphan"
    )
    identity_checks: Mapped[list[IdentityCheck]] = relationship(
        back_populates="application", order_by="IdentityCheck.id", cascade="all, delete-orphan"
    )


class IdentityCheck(Base):
    """What the clerk checked of an applicant's or agent's identity, and the validator's verdict."""

    __tablename__ = "identity_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(20))  # applicant | agent
    doc_type: Mapped[str] = mapped_column(String(30))
    doc_number: Mapped[str] = mapped_column(String(60))
    valid: Mapped[bool] = mapped_column(Boolean)
    problems: Mapped[str] = mapped_column(Text, default="")
    override_reason: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(30))
    checked_by: Mapped[str] = mapped_column(String(100))
    checked_at: Mapped[datetime] = mapped_column(DateTime)

    application: Mapped[Application] = relationship(back_populates="identity_checks")


class Event(Base):
    """One entry of an application's timeline: who did what, when, and the old → new values.

    ``hash`` chains each event to the previous one of the whole table (``prev_hash``), so that an
    edited or deleted row of the legal record is detectable by the integrity check.
    """

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_application", "application_id", "event_date"),
        Index("ix_event_recorded", "recorded_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # NULL: an event of the office itself (a settings change), chained like every other
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    event_date: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    application: Mapped[Application | None] = relationship(back_populates="events")


class IssuedDocument(Base):
    """A letter or notice issued on an application, with its own yearly number (文号)."""

    __tablename__ = "issued_document"
    __table_args__ = (UniqueConstraint("kind", "year", "seq", name="uq_document_kind_year_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(50))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(80))
    issued_on: Mapped[date] = mapped_column(Date)
    file_path: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Attachment(Base):
    """A stored file (scanned form, envelope, email, ID copy) kept with its SHA-256."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    stored_path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(DateTime)


class RemedyCase(Base):
    """行政复议 or 行政诉讼 brought against a reply; counted in annual-report table 四 in its filing year."""

    __tablename__ = "remedy_case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # reconsideration | litigation_direct | litigation_after
    filed_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(String(20))  # upheld | corrected | other | None (尚未审结)
    decided_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class CalendarYear(Base):
    """A year's official holiday schedule as entered by the clerk (overrides the bundled one)."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(Text, default="")
    schedule_json: Mapped[str] = mapped_column(Text)
    entered_by: Mapped[str] = mapped_column(String(100))
    entered_at: Mapped[datetime] = mapped_column(DateTime)


class AnnualReport(Base):
    """Figures the office enters for the annual report (table 二, prose sections) and its publication.

    ``locked``: the year's report is published; its tables as published are kept in ``published_table3`` and
    ``published_table4`` (migration 0005) and changes that would alter them are refused (docs/rules.md §6).
    """

    __tablename__ = "annual_report"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    texts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    published_table3: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    published_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    published_table4: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class SearchPending(Base):
    """Applications whose entry in the register's search index is missing or out of date (migration 0007).

    Rows are added by triggers on ``application`` (whoever writes it) with the values that were indexed
    before (``indexed``); the program indexes them and removes them. The index itself,
    ``application_search``, is an FTS5 table and not part of these models.
    """

    __tablename__ = "search_pending"

    application_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    indexed: Mapped[bool] = mapped_column(Boolean)
    reg_number: Mapped[str | None] = mapped_column(String(60))
    applicant_name: Mapped[str | None] = mapped_column(String(200))
    applicant_id_number: Mapped[str | None] = mapped_column(String(60))
    content: Mapped[str | None] = mapped_column(Text)
