"""Colours, labels and the chart font shared by the charts and the PDF (one palette)."""

from __future__ import annotations

from cleanclaim.analytics.report.rows import RootCause

FONT = "Liberation Sans, Arial, Helvetica, DejaVu Sans, sans-serif"
WIDE = 860
"""Width in pixels of a full-width chart's plot area (fits the HTML page and a PDF page)."""
HALF = 380
INK = "#1f2a44"
MUTED = "#5b6478"
ACCENT = "#2f6db5"

CAUSE_LABELS: dict[RootCause, str] = {
    RootCause.DOCUMENTATION: "Documentation",
    RootCause.ELIGIBILITY: "Eligibility",
    RootCause.CODING: "Coding",
    RootCause.BILLING: "Billing",
    RootCause.AUTHORIZATION: "Authorization",
    RootCause.PAYER_ERROR: "Payer error",
    RootCause.UNCLASSIFIED: "Unclassified",
}
CAUSE_COLORS: dict[RootCause, str] = {
    RootCause.DOCUMENTATION: "#2f6db5",
    RootCause.ELIGIBILITY: "#3a9e8f",
    RootCause.CODING: "#e0873a",
    RootCause.BILLING: "#8a63b3",
    RootCause.AUTHORIZATION: "#c9526f",
    RootCause.PAYER_ERROR: "#6f7787",
    RootCause.UNCLASSIFIED: "#c3c8d2",
}
OUTCOMES = (
    ("fixed", "Fixed", "#3f9a63"),
    ("overridden", "Overridden", "#e2a23a"),
    ("led_to_denial", "Led to denial", "#c8553d"),
    ("pending", "Pending", "#b4bccb"),
)
LINE = "#e3e7ee"
GOOD = "#2e7d4f"
BAD = "#b3412f"


def rgb(color: str) -> tuple[int, int, int]:
    """``#1f2a44`` -> (31, 42, 68)."""
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
