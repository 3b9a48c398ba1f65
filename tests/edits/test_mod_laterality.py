"""MD105: LT/RT/50 against the bilateral indicator, on invented FULL relative values."""

from __future__ import annotations

import pytest
from tests.edits._modkit import COMMERCIAL, flagged, install_pfs, pfs, rendering, scrub, with_line

from cleanclaim.codesets.model import Completeness
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.payers.registry import PayerTerms

CODE = "MD105"
#: One code per bilateral indicator (the indicators are invented for the test).
ROWS = [
    pfs("11111", bilateral="0"),
    pfs("22222", bilateral="1"),
    pfs("33333", bilateral="2"),
    pfs("44444", bilateral="3"),
    pfs("99999", bilateral="9"),
]
I0, I1, I2, I3, I9 = "11111", "22222", "33333", "44444", "99999"


@pytest.fixture
def store(empty_store: CodesetStore) -> CodesetStore:
    return install_pfs(empty_store, ROWS)


CASES = [
    pytest.param((ExLine(I1, ("50",)),), [], id="i1-50"),
    pytest.param((ExLine(I3, ("50",)),), [], id="i3-50-not-flagged"),
    pytest.param((ExLine(I0, ("50",)),), [1], id="i0-50"),
    pytest.param((ExLine(I2, ("50",)),), [1], id="i2-50"),
    pytest.param((ExLine(I9, ("50",)),), [1], id="i9-50"),
    pytest.param((ExLine(I1, ("50",), units=2),), [1], id="i1-50-two-units"),
    pytest.param((ExLine(I3, ("50",), units=2),), [], id="i3-50-two-units"),
    pytest.param((ExLine(I1, ("LT", "RT")),), [1], id="lt-and-rt"),
    pytest.param((ExLine(I9, ("RT", "LT")),), [1], id="lt-and-rt-whatever-the-indicator"),
    pytest.param((ExLine(I1, ("50", "LT")),), [1], id="50-and-lt"),
    pytest.param((ExLine(I1, units=2),), [1], id="i1-two-units-no-side"),
    pytest.param((ExLine(I1, ("RT",), units=2),), [], id="i1-two-units-one-side"),
    pytest.param((ExLine(I3, units=2),), [], id="i3-two-units-no-side"),
    pytest.param((ExLine(I1), ExLine(I1)), [1, 2], id="i1-twice-no-side"),
    pytest.param((ExLine(I3), ExLine(I3, ("LT",))), [1], id="i3-twice-one-side-missing"),
    pytest.param((ExLine(I1, ("RT",)), ExLine(I1, ("LT",))), [], id="i1-rt-and-lt-lines"),
    pytest.param((ExLine(I1, ("RT",)), ExLine(I1, ("RT",))), [], id="i1-same-side-twice"),
    pytest.param((ExLine(I0), ExLine(I0)), [], id="i0-twice"),
    pytest.param((ExLine(I2, ("RT",)), ExLine(I2, ("LT",))), [2], id="i2-rt-and-lt-lines"),
    pytest.param((ExLine(I2), ExLine(I2)), [], id="i2-twice-no-side"),
    pytest.param((ExLine(I1), ExLine(I1, dos="2026-03-03")), [], id="i1-on-two-days"),
    pytest.param((ExLine("J3301", ("50",)),), [], id="absent-from-full-file"),
]


@pytest.mark.parametrize(("lines", "expected"), CASES)
def test_cases(
    store: CodesetStore, medicare: PayerTerms, lines: tuple[ExLine, ...], expected: list[int]
) -> None:
    claim = build(ExClaim(lines=lines, dos="2026-03-02"))
    result = scrub(store, CODE, claim, medicare)
    assert flagged(result, CODE) == expected
    assert result.coverage == []


def test_units_rule_is_medicare_only(store: CodesetStore) -> None:
    claim = build(ExClaim(lines=(ExLine(I1, ("50",), units=2),), dos="2026-03-02"))
    assert flagged(scrub(store, CODE, claim, COMMERCIAL), CODE) == []


def test_same_code_by_two_providers_is_not_a_pair(
    store: CodesetStore, medicare: PayerTerms
) -> None:
    claim = build(ExClaim(lines=(ExLine(I1), ExLine(I1)), dos="2026-03-02"))
    claim = with_line(claim, 2, rendering_provider=rendering("1679576722"))
    assert flagged(scrub(store, CODE, claim, medicare), CODE) == []


def test_texts_and_severities(store: CodesetStore, medicare: PayerTerms) -> None:
    claim = build(
        ExClaim(
            lines=(ExLine(I2, ("50",)), ExLine(I1, ("LT", "RT")), ExLine(I1, ("50",), units=3)),
            dos="2026-03-02",
        )
    )
    found = {f.line: f for f in scrub(store, CODE, claim, medicare).findings}
    assert found[1].message == (
        "33333 is billed with modifier 50, but it is already priced as a bilateral service "
        "(indicator 2); 50 adds nothing and both sides are paid as one service"
    )
    assert (
        found[1].fix
        == "Remove 50 from 33333 and bill it once (the code already covers both sides)."
    )
    assert found[1].severity.value == "warning"
    assert found[2].message == "22222 carries both LT and RT on one line"
    assert found[2].severity.value == "error"
    assert found[3].message == (
        "22222-50 is billed with 3 units; Medicare pays a bilateral procedure as one line "
        "with 50 and one unit"
    )


def test_unknown_indicator_in_sample_data_is_not_checked(
    empty_store: CodesetStore, medicare: PayerTerms
) -> None:
    install_pfs(empty_store, ROWS, completeness=Completeness.FIXTURE)
    claim = build(ExClaim(lines=(ExLine("J3301", ("50",)),), dos="2026-03-02"))
    result = scrub(empty_store, CODE, claim, medicare)
    assert flagged(result, CODE) == []
    assert (
        "pfs-rvu: bilateral indicator of J3301 on 2026-03-02 is unknown (PFS test rows "
        "(fixture))" in [c.reason for c in result.coverage]
    )
