"""Synthetic claims and remittances for the ledger, queue and pattern tests (no PHI).

Files are written with :mod:`cleanclaim.x12.generate`, ingested with
:func:`cleanclaim.claims.ingest.ingest_file` and classified with
:func:`cleanclaim.denials.service.classify_practice`, as in real use.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.ingest._x12 import BILLING, PATIENT, SUBSCRIBER

from cleanclaim.claims.ingest import ingest_file
from cleanclaim.denials.service import classify_practice
from cleanclaim.payers.registry import PayerTerms, import_entries, seed_defaults
from cleanclaim.storage.accounts import Actor, actor, add_user
from cleanclaim.storage.db import get_engine, session_scope
from cleanclaim.storage.tables_denials import DenialRow
from cleanclaim.storage.tables_x12 import ClaimRow
from cleanclaim.x12.generate.claims837 import write_837p
from cleanclaim.x12.generate.model import (
    BillingProvider,
    GenAdjustment,
    GenClaim,
    GenClaimPayment,
    GenLine,
    GenRemit,
    GenServicePayment,
    Payer,
    money,
)
from cleanclaim.x12.generate.remit835 import write_835

DCOMM = Payer("DCOMM", "DEMO COMMERCIAL HEALTH")
MEDICARE = Payer("MCR01", "DEMO MEDICARE PART B")
DCOMM_TERMS = PayerTerms(
    key="dcomm", name="Demo Commercial Health", type="commercial", timely_filing="180d",
    appeal_window_days=180, receipt_presumption_days=0, ncci_applies=True, mue_applies=True,
    effective_from=date(2020, 1, 1), claim_payer_ids=("DCOMM",), remit_payer_ids=("DCOMM",),
)  # fmt: skip
DOS = date(2026, 3, 2)
PAID_ON = date(2026, 4, 2)
_CONTROL = itertools.count(100)


def line(code: str, charge: str = "100.00", *, mods: Sequence[str] = (), units: int = 1,
         dos: date = DOS, ptrs: Sequence[int] = (1,)) -> GenLine:  # fmt: skip
    return GenLine(code, Decimal(charge), dos, Decimal(units), tuple(mods), tuple(ptrs))


def claim(clm01: str, *lines: GenLine, payer: Payer = DCOMM, dx: Sequence[str] = ("E119",),
          frequency: str = "1", original_reference: str = "", filing: str = "CI",
          prior_auth: str = "", billing: BillingProvider = BILLING) -> GenClaim:  # fmt: skip
    return GenClaim(clm01, billing, payer, SUBSCRIBER, tuple(dx), lines or (line("99213"),),
                    frequency=frequency, original_reference=original_reference,
                    filing_indicator=filing, prior_auth=prior_auth)  # fmt: skip


def pcn(gc: GenClaim) -> str:
    """The payer claim number the tests give a claim version."""
    return f"PCN-{gc.claim_id}-{gc.frequency}-{int(gc.total_charge)}"


def payment(gc: GenClaim, deny: dict[int, tuple[str, str]] | None = None,
            claim_level: tuple[str, str] | None = None) -> GenClaimPayment:  # fmt: skip
    """An 835 claim for ``gc``: lines in ``deny`` (0-based index -> (group, CARC)) paid 0,
    the others paid 70% (CO-45 for the rest); ``claim_level`` denies the whole claim with a
    claim-level CAS and no service lines (CLP02 = 4)."""
    deny = deny or {}
    services = []
    for n, ln in enumerate(gc.lines if claim_level is None else ()):
        if n in deny:
            adjs: tuple[GenAdjustment, ...] = (GenAdjustment(deny[n][0], deny[n][1], ln.charge),)
        else:
            adjs = (GenAdjustment("CO", "45", ln.charge - money(ln.charge * Decimal("0.70"))),)
        services.append(
            GenServicePayment(
                ln.procedure, ln.charge, ln.service_date, ln.units, ln.modifiers, adjustments=adjs
            )
        )
    denied_all = claim_level is not None or (deny and len(deny) == len(gc.lines))
    claim_adjs = ((GenAdjustment(claim_level[0], claim_level[1], gc.total_charge),)
                  if claim_level else ())  # fmt: skip
    return GenClaimPayment(
        gc.claim_id, "4" if denied_all else "1", gc.total_charge, pcn(gc), SUBSCRIBER.member_id,
        PATIENT.last_name, PATIENT.first_name,
        filing_indicator="MB" if gc.filing_indicator == "MB" else "12",
        frequency=gc.frequency, adjustments=claim_adjs, services=tuple(services),
    )  # fmt: skip


@dataclass
class Env:
    """A migrated database with a practice, a biller, and the payer registry."""

    engine: Engine
    who: Actor
    tmp: Path
    files: list[Path] = field(default_factory=list)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.engine) as s:
            yield s

    def _write(self, text: str, suffix: str) -> Path:
        path = self.tmp / f"f{len(self.files):03d}.{suffix}"
        path.write_bytes(text.encode("latin-1"))
        self.files.append(path)
        return path

    def send(self, *claims: GenClaim, on: date = date(2026, 3, 10)) -> None:
        text = write_837p(claims, sender="SUBMITTER", receiver="DCOMM",
                          control_number=next(_CONTROL), created=on)  # fmt: skip
        report = ingest_file(self._write(text, "837"), self.who, engine=self.engine)
        assert not report.quarantined, report.quarantined

    def remit(self, *payments: GenClaimPayment, payer: Payer = DCOMM, paid_on: date = PAID_ON,
              production: date | None = None) -> None:  # fmt: skip
        trace = f"TR{next(_CONTROL)}"
        spec = GenRemit(payer, BILLING, trace, paid_on, tuple(payments),
                        production_date=production)  # fmt: skip
        text = write_835([spec], sender=payer.payer_id, receiver="SUBMITTER",
                         control_number=next(_CONTROL), created=paid_on)  # fmt: skip
        report = ingest_file(self._write(text, "835"), self.who, engine=self.engine)
        assert not report.quarantined, report.quarantined

    def remit_specs(self, remits: Sequence[GenRemit], on: date) -> None:
        """Ingest ready-made remits (e.g. from the seeded generator) as one 835 file."""
        text = write_835(remits, sender="PAYERS", receiver="SUBMITTER",
                         control_number=next(_CONTROL), created=on)  # fmt: skip
        report = ingest_file(self._write(text, "835"), self.who, engine=self.engine)
        assert not report.quarantined, report.quarantined

    def classify(self) -> None:
        with self.session() as s:
            classify_practice(s, self.who.practice_id, user=self.who.user)

    def key(self, clm01: str, version: int = 1) -> str:
        with self.session() as s:
            found = s.scalar(select(ClaimRow.claim_key).where(
                ClaimRow.clm01 == clm01, ClaimRow.version == version))  # fmt: skip
        assert found is not None, clm01
        return found

    def denials(self, clm01: str, *, history: bool = False) -> list[DenialRow]:
        with self.session() as s:
            query = select(DenialRow).where(DenialRow.clm01 == clm01, DenialRow.denial.is_(True))
            if not history:
                query = query.where(DenialRow.superseded_by.is_(None))
            return list(s.scalars(query.order_by(DenialRow.id)))


def make_env(db_url: str, tmp: Path, *, user: str = "bea") -> Env:
    engine = get_engine(db_url)
    with session_scope(engine) as s:
        seed_defaults(s)
        import_entries(s, [DCOMM_TERMS], by="system")
        add_user(s, name=user, roles=["biller"], by="system")
        who = actor(s, user, "default")
    folder = tmp / "x12"
    folder.mkdir(exist_ok=True)
    return Env(engine, who, folder)
