"""settings changes join the audit chain; an index for the audit log

Every change of a setting (the clerk's name, the fee payment period, the due-soon threshold …) is an
event in the same hash chain as the applications' events, so ``event.application_id`` becomes nullable
(NULL = an event of the office, not of one application). The audit log lists events newest first, so
``recorded_at`` is indexed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.alter_column("application_id", existing_type=sa.Integer(), nullable=True)
        batch.create_index("ix_event_recorded", ["recorded_at", "id"], unique=False)


def downgrade() -> None:
    op.execute("DELETE FROM event WHERE application_id IS NULL")
    with op.batch_alter_table("event") as batch:
        batch.drop_index("ix_event_recorded")
        batch.alter_column("application_id", existing_type=sa.Integer(), nullable=False)
