"""The report as a PDF (US Letter, portrait): the same sections, tables and charts as the HTML.

Charts are the same Vega-Lite specs as the HTML page, rendered to PNG offline by vl-convert
(no browser) and embedded at print resolution. Text uses the PDF core font (Helvetica), so
nothing depends on fonts installed on the machine; text is folded to Latin-1 for it.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, TableCellFillMode, XPos, YPos
from fpdf.fonts import FontFace

from cleanclaim.analytics.kpi_definitions import SourceKind, Unit
from cleanclaim.analytics.report import style
from cleanclaim.analytics.report.charts import ChartSpec, report_charts, to_png
from cleanclaim.analytics.report.model import HeadlineKpi, ReportData
from cleanclaim.analytics.report.style import rgb
from cleanclaim.analytics.report.tables import (
    Section,
    TableView,
    change_is_good,
    definitions_table,
    fmt_for,
    format_cell,
    format_change,
    report_sections,
)
from cleanclaim.codesets.model import Completeness

INK = rgb(style.INK)
MUTED = rgb(style.MUTED)
LINE = rgb(style.LINE)
ACCENT = rgb(style.ACCENT)
GOOD = rgb(style.GOOD)
BAD = rgb(style.BAD)
SOFT = (240, 243, 247)
ZEBRA = (249, 250, 252)
WARN_FILL = (255, 250, 240)
WARN_LINE = (230, 207, 154)
MARGIN = 14.0
CHART_SCALE = 2.0
"""PNG pixels per CSS pixel of the chart (print resolution)."""
MM_PER_PX = 0.2

_FOLD = str.maketrans({
    "\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u2026": "...", "\u2264": "<=", "\u2265": ">=", "\u00a0": " ",
})  # fmt: skip


def latin1(text: str) -> str:
    """Text the core fonts can show: typographic punctuation folded, the rest replaced."""
    return text.translate(_FOLD).encode("latin-1", "replace").decode("latin-1")


class ReportPDF(FPDF):
    """Letter pages with a running footer naming the report."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="letter")
        self.footer_text = latin1(footer_text)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=16)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font("helvetica", size=7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    @property
    def body_width(self) -> float:
        return float(self.w - self.l_margin - self.r_margin)

    def room(self) -> float:
        """Space left on the page above the bottom margin, in mm."""
        return float(self.h - self.b_margin - self.y)

    def need(self, height: float) -> None:
        """Start a new page unless ``height`` mm fit."""
        if self.room() < height:
            self.add_page()

    def text_line(
        self,
        text: str,
        size: float,
        *,
        bold: bool = False,
        color: tuple[int, int, int] = INK,
        height: float | None = None,
    ) -> None:
        """A paragraph across the body width."""
        self.set_font("helvetica", "B" if bold else "", size)
        self.set_text_color(*color)
        self.multi_cell(
            0, height or size * 0.5, latin1(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def line_count(self, width: float, text: str) -> int:
        """Lines ``text`` takes in a cell of ``width`` mm with the current font."""
        lines = self.multi_cell(width, 4, latin1(text), dry_run=True, output="LINES")
        return len(lines) if isinstance(lines, list) else 1


def _masthead(pdf: ReportPDF, report: ReportData) -> None:
    pdf.set_fill_color(*INK)
    pdf.rect(0, 0, pdf.w, 34, style="F")
    pdf.set_xy(MARGIN, 8)
    pdf.text_line("MONTHLY DENIAL REPORT", 8, color=(200, 207, 222))
    pdf.set_x(MARGIN)
    pdf.set_font("helvetica", "B", 17)
    pdf.set_text_color(255, 255, 255)
    title = latin1(report.practice)
    title_width = pdf.get_string_width(title)
    y = pdf.y
    pdf.cell(title_width + 4, 9, title)
    if report.synthetic:
        pdf.set_font("helvetica", "B", 7)
        pdf.set_fill_color(244, 201, 107)
        pdf.set_text_color(61, 44, 0)
        pdf.set_xy(MARGIN + title_width + 5, y + 2)
        pdf.cell(26, 5, "SYNTHETIC DATA", align="C", fill=True)
    pdf.set_xy(MARGIN, y + 10)
    generated = report.generated_at.strftime("%Y-%m-%d %H:%M %Z").strip()
    meta = (
        f"{report.month.label}  |  data through {report.data_through.isoformat()}  |  "
        f"generated {generated}"
    )
    pdf.text_line(meta, 9, color=(220, 226, 236))
    pdf.set_y(40)


def _tile(pdf: ReportPDF, h: HeadlineKpi, x: float, y: float, w: float, prior: str) -> None:
    d = h.definition
    f = fmt_for(d.unit)
    pdf.set_draw_color(*LINE)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, w, 25, style="DF")
    pdf.set_xy(x + 2, y + 1.5)
    pdf.set_font("helvetica", size=7)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(w - 4, 3.2, latin1(d.name), align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(x + 2, y + 9)
    pdf.set_font("helvetica", "B", 14)
    pdf.set_text_color(*INK)
    unit = " days" if d.unit is Unit.DAYS else ""
    pdf.cell(w - 4, 6, latin1(format_cell(h.current.value, f) + unit))
    pdf.set_xy(x + 2, y + 16)
    pdf.set_font("helvetica", size=6.5)
    pdf.set_text_color(*MUTED)
    before = format_cell(h.prior.value, f) if h.prior else "n/a"
    pdf.cell(w - 4, 3.5, latin1(f"{prior}: {before}"))
    good = change_is_good(h)
    pdf.set_xy(x + 2, y + 19.5)
    pdf.set_font("helvetica", "B", 6.5)
    pdf.set_text_color(*(MUTED if good is None else GOOD if good else BAD))
    src = d.reference if d.source is SourceKind.MAP_KEY else (
        "task force" if d.source is SourceKind.TASK_FORCE else "cleanclaim")  # fmt: skip
    pdf.cell(w - 4, 3.5, latin1(f"{format_change(h)}   "))
    pdf.set_xy(x + 2, y + 19.5)
    pdf.set_font("helvetica", size=6)
    pdf.set_text_color(*MUTED)
    pdf.cell(w - 4, 3.5, latin1(str(src)), align="R")


def _tiles(pdf: ReportPDF, report: ReportData) -> None:
    per_row = 5
    gap = 2.5
    w = (pdf.body_width - gap * (per_row - 1)) / per_row
    prior = report.month.shift(-1).short
    y = pdf.y
    for i, h in enumerate(report.headline):
        if i and i % per_row == 0:
            y += 27.5
        _tile(pdf, h, MARGIN + (i % per_row) * (w + gap), y, w, prior)
    pdf.set_y(y + 29)
    notes = [f"{h.definition.name}: {h.current.note}" for h in report.headline if h.current.note]
    for note in notes:
        pdf.text_line(note, 7, color=MUTED, height=3.6)


def _coverage_box(pdf: ReportPDF, report: ReportData) -> None:
    weak = [c for c in report.coverage if c.completeness is not Completeness.FULL]
    if not report.coverage:
        lines = ["Coverage unknown: treat every figure as provisional."]
    elif not weak:
        lines = [f"Coverage: all {len(report.coverage)} checks ran on full official data."]
    else:
        lines = [
            f"Read with care: {len(report.coverage) - len(weak)} of {len(report.coverage)} "
            "checks ran on full official data; these did not (section 9):"
        ]
        lines += [f"[{c.completeness.value}] {c.check} ({c.data}): {c.detail}" for c in weak]
    pdf.set_font("helvetica", size=7.5)
    height = sum(pdf.line_count(pdf.body_width - 6, t) for t in lines) * 3.6 + 5
    pdf.need(height + 2)
    y = pdf.y
    pdf.set_draw_color(*WARN_LINE)
    pdf.set_fill_color(*WARN_FILL)
    pdf.rect(MARGIN, y, pdf.body_width, height, style="DF")
    pdf.set_xy(MARGIN + 3, y + 2.5)
    for i, text in enumerate(lines):
        pdf.set_font("helvetica", "B" if i == 0 else "", 7.5)
        pdf.set_text_color(*((107, 75, 0) if i == 0 else INK))
        pdf.set_x(MARGIN + 3)
        pdf.multi_cell(pdf.body_width - 6, 3.6, latin1(text), align="L", new_x=XPos.LEFT,
                       new_y=YPos.NEXT)  # fmt: skip
    pdf.set_y(y + height + 4)


def _chart(pdf: ReportPDF, chart: ChartSpec) -> None:
    png = to_png(chart, scale=CHART_SCALE)
    px_w, px_h = struct.unpack(">II", png[16:24])  # the PNG IHDR chunk: width, height
    # 0.2 mm per CSS pixel: 11 px chart labels print at about 6 pt; wide charts shrink to fit.
    w = min(pdf.body_width, px_w / CHART_SCALE * MM_PER_PX)
    h = w * px_h / px_w
    pdf.need(h + 9)
    pdf.set_font("helvetica", "B", 9)
    pdf.set_text_color(*INK)
    pdf.cell(0, 5, latin1(chart.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.text_line(chart.description, 7.5, color=MUTED, height=3.6)
    pdf.image(io.BytesIO(png), x=MARGIN, w=w, h=h, title=chart.key, alt_text=chart.description)
    pdf.ln(3)


def _col_widths(pdf: ReportPDF, table: TableView, width: float, size: float) -> list[float]:
    """Each column at least as wide as its longest word; the rest shared by text length."""
    pad = 2.8
    pdf.set_font("helvetica", "B", size)
    mins: list[float] = []
    wants: list[float] = []
    for i, c in enumerate(table.columns):
        texts = [latin1(c.label)] + [latin1(format_cell(r[i], c.fmt)) for r in table.rows]
        words = [w for t in texts for w in t.split()] or [""]
        mins.append(max(pdf.get_string_width(w) for w in words) + pad)
        wants.append(max(pdf.get_string_width(t) for t in texts[1:] or texts[:1]) + pad)
    wants = [max(w, m) for w, m in zip(wants, mins, strict=True)]
    if sum(wants) <= width:
        return [w * width / sum(wants) for w in wants]
    spare = max(width - sum(mins), 0.0)
    extra = [w - m for w, m in zip(wants, mins, strict=True)]
    total = sum(extra) or 1.0
    widths = [m + spare * e / total for m, e in zip(mins, extra, strict=True)]
    return [w * width / sum(widths) for w in widths]


def _table_height(pdf: ReportPDF, table: TableView, widths: list[float], size: float) -> float:
    """Rough height of a table (mm), to keep short tables on one page."""
    line = size * 0.52
    total = 0.0
    for row in ((c.label for c in table.columns), *table.rows):
        lines = 1
        for value, c, w in zip(row, table.columns, widths, strict=True):
            text = value if isinstance(value, str) else format_cell(value, c.fmt)
            chars = max(int((w - 2.4) / (size * 0.19)), 1)
            lines = max(lines, -(-len(text) // chars))
        total += lines * line + 1.8
    return total


def _table(pdf: ReportPDF, table: TableView, *, size: float = 7.0, title: bool = True) -> None:
    widths = _col_widths(pdf, table, pdf.body_width, size)
    pdf.need(min(_table_height(pdf, table, widths, size) + 8, 110))
    if title:
        pdf.set_font("helvetica", "B", 9)
        pdf.set_text_color(*INK)
        pdf.cell(0, 6, latin1(table.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if not table.rows:
        pdf.text_line("No data this month.", 7.5, color=MUTED)
        pdf.ln(2)
        return
    pdf.set_font("helvetica", size=size)
    pdf.set_text_color(*INK)
    align = ["RIGHT" if c.numeric else "LEFT" for c in table.columns]
    heading = FontFace(emphasis="BOLD", color=MUTED, fill_color=SOFT, size_pt=size)
    pdf.set_fill_color(*ZEBRA)
    pdf.set_draw_color(*LINE)
    with pdf.table(
        col_widths=widths, width=pdf.body_width,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES, headings_style=heading,
        cell_fill_color=ZEBRA, cell_fill_mode=TableCellFillMode.ROWS,
        line_height=size * 0.52, padding=(0.9, 1.2), align="LEFT", v_align="TOP",
    ) as t:  # fmt: skip
        head = t.row()
        for c, a in zip(table.columns, align, strict=True):
            head.cell(latin1(c.label), align=a)
        for row in table.rows:
            r = t.row()
            for value, c, a in zip(row, table.columns, align, strict=True):
                r.cell(latin1(format_cell(value, c.fmt)), align=a)
    pdf.ln(3)


def _section(pdf: ReportPDF, section: Section, report: ReportData,
             charts: dict[str, ChartSpec]) -> None:  # fmt: skip
    if section.number > 1:
        pdf.need(60)
    pdf.set_fill_color(*ACCENT)
    y = pdf.y
    pdf.ellipse(MARGIN, y + 0.5, 6, 6, style="F")
    pdf.set_xy(MARGIN, y + 0.5)
    pdf.set_font("helvetica", "B", 8.5)
    pdf.set_text_color(255, 255, 255)
    pdf.cell(6, 6, str(section.number), align="C")
    pdf.set_xy(MARGIN + 8, y)
    pdf.set_font("helvetica", "B", 13)
    pdf.set_text_color(*INK)
    pdf.cell(0, 7, latin1(section.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.text_line(section.lead, 8, color=MUTED, height=4)
    pdf.ln(2)
    if section.key == "headline":
        _tiles(pdf, report)
        _coverage_box(pdf, report)
    for key in section.charts:
        chart = charts.get(key)
        if chart is None:
            pdf.text_line("No data this month.", 7.5, color=MUTED)
        else:
            _chart(pdf, chart)
    for table in section.tables:
        _table(pdf, table, size=6.5 if len(table.columns) > 8 else 7.0)
    pdf.ln(3)


def render_pdf(report: ReportData, *, sections: Sequence[Section] | None = None) -> bytes:
    """The report as PDF bytes."""
    charts = report_charts(report)
    footer = f"cleanclaim  |  {report.practice}  |  denial report {report.month.label}"
    pdf = ReportPDF(footer)
    pdf.set_title(latin1(f"Denial report {report.month} - {report.practice}"))
    pdf.set_author("cleanclaim")
    pdf.set_creator("cleanclaim")
    pdf.set_creation_date(report.generated_at)
    pdf.add_page()
    _masthead(pdf, report)
    for section in sections if sections is not None else report_sections(report):
        _section(pdf, section, report, charts)
    pdf.add_page()
    defs = definitions_table(report)
    pdf.set_font("helvetica", "B", 13)
    pdf.set_text_color(*INK)
    pdf.cell(0, 7, "KPI definitions", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.text_line(defs.intro, 8, color=MUTED, height=4)
    pdf.ln(1)
    _table(pdf, defs, size=6.5, title=False)
    for note in report.notes:
        pdf.text_line(note, 7.5, color=MUTED, height=4)
    return bytes(pdf.output())
