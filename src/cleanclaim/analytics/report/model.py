"""The monthly report as data: one frozen object that every format (HTML, XLSX, PDF, JSON) renders.

The KPI code fills a :class:`ReportData`; the renderers never compute a figure of their own
except the *derived rates* that each row class declares (numerator field / denominator
field), so a rate can never disagree with the counts beside it.

Rules that the constructors enforce:

* every number is an ``int`` (counts, days) or a ``Decimal`` (dollars); a ``float`` or a
  ``bool`` where a number belongs is a ``TypeError``;
* every table column has a label, a format and a one-sentence definition (``col``,
  in :mod:`.rows`);
* headline KPIs are known keys of :mod:`cleanclaim.analytics.kpi_definitions`, their trend
  is consecutive months ending at the report month, and its last point is the current value;
* root causes list exactly the five practice causes, with payer errors and unclassified
  denials apart; scrub-finding outcomes add up to the findings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from cleanclaim.analytics.kpi_definitions import KPIS, KpiDefinition, kpi
from cleanclaim.analytics.report.base import Derived, Fmt, KpiValue, Month, Number, Row, col
from cleanclaim.analytics.report.rows import (
    PRACTICE_CAUSES,
    CodeRow,
    CoderRow,
    CoverageRow,
    FindingOutcomeRow,
    PartyRow,
    PayerRow,
    ProviderHygieneRow,
    QueueRow,
    RootCause,
    RootCauseRow,
    RootCauses,
    TrainingTarget,
)
from cleanclaim.codesets.model import Completeness

__all__ = [
    "PRACTICE_CAUSES",
    "CodeRow",
    "CoderRow",
    "Completeness",
    "CoverageRow",
    "Derived",
    "FindingOutcomeRow",
    "Fmt",
    "HeadlineKpi",
    "KpiValue",
    "Month",
    "Number",
    "PartyRow",
    "PayerRow",
    "ProviderHygieneRow",
    "QueueRow",
    "ReportData",
    "RootCause",
    "RootCauseRow",
    "RootCauses",
    "Row",
    "TrainingTarget",
    "TrendPoint",
    "col",
]


@dataclass(frozen=True)
class TrendPoint:
    """One month of a KPI's trend."""

    month: Month
    value: KpiValue


@dataclass(frozen=True)
class HeadlineKpi:
    """A headline KPI for the report month, the month before and a trend of up to 12 months."""

    key: str
    current: KpiValue
    prior: KpiValue | None
    trend: tuple[TrendPoint, ...]
    """Oldest first; consecutive months; the last point is the report month."""

    def __post_init__(self) -> None:
        kpi(self.key)
        if not self.trend:
            raise ValueError(f"{self.key}: the trend needs at least the report month")
        if len(self.trend) > 12:
            raise ValueError(f"{self.key}: the trend holds at most 12 months")
        for a, b in zip(self.trend, self.trend[1:], strict=False):
            if b.month != a.month.shift(1):
                raise ValueError(
                    f"{self.key}: trend months must be consecutive ({a.month}, {b.month})"
                )
        if self.trend[-1].value != self.current:
            raise ValueError(f"{self.key}: the last trend point must be the current value")
        if len(self.trend) > 1 and self.prior is not None and self.trend[-2].value != self.prior:
            raise ValueError(f"{self.key}: the prior value disagrees with the trend")

    @property
    def definition(self) -> KpiDefinition:
        return KPIS[self.key]

    @property
    def change(self) -> Decimal | None:
        """Current value minus prior value (``None`` if either has none)."""
        now = self.current.value
        before = self.prior.value if self.prior else None
        return None if now is None or before is None else now - before


@dataclass(frozen=True)
class ReportData:
    """Everything the monthly report shows. Built by the KPI code; rendered by the formats."""

    practice: str
    month: Month
    generated_at: dt.datetime
    data_through: dt.date
    headline: tuple[HeadlineKpi, ...]
    root_causes: RootCauses
    coders: tuple[CoderRow, ...]
    billers: tuple[PartyRow, ...]
    registrars: tuple[PartyRow, ...]
    providers: tuple[PartyRow, ...]
    payers: tuple[PayerRow, ...]
    top_carcs: tuple[CodeRow, ...]
    top_rarcs: tuple[CodeRow, ...]
    scrub_findings: tuple[FindingOutcomeRow, ...]
    training: tuple[TrainingTarget, ...]
    provider_hygiene: tuple[ProviderHygieneRow, ...]
    work_queue: tuple[QueueRow, ...]
    coverage: tuple[CoverageRow, ...]
    synthetic: bool = False
    """True for the demo practice: every format says the data is synthetic."""
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        keys = [h.key for h in self.headline]
        if len(set(keys)) != len(keys):
            raise ValueError(f"headline KPIs repeat a key: {keys}")
        for h in self.headline:
            if h.trend[-1].month != self.month:
                raise ValueError(f"{h.key}: the trend must end at the report month {self.month}")

    def headline_kpi(self, key: str) -> HeadlineKpi:
        """The headline KPI ``key`` (``KeyError`` if the report lacks it)."""
        for h in self.headline:
            if h.key == key:
                return h
        raise KeyError(key)

    @property
    def months(self) -> tuple[Month, ...]:
        """The months of the longest trend, oldest first."""
        longest = max((h.trend for h in self.headline), key=len, default=())
        return tuple(p.month for p in longest) or (self.month,)
