"""The flattened tables every format renders: columns, definitions, cells and formatting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cleanclaim.analytics.report.model import Fmt
from cleanclaim.analytics.report.sample import sample_report
from cleanclaim.analytics.report.tables import (
    Cell,
    format_cell,
    format_change,
    report_sections,
    report_tables,
    trend_matrix,
)

CELLS: dict[str, tuple[Cell, Fmt, str]] = {
    "money": (Decimal("14410.75"), Fmt.MONEY, "$14,410.75"),
    "money-negative": (Decimal("-3.5"), Fmt.MONEY, "-$3.50"),
    "money-zero": (Decimal("0"), Fmt.MONEY, "$0.00"),
    "count": (1493, Fmt.INT, "1,493"),
    "negative-days-left": (-3, Fmt.INT, "-3"),
    "rate": (Decimal(141) / 1487, Fmt.RATE, "9.5%"),
    "rate-none": (None, Fmt.RATE, "\u2013"),
    "days": (Decimal(3422) / 92, Fmt.DAYS, "37.2"),
    "date": (dt.date(2026, 10, 2), Fmt.DATE, "2026-10-02"),
    "date-none": (None, Fmt.DATE, ""),
    "text": ("CO-50, N115", Fmt.TEXT, "CO-50, N115"),
}


@pytest.mark.parametrize("case", list(CELLS), ids=list(CELLS))
def test_format_cell(case: str) -> None:
    value, fmt, text = CELLS[case]
    assert format_cell(value, fmt) == text


def test_format_change_by_unit() -> None:
    r = sample_report()
    assert format_change(r.headline_kpi("clean_claim_rate")) == "+0.3 pts"
    assert format_change(r.headline_kpi("days_denial_to_resolution")) == "-0.5 days"


def test_tables_have_unique_sheet_names_and_defined_columns() -> None:
    tables = report_tables(sample_report())
    sheets = [t.sheet for t in tables]
    assert sheets == [
        "Headline KPIs", "KPI trend", "Root causes", "By coder", "By biller", "By registrar",
        "By provider", "By payer", "Top CARC", "Top RARC", "Scrub findings",
        "Training targets", "Provider hygiene", "Work queue", "Coverage", "Definitions",
    ]  # fmt: skip
    assert all(len(s) <= 31 for s in sheets)
    for t in tables:
        assert len({c.key for c in t.columns}) == len(t.columns), t.key
        for c in t.columns:
            assert c.label and c.definition, (t.key, c.key)
        for row in t.rows:
            assert len(row) == len(t.columns)
            assert not any(isinstance(v, float) for v in row)


def test_derived_rate_follows_its_field_and_is_exact() -> None:
    coders = next(t for t in report_tables(sample_report()) if t.key == "coders")
    keys = [c.key for c in coders.columns]
    assert keys[keys.index("claims_coding_denied") + 1] == "coding_denial_rate"
    first = coders.rows[0]
    assert first[coders.column("coding_denial_rate")] == Decimal(14) / 512
    definition = coders.columns[coders.column("coding_denial_rate")].definition
    assert definition.endswith("(cleanclaim measure (not an HFMA MAP Key))")


def test_sections_are_numbered_in_order() -> None:
    sections = report_sections(sample_report())
    assert [s.number for s in sections] == list(range(1, 10))
    assert [s.key for s in sections][-1] == "coverage"


def test_trend_matrix_has_a_row_per_kpi_and_a_column_per_month() -> None:
    m = trend_matrix(sample_report())
    assert [c.label for c in m.columns][:3] == ["KPI", "Oct \u201925", "Nov \u201925"]
    assert m.rows[0][0] == "Clean claim rate"
    assert m.rows[0][-1] == "93.7%"
    assert len(m.rows) == 10 and len(m.columns) == 13
