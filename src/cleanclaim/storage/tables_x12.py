"""Tables of ingested X12: files, quarantine, claims and their lifecycle, remittances, acks.

Every row belongs to a practice (``practice_id``) and records who made it (``created_by``).
Money is ``Numeric(18, 2)`` (``Decimal``), quantities ``Numeric(18, 4)``.

PHI: the full parsed claim (:attr:`ClaimRow.claim_json`) and the raw text of quarantined
sets (:attr:`Quarantine.raw_text`) hold names, member ids and birth dates; they are never
indexed and never printed. The duplicate-claim index uses :attr:`ClaimLineRow.patient_key`,
an HMAC of member id + birth date under a per-practice salt (:class:`PatientKeySalt`).

Idempotency lives in unique constraints: ``x12_file (practice_id, sha256)``,
``claim (practice_id, billing_npi, clm01, frequency_code, content_hash)`` (the 837
business key), ``remittance (practice_id, business_key)`` and
``remit_claim (practice_id, business_key)`` (the 835 business key, hashed).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

MONEY = Numeric(18, 2)
QUANTITY = Numeric(18, 4)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Owned:
    """The practice a row belongs to, and who created it when."""

    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    created_by: Mapped[str] = mapped_column(String(100))


# Imported after the mixin on purpose: ``models`` imports the table modules at its end,
# and those (e.g. ``tables_edits``) import :class:`Owned` from here.
from cleanclaim.storage.models import Base  # noqa: E402


class X12File(Owned, Base):
    """One ingested file (identified by its SHA-256 within the practice) and its counts."""

    __tablename__ = "x12_file"
    __table_args__ = (UniqueConstraint("practice_id", "sha256", name="uq_x12_file_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(8))
    """``837P``, ``837I``, ``835``, ``999``, ``277CA``, ``mixed``, ``skipped`` or ``unknown``."""
    interchanges: Mapped[int] = mapped_column(Integer, default=0)
    accepted_sets: Mapped[int] = mapped_column(Integer, default=0)
    skipped_sets: Mapped[int] = mapped_column(Integer, default=0)
    claims: Mapped[int] = mapped_column(Integer, default=0)
    lines: Mapped[int] = mapped_column(Integer, default=0)
    adjustments: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_claims: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    ingested_by: Mapped[str] = mapped_column(String(100))


class Quarantine(Owned, Base):
    """A transaction set (or an interchange, or the file) that could not be stored."""

    __tablename__ = "x12_quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("x12_file.id"), index=True)
    interchange_control: Mapped[str | None] = mapped_column(String(20))
    """ISA13 (``None`` when the file is not readable as X12 at all)."""
    set_control: Mapped[str | None] = mapped_column(String(20))
    """ST02 (``None`` when the problem is not inside a transaction set)."""
    set_kind: Mapped[str | None] = mapped_column(String(8))
    set_position: Mapped[int | None] = mapped_column(Integer)
    """Segment position of the ST in the file."""
    segment: Mapped[int | None] = mapped_column(Integer)
    """1-based position in the file of the segment where the problem was found."""
    reason: Mapped[str] = mapped_column(Text)
    raw_text: Mapped[str | None] = mapped_column(Text)
    """The set as read (PHI: never printed)."""


class PatientKeySalt(Owned, Base):
    """The secret salt of a practice's patient keys (one row per practice)."""

    __tablename__ = "patient_key_salt"
    __table_args__ = (UniqueConstraint("practice_id", name="uq_patient_key_salt_practice"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    salt: Mapped[str] = mapped_column(String(64))


class ClaimRow(Owned, Base):
    """One version of a claim as submitted in an 837, with its lifecycle status."""

    __tablename__ = "claim"
    __table_args__ = (
        UniqueConstraint("practice_id", "claim_key", name="uq_claim_key"),
        UniqueConstraint("practice_id", "billing_npi", "clm01", "version", name="uq_claim_version"),
        UniqueConstraint(
            "practice_id",
            "billing_npi",
            "clm01",
            "frequency_code",
            "content_hash",
            name="uq_claim_business_key",
        ),
        Index("ix_claim_clm01", "practice_id", "clm01"),
        Index("ix_claim_source_set", "practice_id", "source_group_control", "source_set_control"),
        Index("ix_claim_payer_number", "practice_id", "payer_claim_number"),
        # Covers a window of claims for the report's counts (the rows themselves are wide).
        Index(
            "ix_claim_submitted",
            "practice_id",
            "submitted_on",
            "version_kind",
            "status",
            "total_charge",
            "id",
            "ingest_status",
            "line_count",
            "line_charge",
        ),
        Index("ix_claim_original", "original_id"),
        Index("ix_claim_previous", "previous_id"),
        Index(
            "ix_claim_rejected",
            "practice_id",
            sqlite_where=text("status = 'rejected'"),
            postgresql_where=text("status = 'rejected'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_key: Mapped[str] = mapped_column(String(24))
    """Internal key, safe to show and log (derived from practice, NPI, CLM01, version)."""
    billing_npi: Mapped[str] = mapped_column(String(15))
    clm01: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    version_kind: Mapped[str] = mapped_column(String(16))
    """``original``, ``resubmission``, ``replacement`` or ``void``."""
    frequency_code: Mapped[str] = mapped_column(String(2))
    content_hash: Mapped[str] = mapped_column(String(64))
    claim_type: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    submitted_on: Mapped[dt.date | None] = mapped_column(Date)
    """BHT04 of the 837 that carried this version."""
    payer_id: Mapped[str] = mapped_column(String(80))
    payer_name: Mapped[str] = mapped_column(String(200))
    payer_claim_number: Mapped[str | None] = mapped_column(String(50))
    """The payer's claim control number (277CA REF*1K, 835 CLP07), once known."""
    original_reference: Mapped[str | None] = mapped_column(String(50))
    """REF*F8 as sent on a replacement or void."""
    service_from: Mapped[dt.date | None] = mapped_column(Date)
    service_to: Mapped[dt.date | None] = mapped_column(Date)
    total_charge: Mapped[Decimal] = mapped_column(MONEY)
    line_count: Mapped[int | None] = mapped_column(Integer)
    """Service lines stored with this version (written with them; they never change)."""
    line_charge: Mapped[Decimal | None] = mapped_column(MONEY)
    """Sum of those lines' charges (SV102 / SV203), which may differ from CLM02."""
    ingest_status: Mapped[str | None] = mapped_column(String(16))
    """Status of this version's ingest scrub (``claim_scrub`` with trigger ``ingest``),
    written with it; ``None``: not scrubbed at ingest."""
    patient_key: Mapped[str | None] = mapped_column(String(64))
    claim_json: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The full parsed claim (PHI) for the rules that run later."""
    original_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"))
    """The version a replacement (7) or void (8) replaces."""
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"))
    """The version before this one in the same family."""
    source_file_id: Mapped[int] = mapped_column(ForeignKey("x12_file.id"), index=True)
    source_interchange_control: Mapped[str] = mapped_column(String(20))
    source_group_control: Mapped[str] = mapped_column(String(20))
    source_set_control: Mapped[str] = mapped_column(String(20))
    source_segment: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )
    updated_by: Mapped[str] = mapped_column(String(100))


class ClaimLineRow(Owned, Base):
    """One service line of a claim version."""

    __tablename__ = "claim_line"
    __table_args__ = (
        Index("ix_claim_line_patient_date", "practice_id", "patient_key", "service_from"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    line_number: Mapped[int] = mapped_column(Integer)
    procedure_qualifier: Mapped[str | None] = mapped_column(String(4))
    procedure_code: Mapped[str | None] = mapped_column(String(48))
    modifiers: Mapped[list[str]] = mapped_column(JSON, default=list)
    revenue_code: Mapped[str | None] = mapped_column(String(8))
    units: Mapped[Decimal | None] = mapped_column(QUANTITY)
    unit_basis: Mapped[str] = mapped_column(String(4))
    charge: Mapped[Decimal] = mapped_column(MONEY)
    service_from: Mapped[dt.date | None] = mapped_column(Date)
    service_to: Mapped[dt.date | None] = mapped_column(Date)
    diagnosis_pointers: Mapped[list[int]] = mapped_column(JSON, default=list)
    place_of_service: Mapped[str | None] = mapped_column(String(4))
    patient_key: Mapped[str | None] = mapped_column(String(64))


class ClaimEvent(Owned, Base):
    """A lifecycle change of a claim: when, from what, to what, and what caused it."""

    __tablename__ = "claim_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    event: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    occurred_on: Mapped[dt.date | None] = mapped_column(Date)
    """The business date given by the source (BHT04, STC02, BPR16...)."""
    source_kind: Mapped[str] = mapped_column(String(8))
    """``837``, ``999``, ``277CA``, ``835`` or ``user``."""
    source_file_id: Mapped[int | None] = mapped_column(ForeignKey("x12_file.id"))
    source_ack_id: Mapped[int | None] = mapped_column(ForeignKey("acknowledgment.id"))
    source_remit_claim_id: Mapped[int | None] = mapped_column(ForeignKey("remit_claim.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RemittanceRow(Owned, Base):
    """One 835 transaction set: a payment (or notice) from a payer to a payee."""

    __tablename__ = "remittance"
    __table_args__ = (UniqueConstraint("practice_id", "business_key", name="uq_remittance_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    business_key: Mapped[str] = mapped_column(String(64))
    file_id: Mapped[int] = mapped_column(ForeignKey("x12_file.id"), index=True)
    control_number: Mapped[str] = mapped_column(String(20))
    interchange_control: Mapped[str] = mapped_column(String(20))
    payer_id: Mapped[str] = mapped_column(String(80))
    payer_name: Mapped[str] = mapped_column(String(200))
    payee_name: Mapped[str] = mapped_column(String(200))
    payee_npi: Mapped[str | None] = mapped_column(String(15))
    trace_number: Mapped[str] = mapped_column(String(50))
    trace_payer_id: Mapped[str] = mapped_column(String(20))
    handling_code: Mapped[str] = mapped_column(String(2))
    total_paid: Mapped[Decimal] = mapped_column(MONEY)
    credit_debit: Mapped[str] = mapped_column(String(1))
    payment_method: Mapped[str] = mapped_column(String(3))
    payment_date: Mapped[dt.date | None] = mapped_column(Date)
    production_date: Mapped[dt.date | None] = mapped_column(Date)
    balanced: Mapped[bool] = mapped_column(Boolean)
    position: Mapped[int] = mapped_column(Integer)
    claims_paid: Mapped[Decimal | None] = mapped_column(MONEY)
    """Sum of CLP04 over the 835 claims stored with this set (written once they are; PLB
    adjustments are not in it)."""


class RemitClaimRow(Owned, Base):
    """One CLP loop, matched (or not) to a claim version; reversals chain to what they undo."""

    __tablename__ = "remit_claim"
    __table_args__ = (
        UniqueConstraint("practice_id", "business_key", name="uq_remit_claim_key"),
        Index("ix_remit_claim_clp01", "practice_id", "clp01"),
        Index("ix_remit_claim_previous", "previous_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    business_key: Mapped[str] = mapped_column(String(64))
    remittance_id: Mapped[int] = mapped_column(ForeignKey("remittance.id"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    """1-based position of the CLP within its transaction set."""
    clp01: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[str] = mapped_column(String(2))
    charge: Mapped[Decimal] = mapped_column(MONEY)
    paid: Mapped[Decimal] = mapped_column(MONEY)
    patient_responsibility: Mapped[Decimal | None] = mapped_column(MONEY)
    filing_indicator: Mapped[str] = mapped_column(String(2))
    payer_claim_number: Mapped[str] = mapped_column(String(50))
    facility_code: Mapped[str] = mapped_column(String(4))
    frequency: Mapped[str] = mapped_column(String(2))
    drg: Mapped[str] = mapped_column(String(8))
    service_from: Mapped[dt.date | None] = mapped_column(Date)
    service_to: Mapped[dt.date | None] = mapped_column(Date)
    received: Mapped[dt.date | None] = mapped_column(Date)
    remark_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Claim-level RARCs (MOA, MIA)."""
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)
    match_status: Mapped[str] = mapped_column(String(10))
    """``matched``, ``unmatched`` or ``ambiguous``."""
    match_candidates: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Claim keys that remained possible when the match is ambiguous."""
    chain_role: Mapped[str] = mapped_column(String(12))
    """``original``, ``reversal`` or ``correction``."""
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("remit_claim.id"))
    """The earlier adjudication this one reverses or corrects."""
    position: Mapped[int] = mapped_column(Integer)
    initial: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Whether this is its claim family's initial adjudication: the first 835 claim stored
    (lowest id) that is not a reversal or correction, of a matched claim whose family
    (``claim_fact.family_id``) is known. Written by ingest
    (:func:`cleanclaim.claims.adjudication.mark_initial`); it never changes afterwards, since
    a stored 835 claim keeps its match and a claim version keeps its family."""


class RemitLineRow(Owned, Base):
    """One SVC loop."""

    __tablename__ = "remit_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    remit_claim_id: Mapped[int] = mapped_column(ForeignKey("remit_claim.id"), index=True)
    line_number: Mapped[int] = mapped_column(Integer)
    procedure_qualifier: Mapped[str] = mapped_column(String(4))
    procedure_code: Mapped[str] = mapped_column(String(48))
    modifiers: Mapped[list[str]] = mapped_column(JSON, default=list)
    original_procedure_code: Mapped[str | None] = mapped_column(String(48))
    original_modifiers: Mapped[list[str]] = mapped_column(JSON, default=list)
    revenue_code: Mapped[str] = mapped_column(String(8))
    charge: Mapped[Decimal] = mapped_column(MONEY)
    paid: Mapped[Decimal] = mapped_column(MONEY)
    units: Mapped[Decimal | None] = mapped_column(QUANTITY)
    original_units: Mapped[Decimal | None] = mapped_column(QUANTITY)
    service_from: Mapped[dt.date | None] = mapped_column(Date)
    service_to: Mapped[dt.date | None] = mapped_column(Date)
    allowed: Mapped[Decimal | None] = mapped_column(MONEY)
    line_control_number: Mapped[str | None] = mapped_column(String(50))
    remark_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer)


class AdjustmentRow(Owned, Base):
    """One CAS group/reason/amount/quantity triple, at claim or line level."""

    __tablename__ = "remit_adjustment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    remit_claim_id: Mapped[int] = mapped_column(ForeignKey("remit_claim.id"), index=True)
    remit_line_id: Mapped[int | None] = mapped_column(ForeignKey("remit_line.id"))
    level: Mapped[str] = mapped_column(String(5))
    """``claim`` or ``line``."""
    group_code: Mapped[str] = mapped_column(String(2))
    carc: Mapped[str] = mapped_column(String(8))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    quantity: Mapped[Decimal | None] = mapped_column(QUANTITY)
    rarcs: Mapped[list[str]] = mapped_column(JSON, default=list)
    """The remark codes that travel with it (LQ*HE of the line, MOA/MIA of the claim)."""
    position: Mapped[int] = mapped_column(Integer)


class ProviderAdjustmentRow(Owned, Base):
    """One PLB reason/amount pair (positive reduces the payment)."""

    __tablename__ = "remit_provider_adjustment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    remittance_id: Mapped[int] = mapped_column(ForeignKey("remittance.id"), index=True)
    provider_id: Mapped[str] = mapped_column(String(50))
    fiscal_period_end: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(4))
    reference: Mapped[str] = mapped_column(String(50))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    position: Mapped[int] = mapped_column(Integer)


class BalanceIssueRow(Owned, Base):
    """An 835 balancing failure found at ingest (the remittance is stored anyway)."""

    __tablename__ = "remit_balance_issue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("x12_file.id"), index=True)
    remittance_id: Mapped[int] = mapped_column(ForeignKey("remittance.id"))
    rule: Mapped[str] = mapped_column(String(12))
    position: Mapped[int] = mapped_column(Integer)
    expected: Mapped[Decimal] = mapped_column(MONEY)
    actual: Mapped[Decimal] = mapped_column(MONEY)
    message: Mapped[str] = mapped_column(Text)
    clp01: Mapped[str | None] = mapped_column(String(64))
    line_number: Mapped[int | None] = mapped_column(Integer)


class AckRow(Owned, Base):
    """A 999 verdict on one transaction set, or a 277CA verdict on one claim."""

    __tablename__ = "acknowledgment"
    __table_args__ = (Index("ix_acknowledgment_clm01", "practice_id", "clm01"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("x12_file.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    """``999`` or ``277CA``."""
    set_control: Mapped[str] = mapped_column(String(20))
    """ST02 of the acknowledgment itself."""
    acked_group_control: Mapped[str | None] = mapped_column(String(20))
    """999: AK102, the GS06 of the acknowledged group."""
    acked_set_control: Mapped[str | None] = mapped_column(String(20))
    """999: AK202, the ST02 of the acknowledged set."""
    clm01: Mapped[str | None] = mapped_column(String(64))
    """277CA: TRN02 of the claim."""
    billing_npi: Mapped[str | None] = mapped_column(String(15))
    payer_claim_number: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(10))
    """``accepted``, ``rejected`` or ``pending`` (neither)."""
    status_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    occurred_on: Mapped[dt.date | None] = mapped_column(Date)
    claims_matched: Mapped[int] = mapped_column(Integer, default=0)
    match_status: Mapped[str] = mapped_column(String(10))
    """``matched``, ``unmatched`` or ``ambiguous``."""
    match_candidates: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer)
