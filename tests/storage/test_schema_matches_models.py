"""The migrations build exactly the tables, columns and indexes the models declare: the
report relies on write-once columns and covering indexes that only migrations add to an
existing database, so a model change without its migration (or the reverse) must fail."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from cleanclaim.storage.db import get_engine
from cleanclaim.storage.models import Base

CHECKED = ("add_table", "remove_table", "add_column", "remove_column", "add_index",
           "remove_index")  # fmt: skip
"""Differences that change what is stored or how it is read. Type and server-default
renderings differ between backends and SQLAlchemy versions without changing either."""


def _kinds(diff: Any) -> list[tuple[str, str]]:
    out = []
    for entry in diff:
        for op in entry if isinstance(entry, list) else [entry]:
            kind = op[0]
            if kind in CHECKED:
                target = op[1]
                name = getattr(target, "name", None) or str(op[2:4])
                out.append((kind, str(name)))
    return sorted(out)


def test_migrations_match_the_models(db_url: str) -> None:
    engine = get_engine(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn)
        diff = compare_metadata(context, Base.metadata)
    assert _kinds(diff) == []
