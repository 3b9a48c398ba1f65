"""The ingest-time scrub works run by run: one history read per run, the same findings as
scrubbing the stored versions one by one."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from tests.ingest import _x12 as x
from tests.ingest.conftest import Ingest

from cleanclaim.claims.lifecycle import ensure_salt
from cleanclaim.claims.model import Claim
from cleanclaim.codesets.store import default_store
from cleanclaim.edits.context import patient_key
from cleanclaim.edits.stored import StoredHistory, StoredScrubber, claim_from_json
from cleanclaim.storage.db import get_engine
from cleanclaim.storage.tables_edits import ClaimScrubRow, FindingRow
from cleanclaim.storage.tables_x12 import ClaimRow
from cleanclaim.x12.generate.model import Person, Subscriber

OTHER = Subscriber(
    "DCM900445566", Person("ALDERGROVE", "RUTH", dt.date(1950, 2, 3), "F", x.ADDRESS)
)
DAY = x.DOS
NEXT = DAY + dt.timedelta(days=1)
LATER = DAY + dt.timedelta(days=9)


def _other_patient(claim: x.GenClaim) -> x.GenClaim:
    return dataclasses.replace(claim, subscriber=OTHER)


RUN = [
    x.claim("H1", charges=("100.00", "20.00")),
    x.claim("H2"),  # the same visit again under another CLM01: a duplicate of H1
    x.claim("H3", service_date=NEXT),
    x.claim("H4", charges=("100.00", "100.00")),  # the visit twice on one claim
    x.claim("H5", service_date=LATER),
    _other_patient(x.claim("H6")),
    x.claim("H1", charges=("100.00", "20.00"), frequency="8", original_reference="PCN1"),
]
"""One transaction set (one run): same-day and next-day services of one patient, another
patient on the same day, and a void."""

DAYS = [DAY + dt.timedelta(days=n) for n in range(-2, 12)]


def _file(tmp_path: Path) -> Path:
    first = x.p837(*RUN[:4], control=1)
    second = x.p837(*RUN[4:], control=2)  # a second interchange: a second run, same file
    return x.write(tmp_path, "run.x12", first + second)


@contextmanager
def _session(db_url: str) -> Iterator[Session]:
    """A session whose writes are thrown away."""
    with Session(get_engine(db_url)) as session:
        try:
            yield session
        finally:
            session.rollback()


def _stored(session: Session) -> list[tuple[ClaimRow, Claim]]:
    rows = session.scalars(sa.select(ClaimRow).order_by(ClaimRow.id)).all()
    return [(r, claim_from_json(r.claim_json, claim_key=r.claim_key)) for r in rows]


def _lines(
    history: StoredHistory, stored: list[tuple[ClaimRow, Claim]], days: list[dt.date]
) -> list[Any]:
    """The look-ups the rules could make on ``days`` for each stored version, in order."""
    seen = []
    for row, claim in stored:
        history.focus(claim, row.id)
        seen.append([history.lines_on(patient_key(claim), day) for day in days])
    return seen


def test_prefetched_history_answers_as_the_queries_do(
    tmp_path: Path, db_url: str, ingest: Ingest
) -> None:
    ingest(_file(tmp_path))
    with _session(db_url) as session:
        stored = _stored(session)
        salt = ensure_salt(session, stored[0][0].practice_id, "system")
        queried = _lines(StoredHistory(session, stored[0][0].practice_id, salt), stored, DAYS)
        batched = StoredHistory(session, stored[0][0].practice_id, salt)
        batched.prefetch(claim for _, claim in stored)
        assert _lines(batched, stored, DAYS) == queried
        statements: list[str] = []
        sa.event.listen(session.connection(), "before_cursor_execute", _record(statements))
        _lines(batched, stored, PREFETCHED)
    assert sum(len(day) for claim in queried for day in claim) > 10  # the case means something
    assert statements == []  # the run's dates and the days next to them: no query


PREFETCHED = sorted({d + dt.timedelta(days=n) for d in (DAY, NEXT, LATER) for n in (-1, 0, 1)})


def _record(statements: list[str]) -> Any:
    def listener(*args: Any) -> None:
        statements.append(args[2])

    return listener


def test_ingest_scrub_records_what_one_by_one_scrubs_find(
    tmp_path: Path, db_url: str, ingest: Ingest
) -> None:
    ingest(_file(tmp_path))
    with _session(db_url) as session:
        stored = _stored(session)
        recorded = {
            row.claim_key: (
                scrub.status,
                [(f.rule, f.line, f.message) for f in _findings(session, scrub.id)],
                scrub.coverage,
            )
            for row, _ in stored
            for scrub in session.scalars(
                sa.select(ClaimScrubRow).where(ClaimScrubRow.claim_id == row.id)
            )
        }
        one_by_one = StoredScrubber(
            session, stored[0][0].practice_id, default_store(), user="system", trigger="check"
        )
        again = {}
        for row, claim in stored:
            result, _, _ = one_by_one.scrub(row, claim)
            again[row.claim_key] = (
                result.status.value,
                [(f.rule, f.line, f.message) for f in result.findings],
                [{"check": c.check, "reason": c.reason} for c in result.coverage],
            )
    assert recorded == again
    rules = {rule for _, findings, _ in recorded.values() for rule, _, _ in findings}
    assert "DU101" in rules  # history was read: H2 repeats H1


def _findings(session: Session, scrub_id: int) -> list[FindingRow]:
    return list(
        session.scalars(
            sa.select(FindingRow).where(FindingRow.scrub_id == scrub_id).order_by(FindingRow.id)
        )
    )


@pytest.mark.parametrize("claims", [1, 3], ids=["one-claim", "several-claims"])
def test_one_scrub_row_per_new_version(
    tmp_path: Path, db_url: str, ingest: Ingest, claims: int
) -> None:
    ingest(x.write(tmp_path, "f.x12", x.p837(*(x.claim(f"S{n}") for n in range(claims)))))
    with _session(db_url) as session:
        pairs = session.execute(
            sa.select(ClaimRow.claim_key, ClaimScrubRow.claim_key, ClaimScrubRow.trigger)
            .join(ClaimScrubRow, ClaimScrubRow.claim_id == ClaimRow.id)
            .order_by(ClaimScrubRow.id)
        ).all()
    assert [(a == b, trigger) for a, b, trigger in pairs] == [(True, "ingest")] * claims
