"""Stored denial episodes as of a day, next to the episodes resolved again as of it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cleanclaim.analytics.monthly.resolution import Episode, episodes
from cleanclaim.storage.tables_derived import EpisodeRow


def stored_on(session: Session, practice_id: int, through: dt.date) -> set[Episode]:
    """The stored versions that hold on ``through``, as episodes."""
    rows = session.scalars(
        select(EpisodeRow).where(
            EpisodeRow.practice_id == practice_id,
            EpisodeRow.valid_from <= through,
            or_(EpisodeRow.valid_to.is_(None), EpisodeRow.valid_to > through),
        )
    )
    return {
        Episode(r.family_id, r.payer, r.denied_on, r.amount, r.how, r.resolved_on) for r in rows
    }


def resolved_as_of(session: Session, practice_id: int, through: dt.date) -> set[Episode]:
    """The episodes resolved as of ``through``, computed."""
    return {e for e in episodes(session, practice_id, through=through) if e.how is not None}
