"""a search index for the register and the pinyin order of applicants' names

The register's free-text search reads every application with ``LIKE '%…%'``; at 100,000 applications that is
the floor of every search. ``application_search`` (SQLite FTS5, contentless, no positions) holds each
application's single characters and character pairs (app.domain.textsearch), so a word is looked up, not
scanned for (``application_search_terms`` tells how common a gram is: a word found in most applications
is read faster from the rows). ``application.name_key`` holds the pinyin sort key of the applicant's name.
Indexes serve each of the register's sorts (the one by receipt date is on an expression, so it lives here
and not in the models).

Both are computed in Python, yet any program may write ``application`` (the counter, the ledger import, a
repair with the sqlite3 shell). So the triggers here are plain SQL that only remember what changed:
``search_pending`` lists the applications not yet (re)indexed, with the values that were indexed before, and
a changed name loses its key. The program indexes the pending rows and keys the names in the background
(app.services.register.update_search_index); until then a search checks the pending rows directly, so it
finds exactly what a scan finds at every moment.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = (
    """
    CREATE TRIGGER application_search_insert AFTER INSERT ON application BEGIN
        INSERT OR IGNORE INTO search_pending (application_id, indexed) VALUES (new.id, 0);
    END
    """,
    """
    CREATE TRIGGER application_search_update
    AFTER UPDATE OF id, reg_number, applicant_name, applicant_id_number, content ON application BEGIN
        INSERT OR IGNORE INTO search_pending
            (application_id, indexed, reg_number, applicant_name, applicant_id_number, content)
            VALUES (old.id, 1, old.reg_number, old.applicant_name, old.applicant_id_number, old.content);
        INSERT OR IGNORE INTO search_pending (application_id, indexed) VALUES (new.id, 0);
        UPDATE application SET name_key = NULL
            WHERE id = new.id AND name_key IS NOT NULL AND new.applicant_name IS NOT old.applicant_name;
    END
    """,
    """
    CREATE TRIGGER application_search_delete AFTER DELETE ON application BEGIN
        INSERT OR IGNORE INTO search_pending
            (application_id, indexed, reg_number, applicant_name, applicant_id_number, content)
            VALUES (old.id, 1, old.reg_number, old.applicant_name, old.applicant_id_number, old.content);
    END
    """,
)


#: PostgreSQL (several desks): the search reads the rows (app.services.register); only a changed name loses its key.
PG_NAME_TRIGGER = (
    """
    CREATE FUNCTION application_name_key_reset() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.applicant_name IS DISTINCT FROM OLD.applicant_name AND NEW.name_key IS NOT DISTINCT FROM OLD.name_key
        THEN
            NEW.name_key := NULL;
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER application_name_key_reset BEFORE UPDATE OF applicant_name ON application
        FOR EACH ROW EXECUTE FUNCTION application_name_key_reset()
    """,
)


def upgrade() -> None:
    op.add_column("application", sa.Column("name_key", sa.String(length=800), nullable=True))
    op.create_index("ix_application_name_key", "application", ["name_key", "id"])
    # the register's sorts by receipt date and by due date read the first screen from an index, and the
    # 工作台's "received this year by kind" counts from one
    op.create_index("ix_application_due_order", "application", ["reply_due", "id"])
    op.create_index("ix_application_channel_order", "application", ["channel", "id"])
    op.create_index("ix_application_content_order", "application", ["content", "id"])
    op.create_index("ix_application_receipt_kind", "application", ["receipt_date", "applicant_kind", "status"])
    op.execute(
        "CREATE INDEX ix_application_receipt_order ON application (coalesce(receipt_date, date(arrived_at)), id)"
    )
    if op.get_bind().dialect.name != "sqlite":
        for statement in PG_NAME_TRIGGER:
            op.execute(statement)
        return
    op.create_table(
        "search_pending",
        sa.Column("application_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("indexed", sa.Boolean(), nullable=False),
        sa.Column("reg_number", sa.String(length=60), nullable=True),
        sa.Column("applicant_name", sa.String(length=200), nullable=True),
        sa.Column("applicant_id_number", sa.String(length=60), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
    )
    op.execute("CREATE VIRTUAL TABLE application_search USING fts5(grams, content='', detail=none, tokenize='ascii')")
    # how many applications hold a gram: a word in most of them is found faster by reading the rows
    op.execute("CREATE VIRTUAL TABLE application_search_terms USING fts5vocab(application_search, row)")
    for trigger in TRIGGERS:
        op.execute(trigger)
    op.execute("INSERT INTO search_pending (application_id, indexed) SELECT id, 0 FROM application")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS application_name_key_reset ON application")
        op.execute("DROP FUNCTION IF EXISTS application_name_key_reset()")
        op.execute("DROP INDEX IF EXISTS ix_application_receipt_order")
        for name in ("receipt_kind", "content_order", "channel_order", "due_order", "name_key"):
            op.drop_index(f"ix_application_{name}", table_name="application")
        op.drop_column("application", "name_key")
        return
    for name in ("application_search_insert", "application_search_update", "application_search_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS application_search_terms")
    op.execute("DROP TABLE IF EXISTS application_search")
    op.drop_table("search_pending")
    op.execute("DROP INDEX IF EXISTS ix_application_receipt_order")
    op.drop_index("ix_application_receipt_kind", table_name="application")
    op.drop_index("ix_application_content_order", table_name="application")
    op.drop_index("ix_application_channel_order", table_name="application")
    op.drop_index("ix_application_due_order", table_name="application")
    op.drop_index("ix_application_name_key", table_name="application")
    with op.batch_alter_table("application") as batch:
        batch.drop_column("name_key")
