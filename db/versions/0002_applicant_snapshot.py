"""applicant's particulars as given with each application

An applicant record is shared by all of a person's applications; the contact details and the
representative given with one application must not change when the same person applies again with
other details. Existing rows keep NULL and are shown from the applicant record, as before.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("application") as batch:
        batch.add_column(sa.Column("applicant_snapshot", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("application") as batch:
        batch.drop_column("applicant_snapshot")
