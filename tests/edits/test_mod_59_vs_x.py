"""MD104: 59 where an X{EPSU} modifier fits, 59 with X, and distinct-service modifiers on
E/M codes."""

from __future__ import annotations

import pytest
from tests.edits._modkit import COMMERCIAL, flagged, rendering, scrub, with_line

from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.examples import ExClaim, ExLine, build

CODE = "MD104"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param((ExLine("97140", ("59",)),), [1], id="59"),
        pytest.param((ExLine("97140", ("XE",)),), [], id="xe"),
        pytest.param((ExLine("97140", ("XP", "59")),), [1], id="xp-and-59"),
        pytest.param((ExLine("99214", ("XU",)),), [1], id="xu-on-em"),
        pytest.param((ExLine("98005", ("59",)),), [1], id="59-on-telemedicine-em"),
        pytest.param((ExLine("97140", ("GP",)),), [], id="no-distinct-modifier"),
    ],
)
def test_cases(bundled_store: CodesetStore, lines: tuple[ExLine, ...], expected: list[int]) -> None:
    claim = build(ExClaim(lines=lines))
    assert flagged(scrub(bundled_store, CODE, claim, COMMERCIAL), CODE) == expected


def test_hint_xp_when_another_practitioner_billed_that_day(bundled_store: CodesetStore) -> None:
    claim = build(ExClaim(lines=(ExLine("97140", ("59",)), ExLine("97530"))))
    claim = with_line(claim, 2, rendering_provider=rendering("1679576722"))
    (finding,) = scrub(bundled_store, CODE, claim, None).findings
    assert finding.message == (
        "97140 uses modifier 59 where a more specific X modifier may apply (another "
        "practitioner billed a line that day: XP may fit)"
    )


def test_hint_xs_for_different_sites(bundled_store: CodesetStore) -> None:
    claim = build(ExClaim(lines=(ExLine("11102", ("59", "F5")), ExLine("17110", ("FA",)))))
    (finding,) = scrub(bundled_store, CODE, claim, None).findings
    assert finding.message.endswith("(the lines name different sites: XS may fit)")
    assert finding.fix.startswith("Replace 59 with the X modifier the record supports (XE ")


def test_no_hint_for_same_site(bundled_store: CodesetStore) -> None:
    claim = build(ExClaim(lines=(ExLine("11102", ("59", "RT")), ExLine("17110", ("RT",)))))
    (finding,) = scrub(bundled_store, CODE, claim, None).findings
    assert finding.message == ("11102 uses modifier 59 where a more specific X modifier may apply")


def test_both_modifiers_text(bundled_store: CodesetStore) -> None:
    claim = build(ExClaim(lines=(ExLine("97140", ("59", "XS", "GP")),)))
    (finding,) = scrub(bundled_store, CODE, claim, None).findings
    assert finding.message == (
        "97140 carries both 59 and XS; an X modifier is a more specific form of 59 and the "
        "two are not combined"
    )
    assert finding.fix == "Keep XS and remove 59 from 97140."
