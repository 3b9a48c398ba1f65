"""ST101 structure: required claim data, as data-driven cases beyond the rule's examples."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from cleanclaim.claims.model import Claim, Provider
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.engine import Scrubber, Selection
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.edits.model import ClaimResult, Severity

CODE = "ST101"
BASE = ExClaim(lines=(ExLine("99213"), ExLine("81002", charge="20.00")), dx=("I10", "E11.9"))


def _scrub(store: CodesetStore, claim: Claim) -> ClaimResult:
    return Scrubber(store, selection=Selection(select=frozenset({CODE}))).scrub(claim)


def _line(index: int, **changes: object) -> Callable[[Claim], Claim]:
    def edit(claim: Claim) -> Claim:
        lines = list(claim.lines)
        lines[index] = dataclasses.replace(lines[index], **changes)  # type: ignore[arg-type]
        return dataclasses.replace(claim, lines=tuple(lines))

    return edit


def _claim(**changes: object) -> Callable[[Claim], Claim]:
    return lambda claim: dataclasses.replace(claim, **changes)  # type: ignore[arg-type]


def _billing(**changes: object) -> Callable[[Claim], Claim]:
    return lambda c: dataclasses.replace(
        c,
        billing_provider=dataclasses.replace(c.billing_provider, **changes),  # type: ignore[arg-type]
    )


LINE_RENDERING = Provider("rendering", "82", "1", "LINEDOC", npi="1234567890", npi_valid=False)

CASES = [
    pytest.param(
        _claim(diagnoses=()),
        [(None, "the claim has no diagnosis code (HI segment)")],
        id="no-diagnosis",
    ),
    pytest.param(
        _claim(lines=(), total_charge=Decimal("0")),
        [(None, "the claim has no service lines")],
        id="no-lines",
    ),
    pytest.param(
        _claim(total_charge=Decimal("120.01")),
        [(None, "line charges add up to 120.00 but the claim total (CLM02) is 120.01")],
        id="total-off-by-a-cent",
    ),
    pytest.param(
        _billing(npi=None, npi_valid=None),
        [(None, "the billing provider has no NPI (NM108 XX / NM109)")],
        id="billing-npi-missing",
    ),
    pytest.param(
        _billing(npi="1245319598", npi_valid=False),
        [(None, "the billing provider NPI 1245319598 fails its check digit")],
        id="billing-npi-check-digit",
    ),
    pytest.param(
        _line(1, procedure_code=None), [(2, "line 2 has no procedure code")], id="no-procedure-code"
    ),
    pytest.param(_line(0, units=None), [(1, "line 1 has no units")], id="no-units"),
    pytest.param(
        _line(0, units=Decimal("-1")), [(1, "line 1 bills -1 units")], id="negative-units"
    ),
    pytest.param(_line(0, units=Decimal("0.5")), [], id="fractional-units-pass"),
    pytest.param(
        _line(1, service_date_from=None),
        [(2, "line 2 has no date of service (DTP*472)")],
        id="no-line-date",
    ),
    pytest.param(
        _line(0, diagnosis_pointers=()),
        [(1, "line 1 has no diagnosis pointer (SV107)")],
        id="no-pointer",
    ),
    pytest.param(
        _line(0, diagnosis_pointers=(0,)),
        [(1, "line 1 points to diagnosis 0, but the claim has 2 diagnosis codes")],
        id="pointer-zero",
    ),
    pytest.param(
        _line(0, diagnosis_pointers=(1, 3)),
        [(1, "line 1 points to diagnosis 3, but the claim has 2 diagnosis codes")],
        id="pointer-one-past-the-end",
    ),
    pytest.param(_line(0, diagnosis_pointers=(2, 1)), [], id="pointer-to-last-pass"),
    pytest.param(
        _line(0, diagnosis_pointers=(1, 2, 1, 2, 1)),
        [(1, "line 1 has 5 diagnosis pointers; at most 4 are allowed")],
        id="five-pointers",
    ),
    pytest.param(
        _line(1, rendering_provider=LINE_RENDERING),
        [(2, "line 2's rendering provider NPI 1234567890 fails its check digit")],
        id="line-rendering-npi",
    ),
    pytest.param(lambda c: c, [], id="complete-claim-pass"),
]


@pytest.mark.parametrize(("edit", "expected"), CASES)
def test_professional_structure(
    edit: Callable[[Claim], Claim],
    expected: list[tuple[int | None, str]],
    bundled_store: CodesetStore,
) -> None:
    result = _scrub(bundled_store, edit(build(BASE)))
    assert [(f.line, f.message) for f in result.findings] == expected
    assert all(f.severity is Severity.ERROR for f in result.findings)
    assert not result.coverage


def _attending(**changes: object) -> Callable[[Claim], Claim]:
    def edit(claim: Claim) -> Claim:
        assert claim.attending_provider is not None
        attending = dataclasses.replace(claim.attending_provider, **changes)  # type: ignore[arg-type]
        return dataclasses.replace(claim, attending_provider=attending)

    return edit


INSTITUTIONAL = ExClaim(
    lines=(ExLine("", revenue_code="0450", dx=()), ExLine("", revenue_code="0300", dx=())),
    claim_type="institutional",
    pos="13",
)

INSTITUTIONAL_CASES = [
    pytest.param(lambda c: c, [], id="complete-pass"),
    pytest.param(
        _claim(statement_from=None),
        [(None, "the statement period (DTP*434) is missing")],
        id="no-statement",
    ),
    pytest.param(
        _line(0, revenue_code=None), [(1, "line 1 has no revenue code")], id="no-revenue-code"
    ),
    pytest.param(_line(1, service_date_from=None), [], id="line-date-optional-pass"),
    pytest.param(
        _attending(npi="1234567890", npi_valid=False),
        [(None, "the attending provider NPI 1234567890 fails its check digit")],
        id="attending-npi-check-digit",
    ),
    pytest.param(
        _attending(npi=None, npi_valid=None),
        [(None, "the attending provider has no NPI (NM108 XX / NM109)")],
        id="attending-npi-missing",
    ),
]


@pytest.mark.parametrize(("edit", "expected"), INSTITUTIONAL_CASES)
def test_institutional_structure(
    edit: Callable[[Claim], Claim],
    expected: list[tuple[int | None, str]],
    bundled_store: CodesetStore,
) -> None:
    claim = edit(build(INSTITUTIONAL))
    result = _scrub(bundled_store, claim)
    assert [(f.line, f.message) for f in result.findings] == expected


def test_structure_needs_no_code_sets(empty_store: CodesetStore) -> None:
    """Runs on a store with nothing in it, on any date, without coverage entries."""
    claim = build(dataclasses.replace(BASE, dos="2005-03-01", submitted="2005-03-02"))
    result = _scrub(empty_store, _line(0, units=Decimal(0))(claim))
    assert [(f.line, f.message) for f in result.findings] == [(1, "line 1 bills 0 units")]
    assert not result.coverage
    assert claim.lines[0].service_date_from == dt.date(2005, 3, 1)
