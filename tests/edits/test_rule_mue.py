"""MU101 mue: MAI 1 per line, MAI 2/3 per day across lines and claims, tables, payers.

Most cases run against a small FULL table written here (values invented for the test, in
the CMS CSV layout); DME and fixture behaviour run against the bundled store.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cleanclaim.claims.model import Claim
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.engine import Scrubber, Selection
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.edits.model import ClaimResult
from cleanclaim.edits.rules.mue import Mue
from cleanclaim.payers.registry import PayerTerms

CSV = (
    '"CPT codes, descriptions and other data only are copyright 2025 American Medical '
    "Association. All rights reserved.\r\n\r\nCPT is a registered trademark of the American "
    'Medical Association.",,,\r\n'
    '"HCPCS/\r\nCPT Code","Practitioner Services MUE Values","MUE Adjudication Indicator",'
    '"MUE Rationale"\r\n'
    '20610,1,"1 Line Edit","Anatomic Consideration"\r\n'
    '36415,2,"3 Date of Service Edit: Clinical","Clinical: Data"\r\n'
    'G0121,1,"2 Date of Service Edit: Policy","Anatomic Consideration"\r\n'
)
DOS = "2026-07-15"
OTHER_NPI = "1679576722"


@pytest.fixture
def mue_store(empty_store: CodesetStore, tmp_path: Path) -> CodesetStore:
    path = tmp_path / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv"
    path.write_bytes(CSV.encode("latin-1"))
    release, _ = empty_store.import_file("mue-practitioner", path)
    assert release.completeness.value == "full"
    return empty_store


def run(
    store: CodesetStore,
    claim: Claim,
    payer: PayerTerms | None,
    history: tuple[Claim, ...] = (),
) -> tuple[ClaimResult, list[int]]:
    scrubber = Scrubber(store, selection=Selection(select=frozenset({"MU101"})))
    for earlier in history:
        scrubber.scrub(earlier, payer=payer)
    result = scrubber.scrub(claim, payer=payer)
    return result, sorted(f.line or 0 for f in result.findings if f.rule == "MU101")


def C(*lines: ExLine, **kw: str) -> Claim:
    return build(ExClaim(lines=lines, dos=kw.pop("dos", DOS), **kw))  # type: ignore[arg-type]


LINE_CASES = [
    pytest.param((ExLine("20610", units=1),), [], id="mai1-at-limit"),
    pytest.param((ExLine("20610", units=2),), [1], id="mai1-limit-plus-one"),
    pytest.param(
        (ExLine("20610", ("RT",)), ExLine("20610", ("LT",))), [], id="mai1-two-lines-each-at-limit"
    ),
    pytest.param((ExLine("36415", units=2),), [], id="mai3-at-limit"),
    pytest.param((ExLine("36415", units=3),), [1], id="mai3-limit-plus-one"),
    pytest.param((ExLine("36415"), ExLine("36415", ("91",))), [], id="mai3-two-lines-at-limit"),
    pytest.param(
        (ExLine("36415"), ExLine("36415", ("91",)), ExLine("36415", ("91",))),
        [1, 2, 3],
        id="mai3-three-lines-over",
    ),
    pytest.param((ExLine("G0121"),), [], id="mai2-at-limit"),
    pytest.param((ExLine("G0121"), ExLine("G0121", ("76",))), [1, 2], id="mai2-two-lines-over"),
    pytest.param(
        (ExLine("G0121"), ExLine("G0121", dos="2026-07-16")), [], id="mai2-different-days"
    ),
    pytest.param((ExLine("99213", units=9),), [], id="code-without-mue"),
]


@pytest.mark.parametrize(("lines", "flags"), LINE_CASES)
def test_within_one_claim(
    mue_store: CodesetStore, medicare: PayerTerms, lines: tuple[ExLine, ...], flags: list[int]
) -> None:
    result, flagged = run(mue_store, C(*lines), medicare)
    assert flagged == flags
    assert result.coverage == []  # FULL table: a code without MUE is simply not limited


HISTORY_CASES = [
    pytest.param({}, [1], id="same-provider-same-day"),
    pytest.param({"dos": "2026-07-14"}, [], id="other-day"),
    pytest.param({"rendering_npi": OTHER_NPI}, [], id="other-provider"),
    pytest.param({"member_id": "OTHERMEMBER"}, [], id="other-patient"),
    pytest.param({"claim_id": "EX2"}, [], id="same-clm01-is-another-version"),
]


@pytest.mark.parametrize(("earlier", "flags"), HISTORY_CASES)
def test_mai3_across_claims(
    mue_store: CodesetStore, medicare: PayerTerms, earlier: dict[str, str], flags: list[int]
) -> None:
    first = C(ExLine("36415"), claim_id=earlier.pop("claim_id", "EX1"), **earlier)
    _, flagged = run(
        mue_store, C(ExLine("36415", units=2), claim_id="EX2"), medicare, history=(first,)
    )
    assert flagged == flags


def test_mai1_ignores_other_claims(mue_store: CodesetStore, medicare: PayerTerms) -> None:
    first = C(ExLine("20610"), claim_id="EX1")
    _, flagged = run(mue_store, C(ExLine("20610"), claim_id="EX2"), medicare, history=(first,))
    assert flagged == []


def test_messages(mue_store: CodesetStore, medicare: PayerTerms) -> None:
    first = C(ExLine("36415"), claim_id="EX1")
    result, _ = run(
        mue_store, C(ExLine("36415", units=2), claim_id="EX2"), medicare, history=(first,)
    )
    (finding,) = result.findings
    assert finding.message == (
        "36415: 3 units on 2026-07-15 (2 on line 1 of this claim + 1 on the patient's other "
        "claim(s) for that day) exceed the practitioner MUE of 2 per date of service (MAI 3, "
        "a per-day edit based on clinical data; appealable with documentation)"
    )
    assert "appeal it with records showing medical necessity" in finding.fix

    result, _ = run(mue_store, C(ExLine("20610", units=2)), medicare)
    (finding,) = result.findings
    assert finding.message == (
        "20610: 2 units on line 1 (2026-07-15) exceed the practitioner MUE of 1 per line "
        "(MAI 1, a line edit)"
    )
    assert "separate lines" in finding.fix

    result, _ = run(mue_store, C(ExLine("G0121", units=2)), medicare)
    (finding,) = result.findings
    assert "MAI 2, a per-day edit based on policy; appeals rarely succeed" in finding.message
    assert finding.fix.startswith("Reduce G0121 to at most 1 unit for the date across all claims")


def test_void_is_not_checked(mue_store: CodesetStore, medicare: PayerTerms) -> None:
    result, flagged = run(mue_store, C(ExLine("36415", units=5), frequency="8"), medicare)
    assert flagged == [] and result.coverage == []


def test_minutes_are_not_counted(mue_store: CodesetStore, medicare: PayerTerms) -> None:
    claim = C(ExLine("36415", units=90))
    claim = dataclasses.replace(
        claim, lines=(dataclasses.replace(claim.lines[0], unit_basis="MJ"),)
    )
    result, flagged = run(mue_store, claim, medicare)
    assert flagged == []
    assert [c.reason for c in result.coverage] == ["line 1: 36415 is reported in minutes (MJ)"]


# -- tables ----------------------------------------------------------------------------------


def _dme(claim: Claim, taxonomy: str = "332B00000X") -> Claim:
    billing = dataclasses.replace(claim.billing_provider, taxonomy=taxonomy)
    return dataclasses.replace(claim, billing_provider=billing)


@pytest.mark.parametrize(
    ("taxonomy", "kind"),
    [
        pytest.param("207Q00000X", "mue-practitioner", id="physician"),
        pytest.param("332B00000X", "mue-dme", id="dme-supplier"),
        pytest.param("332BX2000X", "mue-dme", id="oxygen-supplier"),
        pytest.param("335E00000X", "mue-dme", id="prosthetic-orthotic-supplier"),
    ],
)
def test_table_follows_claim(taxonomy: str, kind: str) -> None:
    assert Mue().codesets(_dme(C(ExLine("E0111")), taxonomy)) == (kind,)
    inst = C(ExLine("33935", revenue_code="0360"), claim_type="institutional", pos="13")
    assert Mue().codesets(inst) == ("mue-hospital",)


def test_dme_supplier_uses_dme_table(bundled_store: CodesetStore, medicare: PayerTerms) -> None:
    result, flagged = run(bundled_store, _dme(C(ExLine("E0111", units=3))), medicare)
    assert flagged == [1]
    assert "exceed the DME supplier MUE of 2 per date of service" in result.findings[0].message


def test_fixture_absence_is_reported(bundled_store: CodesetStore, medicare: PayerTerms) -> None:
    result, flagged = run(bundled_store, C(ExLine("99213"), ExLine("36415")), medicare)
    assert flagged == []
    assert (
        "mue-practitioner: no MUE for 99213 in the fixture table; absence there proves nothing"
        in [c.reason for c in result.coverage]
    )


# -- payers ----------------------------------------------------------------------------------


def test_payers(mue_store: CodesetStore, medicare: PayerTerms) -> None:
    over = ExLine("36415", units=3)
    _, flagged = run(mue_store, C(over), None)
    assert flagged == [1]  # no entry, filed to Medicare Part B: applies

    result, flagged = run(mue_store, C(over, filing_indicator="CI"), None)
    assert flagged == []
    assert [c.reason for c in result.coverage] == [
        "payer unknown: MUE adoption unknown (no payer registry entry, and the claim is not "
        "filed to Medicare or Medicaid)"
    ]

    commercial = dataclasses.replace(medicare, type="commercial", mue_applies=False)
    result, flagged = run(mue_store, C(over), commercial)
    assert flagged == [] and result.coverage == []
