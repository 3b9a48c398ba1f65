"""Ingest writes each claim version's line totals and ingest-scrub status, and each
remittance's claims paid, with what they sum; the migration that added them fills the same
values in for what was stored before it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from tests.denials._denialkit import World, claim, clp, svc

from cleanclaim.storage.db import session_scope
from cleanclaim.storage.migrate import downgrade, head_revision, upgrade
from cleanclaim.storage.tables_edits import ClaimScrubRow
from cleanclaim.storage.tables_x12 import ClaimLineRow, ClaimRow, RemitClaimRow, RemittanceRow


def _feed(w: World) -> None:
    w.submit(claim("T1", "100.00", "40.00", "15.50"), claim("T2", "80.00"), on=dt.date(2026, 4, 2))
    w.remit(
        clp("T1", "1", svc(0, "100.00", "CO-45:30.00"), svc(1, "40.00", "CO-97:40.00"),
            svc(2, "15.50")),
        clp("T2", "4", svc(0, "80.00", "CO-16:80.00"), pcn="PCN2"),
        paid_on=dt.date(2026, 4, 20),
    )  # fmt: skip
    w.submit(claim("T2", "80.00", frequency="7", original_reference="PCN2"), on=dt.date(2026, 5, 1))
    w.remit(
        clp("T2", "1", svc(0, "80.00"), pcn="PCN3", frequency="7"), paid_on=dt.date(2026, 5, 20)
    )


def _stored(w: World) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with session_scope(w.engine) as s:
        claims = s.execute(
            select(ClaimRow.clm01, ClaimRow.version, ClaimRow.line_count, ClaimRow.line_charge,
                   ClaimRow.ingest_status).order_by(ClaimRow.id)
        ).all()  # fmt: skip
        remits = s.execute(select(RemittanceRow.claims_paid).order_by(RemittanceRow.id)).all()
    return [tuple(r) for r in claims], [tuple(r) for r in remits]


def _defined(w: World) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The same values from their definitions: the rows they sum."""
    with session_scope(w.engine) as s:
        claims = []
        for row in s.scalars(select(ClaimRow).order_by(ClaimRow.id)):
            n, total = s.execute(
                select(func.count(), func.sum(ClaimLineRow.charge)).where(
                    ClaimLineRow.claim_id == row.id
                )
            ).one()
            status = s.scalar(
                select(ClaimScrubRow.status).where(
                    ClaimScrubRow.claim_id == row.id, ClaimScrubRow.trigger == "ingest"
                )
            )
            claims.append((row.clm01, row.version, n, total, status))
        paid = select(func.sum(RemitClaimRow.paid))
        remits = [
            (s.scalar(paid.where(RemitClaimRow.remittance_id == rid)),)
            for rid in s.scalars(select(RemittanceRow.id).order_by(RemittanceRow.id))
        ]
    return claims, remits


def test_ingest_writes_the_totals(db_url: str, tmp_path: Path) -> None:
    w = World(db_url, tmp_path, scrub=True)
    _feed(w)
    claims, remits = _stored(w)
    assert [c[:4] for c in claims] == [
        ("T1", 1, 3, claims[0][3]),
        ("T2", 1, 1, claims[1][3]),
        ("T2", 2, 1, claims[2][3]),
    ]
    assert [str(c[3]) for c in claims] == ["155.50", "80.00", "80.00"]
    assert all(c[4] in ("clean", "flagged", "incomplete") for c in claims)
    assert [str(r[0]) for r in remits] == ["85.50", "80.00"]
    assert (claims, remits) == _defined(w)


def test_a_claim_not_scrubbed_at_ingest_has_no_ingest_status(db_url: str, tmp_path: Path) -> None:
    w = World(db_url, tmp_path, scrub=False)
    _feed(w)
    claims, _ = _stored(w)
    assert [c[4] for c in claims] == [None, None, None]


def test_the_migration_fills_in_what_was_stored_before(db_url: str, tmp_path: Path) -> None:
    w = World(db_url, tmp_path, scrub=True)
    _feed(w)
    stored = _stored(w)
    assert downgrade(w.engine, "0010") == "0010"  # back to before the columns existed
    assert upgrade(w.engine) == head_revision()
    assert _stored(w) == stored
