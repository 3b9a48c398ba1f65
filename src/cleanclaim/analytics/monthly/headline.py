"""The headline KPIs of a month, with the month before and a twelve-month trend."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from cleanclaim.analytics.kpi_definitions import HEADLINE_ORDER
from cleanclaim.analytics.monthly.counts import Counts, MonthCounts
from cleanclaim.analytics.monthly.episode_store import Resolved
from cleanclaim.analytics.monthly.periods import Window
from cleanclaim.analytics.report.base import KpiValue, Month
from cleanclaim.analytics.report.model import HeadlineKpi, TrendPoint

NPSR_PAYMENTS = "Net revenue from payments received (835 CLP04) in the month."
NPSR_RATE = "Net revenue from charges submitted x the expected-collection rate {rate}."


def _lagged(counts: Counts, month: Month, attr: str) -> tuple[Decimal, int]:
    """The average over the three months before ``month`` of ``attr``, and months present."""
    lag = counts.window.lag(month)
    total = sum((Decimal(getattr(counts[m], attr)) for m in lag), Decimal(0))
    return total / len(lag), len(lag)


def _avg(value: Decimal, whole: bool) -> int | Decimal:
    """An average of counts stays a whole number when it is one; else two decimals."""
    if whole and value == value.to_integral_value():
        return int(value)
    return value.quantize(Decimal("0.01"))


def _initial(counts: Counts, month: Month, num: str, den: str, whole: bool) -> KpiValue:
    average, _ = _lagged(counts, month, den)
    lag = counts.window.lag(month)
    note = f"Denominator: average of {lag[0]}..{lag[-1]} ({', '.join(str(m) for m in lag)})."
    return KpiValue(getattr(counts[month], num), _avg(average, whole), note)


def headline_values(
    counts: Counts,
    resolved: Mapping[Month, Resolved],
    *,
    collection_rate: Decimal | None = None,
) -> dict[str, dict[Month, KpiValue]]:
    """Every headline KPI for every trend month (KPI key -> month -> value); ``resolved``
    holds the denial episodes resolved in each month
    (:func:`~cleanclaim.analytics.monthly.episode_store.resolved_by_month`)."""
    window: Window = counts.window
    none = Resolved()

    def npsr(c: MonthCounts) -> tuple[Decimal, str]:
        if collection_rate is None:
            return max(c.payments, Decimal("0.00")), NPSR_PAYMENTS
        value = (c.submitted_charges * collection_rate).quantize(Decimal("0.01"))
        return value, NPSR_RATE.format(rate=collection_rate)

    def write_off(month: Month) -> KpiValue:
        c = counts[month]
        den, note = npsr(c)
        return KpiValue(resolved.get(month, none).written_off, den, note)

    def days(month: Month) -> KpiValue:
        done = resolved.get(month, none)
        return KpiValue(done.days, done.count)

    def clean(month: Month) -> KpiValue:
        c = counts[month]
        note = (
            f"{c.clean_incomplete} of the clean claims had checks that could not run "
            "(see the coverage box)."
            if c.clean_incomplete
            else ""
        )
        return KpiValue(c.first_clean, c.first_scrubbed, note)

    makers: dict[str, Callable[[Month], KpiValue]] = {
        "clean_claim_rate": clean,
        "initial_denial_rate_claims": lambda m: _initial(
            counts, m, "initial_denied_claims", "submitted_claims", True
        ),
        "initial_denial_rate_claim_dollars": lambda m: _initial(
            counts, m, "initial_denied_charges", "submitted_charges", False
        ),
        "initial_denial_rate_lines": lambda m: _initial(
            counts, m, "initial_denied_lines", "submitted_lines", True
        ),
        "initial_denial_rate_line_dollars": lambda m: _initial(
            counts, m, "initial_denied_line_charges", "submitted_line_charges", False
        ),
        "denial_write_off_pct_npsr": write_off,
        "appeal_overturn_rate": lambda m: KpiValue(
            counts[m].appeals_overturned, counts[m].appeals_decided
        ),
        "days_denial_to_resolution": days,
        "payer_error_rate": lambda m: KpiValue(counts[m].payer_errors, counts[m].denials),
        "scrubber_catch_rate": lambda m: KpiValue(counts[m].caught, counts[m].catchable),
    }
    return {key: {m: makers[key](m) for m in window.trend} for key in HEADLINE_ORDER}


def headline(values: dict[str, dict[Month, KpiValue]], month: Month) -> tuple[HeadlineKpi, ...]:
    """The headline KPIs of ``month`` from :func:`headline_values`."""
    out: list[HeadlineKpi] = []
    for key, by_month in values.items():
        points = tuple(TrendPoint(m, v) for m, v in sorted(by_month.items()) if m <= month)
        prior = points[-2].value if len(points) > 1 else None
        out.append(HeadlineKpi(key, points[-1].value, prior, points))
    return tuple(out)
