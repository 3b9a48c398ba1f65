"""CB101-CB104: payer order, Medicaid last, the prior payer's adjudication, and MSP."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from cleanclaim.claims.model import Claim
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.context import RuleContext
from cleanclaim.edits.docs import sample_payer
from cleanclaim.edits.engine import Scrubber, Selection
from cleanclaim.edits.examples import ExAdjudication, ExClaim, ExLine, ExOtherPayer, build
from cleanclaim.edits.model import Finding, Severity
from cleanclaim.edits.registry import get_rule
from cleanclaim.edits.rules.cob_msp import medicare_65
from cleanclaim.payers.registry import PayerTerms

CO45 = ("CO", "45", "20.00")


def op(
    seq: str = "P",
    filing: str = "MB",
    payer_id: str = "EXMCR",
    paid: str | None = "80.00",
    cas: tuple[tuple[str, str, str], ...] = (CO45,),
) -> ExOtherPayer:
    return ExOtherPayer(
        sequence=seq,
        filing_indicator=filing,
        payer_id=payer_id,
        paid=paid,
        adjustments=cas,
        adjudicated="2026-05-08",
    )


def spec(seq: str = "P", filing: str = "MB", *others: ExOtherPayer, **kw: object) -> ExClaim:
    kw.setdefault("lines", (ExLine("99213"),))
    return ExClaim(sbr_sequence=seq, filing_indicator=filing, other_payers=others, **kw)  # type: ignore[arg-type]


def findings(
    store: CodesetStore,
    payer: PayerTerms,
    code: str,
    claim: ExClaim | Claim,
) -> list[Finding]:
    scrubber = Scrubber(store, selection=Selection(select=frozenset({code})))
    built = build(claim) if isinstance(claim, ExClaim) else claim
    return [f for f in scrubber.scrub(built, payer=payer).findings if f.rule == code]


def levels(found: list[Finding]) -> list[tuple[int | None, str]]:
    return [(f.line, f.severity.value) for f in found]


# -- CB101 ------------------------------------------------------------------------------------

ORDER = [
    pytest.param(spec("P", "MB"), [], id="primary"),
    pytest.param(spec("U", "CI"), [], id="unknown-position"),
    pytest.param(spec("S", "CI"), ["SBR01 P (primary)"], id="secondary-alone"),
    pytest.param(spec("S", "CI", op("U")), ["SBR01 P (primary)"], id="secondary-with-unknown"),
    pytest.param(spec("T", "CI", op("P")), ["SBR01 S (secondary)"], id="tertiary-no-secondary"),
    pytest.param(
        spec("T", "CI", op("S", "CI", "EX2")), ["SBR01 P (primary)"], id="tertiary-no-primary"
    ),
    pytest.param(spec("T", "CI", op("P"), op("S", "CI", "EX2")), [], id="tertiary-complete"),
    pytest.param(
        spec("A", "CI", op("P"), op("S", "CI", "EX2")),
        ["SBR01 T (tertiary)"],
        id="fourth-payer-missing-third",
    ),
    pytest.param(
        spec("A", "CI", op("P"), op("S", "CI", "EX2"), op("T", "CI", "EX3")),
        [],
        id="fourth-payer-complete",
    ),
    pytest.param(
        spec("T", "CI"), ["SBR01 P (primary) and SBR01 S (secondary)"], id="tertiary-alone"
    ),
]


@pytest.mark.parametrize(("claim", "missing"), ORDER)
def test_cb101_payers_ahead(
    bundled_store: CodesetStore, medicare: PayerTerms, claim: ExClaim, missing: list[str]
) -> None:
    found = findings(bundled_store, medicare, "CB101", claim)
    assert levels(found) == [(None, "error")] * len(missing)
    for finding, names in zip(found, missing, strict=True):
        assert names in finding.message


def test_cb101_message(bundled_store: CodesetStore, medicare: PayerTerms) -> None:
    (finding,) = findings(bundled_store, medicare, "CB101", spec("T", "CI"))
    assert finding.message == (
        "The claim is billed to EXMCR as SBR01 T (tertiary), but it carries no other-payer loop "
        "(2320/2330B): the payers in SBR01 P (primary) and SBR01 S (secondary) are missing."
    )


# -- CB102 ------------------------------------------------------------------------------------

DUALS = [
    pytest.param(
        spec("P", "MC", op("S", "MB", paid=None, cas=())),
        [(None, "error")],
        id="medicaid-first-medicare-second",
    ),
    pytest.param(
        spec("P", "MC", op("S", "16", "EXMAPLAN", paid=None, cas=())),
        [(None, "error")],
        id="medicare-advantage-counts-as-medicare",
    ),
    pytest.param(spec("S", "MC", op("P", "MB")), [], id="medicaid-after-medicare"),
    pytest.param(
        spec("T", "MC", op("P", "MB"), op("S", "CI", "EXGAP")), [], id="medicaid-third-and-last"
    ),
    pytest.param(
        spec("S", "MC", op("P", "MB"), op("T", "CI", "EXGAP", paid=None, cas=())),
        [(None, "warning")],
        id="medicaid-before-commercial",
    ),
    pytest.param(
        spec("S", "MB", op("P", "MC", "EXMCD"), insurance_type="12"),
        [(None, "error")],
        id="medicare-after-medicaid",
    ),
    pytest.param(
        spec("P", "MB", op("S", "MC", "EXMCD", paid=None, cas=())),
        [],
        id="medicare-first-medicaid-second",
    ),
]


@pytest.mark.parametrize(("claim", "expected"), DUALS)
def test_cb102_order(
    bundled_store: CodesetStore,
    medicare: PayerTerms,
    claim: ExClaim,
    expected: list[tuple[int | None, str]],
) -> None:
    assert levels(findings(bundled_store, medicare, "CB102", claim)) == expected


def test_cb102_medicaid_from_the_registry_type(bundled_store: CodesetStore) -> None:
    claim = build(spec("P", "MC", op("S", "MB", paid=None, cas=())))
    claim = dataclasses.replace(
        claim, payer=dataclasses.replace(claim.payer, filing_indicator=None)
    )
    rule = get_rule("CB102")
    as_medicaid = RuleContext(bundled_store, payer=sample_payer("medicaid-mco"))
    as_commercial = RuleContext(bundled_store, payer=sample_payer("commercial"))
    found = list(rule.check(claim, as_medicaid))
    assert [f.severity for f in found if isinstance(f, Finding)] == [Severity.ERROR]
    assert list(rule.check(claim, as_commercial)) == []


# -- CB103 ------------------------------------------------------------------------------------


def line(code: str = "99213", charge: str = "100.00", *adj: ExAdjudication) -> ExLine:
    return ExLine(code, charge=charge, adjudications=adj)


LINE_CO45 = ExAdjudication(payer_id="EXMCR", adjustments=(CO45,))
PAID = [
    pytest.param(spec("S", "CI", op(paid=None, cas=())), [(None, "error")], id="nothing"),
    pytest.param(
        spec("S", "CI", op(paid="0.00", cas=(("CO", "97", "100.00"),))),
        [],
        id="paid-nothing-denied-balanced",
    ),
    pytest.param(
        spec("S", "CI", op(paid="0.00", cas=())), [(None, "warning")], id="zero-paid-without-reason"
    ),
    pytest.param(spec("S", "CI", op(paid="79.99")), [(None, "warning")], id="one-cent-under"),
    pytest.param(
        spec(
            "S",
            "CI",
            op(paid=None, cas=()),
            lines=(
                line("99213", "100.00", ExAdjudication(payer_id="EXOTHER", adjustments=(CO45,))),
            ),
        ),
        [(None, "error")],
        id="2430-from-another-payer-does-not-count",
    ),
    pytest.param(
        spec(
            "S",
            "CI",
            op(paid="80.00", cas=()),
            lines=(line("99213", "100.00", LINE_CO45), line("36415", "0.00")),
        ),
        [],
        id="zero-charge-line-needs-no-2430",
    ),
    pytest.param(
        spec(
            "S",
            "CI",
            op(paid="110.00", cas=()),
            lines=(
                line("99213", "100.00", LINE_CO45),
                line(
                    "36415",
                    "30.00",
                    ExAdjudication(payer_id="EXMCR", adjustments=(("PR", "2", "0.00"),)),
                ),
            ),
        ),
        [],
        id="two-lines-balanced",
    ),
    pytest.param(
        spec("T", "CI", op("P"), op("S", "CI", "EXGAP", paid=None, cas=())),
        [(None, "error")],
        id="tertiary-missing-the-secondary-adjudication",
    ),
    pytest.param(
        spec("S", "CI", op("P"), op("T", "CI", "EXLATER", paid=None, cas=())),
        [],
        id="payer-behind-needs-nothing",
    ),
]


@pytest.mark.parametrize(("claim", "expected"), PAID)
def test_cb103_adjudication(
    bundled_store: CodesetStore,
    medicare: PayerTerms,
    claim: ExClaim,
    expected: list[tuple[int | None, str]],
) -> None:
    assert levels(findings(bundled_store, medicare, "CB103", claim)) == expected


def test_cb103_line_payments_must_match_the_paid_amount(
    bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    claim = build(
        spec("S", "CI", op(paid="80.00", cas=()), lines=(line("99213", "100.00", LINE_CO45),))
    )
    first = claim.lines[0]
    odd = dataclasses.replace(first.adjudications[0], paid_amount=Decimal("75.00"))
    claim = dataclasses.replace(claim, lines=(dataclasses.replace(first, adjudications=(odd,)),))
    (finding,) = findings(bundled_store, medicare, "CB103", claim)
    assert finding.severity is Severity.WARNING
    assert finding.message == (
        "EXMCR (2320 SBR01 P, SBR09 MB (Medicare Part B)): line payments (2430 SVD02) total "
        "75.00, minus claim adjustments 0.00 is 75.00, but AMT*D says 80.00."
    )


# -- CB104 ------------------------------------------------------------------------------------

EMPLOYER = op("P", "CI", "EXEMPLOYER")


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        pytest.param("1961-05-05", "2026-05-01", id="mid-month"),
        pytest.param("1961-05-01", "2026-04-01", id="born-on-the-1st"),
        pytest.param("1961-01-01", "2025-12-01", id="born-on-1-january"),
        pytest.param("1960-02-29", "2025-02-01", id="leap-day"),
    ],
)
def test_age_entitlement_month(birth: str, expected: str) -> None:
    import datetime as dt

    assert medicare_65(dt.date.fromisoformat(birth)).isoformat() == expected


MSP = [
    pytest.param(
        spec("S", "MB", EMPLOYER, insurance_type="12", birth="1961-05-01", dos="2026-03-31"),
        1,
        id="working-aged-born-on-1st-day-before",
    ),
    pytest.param(
        spec("S", "MB", EMPLOYER, insurance_type="12", birth="1961-05-01", dos="2026-04-01"),
        0,
        id="working-aged-born-on-1st-entitled",
    ),
    pytest.param(
        spec("S", "MB", EMPLOYER, insurance_type="43", birth="1961-05-05", dos="2026-04-30"),
        0,
        id="disabled-code-last-day-under-entitlement",
    ),
    pytest.param(
        spec("S", "MB", EMPLOYER, insurance_type="43", birth="1961-05-05", dos="2026-05-01"),
        1,
        id="disabled-code-first-day-of-entitlement",
    ),
    pytest.param(
        spec("S", "MB", EMPLOYER, insurance_type="13", birth="1990-01-01"), 0, id="esrd-at-36"
    ),
    pytest.param(
        spec("P", "MB", op("P", "WC", "EXWC", paid=None, cas=())), 1, id="workers-comp-also-primary"
    ),
    pytest.param(
        spec("P", "MB", op("S", "WC", "EXWC", paid=None, cas=())),
        0,
        id="workers-comp-listed-behind",
    ),
    pytest.param(spec("P", "MB", related_causes=("EM",)), 1, id="employment-related"),
    pytest.param(spec("P", "MB", related_causes=("AA", "OA")), 2, id="two-accident-causes"),
    pytest.param(
        spec("P", "MA", op("P", "BL", "EXBLUE", paid=None, cas=())),
        1,
        id="part-a-with-blue-plan-primary",
    ),
    pytest.param(spec("S", "16", EMPLOYER), 0, id="medicare-advantage-is-not-checked"),
    pytest.param(spec("S", "CI", op("P")), 0, id="commercial-is-not-checked"),
]


@pytest.mark.parametrize(("claim", "count"), MSP)
def test_cb104_msp(
    bundled_store: CodesetStore, medicare: PayerTerms, claim: ExClaim, count: int
) -> None:
    found = findings(bundled_store, medicare, "CB104", claim)
    assert levels(found) == [(None, "warning")] * count


def test_cb104_workers_comp_message(bundled_store: CodesetStore, medicare: PayerTerms) -> None:
    claim = spec("P", "MB", op("P", "WC", "EXWC", paid=None, cas=()))
    (finding,) = findings(bundled_store, medicare, "CB104", claim)
    assert finding.message.startswith(
        "Medicare is billed as primary while EXWC (2320 SBR01 P, SBR09 WC), MSP type 15 "
        "(workers' compensation), is also listed as primary: only one payer pays first. "
        "Medicare is secondary to an employer group health plan"
    )
    assert "1961" not in finding.message and "1958" not in finding.message
