"""The chart specs: one Vega-Lite spec per chart, drawn offline to PNG by vl-convert."""

from __future__ import annotations

import io
import json

import pytest
import vl_convert
from PIL import Image
from tests.report._kit import empty_month

from cleanclaim.analytics.report.charts import CHART_KEYS, report_charts, to_png, to_svg
from cleanclaim.analytics.report.sample import sample_report

CHARTS = report_charts(sample_report())


def test_sample_has_every_chart_in_reading_order() -> None:
    assert tuple(CHARTS) == CHART_KEYS


def test_empty_month_has_no_charts() -> None:
    assert report_charts(empty_month()) == {}


@pytest.mark.parametrize("key", CHART_KEYS)
def test_spec_is_plain_json_with_inline_data_only(key: str) -> None:
    spec = CHARTS[key].spec
    text = json.dumps(spec)  # no Decimal or date left in it
    assert '"url"' not in text
    assert spec["data"]["values"]
    assert spec["config"]["font"].startswith("Liberation Sans")


@pytest.mark.parametrize("key", CHART_KEYS)
def test_spec_compiles_to_vega(key: str) -> None:
    vega = vl_convert.vegalite_to_vega(CHARTS[key].spec)
    assert vega["marks"]


@pytest.mark.parametrize("key", CHART_KEYS)
def test_png_is_drawn_offline_and_not_blank(key: str) -> None:
    png = to_png(CHARTS[key], scale=1)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.width > 300 and image.height > 100
    colors = image.getcolors(maxcolors=1_000_000) or []
    assert len(colors) > 20
    white = sum(n for n, rgb in colors if min(rgb) >= 250)
    assert white / (image.width * image.height) < 0.97


def test_svg_has_text_and_marks() -> None:
    svg = to_svg(CHARTS["root-causes"])
    assert "<svg" in svg and "Documentation" in svg and "Payer error" in svg


def test_root_cause_chart_data_matches_the_report() -> None:
    values = {v["cause"]: v for v in CHARTS["root-causes"].spec["data"]["values"]}
    assert values["Coding"]["denials"] == 61
    assert values["Coding"]["dollars_text"] == "$14,410.75"
    assert values["Payer error"]["denials"] == 11
    assert list(values) == [
        "Documentation", "Eligibility", "Coding", "Billing", "Authorization", "Payer error",
        "Unclassified",
    ]  # fmt: skip
