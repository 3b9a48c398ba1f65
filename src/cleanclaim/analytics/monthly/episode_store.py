"""Resolved denial episodes, stored when the data changes and read by the report.

:func:`refresh_episodes` computes every resolved version of every denial episode of a
practice (:func:`~cleanclaim.analytics.monthly.resolution.episode_versions`) and stores them
in ``denial_episode``, with a digest of the inputs they came from in ``derived_state``
(:mod:`cleanclaim.storage.tables_derived`). :func:`resolved_by_month` gives the report the
month's resolutions: from the stored rows when their digest is that of the data as it is
now, else by resolving the episodes again, as the report always did. Either way the figures
are the same; stored rows only make them cheaper.

The digest (:func:`episode_basis`) covers everything an episode is made of. The tables the
episodes read grow by inserts only (no rows are deleted, and a reclassified denial keeps its
old values in a new history row), so the practice's highest id in each tells whether rows
came: 835 claims, claim versions (and with them their families), denial rows. Appeals
change in place (a decision), so they are digested whole; they are few. The payer
registry's terms set the appeal deadlines, and are digested whole too. A change of the
resolution rules changes :data:`EPISODE_RULES`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import batched

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session

from cleanclaim.analytics.monthly.counts import money
from cleanclaim.analytics.monthly.derived import (
    RefreshReport,
    lock_practice,
    newest,
    record_state,
    state_of,
)
from cleanclaim.analytics.monthly.periods import as_date, month_of
from cleanclaim.analytics.monthly.resolution import (
    WRITTEN_OFF,
    Episode,
    episode_versions,
    episodes,
)
from cleanclaim.analytics.report.base import Month
from cleanclaim.payers.registry import all_entries
from cleanclaim.storage.db import read_rows
from cleanclaim.storage.tables_denials import AppealRow, DenialRow
from cleanclaim.storage.tables_derived import EpisodeRow
from cleanclaim.storage.tables_facts import ClaimFactRow
from cleanclaim.storage.tables_x12 import MONEY, RemitClaimRow

EPISODES = "denial_episode"
EPISODE_RULES = "1"
"""Version of the resolution rules: raise it when :mod:`.resolution` changes what an
episode is, so that stored episodes are computed again."""
BATCH = 5000
ZERO = Decimal("0.00")


@dataclass
class Resolved:
    """The denial episodes resolved in one month: the written-off dollars (upheld or
    abandoned), and the days from denial to resolution of all of them."""

    written_off: Decimal = ZERO
    days: int = 0
    count: int = 0


def episode_basis(session: Session, practice_id: int) -> str:
    """SHA-256 of what the practice's denial episodes are made of (module docstring)."""
    digest = hashlib.sha256(f"rules {EPISODE_RULES}\n".encode())
    for name, key, owner in (
        ("remit_claim", RemitClaimRow.id, RemitClaimRow.practice_id),
        ("claim_fact", ClaimFactRow.claim_id, ClaimFactRow.practice_id),
        ("denial", DenialRow.id, DenialRow.practice_id),
    ):
        digest.update(f"{name} {newest(session, key, owner, practice_id)}\n".encode())
    appeals = read_rows(
        session,
        select(
            AppealRow.id,
            AppealRow.claim_id,
            AppealRow.filed_on,
            AppealRow.outcome,
            AppealRow.outcome_on,
        )
        .where(AppealRow.practice_id == practice_id)
        .order_by(AppealRow.id),
    )
    for row in appeals:
        digest.update(f"appeal {tuple(row)!r}\n".encode())
    for terms in all_entries(session):
        digest.update(f"terms {terms!r}\n".encode())
    return digest.hexdigest()


def episodes_current(session: Session, practice_id: int) -> bool:
    """Whether the stored episodes are those of the data as it is now."""
    state = state_of(session, practice_id, EPISODES)
    return state is not None and state.basis == episode_basis(session, practice_id)


def refresh_episodes(
    session: Session, practice_id: int, *, user: str, force: bool = False
) -> RefreshReport:
    """Store the practice's resolved denial episodes, unless those stored are current.

    Runs in the caller's transaction: the old rows go and the new ones come in it, so a
    reader sees either all of the old or all of the new. The practice's row is locked
    first (:func:`~.derived.lock_practice`). The digest is taken before the episodes are
    read: data that arrives between the two makes the stored rows look stale, never stale
    rows look current."""
    lock_practice(session, practice_id)
    basis = episode_basis(session, practice_id)
    state = state_of(session, practice_id, EPISODES)
    if state is not None and state.basis == basis and not force:
        return RefreshReport(state.rows, current=True)
    session.execute(delete(EpisodeRow).where(EpisodeRow.practice_id == practice_id))
    now = dt.datetime.now(dt.UTC)
    rows = 0
    for batch in batched(_values(session, practice_id, user, now), BATCH):
        session.execute(insert(EpisodeRow), list(batch))
        rows += len(batch)
    record_state(
        session, state, practice_id=practice_id, name=EPISODES, basis=basis, rows=rows,
        user=user, now=now,
    )  # fmt: skip
    return RefreshReport(rows, current=False)


def _values(
    session: Session, practice_id: int, user: str, now: dt.datetime
) -> Iterator[dict[str, object]]:
    for valid_from, valid_to, e in episode_versions(session, practice_id):
        assert e.how is not None and e.resolved_on is not None
        yield {
            "practice_id": practice_id,
            "family_id": e.family,
            "payer": e.payer,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "denied_on": e.denied_on,
            "amount": e.amount,
            "how": e.how,
            "resolved_on": e.resolved_on,
            "days": (e.resolved_on - e.denied_on).days,
            "created_by": user,
            "created_at": now,
        }


def resolved_by_month(
    session: Session, practice_id: int, *, since: dt.date, through: dt.date
) -> dict[Month, Resolved]:
    """The denial episodes resolved from ``since`` to ``through``, as of ``through``, by
    month: stored ones when current, else resolved again (module docstring)."""
    if not episodes_current(session, practice_id):
        return tally(episodes(session, practice_id, through=through), since)
    out: dict[Month, Resolved] = defaultdict(Resolved)
    for on, how, amount, n, days in read_rows(
        session,
        select(
            EpisodeRow.resolved_on,
            EpisodeRow.how,
            func.sum(EpisodeRow.amount, type_=MONEY),
            func.count(),
            func.sum(EpisodeRow.days),
        )
        .where(
            EpisodeRow.practice_id == practice_id,
            EpisodeRow.resolved_on >= since,
            EpisodeRow.valid_from <= through,
            or_(EpisodeRow.valid_to.is_(None), EpisodeRow.valid_to > through),
        )
        .group_by(EpisodeRow.resolved_on, EpisodeRow.how),
    ):
        month = out[month_of(as_date(on))]
        if how in WRITTEN_OFF:
            month.written_off += money(amount)
        month.days += int(days or 0)
        month.count += int(n)
    return dict(out)


def tally(resolved: list[Episode], since: dt.date) -> dict[Month, Resolved]:
    """:func:`resolved_by_month` of episodes resolved as of some day."""
    out: dict[Month, Resolved] = defaultdict(Resolved)
    for e in resolved:
        if e.resolved_on is None or e.resolved_on < since:
            continue
        month = out[month_of(e.resolved_on)]
        if e.how in WRITTEN_OFF:
            month.written_off += e.amount
        month.days += e.days or 0
        month.count += 1
    return dict(out)
