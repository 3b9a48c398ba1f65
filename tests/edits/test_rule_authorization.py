"""AU101 authorization: prior authorization where the payer's pack requires it."""

from __future__ import annotations

import dataclasses

import pytest
from tests.edits._exoptions import example_cases, flagged_lines, run_example, scrub_with

from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.context import RuleContext
from cleanclaim.edits.examples import Example, ExClaim, ExLine, build
from cleanclaim.edits.model import ClaimStatus, Severity
from cleanclaim.edits.packs import PackRegistry, parse_pack
from cleanclaim.edits.registry import get_rule
from cleanclaim.payers.registry import PayerTerms

RULE = get_rule("AU101")
BLUEWATER = {"rule_packs": ("example-bluewater-medicaid",)}


@pytest.mark.parametrize("example", example_cases(RULE))
def test_examples_with_their_packs(
    example: Example,
    monkeypatch: pytest.MonkeyPatch,
    bundled_store: CodesetStore,
    medicare: PayerTerms,
) -> None:
    run_example(monkeypatch, bundled_store, RULE, example, medicare)


RANGE_EDGES = [
    pytest.param("70550", [], id="below-first-range"),
    pytest.param("70551", [1], id="first-of-range"),
    pytest.param("70553", [1], id="last-of-range"),
    pytest.param("70554", [], id="above-first-range"),
    pytest.param("72140", [], id="below-second-range"),
    pytest.param("72141", [1], id="second-range-start"),
    pytest.param("E0601", [1], id="single-hcpcs"),
    pytest.param("E0600", [], id="hcpcs-neighbour"),
]


@pytest.mark.parametrize(("code", "flags"), RANGE_EDGES)
def test_code_ranges(
    code: str,
    flags: list[int],
    monkeypatch: pytest.MonkeyPatch,
    bundled_store: CodesetStore,
    medicare: PayerTerms,
) -> None:
    claim = ExClaim(lines=(ExLine(code),), filing_indicator="MC")
    result = scrub_with(monkeypatch, bundled_store, "AU101", claim, medicare, BLUEWATER)
    assert flagged_lines(result, "AU101") == flags


def test_finding_text_and_pack_citation(
    monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    claim = ExClaim(lines=(ExLine("99213"), ExLine("70553")), filing_indicator="MC")
    result = scrub_with(monkeypatch, bundled_store, "AU101", claim, medicare, BLUEWATER)
    (finding,) = result.findings
    assert (finding.line, finding.severity) == (2, Severity.ERROR)
    assert finding.message == (
        "70553 on 2026-05-04 needs prior authorization (EXAMPLE pack "
        "example-bluewater-medicaid, edit advanced-imaging-auth: Prior authorization for MRI "
        "of the brain and spine); neither the claim nor the line carries an authorization "
        "number (REF*G1)"
    )
    assert finding.citation.section == "services requiring prior authorization: advanced imaging"
    assert result.status is ClaimStatus.FLAGGED


def test_only_the_line_without_its_own_authorization_is_flagged(
    monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    claim = ExClaim(
        lines=(ExLine("70551", prior_auth="PA1"), ExLine("70553")), filing_indicator="MC"
    )
    result = scrub_with(monkeypatch, bundled_store, "AU101", claim, medicare, BLUEWATER)
    assert flagged_lines(result, "AU101") == [2]


def test_payer_without_packs_does_not_apply_and_stays_clean(
    monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    claim = ExClaim(lines=(ExLine("70553"),))
    result = scrub_with(monkeypatch, bundled_store, "AU101", claim, medicare)
    assert result.findings == [] and result.coverage == []
    assert result.status is ClaimStatus.CLEAN
    assert not RULE.applies(build(claim), RuleContext(bundled_store, payer=medicare))
    assert not RULE.applies(build(claim), RuleContext(bundled_store, payer=None))


def test_pack_without_authorization_edits_does_not_apply(
    bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    text = (
        '[pack]\nname = "acme"\ntitle = "Acme"\n[[edits]]\nid = "f"\nkind = "filing_limit"\n'
        'limit = "90d"\neffective_from = 2026-01-01\n'
        'citation = { source = "Acme", section = "1", date = "2026" }\n'
    )
    ctx = RuleContext(
        bundled_store,
        payer=dataclasses.replace(medicare, rule_packs=("acme",)),
        options={"packs": PackRegistry([parse_pack(text)])},
    )
    assert not RULE.applies(build(ExClaim(lines=(ExLine("70553"),))), ctx)


def test_listed_pack_not_loaded_is_coverage(
    monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    claim = ExClaim(lines=(ExLine("70553"),))
    options = {"rule_packs": ("acme-ppo", "example-bluewater-medicaid")}
    result = scrub_with(monkeypatch, bundled_store, "AU101", claim, medicare, options)
    assert flagged_lines(result, "AU101") == [1]
    assert [c.reason for c in result.coverage] == [
        "the payer's pack 'acme-ppo' is not loaded: prior authorization not checked"
    ]


def test_institutional_claim_line_is_checked(
    monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    claim = ExClaim(
        lines=(ExLine("70553", revenue_code="0612"),),
        claim_type="institutional",
        pos="13",
        filing_indicator="MC",
    )
    result = scrub_with(monkeypatch, bundled_store, "AU101", claim, medicare, BLUEWATER)
    assert flagged_lines(result, "AU101") == [1]
