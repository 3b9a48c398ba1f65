"""The HTML report in a real browser: Debian's chromium driven by Playwright (no download).

The page must load from a file with no network at all, log nothing to the console, draw
every chart with marks, and show non-blank pixels in each chart's box. Without
/usr/bin/chromium the module skips locally and fails under CI (``CI`` set), where
.ci/run installs it.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.report._kit import SECTION_TITLES, empty_month

from cleanclaim.analytics.report.charts import CHART_KEYS
from cleanclaim.analytics.report.html import render_html
from cleanclaim.analytics.report.sample import sample_report

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

if not CHROMIUM.exists():
    message = "needs Debian's chromium: apt-get update && apt-get install -y chromium"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")

MARKS_JS = """key => {
  const el = document.querySelector(`[data-chart="${key}"]`);
  if (!el) return null;
  const marks = el.querySelectorAll("svg g.role-mark > path, svg g.role-mark > line, "
                                    + "svg g.role-mark > rect, svg g.role-mark > text");
  const view = window.cleanclaimViews[key];
  return {rendered: el.getAttribute("data-rendered"), marks: marks.length,
          scenegraph: view ? view.scenegraph().root.items.length : 0};
}"""


class Page:
    """A loaded report page with what it logged and what it asked of the network."""

    def __init__(self, page: Any, console: list[str], requests: list[str]) -> None:
        self.page = page
        self.console = console
        self.requests = requests


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


def _open(browser: Any, html: str, path: Path) -> Page:
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    console: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-charts-rendered]", timeout=60_000)
    return Page(page, console, requests)


@pytest.fixture(scope="module")
def loaded(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    path = tmp_path_factory.mktemp("html") / "report.html"
    p = _open(browser, render_html(sample_report()), path)
    yield p
    p.page.close()


def test_page_logs_nothing_and_uses_no_network(loaded: Page) -> None:
    assert loaded.console == []
    assert [u for u in loaded.requests if not u.startswith(("file:", "data:", "blob:"))] == []


def test_every_section_is_on_the_page(loaded: Page) -> None:
    headings = loaded.page.locator("main h2").all_inner_texts()
    for title in SECTION_TITLES:
        assert any(title in h for h in headings), title
    assert loaded.page.locator(".tile").count() == 10


@pytest.mark.parametrize("key", CHART_KEYS)
def test_chart_is_drawn_with_marks(loaded: Page, key: str) -> None:
    state = loaded.page.evaluate(MARKS_JS, key)
    assert state is not None, f"no element for chart {key}"
    assert state["rendered"] == "true"
    assert state["marks"] > 0
    assert state["scenegraph"] > 0


@pytest.mark.parametrize("key", CHART_KEYS)
def test_chart_box_is_not_blank_in_a_screenshot(loaded: Page, key: str) -> None:
    from PIL import Image

    box = loaded.page.locator(f'[data-chart="{key}"]')
    box.scroll_into_view_if_needed()
    size = box.bounding_box()
    assert size is not None and size["width"] > 200 and size["height"] > 80
    image = Image.open(io.BytesIO(box.screenshot())).convert("RGB")
    colors = image.getcolors(maxcolors=1_000_000) or []
    assert len(colors) > 20, f"{key}: only {len(colors)} colours"
    white = sum(n for n, rgb in colors if min(rgb) >= 250)
    inked = 1 - white / (image.width * image.height)
    assert inked > 0.03, f"{key}: {inked:.1%} of the box is drawn"


def test_tooltip_shows_on_hover(loaded: Page) -> None:
    bar = loaded.page.locator('[data-chart="root-causes"] g.mark-rect.role-mark path').first
    bar.hover()
    tip = loaded.page.locator("#vg-tooltip-element")
    tip.wait_for(state="visible", timeout=5_000)
    assert "Root cause" in tip.inner_text()
    assert "Documentation" in tip.inner_text()


def test_header_definitions_are_tooltips(loaded: Page) -> None:
    th = loaded.page.locator('table[data-table="coders"] th', has_text="Coding-denial rate")
    assert "Claims coded by the coder" in (th.get_attribute("title") or "")


def test_an_empty_month_renders_without_errors(browser: Any, tmp_path: Path) -> None:
    p = _open(browser, render_html(empty_month()), tmp_path / "empty.html")
    try:
        assert p.console == []
        missing = p.page.locator("[data-missing-chart]").evaluate_all(
            "els => els.map(e => e.getAttribute('data-missing-chart'))"
        )
        assert sorted(missing) == sorted(CHART_KEYS)
        assert p.page.locator("h1").inner_text().startswith("Empty <Practice> & Co")
        assert p.page.locator(".nodata").count() >= 10
    finally:
        p.page.close()
