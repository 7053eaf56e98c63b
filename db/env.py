"""Alembic environment: migrations run on the connection the application hands over.

The application calls :func:`app.store.database.migrate`, which passes its own connection in
``config.attributes["connection"]``; the command-line ``alembic`` is not needed on the office PC.
"""

from alembic import context

from app.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as conn:
            context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
            context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("离线迁移不受支持")
run_migrations_online()
