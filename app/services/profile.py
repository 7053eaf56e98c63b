"""The agency profile (设置 page) and first-run defaults."""

from __future__ import annotations

from dataclasses import asdict, replace

from app.domain.agency import AGENCY_FIELD_LABELS, AGENCY_FIELDS, AgencyProfileData, validate_pattern
from app.services.context import ServiceContext
from app.services.errors import ValidationError
from app.store.models import AgencyProfile

PROFILE_ID = 1


def ensure_defaults(ctx: ServiceContext) -> bool:
    """On first run, create the agency profile from the office's guide. Returns True if it was created."""
    with ctx.db.session_scope() as s:
        if s.get(AgencyProfile, PROFILE_ID) is not None:
            return False
        s.add(AgencyProfile(id=PROFILE_ID, updated_at=ctx.now(), **asdict(AgencyProfileData())))
        return True


def get_profile(ctx: ServiceContext) -> AgencyProfileData:
    with ctx.db.session_scope() as s:
        row = s.get(AgencyProfile, PROFILE_ID)
        if row is None:
            return AgencyProfileData()
        return AgencyProfileData(**{name: getattr(row, name) for name in AGENCY_FIELDS})


def update_profile(ctx: ServiceContext, data: AgencyProfileData) -> AgencyProfileData:
    """Save the profile; empty required fields and unusable number patterns are refused."""
    problems: list[str] = []
    cleaned = replace(data, **{name: str(getattr(data, name)).strip() for name in AGENCY_FIELDS})
    for name in ("agency_name", "office_name", "address", "registration_pattern", "document_pattern"):
        if not getattr(cleaned, name):
            problems.append(f"“{AGENCY_FIELD_LABELS[name]}”不能为空")
    for name in ("registration_pattern", "document_pattern"):
        if getattr(cleaned, name):
            problem = validate_pattern(getattr(cleaned, name))
            if problem:
                problems.append(problem)
    if problems:
        raise ValidationError(problems)
    with ctx.db.session_scope() as s:
        row = s.get(AgencyProfile, PROFILE_ID)
        if row is None:
            row = AgencyProfile(id=PROFILE_ID, updated_at=ctx.now(), **asdict(cleaned))
            s.add(row)
        else:
            for name in AGENCY_FIELDS:
                setattr(row, name, getattr(cleaned, name))
            row.updated_at = ctx.now()
    return cleaned
