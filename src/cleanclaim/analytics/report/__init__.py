"""The monthly denial report: one :class:`ReportData`, rendered to HTML, XLSX, PDF or JSON.

The KPI code builds a :class:`~cleanclaim.analytics.report.model.ReportData`; this package
renders it. Renderers are imported on use, so that building the data needs none of the
rendering libraries (openpyxl, fpdf2, vl-convert).
"""

from __future__ import annotations

from pathlib import Path

from cleanclaim.analytics.report.model import ReportData
from cleanclaim.errors import UsageError

FORMATS = ("html", "xlsx", "pdf", "json")
SUFFIXES = {"html": ".html", "xlsx": ".xlsx", "pdf": ".pdf", "json": ".json"}


def render(report: ReportData, fmt: str) -> bytes:
    """The report in ``fmt`` (one of :data:`FORMATS`) as bytes (text formats in UTF-8)."""
    if fmt == "html":
        from cleanclaim.analytics.report.html import render_html

        return render_html(report).encode("utf-8")
    if fmt == "xlsx":
        from cleanclaim.analytics.report.xlsx import render_xlsx

        return render_xlsx(report)
    if fmt == "pdf":
        from cleanclaim.analytics.report.pdf import render_pdf

        return render_pdf(report)
    if fmt == "json":
        from cleanclaim.analytics.report.jsonfmt import render_json

        return render_json(report).encode("utf-8")
    raise UsageError(f"unknown report format {fmt!r}; use one of: {', '.join(FORMATS)}")


def default_name(report: ReportData, fmt: str) -> str:
    """``denial-report-2026-09.html`` and so on."""
    if fmt not in SUFFIXES:
        raise UsageError(f"unknown report format {fmt!r}; use one of: {', '.join(FORMATS)}")
    return f"denial-report-{report.month}{SUFFIXES[fmt]}"


def write_report(report: ReportData, fmt: str, out: Path) -> Path:
    """Write the report; ``out`` is a file, or a directory that gets :func:`default_name`."""
    data = render(report, fmt)
    path = out / default_name(report, fmt) if out.is_dir() else out
    if not path.parent.is_dir():
        raise UsageError(f"{path.parent}: no such directory")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


__all__ = ["FORMATS", "ReportData", "default_name", "render", "write_report"]
