"""NC101 ncci-ptp: date edges, both orders, modifiers, providers and payers.

Edge cases run against a small FULL table written here (rows invented for the test, in the
CMS layout); fixture behaviour runs against the bundled store.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cleanclaim.claims.model import Claim, Provider
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.engine import Scrubber, Selection
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.edits.model import ClaimResult, Severity
from cleanclaim.edits.rules.ncci_ptp import NcciPtp
from cleanclaim.payers.registry import PayerTerms

PREAMBLE = (
    "CPT only copyright 2025 American Medical Association.  All rights reserved.\r\n"
    "Column1/Column2 Edits\r\n"
    "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale\r\n"
    "\t\tprior to 1996\tDate\tDate\t0=not allowed\t\r\n"
    "\t\t\t\t*=no data\t1=allowed\t\r\n"
    "\t\t\t\t\t9=not applicable\t\r\n"
)
ROWS = [
    # column 1, column 2, effective, deletion, indicator
    ("20610", "76942", "20260801", "*", "0"),
    ("29880", "29881", "20260701", "20260815", "1"),
    ("93294", "93296", "20260701", "20260930", "9"),
    ("96372", "99213", "20260701", "*", "1"),
]


@pytest.fixture
def ptp_store(empty_store: CodesetStore, tmp_path: Path) -> CodesetStore:
    text = PREAMBLE + "".join(
        f"{a}\t{b}\t\t{eff}\t{dele}\t{ind}\tMisuse of column two code with column one code\r\n"
        for a, b, eff, dele, ind in ROWS
    )
    path = tmp_path / "ccipra-v322r0-edges.txt"
    path.write_bytes(text.encode("latin-1"))
    release, _ = empty_store.import_file("ncci-ptp-practitioner", path)
    assert release.completeness.value == "full"
    return empty_store


def scrub(
    store: CodesetStore, claim: Claim, payer: PayerTerms | None
) -> tuple[ClaimResult, list[int]]:
    result = Scrubber(store, selection=Selection(select=frozenset({"NC101"}))).scrub(
        claim, payer=payer
    )
    return result, sorted(f.line or 0 for f in result.findings if f.rule == "NC101")


def L(code: str, *mods: str, dos: str | None = None) -> ExLine:
    return ExLine(code, tuple(mods), dos=dos)


EDGES = [
    pytest.param((L("20610"), L("76942")), "2026-07-31", [], id="day-before-effective"),
    pytest.param((L("20610"), L("76942")), "2026-08-01", [2], id="effective-day"),
    pytest.param((L("29880"), L("29881")), "2026-08-15", [2], id="deletion-day-inclusive"),
    pytest.param((L("29880"), L("29881")), "2026-08-16", [], id="day-after-deletion"),
    pytest.param((L("29881"), L("29880")), "2026-08-15", [1], id="column-2-listed-first"),
    pytest.param((L("93294"), L("93296")), "2026-08-01", [], id="indicator-9-ignored"),
    pytest.param((L("29880"), L("29881", "XS")), "2026-07-15", [], id="xs-on-column-2"),
    pytest.param((L("29880", "XU"), L("29881")), "2026-07-15", [], id="xu-on-column-1"),
    pytest.param((L("29880"), L("29881", "RT")), "2026-07-15", [], id="anatomic-modifier"),
    pytest.param((L("29880"), L("29881", "25")), "2026-07-15", [2], id="25-on-non-em-pair"),
    pytest.param((L("29880"), L("29881", "76")), "2026-07-15", [2], id="76-is-not-ncci"),
    pytest.param((L("96372"), L("99213", "25")), "2026-07-15", [], id="25-on-em-line"),
    pytest.param((L("96372", "25"), L("99213")), "2026-07-15", [], id="25-on-other-line"),
    pytest.param((L("20610"), L("76942", "59")), "2026-08-01", [2], id="indicator-0-with-59"),
    pytest.param(
        (L("20610"), L("76942", dos="2026-08-02")), "2026-08-01", [], id="different-dates"
    ),
    pytest.param(
        (L("20610"), L("76942"), L("76942", "RT")), "2026-08-01", [2, 3], id="two-column-2-lines"
    ),
    pytest.param((L("20610"), L("20610")), "2026-08-01", [], id="same-code-twice"),
]


@pytest.mark.parametrize(("lines", "dos", "flags"), EDGES)
def test_edges(
    ptp_store: CodesetStore,
    medicare: PayerTerms,
    lines: tuple[ExLine, ...],
    dos: str,
    flags: list[int],
) -> None:
    result, flagged = scrub(ptp_store, build(ExClaim(lines=lines, dos=dos)), medicare)
    assert flagged == flags
    assert all(f.severity is Severity.ERROR for f in result.findings)
    assert result.coverage == []  # a FULL table: absences are authoritative


def _with_line_rendering(claim: Claim, number: int, npi: str) -> Claim:
    doctor = Provider("rendering", "82", "1", "OTHERDOCTOR", "SAM", npi)
    lines = tuple(
        dataclasses.replace(ln, rendering_provider=doctor) if ln.number == number else ln
        for ln in claim.lines
    )
    return dataclasses.replace(claim, lines=lines)


@pytest.mark.parametrize(
    ("npi", "flags"),
    [
        pytest.param("1679576722", [], id="other-rendering-npi"),
        pytest.param("1234567893", [2], id="line-npi-equal-to-claim-rendering"),
    ],
)
def test_same_provider_only(
    ptp_store: CodesetStore, medicare: PayerTerms, npi: str, flags: list[int]
) -> None:
    claim = build(ExClaim(lines=(L("20610"), L("76942")), dos="2026-08-01"))
    _, flagged = scrub(ptp_store, _with_line_rendering(claim, 2, npi), medicare)
    assert flagged == flags


def test_message_and_fix(ptp_store: CodesetStore, medicare: PayerTerms) -> None:
    result, _ = scrub(
        ptp_store, build(ExClaim(lines=(L("29880"), L("29881", "51")), dos="2026-07-15")), medicare
    )
    (finding,) = result.findings
    assert finding.category.value == "ncci-ptp"
    assert finding.message == (
        "29881 (line 2) is the column 2 code of an NCCI PTP edit with 29880 (line 1), both on "
        "2026-07-15 by the same provider; modifier indicator 1: an NCCI-associated modifier "
        "may bypass it when documented, and 51 is not one here (edit rationale: Misuse of "
        "column two code with column one code)"
    )
    assert finding.fix == (
        "Bill 29880 alone, or append XS/59 (or another NCCI-associated modifier that fits) to "
        "29881 only if the documentation supports a separate site, session or encounter."
    )


def test_em_fix_names_modifier_25(ptp_store: CodesetStore, medicare: PayerTerms) -> None:
    result, _ = scrub(
        ptp_store, build(ExClaim(lines=(L("96372"), L("99213")), dos="2026-07-15")), medicare
    )
    (finding,) = result.findings
    assert finding.line == 2
    assert finding.fix == (
        "Bill 96372 alone, or append 25 to 99213 only if the documentation supports a "
        "significant, separately identifiable E/M service."
    )


# -- payers ----------------------------------------------------------------------------------


def test_no_registry_entry_medicare_filing_applies_and_says_so(ptp_store: CodesetStore) -> None:
    claim = build(ExClaim(lines=(L("20610"), L("76942")), dos="2026-08-01"))
    result, flagged = scrub(ptp_store, claim, None)
    assert flagged == [2]
    assert result.findings[0].message.endswith(
        "(no payer registry entry: applied because the claim is filed to Medicare Part B, SBR09 MB)"
    )


def test_no_registry_entry_commercial_filing_is_not_checked(ptp_store: CodesetStore) -> None:
    claim = build(ExClaim(lines=(L("20610"), L("76942")), dos="2026-08-01", filing_indicator="CI"))
    result, flagged = scrub(ptp_store, claim, None)
    assert flagged == []
    assert [(c.check, c.reason) for c in result.coverage] == [
        (
            "NC101",
            "payer unknown: NCCI adoption unknown (no payer registry entry, and the claim is "
            "not filed to Medicare or Medicaid)",
        )
    ]


def test_payer_without_ncci_does_not_apply(ptp_store: CodesetStore, medicare: PayerTerms) -> None:
    commercial = dataclasses.replace(medicare, key="acme", type="commercial", ncci_applies=False)
    claim = build(ExClaim(lines=(L("20610"), L("76942")), dos="2026-08-01"))
    result, flagged = scrub(ptp_store, claim, commercial)
    assert flagged == [] and result.coverage == []


# -- claim types and tables ------------------------------------------------------------------


def test_table_follows_claim_type() -> None:
    rule = NcciPtp()
    prof = build(ExClaim(lines=(L("20610"),), dos="2026-08-01"))
    inst = build(
        ExClaim(
            lines=(ExLine("29000", revenue_code="0450"),),
            dos="2026-08-01",
            claim_type="institutional",
            pos="13",
        )
    )
    assert rule.codesets(prof) == ("ncci-ptp-practitioner",)
    assert rule.codesets(inst) == ("ncci-ptp-hospital",)


def test_inpatient_bill_is_not_checked(bundled_store: CodesetStore, medicare: PayerTerms) -> None:
    lines = (ExLine("29000", revenue_code="0450"), ExLine("0213T", revenue_code="0450"))
    spec = ExClaim(lines=lines, dos="2026-07-15", claim_type="institutional", pos="11")
    result, flagged = scrub(bundled_store, build(spec), medicare)
    assert flagged == [] and result.coverage == []


def test_fixture_absence_is_reported_not_judged(
    bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    # 29000/0213T is in the hospital fixture only; the practitioner fixture proves nothing
    claim = build(ExClaim(lines=(L("29000"), L("0213T")), dos="2026-07-15"))
    result, flagged = scrub(bundled_store, claim, medicare)
    assert flagged == []
    reasons = [c.reason for c in result.coverage]
    assert (
        "ncci-ptp-practitioner: pair(s) 29000/0213T not in the fixture table; absence there "
        "proves nothing"
    ) in reasons


def test_no_release_for_the_date_is_a_gap(
    bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    claim = build(ExClaim(lines=(L("20610"), L("76942")), dos="2026-05-04"))
    result, flagged = scrub(bundled_store, claim, medicare)
    assert flagged == []
    assert [c.reason for c in result.coverage] == [
        "ncci-ptp-practitioner: no release covers 2026-05-04; import it to run this check"
    ]
