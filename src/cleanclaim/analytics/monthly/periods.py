"""Months as date ranges, and the windows the monthly report reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cleanclaim.analytics.report.base import Month

TREND_MONTHS = 12
"""The headline trend: the report month and the eleven before it."""
LAG_MONTHS = 3
"""The task force's initial-denial denominator: the three months before the month."""


def first_day(month: Month) -> dt.date:
    return dt.date(month.year, month.month, 1)


def last_day(month: Month) -> dt.date:
    return first_day(month.shift(1)) - dt.timedelta(days=1)


def as_date(value: object) -> dt.date:
    """A date from a query: SQLite returns computed dates (``coalesce``, ``max``) as text."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def month_of(day: dt.date | None) -> Month:
    """The month of ``day`` (queries only return rows with a date; ``None`` is a bug)."""
    if day is None:
        raise ValueError("a dated row without its date")
    return Month(day.year, day.month)


@dataclass(frozen=True)
class Window:
    """The months one report reads: the trend, the month before it, and the lag before that."""

    month: Month

    @property
    def trend(self) -> tuple[Month, ...]:
        """The trend months, oldest first; the report month is last."""
        return tuple(self.month.shift(i - TREND_MONTHS + 1) for i in range(TREND_MONTHS))

    @property
    def start(self) -> dt.date:
        """First day read: the lag months before the first trend month."""
        return first_day(self.trend[0].shift(-LAG_MONTHS))

    @property
    def end(self) -> dt.date:
        """Last day read: the report month's last day."""
        return last_day(self.month)

    def lag(self, month: Month) -> tuple[Month, ...]:
        """The three months before ``month``."""
        return tuple(month.shift(-i) for i in range(LAG_MONTHS, 0, -1))
