"""Tables of the scrubber: suppressions, and the findings of every scrub of a stored claim.

Every row belongs to a practice (``practice_id``) and records who made it (``created_by``).

A scrub of a stored claim version is one :class:`ClaimScrubRow` (its status and coverage
entries) with its :class:`FindingRow` children. Scrubs are appended, never overwritten:
the scrub made when the claim was ingested (``trigger = "ingest"``) stays the version's
pre-submission record; later ``cleanclaim scrub --db`` runs add rows with
``trigger = "rescrub"``.

PHI: findings hold rule messages (codes, dates, amounts; never names, member ids or birth
dates). :attr:`SuppressionRow.claim` holds a claim key or the CLM01 the user typed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from cleanclaim.storage.models import Base
from cleanclaim.storage.tables_x12 import Owned


class SuppressionRow(Owned, Base):
    """A finding silenced on purpose for one claim and rule: why, by whom, until when."""

    __tablename__ = "suppression"
    __table_args__ = (Index("ix_suppression_practice_claim", "practice_id", "claim"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim: Mapped[str] = mapped_column(String(64))
    """A claim key, or a CLM01 (matches every version of that claim)."""
    rule: Mapped[str] = mapped_column(String(8))
    """The rule code, e.g. ``NC101``."""
    line: Mapped[int | None] = mapped_column(Integer)
    """Only this service line (``None``: every line of the claim)."""
    reason: Mapped[str] = mapped_column(Text)
    user_name: Mapped[str] = mapped_column(String(100))
    until: Mapped[dt.date | None] = mapped_column(Date)
    """Last day the suppression applies (``None``: no end)."""


class ClaimScrubRow(Owned, Base):
    """One scrub of one stored claim version: its status and what could not be checked."""

    __tablename__ = "claim_scrub"
    # Covers the status of a claim's ingest scrub (the rows carry their coverage entries).
    __table_args__ = (
        Index("ix_claim_scrub_claim", "practice_id", "claim_id", "trigger", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    claim_key: Mapped[str] = mapped_column(String(24))
    trigger: Mapped[str] = mapped_column(String(16))
    """``ingest`` (the pre-submission record) or ``rescrub``."""
    status: Mapped[str] = mapped_column(String(16))
    """``flagged``, ``incomplete`` or ``clean``."""
    payer_key: Mapped[str | None] = mapped_column(String(64))
    """The registry entry the claim was judged against (``None``: none found)."""
    payer_type: Mapped[str] = mapped_column(String(32))
    coverage: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """``[{"check": "DX101", "reason": "..."}]``."""
    scrubbed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class FindingRow(Owned, Base):
    """One finding of a scrub (suppressed ones too, marked as such)."""

    __tablename__ = "scrub_finding"
    __table_args__ = (
        Index(
            "ix_scrub_finding_suppressed",
            "practice_id",
            "claim_id",
            sqlite_where=text("suppressed IS 1"),
            postgresql_where=text("suppressed IS true"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scrub_id: Mapped[int] = mapped_column(ForeignKey("claim_scrub.id"), index=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    rule: Mapped[str] = mapped_column(String(8))
    category: Mapped[str] = mapped_column(String(24))
    severity: Mapped[str] = mapped_column(String(8))
    line: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    fix: Mapped[str] = mapped_column(Text)
    citation: Mapped[str] = mapped_column(Text)
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)
    suppressed_by: Mapped[str | None] = mapped_column(String(100))
    suppression_reason: Mapped[str | None] = mapped_column(Text)
