"""MD102: modifier 25 only on E/M services (and their few analogues)."""

from __future__ import annotations

import pytest
from tests.edits._modkit import COMMERCIAL, flagged, scrub

from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.data.em_codes import takes_modifier_25
from cleanclaim.edits.examples import ExClaim, ExLine, build

CODE = "MD102"

RANGE = [
    pytest.param("99202", True, id="first-office-visit"),
    pytest.param("99201", False, id="below-em-section"),
    pytest.param("99499", True, id="last-em-section-code"),
    pytest.param("99500", False, id="home-health-procedure"),
    pytest.param("99070", False, id="special-service"),
    pytest.param("98000", True, id="first-telemedicine-em"),
    pytest.param("98016", True, id="last-telemedicine-em"),
    pytest.param("98017", False, id="after-telemedicine-em"),
    pytest.param("92002", True, id="first-eye-exam"),
    pytest.param("92014", True, id="last-eye-exam"),
    pytest.param("92015", False, id="refraction"),
    pytest.param("G0463", True, id="hospital-clinic-visit"),
    pytest.param("G0439", False, id="annual-wellness-visit"),
    pytest.param("20610", False, id="joint-injection"),
    pytest.param("1036F", False, id="category-ii"),
    pytest.param(" 99213 ", True, id="padded"),
]


@pytest.mark.parametrize(("code", "takes"), RANGE)
def test_which_codes_take_25(code: str, takes: bool) -> None:
    assert takes_modifier_25(code) is takes


def test_finding_text_and_any_payer(bundled_store: CodesetStore) -> None:
    claim = build(ExClaim(lines=(ExLine("99213"), ExLine("20610", ("RT", "25")))))
    result = scrub(bundled_store, CODE, claim, COMMERCIAL)
    (finding,) = result.findings
    assert finding.line == 2
    assert finding.message == "modifier 25 is appended to 20610, which is not an E/M service"
    assert finding.fix == (
        "Remove 25 from 20610. If a separately identifiable visit was done the same day, "
        "put 25 on that visit's E/M line instead."
    )
    assert result.coverage == []


def test_no_payer_and_no_modifier(bundled_store: CodesetStore) -> None:
    claim = build(ExClaim(lines=(ExLine("20610"), ExLine("99213", ("25",)))))
    assert flagged(scrub(bundled_store, CODE, claim, None), CODE) == []
