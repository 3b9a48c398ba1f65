"""The HTML file itself: self-contained (no network), escaped, with the specs embedded."""

from __future__ import annotations

import json
import re

import pytest
from tests.report._kit import empty_month

from cleanclaim.analytics.report.charts import CHART_KEYS
from cleanclaim.analytics.report.html import render_html
from cleanclaim.analytics.report.sample import sample_report


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(sample_report())


def test_no_external_resource(page: str) -> None:
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "<script></script>", page, flags=re.S)
    assert re.search(r"<(script|link|img|iframe|object|embed)\b[^>]*(src|href)=", markup) is None
    assert "@import" not in page and "url(http" not in page
    assert markup.count("<script") == len(CHART_KEYS) + 2  # specs, the bundle, the start-up


def test_vega_is_inlined_once(page: str) -> None:
    assert page.count("window.vegaEmbed=") == 1
    assert len(page) > 500_000


@pytest.mark.parametrize("key", CHART_KEYS)
def test_each_chart_has_its_element_and_spec(page: str, key: str) -> None:
    assert f'data-chart="{key}"' in page
    match = re.search(rf'<script type="application/json" id="spec-{key}">(.*?)</script>', page)
    assert match is not None
    spec = json.loads(match.group(1))
    assert spec["data"]["values"]


def test_text_is_escaped_everywhere() -> None:
    page = render_html(empty_month())
    assert "Empty &lt;Practice&gt; &amp; Co" in page
    assert "<Practice>" not in page


def test_definitions_and_coverage_are_present(page: str) -> None:
    assert 'id="definitions"' in page and "HFMA MAP Key CL-1" in page
    assert 'data-coverage="4"' in page
    assert '<span class="tag overdue">-3 (overdue)</span>' in page
