"""Fixtures of the ingest tests: an actor on a migrated database, and row counting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from cleanclaim.claims.ingest import FileReport, ingest_file
from cleanclaim.storage.accounts import Actor, actor
from cleanclaim.storage.db import get_engine, session_scope
from cleanclaim.storage.models import Base

Ingest = Callable[[Path], FileReport]
Counts = Callable[[], dict[str, int]]

X12_TABLES = (
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
    """Row counts of every ingest table."""
    engine = get_engine(db_url)

    def run() -> dict[str, int]:
        with engine.connect() as conn:
            return {
                name: conn.execute(
                    sa.select(sa.func.count()).select_from(Base.metadata.tables[name])
                ).scalar_one()
                for name in X12_TABLES
            }

    return run


@dataclass
class Result:
    code: int
    out: str
    err: str


Cli = Callable[..., Result]


@pytest.fixture
def cli(db_url: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run the command line in-process against ``db_url`` (modelled on tests/cli)."""
    from cleanclaim.cli.app import main

    def run(*args: str) -> Result:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
