"""Tables derived from stored data, kept so that reports read them instead of recomputing.

:class:`EpisodeRow` holds the resolved denial episodes of a practice
(:mod:`cleanclaim.analytics.monthly.resolution`) as *versions*: the episode of a claim family
and payer as it stood on every day from ``valid_from`` up to, not including, ``valid_to``
(``None``: still so). A report of data through day *d* reads the versions that hold on *d*,
exactly what recomputing the episodes as of *d* would give. Only resolved versions are kept:
the report counts resolutions, and an open episode has none.

:class:`DerivedStateRow` records, per practice and derived table, a digest of the inputs the
rows were computed from (``basis``). A reader compares it with the digest of the data as it
is now and, when they differ, recomputes instead of reading stale rows. The digests see rows
added and appeals or payer terms changed; a migration that rewrites the rows they are
computed from in place must delete the ``derived_state`` rows, so that they are computed
again.

:class:`HccRecaptureRow` holds HCC recapture by provider as of the end of each month of the
practice's data (:mod:`cleanclaim.analytics.monthly.hcc_store`).

PHI: none. Family ids, payer ids, provider NPIs, dates, counts and amounts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, DateTime, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cleanclaim.storage.models import Base
from cleanclaim.storage.tables_x12 import MONEY, Owned

EPISODE_REPORT_COLUMNS = (
    "practice_id",
    "resolved_on",
    "valid_from",
    "valid_to",
    "how",
    "amount",
    "days",
)
"""Columns of ``ix_denial_episode_report``: what the report reads, from the index alone."""


class EpisodeRow(Owned, Base):
    """One version of one resolved denial episode (see the module docstring)."""

    __tablename__ = "denial_episode"
    __table_args__ = (
        Index("ix_denial_episode_report", *EPISODE_REPORT_COLUMNS),
        Index("ix_denial_episode_family", "practice_id", "family_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    family_id: Mapped[int] = mapped_column(Integer)
    payer: Mapped[str] = mapped_column(String(80))
    """The 835 payer id (N1*PR) of the episode's remittances."""
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    denied_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    """Denied amount of the episode's last denied 835 claim."""
    how: Mapped[str] = mapped_column(String(12))
    """``paid``, ``overturned``, ``upheld`` or ``abandoned``."""
    resolved_on: Mapped[dt.date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    """Days from ``denied_on`` to ``resolved_on``."""


class DerivedStateRow(Owned, Base):
    """What a practice's derived rows of one kind were computed from, and when."""

    __tablename__ = "derived_state"
    __table_args__ = (UniqueConstraint("practice_id", "name", name="uq_derived_state_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    """The derived table, e.g. ``denial_episode``."""
    basis: Mapped[str] = mapped_column(String(64))
    """SHA-256 (hex) of the inputs the rows were computed from."""
    rows: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class HccRecaptureRow(Owned, Base):
    """HCC recapture of one provider as of the end of one month (see
    :mod:`cleanclaim.analytics.monthly.hcc_store`)."""

    __tablename__ = "hcc_recapture_month"
    __table_args__ = (Index("ix_hcc_recapture_month", "practice_id", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date)
    """The month's first day."""
    provider_npi: Mapped[str] = mapped_column(String(10))
    """The provider of the patients' latest encounter this year (empty: none on it)."""
    due: Mapped[int] = mapped_column(Integer)
    recaptured: Mapped[int] = mapped_column(Integer)
