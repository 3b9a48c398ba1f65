"""Synthetic claims and 835s for the classification tests (project generator, no PHI).

``World`` ingests 837s and 835s through :func:`cleanclaim.claims.ingest.ingest_file`,
records scrub findings, classifies and lists. Adjustments are written ``"CO-97:40.00"``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from cleanclaim.claims.ingest import ingest_file
from cleanclaim.denials.carc_table import DenialTable, load_table
from cleanclaim.denials.service import (
    ClassifyReport,
    DenialFilters,
    DenialView,
    classify_practice,
    denial_rows,
)
from cleanclaim.storage.accounts import Actor, actor
from cleanclaim.storage.db import get_engine, session_scope
from cleanclaim.storage.tables_denials import DenialRow
from cleanclaim.storage.tables_edits import ClaimScrubRow, FindingRow
from cleanclaim.storage.tables_x12 import ClaimRow
from cleanclaim.x12.generate.claims837 import write_837p
from cleanclaim.x12.generate.model import (
    Address,
    BillingProvider,
    GenAdjustment,
    GenClaim,
    GenClaimPayment,
    GenLine,
    GenProviderAdjustment,
    GenRemit,
    GenServicePayment,
    Payer,
    Person,
    Subscriber,
)
from cleanclaim.x12.generate.remit835 import write_835

ADDRESS = Address("1 MAPLE AVE", "SPRINGFIELD", "IL", "62704")
BILLING = BillingProvider("1234567893", "371234567", "NORTHSIDE CLINIC", ADDRESS)
PRIMARY = Payer("DCOMM", "DEMO COMMERCIAL HEALTH")
SECONDARY = Payer("DSUPP", "DEMO SUPPLEMENT PLAN")
PATIENT = Person("THISTLEWOOD", "MARY", dt.date(1961, 7, 14), "F", ADDRESS)
SUBSCRIBER = Subscriber("DCM900112233", PATIENT)
DOS = dt.date(2026, 3, 2)
SUBMITTED = dt.date(2026, 3, 10)
PAID_ON = dt.date(2026, 4, 2)
CODES = ("99213", "36415", "81002", "87880")


def cas(spec: str) -> GenAdjustment:
    """``"CO-97:40.00"`` -> a CAS triple."""
    code, amount = spec.split(":")
    group, carc = code.split("-", 1)
    return GenAdjustment(group, carc, Decimal(amount))


def claim(
    clm01: str, *charges: str, payer: Payer = PRIMARY, frequency: str = "1",
    original_reference: str = "", prior_auth: str = "", dx: tuple[str, ...] = ("E119",),
) -> GenClaim:  # fmt: skip
    """A professional claim with one line per charge (99213, 36415, 81002, 87880)."""
    lines = tuple(GenLine(CODES[n], Decimal(c), DOS) for n, c in enumerate(charges or ("100.00",)))
    return GenClaim(clm01, BILLING, payer, SUBSCRIBER, dx, lines, frequency=frequency,
                    original_reference=original_reference, prior_auth=prior_auth)  # fmt: skip


def svc(n: int, charge: str, *adjs: str, rarcs: Sequence[str] = (), sign: int = 1,
        ) -> GenServicePayment:  # fmt: skip
    """The 835 line for claim line ``n`` (0-based) with its adjustments."""
    s = Decimal(sign)
    return GenServicePayment(
        CODES[n], Decimal(charge) * s, DOS,
        adjustments=tuple(GenAdjustment(a.group, a.reason, a.amount * s)
                          for a in (cas(x) for x in adjs)),
        remarks=tuple(rarcs),
    )  # fmt: skip


def clp(
    clm01: str, status: str, *services: GenServicePayment, claim_adjs: Sequence[str] = (),
    remarks: Sequence[str] = (), pcn: str = "PCN1", frequency: str = "1", charge: str = "",
) -> GenClaimPayment:  # fmt: skip
    total = Decimal(charge) if charge else sum((s.charge for s in services), Decimal(0))
    return GenClaimPayment(
        clm01, status, total, pcn, SUBSCRIBER.member_id, PATIENT.last_name, PATIENT.first_name,
        frequency=frequency, adjustments=tuple(cas(a) for a in claim_adjs),
        services=tuple(services), remarks=tuple(remarks),
    )  # fmt: skip


class World:
    """A practice on a migrated database, fed with synthetic X12."""

    def __init__(self, db_url: str, tmp: Path, *, scrub: bool = False) -> None:
        self.engine = get_engine(db_url)
        self.tmp = tmp
        self.files = 0
        self.scrub = scrub
        """Scrub claims at ingest (off: findings come from :meth:`finding` only)."""
        with session_scope(self.engine) as session:
            self.who: Actor = actor(session, "system", "default")

    def _ingest(self, name: str, text: str) -> None:
        self.files += 1
        path = self.tmp / f"{self.files:02d}-{name}"
        path.write_bytes(text.encode("latin-1"))
        report = ingest_file(path, self.who, engine=self.engine, scrub=self.scrub)
        assert report.ok, report.to_json()

    def submit(self, *claims: GenClaim, on: dt.date = SUBMITTED, receiver: str = "DCOMM",
               ) -> None:  # fmt: skip
        text = write_837p(claims, sender="SUBMITTER", receiver=receiver,
                          control_number=100 + self.files, created=on)  # fmt: skip
        self._ingest("claims.837", text)

    def remit(
        self,
        *claims: GenClaimPayment,
        payer: Payer = PRIMARY,
        trace: str = "",
        plb: Sequence[GenProviderAdjustment] = (),
        paid_on: dt.date = PAID_ON,
    ) -> None:
        remit = GenRemit(payer, BILLING, trace or f"TRC{self.files + 1000}", paid_on,
                         tuple(claims), tuple(plb))  # fmt: skip
        text = write_835([remit], sender=payer.payer_id, receiver="SUBMITTER",
                         control_number=500 + self.files, created=paid_on)  # fmt: skip
        self._ingest("remit.835", text)

    def finding(
        self,
        clm01: str,
        rule: str,
        category: str,
        *,
        line: int | None = None,
        suppressed_by: str | None = None,
        version: int = 1,
    ) -> None:
        """Record a scrub finding on the ingest scrub of a stored claim version."""
        with session_scope(self.engine) as s:
            row = s.scalars(
                select(ClaimRow).where(ClaimRow.clm01 == clm01, ClaimRow.version == version)
            ).one()
            scrub = s.scalars(
                select(ClaimScrubRow).where(
                    ClaimScrubRow.claim_id == row.id, ClaimScrubRow.trigger == "ingest"
                )
            ).first()
            if scrub is None:
                scrub = ClaimScrubRow(
                    practice_id=row.practice_id,
                    claim_id=row.id,
                    claim_key=row.claim_key,
                    trigger="ingest",
                    status="flagged",
                    payer_key=None,
                    payer_type="commercial",
                    coverage=[],
                    scrubbed_at=dt.datetime(2026, 3, 10, tzinfo=dt.UTC),
                    created_by="system",
                )
                s.add(scrub)
                s.flush()
                row.ingest_status = scrub.status  # as ingest writes it with the scrub
            s.add(
                FindingRow(
                    practice_id=row.practice_id,
                    scrub_id=scrub.id,
                    claim_id=row.id,
                    rule=rule,
                    category=category,
                    severity="error",
                    line=line,
                    message="synthetic",
                    fix="",
                    citation="",
                    suppressed=suppressed_by is not None,
                    suppressed_by=suppressed_by,
                    suppression_reason="synthetic" if suppressed_by else None,
                    created_by="system",
                )
            )

    def classify(self, table: DenialTable | None = None) -> ClassifyReport:
        with session_scope(self.engine) as s:
            return classify_practice(s, self.who.practice_id, user="system",
                                     table=table or load_table())  # fmt: skip

    def rows(self, **filters: Any) -> list[DenialView]:
        with session_scope(self.engine) as s:
            return denial_rows(s, self.who.practice_id, DenialFilters(**filters))

    def count(self, *, history: bool | None = None) -> int:
        with session_scope(self.engine) as s:
            q = select(func.count()).select_from(DenialRow)
            if history is True:
                q = q.where(DenialRow.superseded_by.is_not(None))
            elif history is False:
                q = q.where(DenialRow.superseded_by.is_(None))
            return int(s.scalar(q) or 0)


def one(rows: list[DenialView], code: str) -> DenialView:
    """The single row with ``group-carc`` == ``code``."""
    found = [r for r in rows if f"{r.group}-{r.carc}" == code]
    assert len(found) == 1, [f"{r.group}-{r.carc}" for r in rows]
    return found[0]


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> World:
    return World(db_url, tmp_path)


@pytest.fixture
def denials_cli(db_url: str, cli: Any) -> Any:
    """The ``cli`` fixture with ``denials`` and ``worklog`` registered (until app.py does)."""
    from cleanclaim.cli import app as app_module
    from cleanclaim.cli import denials, worklog

    names = {g.name for g in app_module.app.registered_groups}
    if "denials" not in names:
        app_module.app.add_typer(denials.app, name="denials")
    if "worklog" not in names:
        app_module.app.add_typer(worklog.app, name="worklog")
    return cli
