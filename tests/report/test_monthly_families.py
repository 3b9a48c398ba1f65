"""A replacement of a replacement stays in its first version's family: the denial episode
that the first 835 opened is resolved by the payment of the third version."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from tests.denials._denialkit import World, claim, clp, svc

from cleanclaim.analytics.monthly.resolution import PAID, episodes
from cleanclaim.storage.db import session_scope
from cleanclaim.storage.tables_facts import ClaimFactRow
from cleanclaim.storage.tables_x12 import ClaimRow


def test_a_chain_of_replacements_is_one_family(db_url: str, tmp_path: Path) -> None:
    w = World(db_url, tmp_path)
    w.submit(claim("E1", "90.00"), on=dt.date(2026, 4, 2))
    w.remit(
        clp("E1", "4", svc(0, "90.00", "CO-16:90.00"), pcn="PCN1"), paid_on=dt.date(2026, 4, 20)
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
    w.classify()
    with session_scope(w.engine) as s:
        rows = s.execute(
            select(ClaimRow.version, ClaimRow.id, ClaimRow.original_id, ClaimFactRow.family_id)
            .join(ClaimFactRow, ClaimFactRow.claim_id == ClaimRow.id)
            .order_by(ClaimRow.version)
        ).all()
        first = rows[0].id
        # the third version names the second (the one it replaces) as its original...
        assert [r.original_id for r in rows] == [None, first, rows[1].id]
        # ...and still belongs to the first version's family
        assert [r.family_id for r in rows] == [first, first, first]
        found = episodes(s, w.who.practice_id, through=dt.date(2026, 6, 30))
    assert [(e.family, e.how, e.resolved_on) for e in found] == [
        (first, PAID, dt.date(2026, 6, 20))
    ]
