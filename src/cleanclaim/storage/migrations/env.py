"""Alembic environment: migrations run on the connection cleanclaim hands over."""

from __future__ import annotations

from alembic import context

from cleanclaim.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from cleanclaim.storage.db import get_engine

        url = config.get_main_option("sqlalchemy.url")
        with get_engine(url).connect() as conn:
            _run(conn)
            conn.commit()
        return
    _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
