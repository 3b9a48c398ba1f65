"""Schema migrations: ``cleanclaim db upgrade`` runs Alembic to the newest revision."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from cleanclaim.storage.db import get_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def upgrade(engine: Engine | None = None, revision: str = "head") -> str | None:
    """Migrate the database to ``revision``; returns the revision now current."""
    return _migrate(command.upgrade, engine, revision)


def downgrade(engine: Engine | None = None, revision: str = "-1") -> str | None:
    """Migrate the database back to ``revision``; returns the revision now current."""
    return _migrate(command.downgrade, engine, revision)


def _migrate(
    step: Callable[[Config, str], None], engine: Engine | None, revision: str
) -> str | None:
    """Run an Alembic ``step`` to ``revision`` in one transaction of ``engine``."""
    engine = engine or get_engine()
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        step(cfg, revision)
    return current_revision(engine)


def current_revision(engine: Engine | None = None) -> str | None:
    """The revision the database is at (``None`` before the first migration)."""
    engine = engine or get_engine()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped with the package."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
