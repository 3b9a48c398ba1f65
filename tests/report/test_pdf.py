"""The PDF report: its pages, its text, and the same charts as the HTML, as images."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from tests.report._kit import SECTION_TITLES, empty_month

from cleanclaim.analytics.report.charts import CHART_KEYS
from cleanclaim.analytics.report.pdf import latin1, render_pdf
from cleanclaim.analytics.report.sample import sample_report


@pytest.fixture(scope="module")
def pdf() -> PdfReader:
    return PdfReader(io.BytesIO(render_pdf(sample_report())))


@pytest.fixture(scope="module")
def text(pdf: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in pdf.pages)


def _images(pdf: PdfReader) -> list[tuple[int, Any]]:
    return [(i, img) for i, page in enumerate(pdf.pages, start=1) for img in page.images]


def test_pages_and_metadata(pdf: PdfReader) -> None:
    assert 6 <= len(pdf.pages) <= 12
    assert pdf.metadata is not None
    assert pdf.metadata.title == "Denial report 2026-09 - Riverbend Family & Specialty Clinic"
    assert pdf.metadata.author == "cleanclaim"
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # US Letter


def test_every_page_has_the_running_footer(pdf: PdfReader) -> None:
    n = len(pdf.pages)
    for i, page in enumerate(pdf.pages, start=1):
        assert f"Page {i} of {n}" in page.extract_text()


def test_one_image_per_chart(pdf: PdfReader) -> None:
    images = _images(pdf)
    assert len(images) == len(CHART_KEYS)
    for _, img in images:
        assert img.image is not None
        width, height = img.image.size
        assert width > 600 and height > 150
        colors = img.image.convert("RGB").getcolors(maxcolors=1_000_000) or []
        assert len(colors) > 20


def test_first_page_has_the_headline_and_the_trend_chart(pdf: PdfReader) -> None:
    first = pdf.pages[0].extract_text()
    assert "Riverbend Family & Specialty Clinic" in first
    assert "SYNTHETIC DATA" in first
    assert "Clean claim rate" in first and "93.7%" in first and "+0.3 pts" in first
    assert "Read with care: 3 of 7 checks ran on full official data" in first
    assert _images(pdf)[0][0] == 1


@pytest.mark.parametrize("title", SECTION_TITLES)
def test_section_titles(text: str, title: str) -> None:
    assert title in text


@pytest.mark.parametrize(
    "figure",
    ["$14,410.75", "RB-260811-0142", "CO-197", "HFMA MAP Key AR-6", "2.7%", "dx-unspecified"],
)
def test_figures_from_the_tables(text: str, figure: str) -> None:
    assert figure in text


def test_empty_month_says_so_and_has_no_images() -> None:
    reader = PdfReader(io.BytesIO(render_pdf(empty_month())))
    assert _images(reader) == []
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "No data this month." in text
    assert "Coverage unknown" in text


FOLDS = {
    "dashes": ("a\u2013b\u2014c", "a-b-c"),
    "quotes": ("\u2018x\u2019 \u201cy\u201d", "'x' \"y\""),
    "latin1-kept": ("caf\u00e9 \u00b7", "caf\u00e9 \u00b7"),
    "other": ("\u2713 ok", "? ok"),
}


@pytest.mark.parametrize("case", list(FOLDS), ids=list(FOLDS))
def test_latin1_folding(case: str) -> None:
    raw, folded = FOLDS[case]
    assert latin1(raw) == folded
