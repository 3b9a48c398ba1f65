"""Stored derived rows on a synthetic practice run through the whole job (which stores
them): the same figures as computing them again, on every day and every month."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from tests.report._episodekit import resolved_as_of, stored_on

from cleanclaim.analytics.demo_run import DemoOptions, run_demo
from cleanclaim.analytics.monthly.episode_store import (
    episodes_current,
    resolved_by_month,
    tally,
)
from cleanclaim.analytics.monthly.hcc import hcc_recapture
from cleanclaim.analytics.monthly.hcc_store import hcc_current, recapture
from cleanclaim.analytics.monthly.resolution import episodes
from cleanclaim.analytics.report.base import Month
from cleanclaim.codesets.store import default_store
from cleanclaim.storage.db import session_scope
from cleanclaim.storage.models import Practice
from cleanclaim.storage.tables_derived import EpisodeRow, HccRecaptureRow

DAY = dt.timedelta(days=1)
OPTIONS = DemoOptions(seed=11, months=14, claims_per_month=70)
"""Fourteen months: HCC recapture needs a prior year."""


def test_stored_rows_equal_computing_them_again(db_url: str, tmp_path: Path) -> None:
    run_demo(tmp_path / "demo", OPTIONS)
    store = default_store()
    with session_scope() as s:
        pid = s.scalars(select(Practice.id).where(Practice.key == "demo")).one()
        assert episodes_current(s, pid) and hcc_current(s, pid, store)
        versions = s.scalars(select(EpisodeRow)).all()
        assert {r.how for r in versions} >= {"paid", "upheld", "abandoned"}
        # some resolutions were undone by later data (a payment after the deadline passed)
        assert any(r.valid_to for r in versions)
        # Episodes: on every day a version starts or ends, the day before, and every ninth
        # day from the first to a year after the last.
        bounds = {r.valid_from for r in versions} | {r.valid_to for r in versions if r.valid_to}
        days = sorted({d + k * DAY for d in bounds for k in (-1, 0)})
        start, end = days[0], days[-1] + 365 * DAY
        days += [start + k * 9 * DAY for k in range((end - start).days // 9)]
        for day in sorted(set(days)):
            assert stored_on(s, pid, day) == resolved_as_of(s, pid, day), day
        # The report's sums by month, and HCC recapture, for every month of the data and
        # the one after it (not stored: computed).
        months = [Month(2025, 8).shift(k) for k in range(15)]
        for month in months:
            first = month.shift(-11)
            since = dt.date(first.year, first.month, 1)
            through = dt.date(month.year, month.month, 28)
            live = tally(episodes(s, pid, through=through), since)
            assert resolved_by_month(s, pid, since=since, through=through) == live, month
            assert recapture(s, pid, store, month) == hcc_recapture(s, pid, store, month), month
        stored_months = {r.month for r in s.scalars(select(HccRecaptureRow))}
        assert dt.date(2026, 9, 1) in stored_months
        assert any(due for due, _ in recapture(s, pid, store, Month(2026, 9))[0].values())
