"""SQLAlchemy 2 typed models of the foundation: practices, users, payers, the audit log.

Every tenant record (claims, remittances, findings, denials: added by later migrations)
carries ``practice_id``; every change records who made it (``created_by``/``updated_by`` and
an :class:`AuditEvent`). Money columns are ``Numeric`` and come back as ``Decimal``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention (stable migrations)."""

    metadata = MetaData(naming_convention=NAMING)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Audited:
    """Who created and last changed a row, and when."""

    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )
    updated_by: Mapped[str] = mapped_column(String(100))


class Practice(Audited, Base):
    """A practice: the tenant every claim, remittance, finding and denial belongs to."""

    __tablename__ = "practice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    billing_npis: Mapped[list[str]] = mapped_column(JSON, default=list)
    tin: Mapped[str | None] = mapped_column(String(9))
    state: Mapped[str | None] = mapped_column(String(2))
    mac_jurisdiction: Mapped[str | None] = mapped_column(String(8))


class User(Audited, Base):
    """A person using cleanclaim, with roles. Authentication comes with the service layer."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Payer(Audited, Base):
    """One dated entry of the payer registry (a payer's terms from a date)."""

    __tablename__ = "payer"
    __table_args__ = (UniqueConstraint("key", "effective_from", name="uq_payer_key_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    payer_type: Mapped[str] = mapped_column(String(32))
    state: Mapped[str | None] = mapped_column(String(2))
    mac_jurisdiction: Mapped[str | None] = mapped_column(String(8))
    claim_payer_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    remit_payer_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    timely_filing: Mapped[str] = mapped_column(String(16))
    appeal_window_days: Mapped[int] = mapped_column(Integer)
    receipt_presumption_days: Mapped[int] = mapped_column(Integer, default=0)
    ncci_applies: Mapped[bool] = mapped_column(Boolean)
    mue_applies: Mapped[bool] = mapped_column(Boolean)
    rule_packs: Mapped[list[str]] = mapped_column(JSON, default=list)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class AuditEvent(Base):
    """An append-only record of a change: who, when, what. Never holds PHI."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    user_name: Mapped[str] = mapped_column(String(100))
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("practice.id"))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_key: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# The tables of later domains register themselves on Base.metadata when imported.
from cleanclaim.storage import tables_denials as _tables_denials  # noqa: E402,F401
from cleanclaim.storage import tables_derived as _tables_derived  # noqa: E402,F401
from cleanclaim.storage import tables_edits as _tables_edits  # noqa: E402,F401
from cleanclaim.storage import tables_facts as _tables_facts  # noqa: E402,F401
from cleanclaim.storage import tables_x12 as _tables_x12  # noqa: E402,F401
