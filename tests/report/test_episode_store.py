"""Stored denial episodes: what they hold, when they are stale, and the migration.
``test_derived_synthetic`` compares them with resolving the episodes again."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, update
from tests.denials._denialkit import World, claim, clp, svc
from tests.report._episodekit import resolved_as_of, stored_on

from cleanclaim.analytics.monthly.episode_store import (
    episodes_current,
    refresh_episodes,
    resolved_by_month,
    tally,
)
from cleanclaim.analytics.monthly.resolution import PAID, episodes
from cleanclaim.denials.appeals import record_appeal
from cleanclaim.payers.registry import seed_defaults
from cleanclaim.storage.db import session_scope
from cleanclaim.storage.migrate import downgrade, head_revision, upgrade
from cleanclaim.storage.models import Payer as PayerRow
from cleanclaim.storage.tables_derived import EpisodeRow

DAY = dt.timedelta(days=1)


def _denied_then_paid(w: World) -> None:
    """E1 denied on 20 April (CO-16), corrected and paid on 20 June; E2 denied in May."""
    w.submit(claim("E1", "90.00"), claim("E2", "40.00"), on=dt.date(2026, 4, 2))
    w.remit(
        clp("E1", "4", svc(0, "90.00", "CO-16:90.00"), pcn="PCN1"), paid_on=dt.date(2026, 4, 20)
    )
    w.remit(
        clp("E2", "4", svc(0, "40.00", "CO-197:40.00"), pcn="PCN2"), paid_on=dt.date(2026, 5, 11)
    )
    w.submit(claim("E1", "90.00", frequency="7", original_reference="PCN1"), on=dt.date(2026, 5, 1))
    w.remit(
        clp("E1", "1", svc(0, "90.00", "CO-45:10.00"), pcn="PCN3", frequency="7"),
        paid_on=dt.date(2026, 6, 20),
    )
    w.classify()


def test_a_paid_episode_is_stored_from_the_day_it_was_paid(db_url: str, tmp_path: Path) -> None:
    w = World(db_url, tmp_path)
    _denied_then_paid(w)
    pid = w.who.practice_id
    with session_scope(w.engine) as s:
        assert refresh_episodes(s, pid, user="test").rows == 1
        (row,) = s.scalars(select(EpisodeRow)).all()
        assert (row.how, row.valid_from, row.valid_to) == (PAID, dt.date(2026, 6, 20), None)
        assert (row.denied_on, row.resolved_on, row.days) == (
            dt.date(2026, 4, 20),
            dt.date(2026, 6, 20),
            61,
        )
        assert row.amount == Decimal("90.00")
        # the day before the payment, the episode was open: nothing stored holds then
        assert stored_on(s, pid, dt.date(2026, 6, 19)) == set()
        assert resolved_as_of(s, pid, dt.date(2026, 6, 19)) == set()
        assert stored_on(s, pid, dt.date(2026, 6, 20)) == resolved_as_of(
            s, pid, dt.date(2026, 6, 20)
        )


def test_a_second_refresh_of_the_same_data_stores_nothing(db_url: str, tmp_path: Path) -> None:
    w = World(db_url, tmp_path)
    _denied_then_paid(w)
    with session_scope(w.engine) as s:
        first = refresh_episodes(s, w.who.practice_id, user="test")
    with session_scope(w.engine) as s:
        again = refresh_episodes(s, w.who.practice_id, user="test")
        ids = s.scalars(select(EpisodeRow.id)).all()
    assert (first.current, again.current) == (False, True)
    assert again.rows == first.rows == len(ids) == 1


def _file_appeal(w: World) -> None:
    with session_scope(w.engine) as s:
        record_appeal(s, w.who, "E2", filed_on=dt.date(2026, 5, 20), today=dt.date(2026, 7, 1))


def _decide_appeal(w: World) -> None:
    with session_scope(w.engine) as s:
        record_appeal(
            s, w.who, "E2", filed_on=dt.date(2026, 5, 20), outcome="upheld",
            today=dt.date(2026, 6, 30),
        )  # fmt: skip


def _new_remittance(w: World) -> None:
    w.remit(clp("E2", "1", svc(0, "40.00", "CO-45:5.00"), pcn="PCN4"), paid_on=dt.date(2026, 7, 2))


def _reclassify(w: World) -> None:
    w.remit(clp("E2", "4", svc(0, "40.00", "CO-50:40.00"), pcn="PCN5"), paid_on=dt.date(2026, 7, 3))
    w.classify()


def _payer_terms(w: World) -> None:
    with session_scope(w.engine) as s:
        if not s.scalars(select(PayerRow.id)).first():
            seed_defaults(s)  # a registry import
            return
        s.execute(update(PayerRow).values(appeal_window_days=PayerRow.appeal_window_days + 1))


CHANGES: dict[str, Callable[[World], None]] = {
    "appeal filed": _file_appeal,
    "appeal decided in place": _decide_appeal,
    "remittance stored": _new_remittance,
    "denials classified": _reclassify,
    "payer terms changed": _payer_terms,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_stored_episodes_are_not_read_once_the_data_changed(
    db_url: str, tmp_path: Path, change: Callable[[World], None]
) -> None:
    w = World(db_url, tmp_path)
    _denied_then_paid(w)
    if change is _decide_appeal:
        _file_appeal(w)
    pid = w.who.practice_id
    since, through = dt.date(2025, 10, 1), dt.date(2026, 9, 30)
    with session_scope(w.engine) as s:
        refresh_episodes(s, pid, user="test")
        assert episodes_current(s, pid)
    change(w)
    with session_scope(w.engine) as s:
        assert not episodes_current(s, pid)
        live = tally(episodes(s, pid, through=through), since)
        assert resolved_by_month(s, pid, since=since, through=through) == live
        assert not refresh_episodes(s, pid, user="test").current
    with session_scope(w.engine) as s:
        assert episodes_current(s, pid)
        assert resolved_by_month(s, pid, since=since, through=through) == live


def test_the_migration_goes_down_and_up(db_url: str, tmp_path: Path) -> None:
    w = World(db_url, tmp_path)
    _denied_then_paid(w)
    with session_scope(w.engine) as s:
        refresh_episodes(s, w.who.practice_id, user="test")
    assert downgrade(w.engine, "0012") == "0012"
    assert upgrade(w.engine) == head_revision()
    with session_scope(w.engine) as s:
        # no backfill: the report resolves episodes itself until they are stored again
        assert not episodes_current(s, w.who.practice_id)
        assert refresh_episodes(s, w.who.practice_id, user="test").rows == 1


def test_two_refreshes_of_one_practice_take_turns(db_url: str, tmp_path: Path) -> None:
    """The second waits for the first to commit, then finds the episodes current: no
    version is stored twice."""
    if not db_url.startswith("postgresql"):
        pytest.skip("row locks are a PostgreSQL matter: SQLite has one writer")
    w = World(db_url, tmp_path)
    _denied_then_paid(w)
    pid = w.who.practice_id
    second: list[bool] = []
    with session_scope(w.engine) as first:
        assert not refresh_episodes(first, pid, user="a").current

        def other() -> None:
            with session_scope(w.engine) as s:
                second.append(refresh_episodes(s, pid, user="b").current)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(timeout=1.0)
        assert thread.is_alive(), "the second refresh did not wait for the first"
    thread.join(timeout=30)
    assert second == [True]
    with session_scope(w.engine) as s:
        assert len(s.scalars(select(EpisodeRow.id)).all()) == 1
