"""docs/synthetic-practice.md shows the tables the generator really uses."""

from __future__ import annotations

from pathlib import Path

from cleanclaim.analytics.synthetic import errors, payer_behaviour

DOC = Path(__file__).resolve().parents[2] / "docs" / "synthetic-practice.md"


def test_doc_shows_the_rate_table() -> None:
    assert errors.markdown() in DOC.read_text(encoding="utf-8")


def test_doc_shows_the_payer_behaviour_table() -> None:
    assert payer_behaviour.markdown() in DOC.read_text(encoding="utf-8")
