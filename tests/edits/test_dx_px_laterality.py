"""MM101: the side of the line against the side the diagnosis titles name."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from tests.edits._modkit import flagged, scrub

from cleanclaim.claims.model import ServiceLine
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.edits.rules.dx_px_laterality import line_side, title_side
from cleanclaim.payers.registry import PayerTerms

CODE = "MM101"


@pytest.mark.parametrize(
    ("title", "side"),
    [
        pytest.param("Unilateral primary osteoarthritis, right knee", "R", id="right"),
        pytest.param("Impacted cerumen, left ear", "L", id="left"),
        pytest.param("Bilateral primary osteoarthritis of knee", "B", id="bilateral"),
        pytest.param("Cortical age-related cataract, bilateral", "B", id="bilateral-last"),
        pytest.param("Pain in unspecified knee", None, id="unspecified"),
        pytest.param("Radiculopathy, lumbar region", None, id="no-side"),
        pytest.param("Contusion of right and left thigh", None, id="both-without-bilateral"),
        pytest.param("Upright posture disorder", None, id="word-inside-a-word"),
        pytest.param("LEFT ankle sprain", "L", id="upper-case"),
    ],
)
def test_title_side(title: str, side: str | None) -> None:
    assert title_side(title) == side


@pytest.mark.parametrize(
    ("mods", "side"),
    [
        pytest.param(("RT",), "R", id="rt"),
        pytest.param(("LT", "59"), "L", id="lt"),
        pytest.param(("50",), "B", id="50"),
        pytest.param(("RT", "LT"), "B", id="rt-and-lt"),
        pytest.param(("F5",), "R", id="right-thumb"),
        pytest.param(("E1",), "L", id="left-upper-eyelid"),
        pytest.param(("T9", "T6"), "R", id="two-right-toes"),
        pytest.param(("59",), None, id="none"),
    ],
)
def test_line_side(mods: tuple[str, ...], side: str | None) -> None:
    line = ServiceLine(number=1, charge=Decimal(1), units=None, unit_basis="UN", modifiers=mods)
    assert line_side(line) == side


def test_text(bundled_store: CodesetStore, medicare: PayerTerms) -> None:
    claim = build(ExClaim(lines=(ExLine("20610", ("50",), dx=(1, 2)),), dx=("M1711", "M25561")))
    (finding,) = scrub(bundled_store, CODE, claim, medicare).findings
    assert finding.message == (
        "20610-50 is for both sides but its diagnoses name M17.11 (right), M25.561 (right)"
    )
    assert finding.severity.value == "warning"


@pytest.mark.parametrize(
    ("mods", "dx", "expected"),
    [
        pytest.param(("LT",), ("M1711",), [1], id="left-line-right-knee"),
        pytest.param(("LT",), ("S83241A",), [1], id="left-line-right-meniscus"),
        pytest.param(("LT",), ("H6123",), [], id="left-line-bilateral-ears"),
        pytest.param(("RT",), ("M5416",), [], id="spine-has-no-side"),
        pytest.param(("RT",), ("L89012",), [], id="chapter-l-not-read"),
    ],
)
def test_cases(
    bundled_store: CodesetStore,
    medicare: PayerTerms,
    mods: tuple[str, ...],
    dx: tuple[str, ...],
    expected: list[int],
) -> None:
    claim = build(ExClaim(lines=(ExLine("20610", mods),), dx=dx))
    assert flagged(scrub(bundled_store, CODE, claim, medicare), CODE) == expected


def test_code_absent_from_partial_release_is_not_checked(
    bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    """2026-02-02 falls in the FY2026 release that is only PARTIAL in the bundled store."""
    claim = build(ExClaim(lines=(ExLine("20610", ("RT",)),), dx=("M1799",), dos="2026-02-02"))
    result = scrub(bundled_store, CODE, claim, medicare)
    assert result.findings == []
    assert "icd10cm: M17.99 not in the release in force on 2026-02-02 " in " ".join(
        c.reason for c in result.coverage
    )


def test_pointer_past_the_diagnosis_list_is_ignored(
    bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    claim = build(ExClaim(lines=(ExLine("20610", ("LT",), dx=(1,)),), dx=("M1711",)))
    line = dataclasses.replace(claim.lines[0], diagnosis_pointers=(4,))
    claim = dataclasses.replace(claim, lines=(line,))
    assert scrub(bundled_store, CODE, claim, medicare).findings == []
