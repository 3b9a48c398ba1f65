"""The XLSX report: opens with openpyxl, one sheet per table, numbers stored as numbers."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from tests.report._kit import empty_month

from cleanclaim.analytics.report.sample import sample_report
from cleanclaim.analytics.report.xlsx import render_xlsx, sheet_names

SHEETS = [
    "Summary", "KPI trend", "Root causes", "By coder", "By biller", "By registrar",
    "By provider", "By payer", "Top CARC", "Top RARC", "Scrub findings", "Training targets",
    "Provider hygiene", "Work queue", "Coverage", "Definitions",
]  # fmt: skip


@pytest.fixture(scope="module")
def wb() -> Any:
    return load_workbook(io.BytesIO(render_xlsx(sample_report())))


def _rows(ws: Any) -> list[tuple[Any, ...]]:
    return list(ws.iter_rows(values_only=True))


def test_sheets(wb: Any) -> None:
    assert wb.sheetnames == SHEETS == sheet_names(sample_report())


def test_summary_identifies_the_report(wb: Any) -> None:
    rows = _rows(wb["Summary"])
    assert rows[0][0] == "Monthly denial report"
    meta = {r[0]: r[1] for r in rows[1:7]}
    assert meta["Practice"] == "Riverbend Family & Specialty Clinic"
    assert meta["Month"] == "2026-09"
    assert meta["Data through"] == dt.datetime(2026, 10, 5)
    assert meta["Generated (UTC)"] == dt.datetime(2026, 10, 6, 7, 30)
    assert meta["Synthetic data"] == "yes"


def test_summary_kpis_are_numbers(wb: Any) -> None:
    ws = wb["Summary"]
    rows = _rows(ws)
    head = next(i for i, r in enumerate(rows) if r[0] == "KPI")
    assert rows[head][:6] == (
        "KPI",
        "This month",
        "Prior month",
        "Change",
        "Numerator",
        "Denominator",
    )
    kpis = {r[0]: r for r in rows[head + 1 :]}
    assert len(kpis) == 10
    clean = kpis["Clean claim rate"]
    assert clean[1] == pytest.approx(1399 / 1493)
    assert clean[2] == pytest.approx(1377 / 1475)
    assert clean[4:8] == (1399, 1493, "rate", "HFMA MAP Key CL-1")
    npsr = kpis["Final denial write-offs (% of net revenue)"]
    assert npsr[4] == pytest.approx(4652.75) and npsr[8].startswith("Net revenue from payments")
    assert kpis["Days from denial to resolution"][1] == pytest.approx(3422 / 92)
    cell = ws.cell(row=head + 2, column=2)
    assert cell.number_format == "0.0%"


def test_coder_sheet_values_and_formats(wb: Any) -> None:
    ws = wb["By coder"]
    rows = _rows(ws)
    assert rows[0] == (
        "Coder", "Claims coded", "Claims w/ coding denial", "Coding-denial rate",
        "Caused by coder", "$ caused", "On their claims", "$ on their claims",
    )  # fmt: skip
    assert rows[1][:3] == ("A. Okafor", 512, 14)
    assert rows[1][3] == pytest.approx(14 / 512)
    assert Decimal(str(rows[2][5])) == Decimal("7315.90")
    assert ws["D2"].number_format == "0.0%"
    assert ws["F2"].number_format == '"$"#,##0.00'
    assert ws.freeze_panes == "A2"
    assert ws["D1"].comment is not None and "coder_coding" not in ws["D1"].comment.text
    assert "Claims coded by the coder" in ws["D1"].comment.text


def test_trend_sheet_has_a_row_per_month(wb: Any) -> None:
    rows = _rows(wb["KPI trend"])
    assert rows[0][:2] == ("Month", "Clean claim rate")
    assert rows[1][0] == "2025-10" and rows[-1][0] == "2026-09"
    assert rows[-1][1] == pytest.approx(1399 / 1493)


def test_work_queue_dates_and_blank_deadlines(wb: Any) -> None:
    rows = _rows(wb["Work queue"])
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["Appeal by"] == dt.datetime(2026, 10, 2)
    assert first["Days left"] == -3
    last = dict(zip(header, rows[-1], strict=True))
    assert last["Appeal by"] is None and last["Section"] == "write-off"


def test_root_causes_and_coverage(wb: Any) -> None:
    causes = {r[0]: r for r in _rows(wb["Root causes"])[1:]}
    assert list(causes) == [
        "documentation", "eligibility", "coding", "billing", "authorization", "payer-error",
        "unclassified",
    ]  # fmt: skip
    assert causes["coding"][1:] == (61, 44, 14410.75)
    coverage = [r[2] for r in _rows(wb["Coverage"])[1:]]
    assert coverage.count("fixture") == 1 and coverage.count("missing") == 2


def test_definitions_sheet_names_sources(wb: Any) -> None:
    rows = _rows(wb["Definitions"])
    sources = {r[0]: r[4] for r in rows[1:]}
    assert sources["Clean claim rate"] == "HFMA MAP Key CL-1"
    assert sources["Scrubber catch rate"] == "cleanclaim measure (not an HFMA MAP Key)"


def test_empty_month_still_has_every_sheet() -> None:
    wb = load_workbook(io.BytesIO(render_xlsx(empty_month())))
    assert wb.sheetnames == SHEETS
    assert _rows(wb["By coder"]) == [_rows(wb["By coder"])[0]]
