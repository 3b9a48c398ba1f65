"""Narrow per-claim facts that reports read instead of decoding the stored claim JSON.

One :class:`ClaimFactRow` per stored claim version, written by ingest in the same
transaction as the claim (see :mod:`cleanclaim.claims.facts`). The claim row itself is wide
(its JSON is most of it); a report over two years of claims reads these short rows.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cleanclaim.storage.models import Base
from cleanclaim.storage.tables_x12 import Owned


class ClaimFactRow(Owned, Base):
    """Facts of one claim version (PHI: its diagnosis codes)."""

    __tablename__ = "claim_fact"
    __table_args__ = (
        Index("ix_claim_fact_day", "practice_id", "record_day"),
        # Both directions between a claim version and its family, read from the indexes
        # alone (the rows carry diagnosis codes and providers).
        Index("ix_claim_fact_family", "family_id", "claim_id"),
        Index("ix_claim_fact_claim_family", "claim_id", "family_id"),
    )

    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), primary_key=True)
    claim_key: Mapped[str] = mapped_column(String(24))
    claim_type: Mapped[str] = mapped_column(String(16))
    version_kind: Mapped[str] = mapped_column(String(16))
    """As on ``claim``: these never change once a version is stored."""
    family_id: Mapped[int | None] = mapped_column(Integer)
    """The claim family's first version: the claim itself, or the family root of the version
    it replaces or voids (``original_id``), followed to the end of the chain."""
    patient_key: Mapped[str | None] = mapped_column(String(64))
    """The salted patient key of the claim (as on ``claim``)."""
    record_day: Mapped[dt.date | None] = mapped_column(Date)
    """The date the claim is judged on (``claims.facts.judged_on``): the through date of an
    institutional claim, the first date of service of a professional one."""
    provider_npi: Mapped[str | None] = mapped_column(String(15))
    """Rendering, else attending, else billing provider NPI."""
    provider_taxonomy: Mapped[str | None] = mapped_column(String(20))
    filing_indicator: Mapped[str | None] = mapped_column(String(4))
    """SBR09 of the destination payer, upper case (``MB``, ``16``, ``CI``...)."""
    bill_type: Mapped[str | None] = mapped_column(String(4))
    """Type of bill (institutional): facility type code + frequency code."""
    dx_codes: Mapped[str] = mapped_column(Text, default="")
    """ICD-10-CM codes, without dots, in claim order, space-separated."""
    procedures: Mapped[str] = mapped_column(Text, default="")
    """Procedure codes of the lines, in line order, space-separated."""
    diagnoses: Mapped[int] = mapped_column(Integer, default=0)
    """Number of HI diagnosis entries of any qualifier."""
    rendering_npi: Mapped[str | None] = mapped_column(Text)
    """The report's provider of the claim: its claim-level rendering provider, else the first
    line's (``claims.facts.report_provider``); its NPI, name, first name and taxonomy, all
    ``None`` when the claim names neither (the report then uses the billing NPI)."""
    rendering_name: Mapped[str | None] = mapped_column(Text)
    rendering_first_name: Mapped[str | None] = mapped_column(Text)
    rendering_taxonomy: Mapped[str | None] = mapped_column(Text)
