"""Tables of denial management: classified adjustments, the work log, appeals.

Every row belongs to a practice (``practice_id``) and records who made it (``created_by``).

:class:`DenialRow` holds one classification of one stored 835 adjustment: a CAS triple
(``adjustment_id``, a ``remit_adjustment`` row) or a PLB amount (``provider_adjustment_id``,
a ``remit_provider_adjustment`` row; those have no remit claim, no claim and no CLM01).
Exactly one of the two is set.

History: the *current* classification of an adjustment is the row with
``superseded_by IS NULL`` (at most one per adjustment: partial unique indexes). When an
adjustment is reclassified (its inputs changed, or an appeal turned it into payer-error),
the current row keeps its id (so appeals can keep pointing at it) and a copy of its old
values is inserted with ``superseded_by`` = the current row's id; see :func:`keep_history`.

PHI: none. Claim keys and CLM01s identify claims; explanations hold codes, never names.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from cleanclaim.storage.models import Base
from cleanclaim.storage.tables_x12 import MONEY, Owned

_CURRENT = text("superseded_by IS NULL")
_OPEN_SQLITE = text("denial IS 1 AND superseded_by IS NULL")
_OPEN_PG = text("denial IS true AND superseded_by IS NULL")
"""Current denial rows: a few percent of the table (most adjustments are contractual). The
predicate is written as SQLAlchemy renders ``denial.is_(True)`` and
``superseded_by.is_(None)`` on each backend, so that queries filtering on both can use it."""
CURRENT_DENIAL_COLUMNS = (
    "practice_id",
    "remit_date",
    "claim_id",
    "remit_claim_id",
    "remit_line_id",
    "line_denied",
    "counted",
    "root_cause",
    "scrub_link",
    "amount",
    "carc",
    "payer",
)
"""Columns of ``ix_denial_current_denials`` (migration 0012)."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DenialRow(Owned, Base):
    """One classification of one 835 adjustment (CAS triple or PLB amount)."""

    __tablename__ = "denial"
    __table_args__ = (
        Index(
            "uq_denial_adjustment_current",
            "adjustment_id",
            unique=True,
            sqlite_where=_CURRENT,
            postgresql_where=_CURRENT,
        ),
        Index(
            "uq_denial_provider_adjustment_current",
            "provider_adjustment_id",
            unique=True,
            sqlite_where=_CURRENT,
            postgresql_where=_CURRENT,
        ),
        Index("ix_denial_practice_claim", "practice_id", "claim_id"),
        Index("ix_denial_practice_remit_date", "practice_id", "remit_date"),
        Index("ix_denial_remit_claim", "remit_claim_id"),
        # Covers what the report reads of current denials (counts, initial denials,
        # episodes): a few percent of the rows, which are wide.
        Index(
            "ix_denial_current_denials",
            *CURRENT_DENIAL_COLUMNS,
            sqlite_where=_OPEN_SQLITE,
            postgresql_where=_OPEN_PG,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(4))
    """``cas`` (a CAS triple) or ``plb`` (a provider-level adjustment)."""
    adjustment_id: Mapped[int | None] = mapped_column(ForeignKey("remit_adjustment.id"))
    """The ``remit_adjustment`` row (``None`` for PLB rows)."""
    provider_adjustment_id: Mapped[int | None] = mapped_column(
        ForeignKey("remit_provider_adjustment.id")
    )
    """The ``remit_provider_adjustment`` row (``None`` for CAS rows)."""
    remittance_id: Mapped[int] = mapped_column(ForeignKey("remittance.id"), index=True)
    remit_claim_id: Mapped[int | None] = mapped_column(ForeignKey("remit_claim.id"))
    """The CLP loop (``None`` for PLB rows)."""
    remit_line_id: Mapped[int | None] = mapped_column(ForeignKey("remit_line.id"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"))
    """The matched claim version (``None``: unmatched, ambiguous, or PLB)."""
    claim_key: Mapped[str | None] = mapped_column(String(24))
    clm01: Mapped[str | None] = mapped_column(String(64))
    """CLM01 as sent (CLP01 of the remit when unmatched; ``None`` for PLB rows)."""
    line: Mapped[int | None] = mapped_column(Integer)
    """1-based SVC position within the CLP (``None``: claim level or PLB)."""
    payer: Mapped[str] = mapped_column(String(80))
    """The payer registry key when known, else the payer id of the 835."""
    group_code: Mapped[str] = mapped_column(String(2))
    """CAS group (CO, PR, OA, PI); empty for PLB rows."""
    carc: Mapped[str] = mapped_column(String(8))
    """CAS reason code; for PLB rows the PLB adjustment reason (e.g. ``WO``, ``L6``)."""
    rarcs: Mapped[list[str]] = mapped_column(JSON, default=list)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    denial: Mapped[bool] = mapped_column(Boolean)
    line_denied: Mapped[bool] = mapped_column(Boolean, default=False)
    """The service line this adjustment belongs to is denied (paid 0, denial-type CAS)."""
    claim_denied: Mapped[bool] = mapped_column(Boolean, default=False)
    """The claim is denied (CLP02 = 4, or every line denied)."""
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    """A denial on a claim that is not wholly denied (some lines or amounts paid)."""
    root_cause: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(40))
    responsible: Mapped[str] = mapped_column(String(16))
    avoidable: Mapped[bool] = mapped_column(Boolean)
    explanation: Mapped[str] = mapped_column(Text)
    confidence: Mapped[str] = mapped_column(String(12))
    """``certain``, ``likely`` or ``ambiguous``."""
    scrub_link: Mapped[str | None] = mapped_column(String(20))
    """``caught-overridden``, ``caught-unfixed``, ``missed`` or ``None`` (not a denial,
    no submitted version, or a reason no scrubber category can prevent)."""
    scrub_link_by: Mapped[str | None] = mapped_column(String(100))
    """Who suppressed or overrode the finding (``caught-overridden`` only)."""
    scrub_rules: Mapped[list[str]] = mapped_column(JSON, default=list)
    """The rule codes of the findings the link is based on."""
    remit_date: Mapped[dt.date | None] = mapped_column(Date)
    """BPR16 payment date (production date when absent)."""
    counted: Mapped[bool] = mapped_column(Boolean, default=True)
    """``False`` when a later reversal or correction undoes this adjudication, or the row
    is the reversal itself: KPIs count each claim's final adjudication once."""
    inputs_hash: Mapped[str] = mapped_column(String(64))
    """Hash of everything the classification read: a change triggers reclassification."""
    classified_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    classifier_version: Mapped[str] = mapped_column(String(40))
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("denial.id"))
    """``None`` on the current row; on a history row, the row that replaced it."""
    original_root_cause: Mapped[str | None] = mapped_column(String(16))
    """The root cause before an appeal reclassified the denial as payer-error."""


class WorkLogRow(Owned, Base):
    """Who registered, coded and billed a claim, as of the time of the work (CSV import)."""

    __tablename__ = "work_log"
    __table_args__ = (
        UniqueConstraint("practice_id", "claim_id", "coded_at", name="uq_work_log_claim_coded"),
        Index("ix_work_log_claim_key", "practice_id", "claim_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[str] = mapped_column(String(64))
    """CLM01 as in the CSV."""
    claim_key: Mapped[str | None] = mapped_column(String(24))
    """The claim version the work applies to (``None``: no such claim stored yet)."""
    registrar: Mapped[str | None] = mapped_column(String(100))
    coder: Mapped[str | None] = mapped_column(String(100))
    biller: Mapped[str | None] = mapped_column(String(100))
    coded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    billed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    source_file: Mapped[str] = mapped_column(String(500))
    line_no: Mapped[int] = mapped_column(Integer)


class AppealRow(Owned, Base):
    """An appeal (or reconsideration) of a claim's denials: who, when, level, outcome."""

    __tablename__ = "appeal"
    __table_args__ = (Index("ix_appeal_practice_claim", "practice_id", "claim_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    claim_key: Mapped[str] = mapped_column(String(24))
    denial_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    filed_on: Mapped[dt.date] = mapped_column(Date)
    filed_by: Mapped[str] = mapped_column(String(100))
    level: Mapped[int] = mapped_column(Integer, default=1)
    """1 = first appeal / redetermination."""
    outcome: Mapped[str | None] = mapped_column(String(12))
    """``None`` (pending), ``overturned``, ``upheld`` or ``partial``."""
    paid: Mapped[Decimal | None] = mapped_column(MONEY)
    outcome_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")


_HISTORY_FIELDS = (
    "denial",
    "line_denied",
    "claim_denied",
    "partial",
    "root_cause",
    "reason",
    "responsible",
    "avoidable",
    "explanation",
    "confidence",
    "scrub_link",
    "scrub_link_by",
    "scrub_rules",
    "counted",
    "inputs_hash",
    "classified_at",
    "classifier_version",
    "original_root_cause",
    "claim_id",
    "claim_key",
    "clm01",
    "payer",
    "rarcs",
)
_IDENTITY_FIELDS = (
    "practice_id",
    "source",
    "adjustment_id",
    "provider_adjustment_id",
    "remittance_id",
    "remit_claim_id",
    "remit_line_id",
    "line",
    "group_code",
    "carc",
    "amount",
    "remit_date",
)


def keep_history(session: Session, current: DenialRow, user: str) -> DenialRow:
    """Copy ``current`` into a history row superseded by it; call before changing it.

    The current row keeps its id; the copy gets ``superseded_by = current.id``.
    """
    if current.id is None:
        session.flush()
    copy = DenialRow(created_by=user, superseded_by=current.id)
    for name in _IDENTITY_FIELDS + _HISTORY_FIELDS:
        setattr(copy, name, getattr(current, name))
    session.add(copy)
    return copy
