"""The hand-computed fixture month (see tests/report/test_monthly_fixture.py), as a world."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from tests.denials._denialkit import World, claim, clp, svc

from cleanclaim.analytics.report.base import Month
from cleanclaim.denials.appeals import record_appeal
from cleanclaim.denials.worklog import import_worklog
from cleanclaim.storage.db import session_scope
from cleanclaim.storage.tables_edits import ClaimScrubRow
from cleanclaim.storage.tables_x12 import ClaimRow

APRIL = Month(2026, 4)
D = Decimal


def _scrub(world: World, clm01: str, status: str, version: int = 1) -> None:
    with session_scope(world.engine) as s:
        row = s.query(ClaimRow).filter_by(clm01=clm01, version=version).one()
        s.add(ClaimScrubRow(
            practice_id=row.practice_id, claim_id=row.id, claim_key=row.claim_key,
            trigger="ingest", status=status, payer_key=None, payer_type="commercial",
            coverage=[], scrubbed_at=dt.datetime(2026, 4, 5, tzinfo=dt.UTC), created_by="system",
        ))  # fmt: skip
        row.ingest_status = status  # as ingest writes it with the scrub


def fixture_world(db_url: str, tmp_path: Path) -> World:
    """The practice of the module docstring of ``test_monthly_fixture``, classified."""
    w = World(db_url, tmp_path)
    w.submit(claim("A1", "100.00"), claim("A2", "100.00"), on=dt.date(2026, 1, 10))
    w.submit(claim("B1", "100.00", "50.00"), on=dt.date(2026, 2, 10))
    w.submit(claim("C1", "200.00"), claim("C2", "100.00", "50.00"), claim("C3", "80.00"),
             on=dt.date(2026, 3, 10))  # fmt: skip
    w.submit(claim("D1", "90.00"), claim("D2", "90.00"), claim("D3", "90.00"),
             on=dt.date(2026, 4, 5))  # fmt: skip
    w.submit(claim("D3", "95.00", frequency="7", original_reference="PCND3"),
             on=dt.date(2026, 4, 8))  # fmt: skip
    _scrub(w, "D1", "clean")
    w.finding("D2", "DX101", "dx-invalid")
    _scrub(w, "D3", "clean")
    w.finding("C2", "NC101", "ncci-ptp", line=2)
    w.remit(
        clp("C1", "4", svc(0, "200.00", "CO-197:200.00"), pcn="PCNC1"),
        clp("C2", "1", svc(0, "100.00"), svc(1, "50.00", "CO-97:50.00"), pcn="PCNC2"),
        clp("C3", "1", svc(0, "80.00"), pcn="PCNC3"),
        clp("A1", "1", svc(0, "100.00"), pcn="PCNA1"),
    )
    log = tmp_path / "worklog.csv"
    log.write_text(
        "claim_id,registrar,coder,biller,coded_at,billed_at\n"
        "A1,desk.r,coder.a,biller.x,2026-01-08T09:00,2026-01-09T09:00\n"
        "C1,desk.r,coder.a,biller.x,2026-03-08T09:00,2026-03-09T09:00\n"
        "C2,desk.r,coder.b,biller.x,2026-03-08T09:00,2026-03-09T09:00\n"
        "C3,desk.r,coder.a,biller.x,2026-03-08T09:00,2026-03-09T09:00\n"
    )
    w.classify()
    with session_scope(w.engine) as s:
        import_worklog(s, w.who, log)
    with session_scope(w.engine) as s:
        record_appeal(s, w.who, "C1", filed_on=dt.date(2026, 4, 10), today=dt.date(2026, 4, 10))
    with session_scope(w.engine) as s:
        record_appeal(s, w.who, "C1", filed_on=dt.date(2026, 4, 10), outcome="overturned",
                      paid=D("200.00"), today=dt.date(2026, 4, 20))  # fmt: skip
    return w
