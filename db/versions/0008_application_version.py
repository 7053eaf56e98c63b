"""a version number on each application, for several desks changing the same case

Two clerks may open the same application at two desks. Each change of an application (a step, a correction, a
closing) moves ``application.version`` on by one, and is written only if the version is still the one the
desk read (``UPDATE … WHERE id = … AND version = …``); otherwise the desk is told the application was changed
by someone else and nothing is overwritten (docs/rules.md §16). Existing applications start at 1.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("application", sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")))


def downgrade() -> None:
    with op.batch_alter_table("application") as batch:
        batch.drop_column("version")
