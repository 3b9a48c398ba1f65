"""835 balancing (SNIP 3) as values: every imbalance is a :class:`BalanceIssue`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cleanclaim.claims.remittance import Adjustment, RemitClaim, Remittance, format_money


@dataclass(frozen=True, slots=True)
class BalanceIssue:
    """A SNIP 3 balancing failure: the amounts do not add up."""

    rule: str
    """``transaction``, ``claim`` or ``line``."""
    position: int
    """Segment position of the BPR, CLP or SVC that does not balance."""
    expected: Decimal
    """The payment the other amounts imply: charge minus adjustments (claim, line), or
    sum(CLP04) minus sum(PLB) (transaction)."""
    actual: Decimal
    """The payment reported: CLP04, SVC03, or BPR02 (negative for a debit)."""
    message: str
    claim: str | None = None
    """CLP01 of the claim concerned."""
    line: int | None = None
    """1-based line number within the claim."""


def check_balance(remit: Remittance) -> list[BalanceIssue]:
    """Check the three 835 balancing rules; an empty list means the remittance balances.

    * transaction: BPR02 = sum(CLP04) - sum(PLB amounts); BPR02 counts negative when
      BPR03 is ``D`` (debit);
    * claim: CLP03 - CLP04 = sum(claim CAS) + sum(line CAS);
    * line: SVC02 - SVC03 = sum(line CAS).

    Reversals (CLP02=22) carry negated amounts and balance by the same rules.
    """
    issues: list[BalanceIssue] = []
    for claim in remit.claims:
        issues.extend(_claim_issues(claim))
    paid = sum((c.paid for c in remit.claims), Decimal(0))
    plb = sum((p.amount for p in remit.provider_adjustments), Decimal(0))
    expected = paid - plb
    actual = -remit.total_paid if remit.credit_debit == "D" else remit.total_paid
    if actual != expected:
        message = (
            f"segment {remit.bpr_position} (BPR): total paid {format_money(actual)} "
            f"does not balance: sum of CLP04 "
            f"{format_money(paid)} minus sum of PLB {format_money(plb)} is "
            f"{format_money(expected)}"
        )
        issues.insert(0, BalanceIssue("transaction", remit.bpr_position, expected, actual, message))
    return issues


def _claim_issues(claim: RemitClaim) -> list[BalanceIssue]:
    issues: list[BalanceIssue] = []
    name = f"claim {claim.patient_control_number}"
    for line in claim.lines:
        line_cas = _total(line.adjustments)
        if line.charge - line.paid != line_cas:
            message = (
                f"segment {line.position} (SVC) {name} line {line.number}: charge "
                f"{format_money(line.charge)} minus paid {format_money(line.paid)} is "
                f"{format_money(line.charge - line.paid)}, but line adjustments total "
                f"{format_money(line_cas)}"
            )
            issues.append(
                BalanceIssue(
                    "line",
                    line.position,
                    line.charge - line_cas,
                    line.paid,
                    message,
                    claim.patient_control_number,
                    line.number,
                )
            )
    claim_cas = _total(claim.adjustments)
    line_cas = sum((_total(line.adjustments) for line in claim.lines), Decimal(0))
    if claim.charge - claim.paid != claim_cas + line_cas:
        detail = f"adjustments total {format_money(claim_cas + line_cas)}"
        if claim.lines:
            detail += f" (claim {format_money(claim_cas)}, lines {format_money(line_cas)})"
        message = (
            f"segment {claim.position} (CLP) {name}: charge {format_money(claim.charge)} "
            f"minus paid {format_money(claim.paid)} is "
            f"{format_money(claim.charge - claim.paid)}, but {detail}"
        )
        issues.insert(
            0,
            BalanceIssue(
                "claim",
                claim.position,
                claim.charge - claim_cas - line_cas,
                claim.paid,
                message,
                claim.patient_control_number,
            ),
        )
    return issues


def _total(adjustments: list[Adjustment]) -> Decimal:
    return sum((a.amount for a in adjustments), Decimal(0))
