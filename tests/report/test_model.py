"""The report data model: types, invariants, derived rates, and the hand-made sample."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal

import pytest

from cleanclaim.analytics.kpi_definitions import HEADLINE_ORDER
from cleanclaim.analytics.report.model import (
    CoderRow,
    FindingOutcomeRow,
    HeadlineKpi,
    KpiValue,
    Month,
    PayerRow,
    ReportData,
    RootCause,
    RootCauseRow,
    RootCauses,
    TrendPoint,
)
from cleanclaim.analytics.report.sample import sample_report
from cleanclaim.errors import UsageError

SEP = Month(2026, 9)
AUG = Month(2026, 8)


def _trend(*months: Month) -> tuple[TrendPoint, ...]:
    return tuple(TrendPoint(m, KpiValue(1, 2)) for m in months)


def _row(cause: RootCause) -> RootCauseRow:
    return RootCauseRow(cause, 1, 1, Decimal("1.00"))


BAD: dict[str, tuple[Callable[[], object], type[Exception], str]] = {
    "float-count": (
        lambda: RootCauseRow(RootCause.CODING, 1.0, 1, Decimal(1)),  # type: ignore[arg-type]
        TypeError, "RootCauseRow.denials: 1.0 is a float; use int or Decimal",
    ),
    "float-dollars": (
        lambda: RootCauseRow(RootCause.CODING, 1, 1, 2.5),  # type: ignore[arg-type]
        TypeError, "RootCauseRow.dollars: 2.5 is a float; use int or Decimal",
    ),
    "bool-count": (
        lambda: RootCauseRow(RootCause.CODING, True, 1, Decimal(1)),
        TypeError, "RootCauseRow.denials: True is not an int or Decimal",
    ),
    "decimal-count": (
        lambda: RootCauseRow(RootCause.CODING, Decimal(1), 1, Decimal(1)),  # type: ignore[arg-type]
        TypeError, "RootCauseRow.denials: Decimal('1') must be an int",
    ),
    "float-kpi": (
        lambda: KpiValue(0.5, 1),  # type: ignore[arg-type]
        TypeError, "KpiValue.numerator: 0.5 is a float; use int or Decimal",
    ),
    "negative-kpi": (
        lambda: KpiValue(-1, 3), ValueError,
        "KpiValue: numerator and denominator cannot be negative",
    ),
    "unknown-kpi": (
        lambda: HeadlineKpi("denial_vibes", KpiValue(1, 2), None, _trend(SEP)),
        UsageError, "unknown KPI 'denial_vibes'; known KPIs: ",
    ),
    "empty-trend": (
        lambda: HeadlineKpi("clean_claim_rate", KpiValue(1, 2), None, ()),
        ValueError, "clean_claim_rate: the trend needs at least the report month",
    ),
    "gap-in-trend": (
        lambda: HeadlineKpi("clean_claim_rate", KpiValue(1, 2), None, _trend(Month(2026, 7), SEP)),
        ValueError, "clean_claim_rate: trend months must be consecutive (2026-07, 2026-09)",
    ),
    "trend-too-long": (
        lambda: HeadlineKpi(
            "clean_claim_rate", KpiValue(1, 2), None, _trend(*(SEP.shift(-i) for i in range(12, -1, -1)))
        ),
        ValueError, "clean_claim_rate: the trend holds at most 12 months",
    ),
    "current-not-last": (
        lambda: HeadlineKpi("clean_claim_rate", KpiValue(2, 3), None, _trend(AUG, SEP)),
        ValueError, "clean_claim_rate: the last trend point must be the current value",
    ),
    "prior-disagrees": (
        lambda: HeadlineKpi("clean_claim_rate", KpiValue(1, 2), KpiValue(5, 9), _trend(AUG, SEP)),
        ValueError, "clean_claim_rate: the prior value disagrees with the trend",
    ),
    "causes-out-of-order": (
        lambda: RootCauses(
            tuple(_row(c) for c in (RootCause.CODING, RootCause.DOCUMENTATION,
                                    RootCause.ELIGIBILITY, RootCause.BILLING,
                                    RootCause.AUTHORIZATION)),
            _row(RootCause.PAYER_ERROR), _row(RootCause.UNCLASSIFIED),
        ),
        ValueError, "root causes: the practice rows must be, in order: documentation, "
        "eligibility, coding, billing, authorization",
    ),
    "payer-error-row": (
        lambda: RootCauses(sample_report().root_causes.practice, _row(RootCause.CODING),
                           _row(RootCause.UNCLASSIFIED)),
        ValueError, "root causes: the payer_error row must have cause payer-error",
    ),
    "outcomes-do-not-add-up": (
        lambda: FindingOutcomeRow("mue", 10, 5, 2, 2, 0, Decimal(0)),
        ValueError, "scrub findings mue: fixed + overridden + led to denial + pending = 9, not 10",
    ),
    "bad-month": (lambda: Month.parse("2026/09"), ValueError,
                  "not a month: '2026/09' (expected YYYY-MM)"),
    "month-13": (lambda: Month(2026, 13), ValueError, "not a month: 2026-13"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_invalid_data_is_refused_with_a_clear_message(case: str) -> None:
    build, error, message = BAD[case]
    with pytest.raises(error) as info:
        build()
    assert str(info.value).startswith(message)


def test_report_refuses_a_trend_that_ends_elsewhere() -> None:
    report = sample_report()
    moved = HeadlineKpi("clean_claim_rate", KpiValue(1, 2), None, _trend(AUG))
    with pytest.raises(
        ValueError, match=r"clean_claim_rate: the trend must end at the report month 2026-09"
    ):
        dataclasses.replace(report, headline=(moved,))


def test_report_refuses_a_repeated_kpi() -> None:
    report = sample_report()
    with pytest.raises(ValueError, match="headline KPIs repeat a key"):
        dataclasses.replace(report, headline=(report.headline[0], report.headline[0]))


MONTHS = {
    "next": (Month(2026, 12).shift(1), "2027-01"),
    "back-a-year": (Month(2026, 9).shift(-12), "2025-09"),
    "back-eleven": (Month(2026, 1).shift(-11), "2025-02"),
    "parse": (Month.parse(" 2026-03 "), "2026-03"),
}


@pytest.mark.parametrize("case", list(MONTHS), ids=list(MONTHS))
def test_month_arithmetic(case: str) -> None:
    month, text = MONTHS[case]
    assert str(month) == text


def test_month_labels() -> None:
    assert SEP.label == "September 2026"
    assert SEP.short == "Sep 2026"


def test_kpi_value_is_the_exact_fraction() -> None:
    assert KpiValue(1, 4).value == Decimal("0.25")
    assert KpiValue(Decimal("51214.40"), Decimal("543305.60")).value == Decimal(
        "51214.40"
    ) / Decimal("543305.60")
    assert KpiValue(0, 0).value is None


def test_change_is_current_minus_prior() -> None:
    h = sample_report().headline_kpi("clean_claim_rate")
    assert h.change == Decimal(1399) / 1493 - Decimal(1377) / 1475
    assert HeadlineKpi("clean_claim_rate", KpiValue(1, 2), None, _trend(SEP)).change is None


def test_derived_rates_come_from_the_counts() -> None:
    coder = CoderRow("X", 200, 10, 12, Decimal("5.00"), 30, Decimal("9.00"))
    (rate,) = CoderRow.DERIVED
    assert coder.rate(rate) == Decimal("0.05")
    payer = PayerRow("P", 0, 0, 0, Decimal(0), 0, Decimal(0))
    assert payer.rate(PayerRow.DERIVED[0]) is None


# -- the sample: hand-made figures that add up -------------------------------------------


def test_sample_has_every_headline_kpi_with_twelve_months() -> None:
    report = sample_report()
    assert tuple(h.key for h in report.headline) == HEADLINE_ORDER
    for h in report.headline:
        assert str(h.trend[0].month) == "2025-10"
        assert len(h.trend) == 12
    assert report.months[-1] == report.month == SEP


def _total(rows: tuple[object, ...], name: str) -> object:
    return sum(getattr(r, name) for r in rows)


def test_sample_breakdowns_add_up_to_the_root_causes() -> None:
    r: ReportData = sample_report()
    rc = r.root_causes
    by = {row.cause: row for row in rc.all_rows}
    assert rc.denials == 212
    assert rc.dollars == Decimal("51471.85")
    assert r.headline_kpi("payer_error_rate").current == KpiValue(11, 212)
    assert _total(r.coders, "denials_caused") == by[RootCause.CODING].denials
    assert _total(r.coders, "dollars_caused") == by[RootCause.CODING].dollars
    assert _total(r.coders, "claims_coding_denied") == by[RootCause.CODING].denied_claims
    assert _total(r.billers, "denials_caused") == by[RootCause.BILLING].denials
    assert _total(r.registrars, "denials_caused") == by[RootCause.ELIGIBILITY].denials
    assert _total(r.providers, "denials_caused") == by[RootCause.DOCUMENTATION].denials
    assert _total(r.payers, "payer_errors") == by[RootCause.PAYER_ERROR].denials
    assert _total(r.payers, "payer_error_dollars") == by[RootCause.PAYER_ERROR].dollars
    assert (
        _total(r.payers, "denied_claims")
        == r.headline_kpi("initial_denial_rate_claims").current.numerator
    )
    for group in (r.coders, r.billers, r.registrars, r.providers):
        assert _total(group, "denials_on_claims") == rc.denials
        assert _total(group, "dollars_on_claims") == rc.dollars
    for payer_field, total in (("denials", rc.denials), ("dollars", rc.dollars)):
        assert _total(r.payers, payer_field) == total
