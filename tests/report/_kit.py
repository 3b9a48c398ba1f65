"""Helpers for the report tests: the sample report, an empty month, rendered artefacts."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from cleanclaim.analytics.report.model import (
    HeadlineKpi,
    KpiValue,
    ReportData,
    RootCause,
    RootCauseRow,
    RootCauses,
    TrendPoint,
)
from cleanclaim.analytics.report.rows import PRACTICE_CAUSES
from cleanclaim.analytics.report.sample import sample_report

SECTION_TITLES = (
    "Headline KPIs",
    "Where denials come from",
    "Who and where",
    "Top denial codes",
    "Scrub findings and what became of them",
    "Training targets",
    "Specificity and HCC hygiene",
    "Open work queue",
    "Data coverage",
)


def _zero(cause: RootCause) -> RootCauseRow:
    return RootCauseRow(cause, 0, 0, Decimal("0.00"))


def empty_month() -> ReportData:
    """A month with KPIs over zero denominators and no rows anywhere."""
    base = sample_report()
    nothing = KpiValue(0, 0)
    headline = tuple(
        HeadlineKpi(h.key, nothing, None, (TrendPoint(base.month, nothing),)) for h in base.headline
    )
    return dataclasses.replace(
        base,
        practice="Empty <Practice> & Co",
        headline=headline,
        root_causes=RootCauses(
            tuple(_zero(c) for c in PRACTICE_CAUSES),
            _zero(RootCause.PAYER_ERROR),
            _zero(RootCause.UNCLASSIFIED),
        ),
        coders=(),
        billers=(),
        registrars=(),
        providers=(),
        payers=(),
        top_carcs=(),
        top_rarcs=(),
        scrub_findings=(),
        training=(),
        provider_hygiene=(),
        work_queue=(),
        coverage=(),
        notes=(),
    )
