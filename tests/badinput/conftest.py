"""Fixtures of the bad-input tests: an actor on a migrated database, ingest, row counts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from cleanclaim.claims.ingest import FileReport, ingest_file
from cleanclaim.storage.accounts import Actor, actor
from cleanclaim.storage.db import get_engine, session_scope
from cleanclaim.storage.models import Base

Ingest = Callable[[Path], FileReport]
Counts = Callable[[], dict[str, int]]

TABLES = (
    "x12_file",
    "x12_quarantine",
    "claim",
    "claim_line",
    "claim_event",
    "remittance",
    "remit_claim",
    "remit_line",
    "remit_adjustment",
    "remit_provider_adjustment",
    "remit_balance_issue",
    "acknowledgment",
)


@pytest.fixture
def who(db_url: str) -> Actor:
    with session_scope(get_engine(db_url)) as session:
        return actor(session, "system", "default")


@pytest.fixture
def ingest(db_url: str, who: Actor) -> Ingest:
    engine = get_engine(db_url)

    def run(path: Path) -> FileReport:
        return ingest_file(path, who, engine=engine)

    return run


@pytest.fixture
def counts(db_url: str) -> Counts:
    engine = get_engine(db_url)

    def run() -> dict[str, int]:
        with engine.connect() as conn:
            return {
                name: conn.execute(
                    sa.select(sa.func.count()).select_from(Base.metadata.tables[name])
                ).scalar_one()
                for name in TABLES
            }

    return run
