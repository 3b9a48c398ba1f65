"""PS101: place of service valid on the date, office visits in inpatient settings, and
Medicare telehealth modifiers with an in-person POS."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from tests.edits._modkit import COMMERCIAL, flagged, scrub, with_line

from cleanclaim.codesets.loaders.curated import CuratedCode
from cleanclaim.codesets.model import Completeness, ParsedRelease
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.payers.registry import PayerTerms

CODE = "PS101"


@pytest.mark.parametrize(
    ("code", "pos", "expected"),
    [
        pytest.param("99215", "21", [1], id="office-visit-inpatient"),
        pytest.param("99202", "51", [1], id="office-visit-psychiatric-inpatient"),
        pytest.param("99211", "61", [1], id="office-visit-rehab-inpatient"),
        pytest.param("99213", "32", [1], id="office-visit-nursing-facility"),
        pytest.param("99213", "23", [], id="emergency-room-not-checked"),
        pytest.param("99213", "19", [], id="off-campus-outpatient"),
        pytest.param("99232", "21", [], id="hospital-visit"),
        pytest.param("99309", "31", [], id="nursing-facility-visit"),
        pytest.param("20610", "21", [], id="procedure-inpatient"),
    ],
)
def test_office_codes_by_setting(
    bundled_store: CodesetStore, medicare: PayerTerms, code: str, pos: str, expected: list[int]
) -> None:
    claim = build(ExClaim(lines=(ExLine(code),), pos=pos))
    assert flagged(scrub(bundled_store, CODE, claim, medicare), CODE) == expected


def test_office_visit_inpatient_text(bundled_store: CodesetStore, medicare: PayerTerms) -> None:
    claim = build(ExClaim(lines=(ExLine("99214"),), pos="21"))
    (finding,) = scrub(bundled_store, CODE, claim, medicare).findings
    assert finding.message == (
        "office or outpatient visit 99214 is billed with place of service 21 (an inpatient "
        "hospital)"
    )
    assert finding.fix.startswith(
        "Bill the visit with the hospital inpatient or observation care (99221-99223, "
        "99231-99239) code"
    )


def test_claim_level_invalid_pos_is_one_finding(
    bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    claim = build(ExClaim(lines=(ExLine("99213"), ExLine("36415")), pos="10", dos="2021-06-01"))
    result = scrub(bundled_store, CODE, claim, medicare)
    (finding,) = result.findings
    assert finding.line is None
    assert finding.message == (
        "claim place of service 10 is not valid on 2021-06-01 (valid from 2022-01-01)"
    )


def test_line_level_pos_is_judged_on_the_line(
    bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    claim = build(ExClaim(lines=(ExLine("99213"), ExLine("99214")), pos="11"))
    claim = with_line(claim, 2, place_of_service="98")
    (finding,) = scrub(bundled_store, CODE, claim, medicare).findings
    assert (finding.line, finding.message) == (
        2,
        "place of service 98 on this line is not a place-of-service code",
    )
    claim = with_line(claim, 2, place_of_service="21")
    assert flagged(scrub(bundled_store, CODE, claim, medicare), CODE) == [2]


@pytest.mark.parametrize(
    ("mods", "pos", "day", "expected"),
    [
        pytest.param(("95",), "11", "2024-01-01", [1], id="95-office-2024"),
        pytest.param(("93",), "12", "2026-05-04", [1], id="93-home-pos-12"),
        pytest.param(("95",), "11", "2023-12-31", [], id="95-office-2023"),
        pytest.param(("95",), "02", "2026-05-04", [], id="95-pos-02"),
        pytest.param(("95",), "19", "2026-05-04", [], id="95-off-campus-hospital"),
        pytest.param(("GT",), "11", "2026-05-04", [], id="gt-left-to-md106"),
    ],
)
def test_telehealth_pos(
    bundled_store: CodesetStore,
    medicare: PayerTerms,
    mods: tuple[str, ...],
    pos: str,
    day: str,
    expected: list[int],
) -> None:
    claim = build(ExClaim(lines=(ExLine("99213", mods),), pos=pos, dos=day))
    result = scrub(bundled_store, CODE, claim, medicare)
    assert flagged(result, CODE) == expected
    assert all(f.severity.value == "warning" for f in result.findings)


def test_telehealth_pos_is_medicare_only(bundled_store: CodesetStore) -> None:
    claim = build(ExClaim(lines=(ExLine("99213", ("95",)),), pos="11", filing_indicator="CI"))
    assert flagged(scrub(bundled_store, CODE, claim, COMMERCIAL), CODE) == []
    no_registry = dataclasses.replace(
        claim, payer=dataclasses.replace(claim.payer, filing_indicator="MB")
    )
    assert flagged(scrub(bundled_store, CODE, no_registry, None), CODE) == [1]


def test_absence_from_a_partial_list_is_not_checked(
    empty_store: CodesetStore, medicare: PayerTerms
) -> None:
    rows = [CuratedCode("11", dt.date(2015, 10, 1), None, "office", {"telehealth": "no"})]
    empty_store.install(
        ParsedRelease(
            kind="pos",
            name="POS test list",
            version="t",
            effective_from=dt.date(2015, 10, 1),
            effective_to=None,
            source="test",
            sha256="pos-test",
            row_count=1,
            completeness=Completeness.PARTIAL,
            payload=rows,
        ),
        origin="imported",
    )
    claim = build(ExClaim(lines=(ExLine("99213"),), pos="21"))
    result = scrub(empty_store, CODE, claim, medicare)
    assert result.findings == []
    assert (
        "pos: 21 is not in the place-of-service list in force on 2026-05-04 (POS test "
        "list (partial))" in [c.reason for c in result.coverage]
    )
