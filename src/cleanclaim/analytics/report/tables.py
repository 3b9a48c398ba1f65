"""The report's tables, flattened once for every format: columns with definitions, typed cells.

HTML, XLSX and PDF all render :func:`report_tables`, so a table, a column or a definition
added here appears in every format. Cells keep their types (``int``, ``Decimal``, ``date``,
``str`` or ``None``); :func:`format_cell` gives the text that HTML and PDF show, and the
XLSX writer uses :data:`XLSX_FORMATS` so that spreadsheets hold numbers, not text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import Enum

from cleanclaim.analytics.kpi_definitions import HEADLINE_ORDER, KPIS, KpiDefinition, Unit
from cleanclaim.analytics.report.base import NUMERIC_FMTS
from cleanclaim.analytics.report.model import (
    CodeRow,
    CoderRow,
    CoverageRow,
    FindingOutcomeRow,
    Fmt,
    HeadlineKpi,
    Month,
    PartyRow,
    PayerRow,
    ProviderHygieneRow,
    QueueRow,
    ReportData,
    RootCauseRow,
    Row,
    TrainingTarget,
)

Cell = int | Decimal | str | dt.date | None

XLSX_FORMATS: dict[Fmt, str] = {
    Fmt.INT: "#,##0",
    Fmt.MONEY: '"$"#,##0.00',
    Fmt.RATE: "0.0%",
    Fmt.DAYS: "0.0",
    Fmt.DATE: "yyyy-mm-dd",
    Fmt.TEXT: "@",
}


@dataclass(frozen=True)
class Column:
    """One column: key, label, format and definition."""

    key: str
    label: str
    fmt: Fmt
    definition: str
    right: bool = False
    """Right-align although the values are text (preformatted figures)."""

    @property
    def numeric(self) -> bool:
        """Right-aligned: a number, or figures preformatted as text."""
        return self.right or self.fmt in NUMERIC_FMTS


@dataclass(frozen=True)
class TableView:
    """One table of the report; the XLSX writer makes one sheet of each."""

    key: str
    title: str
    sheet: str
    """Worksheet name (at most 31 characters)."""
    intro: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def column(self, key: str) -> int:
        """Index of the column ``key``."""
        for i, c in enumerate(self.columns):
            if c.key == key:
                return i
        raise KeyError(key)


def fmt_for(unit: Unit) -> Fmt:
    return Fmt.RATE if unit is Unit.RATE else Fmt.DAYS


def format_cell(value: Cell, fmt: Fmt) -> str:
    """The text of a cell as HTML and PDF show it (empty for ``None``)."""
    if value is None:
        return "\u2013" if fmt in (Fmt.RATE, Fmt.DAYS) else ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if fmt is Fmt.MONEY:
        sign = "-" if value < 0 else ""
        return f"{sign}${abs(Decimal(value)):,.2f}"
    if fmt is Fmt.RATE:
        return f"{Decimal(value) * 100:.1f}%"
    if fmt is Fmt.DAYS:
        return f"{Decimal(value):.1f}"
    return f"{value:,}"


def format_change(h: HeadlineKpi) -> str:
    """``+1.2 pts`` for rates, ``-3.0 days`` for days; empty when there is no prior."""
    change = h.change
    if change is None:
        return ""
    if h.definition.unit is Unit.RATE:
        return f"{change * 100:+.1f} pts"
    return f"{change:+.1f} days"


def change_is_good(h: HeadlineKpi) -> bool | None:
    """Whether the change since the prior month is an improvement (``None``: no change)."""
    change = h.change
    if change is None or change == 0:
        return None
    return (change > 0) == h.definition.higher_is_better


def row_columns(cls: type[Row]) -> tuple[Column, ...]:
    """The columns of a row class: its fields, with each derived rate after its field."""
    out: list[Column] = []
    for f in fields(cls):  # type: ignore[arg-type]
        out.append(Column(f.name, f.metadata["label"], f.metadata["fmt"], f.metadata["definition"]))
        for d in cls.DERIVED:
            if d.after == f.name:
                k = KPIS[d.kpi]
                text = f"{k.numerator} / {k.denominator} ({k.source_label})"
                out.append(Column(d.key, d.label, Fmt.RATE, text))
    return tuple(out)


def row_cells(row: Row) -> tuple[Cell, ...]:
    """The cells of one row, in :func:`row_columns` order."""
    out: list[Cell] = []
    for f in fields(row):  # type: ignore[arg-type]
        value = getattr(row, f.name)
        out.append(value.value if isinstance(value, Enum) else value)
        for d in row.DERIVED:
            if d.after == f.name:
                out.append(row.rate(d))
    return tuple(out)


def rows_table(
    key: str, title: str, sheet: str, intro: str, cls: type[Row], rows: Sequence[Row]
) -> TableView:
    """A table of one row class."""
    return TableView(key, title, sheet, intro, row_columns(cls), tuple(row_cells(r) for r in rows))


def count_text(value: Decimal | int) -> str:
    """A KPI count as text: dollars for Decimal, a plain count for int."""
    return format_cell(value, Fmt.MONEY if isinstance(value, Decimal) else Fmt.INT)


def headline_table(report: ReportData) -> TableView:
    """Headline KPIs as text: this month, prior month, change, counts and source."""
    columns = (
        Column("kpi", "KPI", Fmt.TEXT, "KPI name (see the definitions)"),
        Column("current", report.month.short, Fmt.TEXT, "Value in the report month", True),
        Column("prior", report.month.shift(-1).short, Fmt.TEXT, "Value in the month before", True),
        Column("change", "Change", Fmt.TEXT, "Report month minus the month before", True),
        Column("numerator", "Numerator", Fmt.TEXT, "The KPI's numerator this month", True),
        Column("denominator", "Denominator", Fmt.TEXT, "The KPI's denominator this month", True),
        Column("source", "Source", Fmt.TEXT, "Whose definition the KPI follows"),
    )
    rows: list[tuple[Cell, ...]] = []
    for h in report.headline:
        d = h.definition
        f = fmt_for(d.unit)
        prior = format_cell(h.prior.value, f) if h.prior else ""
        rows.append(
            (d.name, format_cell(h.current.value, f), prior, format_change(h),
             count_text(h.current.numerator), count_text(h.current.denominator), d.source_label)
        )  # fmt: skip
    return TableView(
        "headline", "Headline KPIs", "Headline KPIs",
        "Each KPI for the report month and the month before, with its counts.",
        columns, tuple(rows),
    )  # fmt: skip


def trend_table(report: ReportData) -> TableView:
    """One row per month, one column per headline KPI (values as numbers; for XLSX)."""
    months: tuple[Month, ...] = report.months
    columns = [Column("month", "Month", Fmt.TEXT, "Calendar month (YYYY-MM)")]
    by_key: dict[str, dict[Month, Decimal | None]] = {}
    for h in report.headline:
        d = h.definition
        columns.append(Column(h.key, d.name, fmt_for(d.unit), d.summary))
        by_key[h.key] = {p.month: p.value.value for p in h.trend}
    rows = tuple((str(m), *(by_key[h.key].get(m) for h in report.headline)) for m in months)
    return TableView(
        "trend", "12-month trend", "KPI trend",
        "Headline KPIs month by month (blank: no data for that month).", tuple(columns), rows,
    )  # fmt: skip


def trend_matrix(report: ReportData) -> TableView:
    """One row per headline KPI, one column per month (text; for HTML and PDF)."""
    months: tuple[Month, ...] = report.months
    columns = [Column("kpi", "KPI", Fmt.TEXT, "KPI name")]
    columns += [
        Column(str(m), m.short.replace(" 20", " \u2019"), Fmt.TEXT, f"Value in {m.label}", True)
        for m in months
    ]
    rows: list[tuple[Cell, ...]] = []
    for h in report.headline:
        f = fmt_for(h.definition.unit)
        values = {p.month: p.value.value for p in h.trend}
        rows.append((h.definition.name, *(format_cell(values.get(m), f) for m in months)))
    return TableView(
        "trend", "12-month trend", "KPI trend",
        "Each headline KPI month by month.", tuple(columns), tuple(rows),
    )  # fmt: skip


def definitions_table(report: ReportData) -> TableView:
    """Every KPI the report uses, with numerator, denominator and source."""
    used: list[KpiDefinition] = [KPIS[k] for k in HEADLINE_ORDER]
    for h in report.headline:
        if h.definition not in used:
            used.append(h.definition)
    for cls in (CoderRow, PayerRow, ProviderHygieneRow):
        for d in cls.DERIVED:
            if KPIS[d.kpi] not in used:
                used.append(KPIS[d.kpi])
    columns = (
        Column("name", "KPI", Fmt.TEXT, "KPI name"),
        Column("numerator", "Numerator", Fmt.TEXT, "What is counted"),
        Column("denominator", "Denominator", Fmt.TEXT, "Over what"),
        Column("unit", "Unit", Fmt.TEXT, "rate (shown as %) or days (mean)"),
        Column("source", "Source", Fmt.TEXT, "Whose definition"),
        Column("notes", "Notes", Fmt.TEXT, "Caveats"),
    )
    rows = tuple(
        (d.name, d.numerator, d.denominator, d.unit.value, d.source_label, d.notes) for d in used
    )
    return TableView(
        "definitions", "KPI definitions", "Definitions",
        "HFMA MAP Keys carry their key id; task force metrics and cleanclaim's own measures "
        "are named as such.", columns, rows,
    )  # fmt: skip


@dataclass(frozen=True)
class Section:
    """A numbered section of the report: its charts (by key) and tables."""

    key: str
    number: int
    title: str
    lead: str
    charts: tuple[str, ...]
    tables: tuple[TableView, ...]


def report_sections(report: ReportData) -> tuple[Section, ...]:
    """The report's nine sections, in reading order (all formats follow it)."""
    r = report
    rc = r.root_causes
    return (
        Section("headline", 1, "Headline KPIs",
                "This month against last month, and the last 12 months.",
                ("kpi-trend",), (headline_table(r), trend_matrix(r))),
        Section("root-causes", 2, "Where denials come from",
                "Root causes by count and by dollars. Payer errors are the payer's mistakes, "
                "shown apart from the five causes the practice can fix.",
                ("root-causes",),
                (rows_table("root_causes", "Root causes", "Root causes",
                            "Practice causes, then payer errors and unclassified denials.",
                            RootCauseRow, rc.all_rows),)),
        Section("breakdowns", 3, "Who and where",
                "'Caused by' counts the denials a person's own step caused; 'on their claims' "
                "counts every denial on claims they touched.",
                ("coders", "payers"),
                (rows_table("coders", "By coder", "By coder",
                            "Caused by the coder, apart from denials on the coder's claims.",
                            CoderRow, r.coders),
                 rows_table("billers", "By biller", "By biller",
                            "Billing denials caused, and all denials on claims billed.",
                            PartyRow, r.billers),
                 rows_table("registrars", "By registrar", "By registrar",
                            "Eligibility and registration denials caused at the front desk.",
                            PartyRow, r.registrars),
                 rows_table("providers", "By provider", "By provider",
                            "Documentation denials caused, and all denials on their claims.",
                            PartyRow, r.providers),
                 rows_table("payers", "By payer", "By payer",
                            "Denials by payer, with the payer's own errors.",
                            PayerRow, r.payers))),
        Section("codes", 4, "Top denial codes",
                "The adjustment reason codes (CARC) and remark codes (RARC) that cost the most. "
                "Meanings are cleanclaim's own summaries, not the official code texts.",
                ("top-codes",),
                (rows_table("top_carcs", "Top CARCs", "Top CARC", "By denied dollars.",
                            CodeRow, r.top_carcs),
                 rows_table("top_rarcs", "Top RARCs", "Top RARC", "By denied dollars.",
                            CodeRow, r.top_rarcs))),
        Section("scrub", 5, "Scrub findings and what became of them",
                "Every finding was fixed, overridden, led to a denial, or is still pending.",
                ("scrub-outcomes",),
                (rows_table("scrub_findings", "Scrub findings by category", "Scrub findings",
                            "Outcomes add up to the findings.", FindingOutcomeRow,
                            r.scrub_findings),)),
        Section("training", 6, "Training targets",
                "Per coder, the topics behind the coding denials they caused.", (),
                (rows_table("training", "Training targets per coder", "Training targets",
                            "Largest denied dollars first.", TrainingTarget, r.training),)),
        Section("hygiene", 7, "Specificity and HCC hygiene",
                "Unspecified diagnoses and HCC recapture by rendering provider.",
                ("provider-hygiene",),
                (rows_table("provider_hygiene", "Specificity and HCC hygiene by provider",
                            "Provider hygiene", "Derived rates are computed from the counts.",
                            ProviderHygieneRow, r.provider_hygiene),)),
        Section("queue", 8, "Open work queue",
                "Open denials by appeal deadline, then dollars. Negative days are overdue.", (),
                (rows_table("work_queue", "Open work queue", "Work queue",
                            "One row per denied 835 claim.", QueueRow, r.work_queue),)),
        Section("coverage", 9, "Data coverage",
                "Which checks ran on full official data, and which on fixture or partial "
                "data. A number from a fixture-backed check is a lower bound at best.", (),
                (rows_table("coverage", "Coverage", "Coverage",
                            "Read this before trusting a figure.", CoverageRow, r.coverage),)),
    )  # fmt: skip


def report_tables(report: ReportData) -> tuple[TableView, ...]:
    """Every table in sheet order, ending with the KPI definitions (the trend by month rows)."""
    tables = [t for s in report_sections(report) for t in s.tables]
    tables = [trend_table(report) if t.key == "trend" else t for t in tables]
    return (*tables, definitions_table(report))
