"""Building applications for tests: one place that knows what a minimal valid registration is."""

from __future__ import annotations

from datetime import datetime

from app.domain.codes import ApplicantKind, Channel, IdDocType, VerificationMethod
from app.services import applications as A
from app.services.context import ServiceContext

VALID_ID = "11010519491231002X"
#: What a 当面 natural person registered without an ID number must give instead (docs/rules.md §9).
NO_ID_REASON = "申请人未携带身份证件"


def without_number(channel: Channel, id_number: str, kw: dict[str, object]) -> dict[str, object]:
    """*kw* plus, for a 当面 application with no ID number, a reason and 未核验 (unless *kw* gives them)."""
    if channel is Channel.IN_PERSON and not id_number.strip():
        kw.setdefault("no_id_reason", NO_ID_REASON)
        kw.setdefault("verification", VerificationMethod.NOT_CHECKED)
    return kw


def in_person(arrived: datetime, name: str = "张三", content: str = "某文件", **kw: object) -> A.RegistrationInput:
    """A handed-in application from a natural person with a valid 居民身份证."""
    return A.RegistrationInput(
        channel=kw.pop("channel", Channel.IN_PERSON),  # type: ignore[arg-type]
        arrived_at=arrived,
        applicant=A.ApplicantInput(ApplicantKind.NATURAL_PERSON, name, IdDocType.RESIDENT_ID, VALID_ID, phone="1"),
        content=content,
        **kw,  # type: ignore[arg-type]
    )


def register_in_person(
    ctx: ServiceContext, arrived: datetime, clock: object = None, **kw: object
) -> A.RegistrationResult:
    """Register :func:`in_person` at *arrived*; moves the test clock there first when one is given."""
    if clock is not None:
        clock.value = arrived  # type: ignore[attr-defined]
    return A.register_application(ctx, in_person(arrived, **kw))
