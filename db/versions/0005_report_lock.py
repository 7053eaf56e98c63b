"""annual report: lock of a published year, and its published table 四

A published year's report is locked (``locked``): its tables as published are kept (``published_table3``,
the new ``published_table4``) with the publication date, and any change that would alter them is refused
until the year is unlocked with a reason (docs/rules.md §6).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("annual_report") as batch:
        batch.add_column(sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("published_table4", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("annual_report") as batch:
        batch.drop_column("published_table4")
        batch.drop_column("locked")
