"""Ingest marks each claim family's initial adjudication (``remit_claim.initial``): the
first 835 claim stored for any version of the family that is not a reversal or a
correction; the migration that added the mark gives the 835 claims stored before it the
same marks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.denials._denialkit import World, claim, clp, svc

from cleanclaim.storage.db import session_scope
from cleanclaim.storage.migrate import downgrade, head_revision, upgrade
from cleanclaim.storage.tables_x12 import RemitClaimRow


def _marks(w: World) -> list[tuple[str, str, bool]]:
    """(CLP01, chain role, initial) of every stored 835 claim, in the order stored."""
    with session_scope(w.engine) as s:
        rows = s.execute(
            select(RemitClaimRow.clp01, RemitClaimRow.chain_role, RemitClaimRow.initial).order_by(
                RemitClaimRow.id
            )
        ).all()
    return [tuple(r) for r in rows]


def _replacements(w: World) -> None:
    """A claim denied, replaced twice (each 835 claim of the family after the first is not
    its initial adjudication), and a second, unrelated claim paid."""
    w.submit(claim("E1", "90.00"), claim("E2", "50.00"), on=dt.date(2026, 4, 2))
    w.remit(
        clp("E1", "4", svc(0, "90.00", "CO-16:90.00"), pcn="PCN1"),
        clp("E2", "1", svc(0, "50.00", "CO-45:5.00"), pcn="PCN9"),
        paid_on=dt.date(2026, 4, 20),
    )
    w.submit(claim("E1", "90.00", frequency="7", original_reference="PCN1"), on=dt.date(2026, 5, 1))
    w.remit(
        clp("E1", "4", svc(0, "90.00", "CO-16:90.00"), pcn="PCN2", frequency="7"),
        paid_on=dt.date(2026, 5, 20),
    )
    w.submit(claim("E1", "90.00", frequency="7", original_reference="PCN2"), on=dt.date(2026, 6, 1))
    w.remit(
        clp("E1", "1", svc(0, "90.00", "CO-45:10.00"), pcn="PCN3", frequency="7"),
        paid_on=dt.date(2026, 6, 20),
    )


def _reversal(w: World) -> None:
    """A payment reversed and paid again: neither the reversal nor the correction is the
    initial adjudication; an 835 claim that matches no stored claim is not marked."""
    w.submit(claim("C1", "100.00", "40.00"))
    w.remit(clp("C1", "1", svc(0, "100.00", "CO-45:30.00"), svc(1, "40.00", "CO-97:40.00")))
    w.remit(
        clp("C1", "22", svc(0, "100.00", "CO-45:30.00", sign=-1),
            svc(1, "40.00", "CO-97:40.00", sign=-1), charge="-140.00"),
        clp("C1", "1", svc(0, "100.00", "CO-45:30.00"), svc(1, "40.00", "CO-45:12.00")),
        clp("ZZ9", "4", svc(0, "100.00", "CO-16:100.00"), pcn="PCN7"),
    )  # fmt: skip


CASES = {
    "replacements": (
        _replacements,
        [("E1", "original", True), ("E2", "original", True),
         ("E1", "original", False), ("E1", "original", False)],
    ),
    "reversal-and-correction": (
        _reversal,
        [("C1", "original", True), ("C1", "reversal", False),
         ("C1", "correction", False), ("ZZ9", "original", False)],
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_ingest_marks_the_initial_adjudication(db_url: str, tmp_path: Path, case: tuple) -> None:
    feed, expected = case
    w = World(db_url, tmp_path)
    feed(w)
    assert _marks(w) == expected


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_the_migration_marks_835_claims_stored_before(
    db_url: str, tmp_path: Path, case: tuple
) -> None:
    feed, expected = case
    w = World(db_url, tmp_path)
    feed(w)
    assert downgrade(w.engine, "0009") == "0009"  # back to before the mark existed
    assert upgrade(w.engine) == head_revision()
    assert _marks(w) == expected
