"""Property: mutated X12 never crashes ingest, never half-writes a set, and adds up.

Valid generated files (an 837P of three sets, an 835 of two, two 837P interchanges) are
mutated: truncated, bytes flipped, one delimiter swapped for another, a segment duplicated
or dropped, up to three times. Each example is ingested for a practice of its own, and:

* ingest returns a report or raises a :class:`~cleanclaim.errors.CleanclaimError` (then
  nothing is stored); nothing else escapes;
* per transaction set, all its claims (837) or its remittance with all its CLP claims (835)
  are stored, or none of them;
* the quarantine table holds one row per quarantined unit, the claim tables hold what the
  report counts, and where the file can be read to its end, committed + skipped +
  quarantined sets = the sets in the file.

Runs under the hypothesis profile loaded in tests/conftest.py (``ci`` in CI).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from tests.badinput import _build as b

from cleanclaim.claims.ingest import Quarantined, ingest_file
from cleanclaim.errors import CleanclaimError, X12Error
from cleanclaim.storage.accounts import SYSTEM_USER, Actor, actor, add_practice
from cleanclaim.storage.db import get_engine, session_scope
from cleanclaim.storage.tables_x12 import (
    ClaimLineRow,
    ClaimRow,
    Quarantine,
    RemitClaimRow,
    RemittanceRow,
)
from cleanclaim.x12.envelope import TransactionKind, TransactionSet, iter_envelope
from cleanclaim.x12.parse835 import parse_835
from cleanclaim.x12.parse837 import parse_837

BASES = [b.THREE, b.REMITS, b.THREE + b.SECOND]
DELIMITERS = b"*:^~"
_ACKS = (TransactionKind.ACK_999, TransactionKind.CLAIM_ACK_277CA)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    text = draw(st.sampled_from(BASES))
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["truncate", "flip", "swap", "duplicate", "drop"]))
        if how in ("duplicate", "drop"):
            segs = text.split("~")
            if len(segs) < 2:
                continue
            i = draw(st.integers(0, len(segs) - 2))
            segs[i : i + 1] = [segs[i], segs[i]] if how == "duplicate" else []
            text = "~".join(segs)
            continue
        data = bytearray(text.encode("latin-1"))
        if not data:
            break
        if how == "truncate":
            del data[draw(st.integers(0, len(data) - 1)) :]
        elif how == "flip":
            for _ in range(draw(st.integers(1, 4))):
                data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        else:
            spots = [i for i, ch in enumerate(data) if ch in DELIMITERS]
            if spots:
                at = draw(st.sampled_from(spots))
                data[at] = draw(st.sampled_from([c for c in DELIMITERS if c != data[at]]))
        text = data.decode("latin-1")
    return text.encode("latin-1")


class _Practices:
    def __init__(self) -> None:
        self.n = 0


@pytest.fixture
def practices() -> _Practices:
    return _Practices()


def _fresh_actor(db_url: str, practices: _Practices) -> Actor:
    practices.n += 1
    key = f"prop{practices.n}"
    with session_scope(get_engine(db_url)) as session:
        add_practice(session, key=key, name=key, by=SYSTEM_USER)
    with session_scope(get_engine(db_url)) as session:
        return actor(session, SYSTEM_USER, key)


def _sets(path: Path) -> tuple[list[TransactionSet], bool]:
    """The sets the envelope layer finds, and whether the file was read to its end."""
    found: list[TransactionSet] = []
    try:
        for item in iter_envelope(path):
            if isinstance(item, TransactionSet):
                found.append(item)
    except X12Error:
        return found, False
    return found, True


def _outcome(quarantined: list[Quarantined], accepted: int) -> str:
    if not quarantined:
        return f"clean ({'some' if accepted else 'no'} sets)"
    if any(q.set is None for q in quarantined):
        return "reading stopped (file)"
    if all(q.reason.startswith("interchange ") for q in quarantined):
        return "interchange quarantined"
    return "set quarantined"


def _expected(ts: TransactionSet) -> tuple[int, int] | None:
    """(claims, lines) the set holds when it can be read, else ``None``."""
    try:
        if ts.kind in (TransactionKind.PROFESSIONAL_837, TransactionKind.INSTITUTIONAL_837):
            claims = parse_837(ts, ts.delimiters, "x")
            return len(claims), sum(len(c.lines) for c in claims)
        if ts.kind is TransactionKind.REMITTANCE_835:
            remit = parse_835(ts.segments, ts.delimiters, "x", control_number=ts.control_number)
            return len(remit.claims), 0
    except (X12Error, ValueError, KeyError, IndexError, TypeError, ArithmeticError):
        return None
    return None


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=mutated())
def test_mutated_files_are_stored_whole_or_quarantined(
    data: bytes,
    tmp_path: Path,
    db_url: str,
    practices: _Practices,
) -> None:
    who = _fresh_actor(db_url, practices)
    path = tmp_path / f"m{practices.n}.x12"
    path.write_bytes(data)
    engine = get_engine(db_url)
    pid = who.practice_id
    try:
        report = ingest_file(path, who, engine=engine)
    except CleanclaimError:
        report = None
    with engine.connect() as conn:
        claims = conn.execute(
            sa.select(ClaimRow.id, ClaimRow.source_segment).where(ClaimRow.practice_id == pid)
        ).all()
        lines = conn.execute(
            sa.select(sa.func.count())
            .select_from(ClaimLineRow)
            .where(ClaimLineRow.practice_id == pid)
        ).scalar_one()
        remits = conn.execute(
            sa.select(RemittanceRow.id, RemittanceRow.position).where(
                RemittanceRow.practice_id == pid
            )
        ).all()
        remit_claims = conn.execute(
            sa.select(RemitClaimRow.remittance_id, sa.func.count())
            .where(RemitClaimRow.practice_id == pid)
            .group_by(RemitClaimRow.remittance_id)
        ).all()
        quarantine = conn.execute(
            sa.select(sa.func.count()).select_from(Quarantine).where(Quarantine.practice_id == pid)
        ).scalar_one()
    if report is None:
        event("ingest refused the file")
        assert (claims, remits, quarantine) == ([], [], 0)
        return
    event(_outcome(report.quarantined, report.accepted_sets))
    stored_remit_claims = sum(n for _, n in remit_claims)
    assert quarantine == len(report.quarantined), (quarantine, report.quarantined)
    per_remit = dict(remit_claims)
    sets, whole = _sets(path)
    if not any(ts.kind in _ACKS for ts in sets):  # acks count claims but store no claim rows
        assert len(claims) + stored_remit_claims == report.claims - report.duplicate_claims
    exact = report.duplicate_claims == 0
    want_lines = 0
    for ts in sets:
        first, last = ts.position, ts.position + len(ts.segments) - 1
        got_claims = sum(1 for _, seg in claims if first <= seg <= last)
        got_remits = [rid for rid, pos in remits if first <= pos <= last]
        expected = _expected(ts)
        if got_claims or got_remits:  # stored: then all of it
            assert expected is not None
            n_claims, n_lines = expected
            if got_remits:
                assert len(got_remits) == 1
                got_claims = per_remit.get(got_remits[0], 0)
            else:
                want_lines += n_lines
            assert got_claims == n_claims if exact else 0 < got_claims <= n_claims
    if exact:
        assert lines == want_lines
    if whole:
        rejected = [q for q in report.quarantined if q.set is not None]
        assert report.accepted_sets + report.skipped_sets + len(rejected) == len(sets)
