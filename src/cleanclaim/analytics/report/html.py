"""The report as one self-contained HTML page: inline CSS, inline Vega bundle, no network.

Charts are the Vega-Lite specs of :mod:`.charts`, embedded as JSON and drawn by Vega in the
browser (SVG renderer: tooltips, hover highlight, export to PNG/SVG). Each chart element gets
``data-rendered="true"`` once drawn (``"error"`` if it failed), and the Vega views are kept
in ``window.cleanclaimViews`` for tests and for readers who want to poke at them.
"""

from __future__ import annotations

import json
from html import escape

from cleanclaim.analytics.kpi_definitions import SourceKind, Unit
from cleanclaim.analytics.report.charts import ChartSpec, javascript_bundle, report_charts
from cleanclaim.analytics.report.model import HeadlineKpi, ReportData
from cleanclaim.analytics.report.tables import (
    Cell,
    Column,
    Section,
    TableView,
    change_is_good,
    fmt_for,
    format_cell,
    format_change,
    report_sections,
)
from cleanclaim.analytics.report.tables import definitions_table as _definitions
from cleanclaim.codesets.model import Completeness

_CSS = """
:root{--ink:#1f2a44;--muted:#5b6478;--line:#e3e7ee;--soft:#f5f7fa;--accent:#2f6db5;
--good:#2e7d4f;--bad:#b3412f;--warn:#b7791f}
*{box-sizing:border-box}
body{margin:0;background:#eef1f5;color:var(--ink);
font:14px/1.45 "Segoe UI","Liberation Sans",Arial,Helvetica,sans-serif}
.page{max-width:1120px;margin:0 auto;background:#fff;min-height:100vh;
box-shadow:0 0 0 1px var(--line)}
header.mast{background:var(--ink);color:#fff;padding:22px 36px 18px}
header.mast .kicker{font-size:12px;letter-spacing:.08em;text-transform:uppercase;opacity:.75}
header.mast h1{margin:4px 0 2px;font-size:26px;font-weight:600}
header.mast .meta{font-size:13px;opacity:.85}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:11px;
font-weight:600;letter-spacing:.02em;vertical-align:middle}
.badge.synthetic{background:#f4c96b;color:#3d2c00;margin-left:8px}
nav.toc{display:flex;flex-wrap:wrap;gap:4px 18px;padding:10px 36px;
border-bottom:1px solid var(--line);font-size:13px;background:var(--soft)}
nav.toc a{color:var(--accent);text-decoration:none}
main{padding:8px 36px 36px}
section{padding-top:18px;border-top:1px solid var(--line);margin-top:22px}
section:first-child{border-top:0;margin-top:0}
h2{font-size:19px;margin:0 0 4px;font-weight:600}
h2 .n{display:inline-block;width:26px;height:26px;line-height:26px;text-align:center;
border-radius:50%;background:var(--accent);color:#fff;font-size:13px;margin-right:8px}
h3{font-size:14px;margin:18px 0 6px;color:var(--ink)}
p.lead{color:var(--muted);margin:2px 0 12px}
.tiles{display:grid;grid-template-columns:repeat(5,1fr);gap:10px;margin:12px 0 14px}
.tile{border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:#fff}
.tile .name{font-size:12px;color:var(--muted);min-height:32px}
.tile .value{font-size:24px;font-weight:600;margin:2px 0}
.tile .prior{font-size:12px;color:var(--muted)}
.tile .src{font-size:10.5px;color:var(--muted);margin-top:4px;text-transform:uppercase;
letter-spacing:.04em}
p.note{font-size:12px;color:var(--muted);margin:-6px 0 10px}
.chg{font-weight:600}.chg.good{color:var(--good)}.chg.bad{color:var(--bad)}
.coverage-box{border:1px solid #e6cf9a;background:#fffaf0;border-radius:8px;
padding:10px 14px;margin:6px 0 12px;font-size:13px}
.coverage-box strong{color:#6b4b00}
.coverage-box ul{margin:4px 0 0;padding-left:18px}
figure.chart{margin:12px 0 6px;border:1px solid var(--line);border-radius:8px;padding:12px}
figure.chart figcaption{font-size:12.5px;color:var(--muted);margin-bottom:6px}
figure.chart figcaption b{color:var(--ink);font-size:13.5px}
.vega{min-height:60px;overflow-x:auto}
.vega .vega-embed{width:100%}
.nodata{color:var(--muted);font-style:italic;margin:6px 0}
table.data{border-collapse:collapse;width:100%;font-size:12.5px;margin:4px 0 10px}
table.data th{text-align:left;font-weight:600;color:var(--muted);border-bottom:2px solid
var(--line);padding:6px 8px;cursor:help;white-space:nowrap;font-size:12px}
table.data td{padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
table.data tr:nth-child(even) td{background:#fafbfc}
table.data .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.data th.num{text-align:right}
.tag{display:inline-block;padding:0 7px;border-radius:9px;font-size:11px;font-weight:600}
.tag.full{background:#e3f3e8;color:#1f6b3d}.tag.partial{background:#fdf0d5;color:#8a5a00}
.tag.fixture{background:#fde3cf;color:#8f3f00}.tag.missing{background:#f8dcd7;color:#8e2a1a}
.tag.overdue{background:#f8dcd7;color:#8e2a1a}.tag.soon{background:#fdf0d5;color:#8a5a00}
details{margin:4px 0 10px}details summary{cursor:pointer;color:var(--accent);font-size:13px}
.cols2{display:grid;grid-template-columns:1fr 1fr;gap:18px}
footer{padding:14px 36px 28px;color:var(--muted);font-size:12px;border-top:1px solid var(--line)}
@media (max-width:900px){.tiles{grid-template-columns:repeat(2,1fr)}.cols2{display:block}}
@media print{body{background:#fff}.page{box-shadow:none}nav.toc{display:none}
figure.chart,table.data tr{break-inside:avoid}details{display:block}}
"""

_INIT_JS = """
(function () {
  window.cleanclaimViews = {};
  var opts = {renderer: "svg", actions: {export: true, source: false, compiled: false,
              editor: false}};
  var nodes = document.querySelectorAll("[data-chart]");
  var jobs = Array.prototype.map.call(nodes, function (el) {
    var key = el.getAttribute("data-chart");
    var spec = JSON.parse(document.getElementById("spec-" + key).textContent);
    return vegaEmbed(el, spec, opts).then(function (result) {
      window.cleanclaimViews[key] = result.view;
      el.setAttribute("data-rendered", "true");
    }).catch(function (err) {
      el.setAttribute("data-rendered", "error");
      el.textContent = "This chart could not be drawn: " + err;
      console.error(err);
    });
  });
  Promise.all(jobs).then(function () {
    document.body.setAttribute("data-charts-rendered", String(nodes.length));
  });
})();
"""

_SOURCE_TAG = {SourceKind.MAP_KEY: "", SourceKind.TASK_FORCE: "HFMA task force",
               SourceKind.OWN: "cleanclaim measure"}  # fmt: skip


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _cell(value: Cell, column: Column) -> str:
    fmt, key = column.fmt, column.key
    text = _e(format_cell(value, fmt))
    if key == "completeness" and isinstance(value, str):
        return f'<td><span class="tag {_e(value)}">{text}</span></td>'
    if key == "days_left" and isinstance(value, int):
        cls = "overdue" if value < 0 else "soon" if value <= 7 else ""
        if cls:
            label = f"{text} (overdue)" if value < 0 else text
            return f'<td class="num"><span class="tag {cls}">{label}</span></td>'
    return f'<td class="num">{text}</td>' if column.numeric else f"<td>{text}</td>"


def table_html(table: TableView, *, heading: bool = True) -> str:
    """One table; each header carries its definition as a tooltip."""
    head = "".join(
        f'<th class="{"num" if c.numeric else ""}" title="{_e(c.definition)}">{_e(c.label)}</th>'
        for c in table.columns
    )
    if table.rows:
        body = "".join(
            "<tr>" + "".join(_cell(v, c) for v, c in zip(row, table.columns, strict=True))
            + "</tr>"
            for row in table.rows
        )  # fmt: skip
    else:
        body = (
            f'<tr><td colspan="{len(table.columns)}" class="nodata">No data this month.</td></tr>'
        )
    title = f"<h3>{_e(table.title)}</h3>" if heading else ""
    return (
        f'{title}<table class="data" data-table="{_e(table.key)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _tile(h: HeadlineKpi, prior_label: str) -> str:
    d = h.definition
    f = fmt_for(d.unit)
    good = change_is_good(h)
    cls = "" if good is None else ("good" if good else "bad")
    change = format_change(h)
    prior = format_cell(h.prior.value, f) if h.prior else "n/a"
    src = d.source_label if d.source is SourceKind.MAP_KEY else _SOURCE_TAG[d.source]
    tip = f"{d.summary} Numerator: {d.numerator}. Denominator: {d.denominator}."
    unit = " days" if d.unit is Unit.DAYS else ""
    return (
        f'<div class="tile" data-kpi="{_e(h.key)}" title="{_e(tip)}">'
        f'<div class="name">{_e(d.name)}</div>'
        f'<div class="value">{_e(format_cell(h.current.value, f))}{unit}</div>'
        f'<div class="prior">{_e(prior_label)}: {_e(prior)} '
        f'<span class="chg {cls}">{_e(change)}</span></div>'
        f'<div class="src">{_e(src)}</div></div>'
    )


def _coverage_box(report: ReportData) -> str:
    weak = [c for c in report.coverage if c.completeness is not Completeness.FULL]
    full = len(report.coverage) - len(weak)
    if not report.coverage:
        return (
            '<aside class="coverage-box"><strong>Coverage unknown:</strong> the report was '
            "built without a coverage record; treat every figure as provisional.</aside>"
        )
    if not weak:
        return (
            f'<aside class="coverage-box"><strong>Coverage:</strong> all {full} checks ran '
            "on full official data.</aside>"
        )
    items = "".join(
        f'<li><span class="tag {_e(c.completeness.value)}">{_e(c.completeness.value)}</span> '
        f"<b>{_e(c.check)}</b> ({_e(c.data)}): {_e(c.detail)}</li>"
        for c in weak
    )
    return (
        f'<aside class="coverage-box" data-coverage="{len(weak)}"><strong>Read with care:</strong> '
        f"{full} of {len(report.coverage)} checks ran on full official data; these did not "
        f'(see <a href="#coverage">section 9</a>):<ul>{items}</ul></aside>'
    )


def _chart(chart: ChartSpec | None, key: str) -> str:
    if chart is None:
        return f'<p class="nodata" data-missing-chart="{_e(key)}">No data this month.</p>'
    return (
        f'<figure class="chart"><figcaption><b>{_e(chart.title)}</b> &mdash; '
        f'{_e(chart.description)}</figcaption><div class="vega" id="chart-{_e(key)}" '
        f'data-chart="{_e(key)}" role="img" aria-label="{_e(chart.spec["description"])}">'
        f"</div></figure>"
    )


def _section(section: Section, report: ReportData, charts: dict[str, ChartSpec]) -> str:
    parts = [
        f'<section id="{_e(section.key)}"><h2><span class="n">{section.number}</span>'
        f'{_e(section.title)}</h2><p class="lead">{_e(section.lead)}</p>'
    ]
    tables = list(section.tables)
    if section.key == "headline":
        prior = report.month.shift(-1).short
        parts.append('<div class="tiles">' + "".join(_tile(h, prior) for h in report.headline))
        notes = "".join(
            f'<p class="note">{_e(h.definition.name)}: {_e(h.current.note)}</p>'
            for h in report.headline
            if h.current.note
        )
        parts.append("</div>" + notes + _coverage_box(report))
    for key in section.charts:
        parts.append(_chart(charts.get(key), key))
    if section.key == "headline":
        parts.append("<details><summary>Numbers behind the KPIs, month by month</summary>")
        parts.extend(table_html(t) for t in tables)
        parts.append("</details>")
    else:
        parts.extend(table_html(t) for t in tables)
    parts.append("</section>")
    return "".join(parts)


def _script_json(data: object) -> str:
    """JSON safe inside a <script> element (no ``</script>``, no ``<!--``)."""
    return json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")


def render_html(report: ReportData) -> str:
    """The whole report as one HTML document (UTF-8 text)."""
    charts = report_charts(report)
    sections = report_sections(report)
    toc = "".join(f'<a href="#{_e(s.key)}">{s.number}. {_e(s.title)}</a>' for s in sections)
    body = "".join(_section(s, report, charts) for s in sections)
    defs = _definitions(report)
    body += (
        f'<section id="definitions"><h2>KPI definitions</h2><p class="lead">{_e(defs.intro)}</p>'
        f"{table_html(defs, heading=False)}</section>"
    )
    synthetic = '<span class="badge synthetic">SYNTHETIC DATA</span>' if report.synthetic else ""
    meta = (
        f"{_e(report.month.label)} &middot; data through {_e(report.data_through.isoformat())}"
        f" &middot; generated {_e(report.generated_at.strftime('%Y-%m-%d %H:%M %Z').strip())}"
    )
    specs = "".join(
        f'<script type="application/json" id="spec-{_e(k)}">{_script_json(c.spec)}</script>'
        for k, c in charts.items()
    )
    notes = "".join(f"<p>{_e(n)}</p>" for n in report.notes)
    title = f"Denial report {report.month} - {report.practice}"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f'<div class="page"><header class="mast"><div class="kicker">Monthly denial report'
        f"</div><h1>{_e(report.practice)}{synthetic}</h1>"
        f'<div class="meta">{meta}</div></header><nav class="toc">{toc}</nav>'
        f"<main>{body}</main><footer>{notes}<p>Made by cleanclaim. Hover a column header for "
        "its definition. CARC/RARC meanings are cleanclaim's own summaries, not official "
        "texts. Charts are interactive: hover for details; the menu exports PNG or SVG.</p>"
        "<noscript><p>Charts need JavaScript; the tables hold every figure.</p></noscript>"
        f"</footer></div>{specs}<script>{javascript_bundle()}</script>"
        f"<script>{_INIT_JS}</script></body></html>"
    )
