"""The report as an Excel workbook: a summary sheet, then one sheet per table.

Cells hold numbers, not text: dollars with a currency format, rates as fractions with a
percentage format, dates as dates. Each header cell carries its column definition as a
comment; the last sheet defines every KPI. The header is row 1 of every table sheet (frozen,
with a filter), so the sheets sort, filter and pivot as they are.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cleanclaim.analytics.kpi_definitions import Unit
from cleanclaim.analytics.report.model import Fmt, ReportData
from cleanclaim.analytics.report.tables import (
    XLSX_FORMATS,
    Cell,
    TableView,
    format_cell,
    report_tables,
)

SUMMARY_SHEET = "Summary"
HEADER_FILL = PatternFill("solid", fgColor="1F2A44")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14, color="1F2A44")
MUTED_FONT = Font(italic=True, color="5B6478")
XlValue = int | Decimal | str | dt.date | None
"""What a cell of ours holds (datetime is a date)."""
WRAP_COLUMNS = frozenset({"definition", "detail", "numerator", "denominator", "notes"})


def _number_format(value: Cell, fmt: Fmt) -> str:
    if fmt is Fmt.MONEY and isinstance(value, int):
        return XLSX_FORMATS[Fmt.INT]
    return XLSX_FORMATS[fmt]


def _header(ws: Worksheet, row: int, labels: list[tuple[str, str]]) -> None:
    for i, (label, definition) in enumerate(labels, start=1):
        cell = ws.cell(row=row, column=i, value=label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        if definition:
            cell.comment = Comment(definition, "cleanclaim", width=320, height=90)


def _widths(ws: Worksheet, texts: list[list[str]], wrap: set[int]) -> None:
    for i, column in enumerate(texts, start=1):
        longest = max((len(t) for t in column), default=8)
        width = min(max(longest + 2, 9), 60 if i in wrap else 44)
        ws.column_dimensions[get_column_letter(i)].width = width


def table_sheet(ws: Worksheet, table: TableView) -> None:
    """Write one table: header in row 1, typed cells below."""
    _header(ws, 1, [(c.label, c.definition) for c in table.columns])
    texts = [[c.label] for c in table.columns]
    wrap = {i for i, c in enumerate(table.columns, start=1) if c.key in WRAP_COLUMNS}
    for r, row in enumerate(table.rows, start=2):
        for i, (value, column) in enumerate(zip(row, table.columns, strict=True), start=1):
            cell = ws.cell(row=r, column=i, value=value)
            if value is not None and column.fmt is not Fmt.TEXT:
                cell.number_format = _number_format(value, column.fmt)
            if i in wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            texts[i - 1].append(format_cell(value, column.fmt))
    ws.freeze_panes = "A2"
    if table.rows:
        ws.auto_filter.ref = ws.dimensions
    _widths(ws, texts, wrap)


def summary_sheet(ws: Worksheet, report: ReportData) -> None:
    """Report identity, then the headline KPIs as numbers (value, prior, change, counts)."""
    ws["A1"] = "Monthly denial report"
    ws["A1"].font = TITLE_FONT
    meta: list[tuple[str, XlValue]] = [
        ("Practice", report.practice),
        ("Month", str(report.month)),
        ("Data through", report.data_through),
        ("Generated (UTC)", _utc(report.generated_at)),
        ("Synthetic data", "yes" if report.synthetic else "no"),
    ]
    for r, (label, value) in enumerate(meta, start=2):
        ws.cell(row=r, column=1, value=label).font = Font(bold=True)
        cell = ws.cell(row=r, column=2, value=value)
        if isinstance(value, dt.datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
    row = len(meta) + 2
    for note in report.notes:
        ws.cell(row=row, column=1, value=note).font = MUTED_FONT
        row += 1
    row += 1
    start = row
    labels = [
        ("KPI", "KPI name (definitions on the last sheet)"),
        ("This month", "Value in the report month"),
        ("Prior month", "Value in the month before"),
        ("Change", "This month minus prior month"),
        ("Numerator", "The KPI's numerator this month"),
        ("Denominator", "The KPI's denominator this month"),
        ("Unit", "rate (a fraction shown as %) or days (a mean)"),
        ("Source", "Whose definition the KPI follows"),
        ("Note", "How a figure was obtained, where it matters"),
    ]
    _header(ws, start, labels)
    for h in report.headline:
        row += 1
        d = h.definition
        value_fmt = XLSX_FORMATS[Fmt.RATE if d.unit is Unit.RATE else Fmt.DAYS]
        values: list[tuple[XlValue, str | None]] = [
            (d.name, None),
            (h.current.value, value_fmt),
            (h.prior.value if h.prior else None, value_fmt),
            (h.change, value_fmt),
            (h.current.numerator, _count_format(h.current.numerator)),
            (h.current.denominator, _count_format(h.current.denominator)),
            (d.unit.value, None),
            (d.source_label, None),
            (h.current.note or None, None),
        ]
        for i, (value, number_format) in enumerate(values, start=1):
            cell = ws.cell(row=row, column=i, value=value)
            if number_format and value is not None:
                cell.number_format = number_format
    for letter, width in zip("ABCDEFGHI", (40, 14, 14, 12, 14, 14, 8, 44, 50), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{start + 1}"


def _utc(moment: dt.datetime) -> dt.datetime:
    """Excel has no time zones: aware times are shown in UTC."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _count_format(value: Decimal | int) -> str:
    return XLSX_FORMATS[Fmt.MONEY if isinstance(value, Decimal) else Fmt.INT]


def sheet_names(report: ReportData) -> list[str]:
    """Sheet names in order: the summary, then one per table."""
    return [SUMMARY_SHEET, *(t.sheet for t in report_tables(report) if t.key != "headline")]


def render_xlsx(report: ReportData) -> bytes:
    """The workbook as bytes (.xlsx)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SUMMARY_SHEET
    summary_sheet(ws, report)
    for table in report_tables(report):
        if table.key == "headline":
            continue  # the summary sheet holds it, as numbers
        table_sheet(wb.create_sheet(table.sheet[:31]), table)
    wb.properties.title = f"Denial report {report.month} - {report.practice}"
    wb.properties.creator = "cleanclaim"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
