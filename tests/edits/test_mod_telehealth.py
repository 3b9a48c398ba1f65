"""MD106 (preview): retired GT on Medicare professional claims; audio-video and audio-only
modifiers on one line."""

from __future__ import annotations

import dataclasses

import pytest
from tests.edits._modkit import COMMERCIAL, flagged, scrub

from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.edits.model import RuleStatus
from cleanclaim.edits.registry import get_rule
from cleanclaim.payers.registry import PayerTerms

CODE = "MD106"


def test_is_preview() -> None:
    assert get_rule(CODE).status is RuleStatus.PREVIEW


@pytest.mark.parametrize(
    ("mods", "pos", "expected"),
    [
        pytest.param(("GT",), "02", [1], id="gt-pos-02"),
        pytest.param(("GT",), "11", [1], id="gt-pos-11"),
        pytest.param(("95", "FQ"), "10", [1], id="95-and-fq"),
        pytest.param(("GT", "93"), "02", [1], id="gt-and-93-one-finding"),
        pytest.param(("95",), "02", [], id="95-pos-02"),
        pytest.param(("93",), "10", [], id="93-pos-10"),
        pytest.param((), "10", [], id="no-modifier-pos-10"),
    ],
)
def test_medicare(
    bundled_store: CodesetStore,
    medicare: PayerTerms,
    mods: tuple[str, ...],
    pos: str,
    expected: list[int],
) -> None:
    claim = build(ExClaim(lines=(ExLine("99213", mods),), pos=pos))
    assert flagged(scrub(bundled_store, CODE, claim, medicare), CODE) == expected


def test_gt_is_not_flagged_for_commercial_payers(bundled_store: CodesetStore) -> None:
    claim = build(ExClaim(lines=(ExLine("99213", ("GT",)),), pos="02", filing_indicator="CI"))
    assert flagged(scrub(bundled_store, CODE, claim, COMMERCIAL), CODE) == []


def test_conflict_is_flagged_for_commercial_payers(bundled_store: CodesetStore) -> None:
    claim = build(ExClaim(lines=(ExLine("99213", ("95", "93")),), filing_indicator="CI"))
    (finding,) = scrub(bundled_store, CODE, claim, COMMERCIAL).findings
    assert finding.message == ("99213 carries audio-video modifier 95 and audio-only modifier 93")


def test_without_registry_entry_the_filing_indicator_decides(bundled_store: CodesetStore) -> None:
    part_b = build(ExClaim(lines=(ExLine("99213", ("GT",)),), pos="02"))
    (finding,) = scrub(bundled_store, CODE, part_b, None).findings
    assert finding.message == (
        "99213 carries GT (place of service 02); Medicare has not used GT on professional "
        "claims since 2018-01-01"
    )
    commercial = dataclasses.replace(
        part_b, payer=dataclasses.replace(part_b.payer, filing_indicator="CI")
    )
    assert flagged(scrub(bundled_store, CODE, commercial, None), CODE) == []
