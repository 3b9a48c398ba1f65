"""The report's charts as Vega-Lite specifications, one source for the browser and for images.

A chart is a plain Vega-Lite JSON spec built from the :class:`ReportData`. The HTML page
embeds the specs and renders them with Vega in the browser (tooltips, hover, export), from a
JavaScript bundle inlined into the page; the PDF embeds PNGs that ``vl-convert`` renders
from the *same* specs offline, with no browser. See docs/report.md for why.

Charts with no data are left out; the formats then print "no data this month".
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cleanclaim.analytics.kpi_definitions import Unit
from cleanclaim.analytics.report.model import PRACTICE_CAUSES, Fmt, ReportData, RootCause
from cleanclaim.analytics.report.style import (
    ACCENT,
    CAUSE_COLORS,
    CAUSE_LABELS,
    FONT,
    HALF,
    INK,
    MUTED,
    OUTCOMES,
    WIDE,
)
from cleanclaim.analytics.report.tables import count_text, fmt_for, format_cell

Spec = dict[str, Any]

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
"""The ``$schema`` id only; nothing is fetched."""

CONFIG: Spec = {
    "font": FONT,
    "background": "white",
    "padding": 8,
    "view": {"stroke": None},
    "title": {"anchor": "start", "color": INK, "fontSize": 13, "fontWeight": 600, "offset": 8},
    "axis": {
        "labelColor": MUTED, "titleColor": MUTED, "labelFontSize": 11, "titleFontSize": 11,
        "titleFontWeight": "normal", "gridColor": "#e8ebf1", "domainColor": "#aab1bf",
        "tickColor": "#aab1bf",
    },
    "legend": {"labelColor": MUTED, "titleColor": MUTED, "labelFontSize": 11,
               "titleFontSize": 11, "orient": "bottom", "symbolType": "square"},
    "axisQuantitative": {"tickCount": 6},
    "bar": {"cornerRadiusEnd": 2},
    "concat": {"spacing": 28},
}  # fmt: skip


@dataclass(frozen=True)
class ChartSpec:
    """One chart: key (the HTML element id), title, a sentence for readers, and its spec."""

    key: str
    title: str
    description: str
    spec: Spec


def _num(value: Decimal | int | None) -> float | None:
    """JSON number for the chart data (charts draw; tables hold the exact values)."""
    return None if value is None else float(value)


def _base(description: str, data: Sequence[Spec]) -> Spec:
    return {"$schema": SCHEMA, "description": description, "config": CONFIG,
            "data": {"values": list(data)}}  # fmt: skip


def kpi_trend(report: ReportData) -> ChartSpec | None:
    """Small multiples: each headline KPI over the trend months, report month highlighted."""
    panels: list[Spec] = []
    data: list[Spec] = []
    for h in report.headline:
        if all(p.value.value is None for p in h.trend):
            continue  # nothing to draw: a panel of no points has no scale
        d = h.definition
        f = fmt_for(d.unit)
        for p in h.trend:
            data.append({
                "kpi": d.name, "month": str(p.month), "label": p.month.short,
                "value": _num(p.value.value), "shown": format_cell(p.value.value, f),
                "numerator": count_text(p.value.numerator),
                "denominator": count_text(p.value.denominator),
                "current": p.month == report.month,
            })  # fmt: skip
        months = [p.month.short for p in h.trend]
        axis_format = ".1~%" if d.unit is Unit.RATE else ".0f"
        x = {"field": "label", "type": "ordinal", "sort": months, "title": None,
             "axis": {"values": months[::3] if len(months) > 4 else months,
                      "labelAngle": 0, "labelFontSize": 9}}  # fmt: skip
        y = {"field": "value", "type": "quantitative", "title": None,
             "scale": {"zero": False, "nice": True},
             "axis": {"format": axis_format, "tickCount": 4, "minExtent": 40}}  # fmt: skip
        tooltip = [
            {"field": "kpi", "title": "KPI"}, {"field": "label", "title": "Month"},
            {"field": "shown", "title": "Value"}, {"field": "numerator", "title": "Numerator"},
            {"field": "denominator", "title": "Denominator"},
        ]  # fmt: skip
        panels.append({
            "title": {"text": d.name, "fontSize": 11},
            "width": 190, "height": 80,
            "transform": [{"filter": {"field": "kpi", "equal": d.name}}],
            "encoding": {"x": x, "y": y},
            "layer": [
                {"mark": {"type": "line", "color": ACCENT, "strokeWidth": 2,
                          "interpolate": "linear"}},
                {"mark": {"type": "point", "filled": True, "size": 36},
                 "encoding": {
                     "color": {"condition": {"test": "datum.current", "value": INK},
                               "value": ACCENT},
                     "size": {"condition": {"test": "datum.current", "value": 80}, "value": 30},
                     "tooltip": tooltip}},
            ],
        })  # fmt: skip
    if not panels:
        return None
    spec = _base("Headline KPIs over the last 12 months", data)
    spec.update({"concat": panels, "columns": 4, "spacing": 24})
    return ChartSpec("kpi-trend", "12-month trend", "Each KPI month by month; the dark "
                     "point is the report month.", spec)  # fmt: skip


def _bar_panel(
    title: str, field: str, shown: str, fmt: str, order: list[str], colors: list[str]
) -> Spec:
    return {
        "title": title, "width": HALF, "height": {"step": 26},
        "encoding": {
            "y": {"field": "cause", "type": "nominal", "sort": order, "title": None,
                  "axis": {"labelFontSize": 12, "labelColor": INK}},
            "x": {"field": field, "type": "quantitative", "title": None,
                  "axis": {"format": fmt, "tickCount": 4}},
        },
        "layer": [
            {"mark": {"type": "bar", "height": {"band": 0.72}},
             "encoding": {
                 "color": {"field": "cause", "type": "nominal", "legend": None,
                           "scale": {"domain": order, "range": colors}},
                 "opacity": {"condition": {"param": "pick", "value": 1}, "value": 0.35},
                 "tooltip": [{"field": "cause", "title": "Root cause"},
                             {"field": "denials_text", "title": "Denials"},
                             {"field": "dollars_text", "title": "Denied $"},
                             {"field": "share_text", "title": "Share of denials"}]},
             "params": [{"name": "pick", "select": {"type": "point", "fields": ["cause"],
                                                    "on": "pointerover", "clear": "pointerout"}}]},
            {"mark": {"type": "text", "align": "left", "dx": 4, "color": MUTED, "fontSize": 11},
             "encoding": {"text": {"field": shown}}},
        ],
    }  # fmt: skip


def root_causes(report: ReportData) -> ChartSpec | None:
    """Root causes by count and by dollars; payer errors and unclassified last, in grey."""
    rows = report.root_causes.all_rows
    total = sum(r.denials for r in rows)
    if not total:
        return None
    order = [CAUSE_LABELS[c] for c in (*PRACTICE_CAUSES, RootCause.PAYER_ERROR,
                                       RootCause.UNCLASSIFIED)]  # fmt: skip
    data = [
        {"cause": CAUSE_LABELS[r.cause], "denials": r.denials, "dollars": _num(r.dollars),
         "denials_text": format_cell(r.denials, Fmt.INT),
         "dollars_text": format_cell(r.dollars, Fmt.MONEY),
         "share_text": format_cell(Decimal(r.denials) / total, Fmt.RATE)}
        for r in rows
    ]  # fmt: skip
    colors = [CAUSE_COLORS[c] for c in (*PRACTICE_CAUSES, RootCause.PAYER_ERROR,
                                        RootCause.UNCLASSIFIED)]  # fmt: skip
    left = _bar_panel("Denials (count)", "denials", "denials_text", ",d", order, colors)
    right = _bar_panel("Denied dollars", "dollars", "dollars_text", "$,.0f", order, colors)
    right["encoding"]["y"]["axis"] = None
    right["layer"][0]["params"] = [
        {
            "name": "pick2",
            "select": {
                "type": "point",
                "fields": ["cause"],
                "on": "pointerover",
                "clear": "pointerout",
            },
        }
    ]
    right["layer"][0]["encoding"]["opacity"]["condition"]["param"] = "pick2"
    spec = _base("Denials by root cause, by count and by dollars", data)
    spec["hconcat"] = [left, right]
    return ChartSpec("root-causes", "Root causes", "The five causes the practice can fix, "
                     "then payer errors and unclassified denials (grey).", spec)  # fmt: skip


def coders(report: ReportData) -> ChartSpec | None:
    """Per coder: denials they caused next to denials on their claims."""
    if not report.coders:
        return None
    data: list[Spec] = []
    for r in report.coders:
        for measure, n, dollars in (("Caused by the coder", r.denials_caused, r.dollars_caused),
                                    ("On their claims", r.denials_on_claims,
                                     r.dollars_on_claims)):  # fmt: skip
            data.append({"coder": r.coder, "measure": measure, "denials": n,
                         "dollars_text": format_cell(dollars, Fmt.MONEY)})  # fmt: skip
    spec = _base("Denials caused by each coder and denials on their claims", data)
    spec.update({
        "width": WIDE, "height": {"step": 18},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "coder", "type": "nominal", "title": None,
                  "axis": {"labelFontSize": 12, "labelColor": INK}},
            "yOffset": {"field": "measure", "sort": ["Caused by the coder", "On their claims"]},
            "x": {"field": "denials", "type": "quantitative", "title": "Denials"},
            "color": {"field": "measure", "title": None,
                      "scale": {"domain": ["Caused by the coder", "On their claims"],
                                "range": ["#e0873a", "#b9c3d3"]}},
            "tooltip": [{"field": "coder", "title": "Coder"}, {"field": "measure"},
                        {"field": "denials", "title": "Denials"},
                        {"field": "dollars_text", "title": "Denied $"}],
        },
    })  # fmt: skip
    return ChartSpec("coders", "By coder", "Orange: coding denials the coder caused. Grey: "
                     "all denials on the coder's claims, whatever the cause.", spec)  # fmt: skip


def payers(report: ReportData) -> ChartSpec | None:
    """Denied dollars by payer, split into payer errors and the rest."""
    if not report.payers:
        return None
    data: list[Spec] = []
    for r in report.payers:
        rate = Decimal(r.denied_claims) / r.claims if r.claims else None
        for part, dollars in (("Practice-side denials", r.dollars - r.payer_error_dollars),
                              ("Payer errors", r.payer_error_dollars)):  # fmt: skip
            data.append({"payer": r.payer, "part": part, "dollars": _num(dollars),
                         "dollars_text": format_cell(dollars, Fmt.MONEY),
                         "rate_text": format_cell(rate, Fmt.RATE)})  # fmt: skip
    spec = _base("Denied dollars by payer, with payer errors apart", data)
    spec.update({
        "width": WIDE, "height": {"step": 26},
        "mark": {"type": "bar", "height": {"band": 0.7}},
        "encoding": {
            "y": {"field": "payer", "type": "nominal", "title": None, "sort": "-x",
                  "axis": {"labelFontSize": 12, "labelColor": INK, "labelLimit": 240}},
            "x": {"field": "dollars", "type": "quantitative", "title": "Denied dollars",
                  "stack": True, "axis": {"format": "$,.0f"}},
            "color": {"field": "part", "title": None,
                      "scale": {"domain": ["Practice-side denials", "Payer errors"],
                                "range": [ACCENT, CAUSE_COLORS[RootCause.PAYER_ERROR]]}},
            "order": {"field": "part", "sort": "descending"},
            "tooltip": [{"field": "payer", "title": "Payer"}, {"field": "part"},
                        {"field": "dollars_text", "title": "Denied $"},
                        {"field": "rate_text", "title": "Payer denial rate"}],
        },
    })  # fmt: skip
    return ChartSpec("payers", "By payer", "Denied dollars per payer; grey is the part "
                     "that was the payer's own error.", spec)  # fmt: skip


def top_codes(report: ReportData) -> ChartSpec | None:
    """Top CARCs by denied dollars, coloured by their usual root cause."""
    if not report.top_carcs:
        return None
    known = {c.value: c for c in RootCause}
    data = [
        {"code": r.code, "summary": r.summary, "dollars": _num(r.dollars),
         "cause": CAUSE_LABELS[known[r.root_cause]] if r.root_cause in known else r.root_cause,
         "dollars_text": format_cell(r.dollars, Fmt.MONEY), "denials": r.denials}
        for r in report.top_carcs
    ]  # fmt: skip
    order = [r.code for r in sorted(report.top_carcs, key=lambda r: -r.dollars)]
    spec = _base("Top adjustment reason codes by denied dollars", data)
    spec.update({
        "width": WIDE, "height": {"step": 24},
        "layer": [
            {"mark": {"type": "bar", "height": {"band": 0.72}}},
            {"mark": {"type": "text", "align": "left", "dx": 4, "color": MUTED},
             "encoding": {"text": {"field": "dollars_text"}, "color": {"value": MUTED}}},
        ],
        "encoding": {
            "y": {"field": "code", "type": "nominal", "sort": order, "title": None,
                  "axis": {"labelFontSize": 12, "labelColor": INK}},
            "x": {"field": "dollars", "type": "quantitative", "title": "Denied dollars",
                  "axis": {"format": "$,.0f"}},
            "color": {"field": "cause", "title": "Usual root cause",
                      "scale": {"domain": [CAUSE_LABELS[c] for c in RootCause],
                                "range": [CAUSE_COLORS[c] for c in RootCause]}},
            "tooltip": [{"field": "code", "title": "Code"},
                        {"field": "summary", "title": "Meaning"},
                        {"field": "denials", "title": "Denials"},
                        {"field": "dollars_text", "title": "Denied $"},
                        {"field": "cause", "title": "Usual root cause"}],
        },
    })  # fmt: skip
    return ChartSpec("top-codes", "Top CARCs", "Denied dollars by group and reason code.", spec)


def scrub_outcomes(report: ReportData) -> ChartSpec | None:
    """Scrub findings by category, stacked by outcome."""
    if not report.scrub_findings:
        return None
    order = [r.category for r in sorted(report.scrub_findings, key=lambda r: -r.findings)]
    data = [
        {"category": r.category, "outcome": label, "count": getattr(r, attr),
         "findings": r.findings, "rank": i}
        for r in report.scrub_findings
        for i, (attr, label, _) in enumerate(OUTCOMES)
    ]  # fmt: skip
    spec = _base("Scrub findings by category and outcome", data)
    spec.update({
        "width": WIDE, "height": {"step": 22},
        "mark": {"type": "bar", "height": {"band": 0.72}, "cornerRadiusEnd": 0},
        "encoding": {
            "y": {"field": "category", "type": "nominal", "sort": order, "title": None,
                  "axis": {"labelFontSize": 12, "labelColor": INK}},
            "x": {"field": "count", "type": "quantitative", "title": "Findings",
                  "stack": True},
            "color": {"field": "outcome", "title": None,
                      "scale": {"domain": [o[1] for o in OUTCOMES],
                                "range": [o[2] for o in OUTCOMES]}},
            "order": {"field": "rank"},
            "tooltip": [{"field": "category", "title": "Category"},
                        {"field": "outcome", "title": "Outcome"},
                        {"field": "count", "title": "Count"},
                        {"field": "findings", "title": "All findings"}],
        },
    })  # fmt: skip
    return ChartSpec(
        "scrub-outcomes",
        "Scrub findings",
        "What became of each finding: fixed "
        "before submission, overridden, followed by a denial, or pending.",
        spec,
    )


def provider_hygiene(report: ReportData) -> ChartSpec | None:
    """Unspecified-diagnosis share and HCC recapture rate by provider."""
    rows = report.provider_hygiene
    if not rows:
        return None
    data: list[Spec] = []
    for r in rows:
        for measure, num, den in (
            ("Unspecified-diagnosis share", r.dx_unspecified, r.dx_codes),
            ("HCC recapture rate", r.hcc_recaptured, r.hcc_due),
        ):
            value = Decimal(num) / den if den else None
            data.append(
                {
                    "provider": r.provider,
                    "measure": measure,
                    "value": _num(value),
                    "shown": format_cell(value, Fmt.RATE),
                    "of": f"{num:,} of {den:,}",
                }
            )
    panels = []
    for measure, color, note in (
        ("Unspecified-diagnosis share", "#e0873a", "lower is better"),
        ("HCC recapture rate", "#3a9e8f", "higher is better"),
    ):
        panels.append({
            "title": f"{measure} ({note})", "width": HALF, "height": {"step": 24},
            "transform": [{"filter": {"field": "measure", "equal": measure}}],
            "mark": {"type": "bar", "color": color, "height": {"band": 0.7}},
            "encoding": {
                "y": {"field": "provider", "type": "nominal", "title": None, "sort": "-x",
                      "axis": {"labelFontSize": 11, "labelColor": INK, "labelLimit": 200}},
                "x": {"field": "value", "type": "quantitative", "title": None,
                      "axis": {"format": ".1~%", "tickCount": 4}},
                "tooltip": [{"field": "provider", "title": "Provider"},
                            {"field": "measure"}, {"field": "shown", "title": "Value"},
                            {"field": "of", "title": "Count"}],
            },
        })  # fmt: skip
    spec = _base("Diagnosis specificity and HCC recapture by provider", data)
    spec["hconcat"] = panels
    return ChartSpec("provider-hygiene", "Specificity and HCC hygiene",
                     "Unspecified diagnoses where a specific code exists, and prior-year HCCs "
                     "documented again this year.", spec)  # fmt: skip


BUILDERS = (kpi_trend, root_causes, coders, payers, top_codes, scrub_outcomes, provider_hygiene)
CHART_KEYS = ("kpi-trend", "root-causes", "coders", "payers", "top-codes", "scrub-outcomes",
              "provider-hygiene")  # fmt: skip


def report_charts(report: ReportData) -> dict[str, ChartSpec]:
    """The charts that have data, by key, in reading order."""
    out: dict[str, ChartSpec] = {}
    for build in BUILDERS:
        chart = build(report)
        if chart is not None:
            out[chart.key] = chart
    return out


_GLOBALS_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"


@functools.lru_cache(maxsize=1)
def javascript_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script (built once per process by vl-convert)."""
    import vl_convert

    return vl_convert.javascript_bundle(_GLOBALS_SNIPPET)


def to_png(chart: ChartSpec, scale: float = 2.0) -> bytes:
    """The chart as a PNG, rendered offline by vl-convert (no browser)."""
    import vl_convert

    return vl_convert.vegalite_to_png(chart.spec, scale=scale, allowed_base_urls=[])


def to_svg(chart: ChartSpec) -> str:
    """The chart as SVG text, rendered offline by vl-convert."""
    import vl_convert

    return vl_convert.vegalite_to_svg(chart.spec, allowed_base_urls=[])
