"""CB103 cob-other-payer-paid."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from cleanclaim.claims.model import Adjustment, Claim, LineAdjudication, OtherPayer
from cleanclaim.edits.context import RuleContext
from cleanclaim.edits.examples import ExAdjudication, Example, ExClaim, ExLine, ExOtherPayer
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule
from cleanclaim.edits.rules.cob_no_primary import other_label, payers_ahead

ZERO = Decimal(0)


def _secondary(primary: ExOtherPayer, *lines: ExLine) -> ExClaim:
    return ExClaim(
        lines=lines or (ExLine("99213"),),
        filing_indicator="CI",
        payer_id="EXMEDIGAP",
        sbr_sequence="S",
        other_payers=(primary,),
    )


def _medicare(paid: str | None, *cas: tuple[str, str, str]) -> ExOtherPayer:
    return ExOtherPayer(
        sequence="P",
        filing_indicator="MB",
        payer_id="EXMCR",
        paid=paid,
        adjustments=cas,
        adjudicated="2026-05-08",
    )


CO45 = ("CO", "45", "20.00")
LINE_CO45 = ExAdjudication(payer_id="EXMCR", adjustments=(CO45,))


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _total(adjustments: Iterable[Adjustment]) -> Decimal:
    return sum((a.amount for a in adjustments), ZERO)


class CobOtherPayerPaid(Rule):
    """A secondary claim lacks what the payer ahead of it paid or adjusted.

    What it checks
    --------------
    On a claim billed as secondary or later (SBR01 not P), for each other payer that pays
    before it (loop 2320 SBR01 earlier in the order), the claim must say how that payer
    adjudicated it: the paid amount (2320 AMT*D), claim-level adjustments (2320 CAS) and/or
    line-level adjudication (2430 SVD, CAS, DTP*573, matched to the payer by SVD01 = 2330B
    payer id).

    - None of the three: an error (the payer's adjudication is missing).
    - Partial data: a warning naming what is missing: AMT*D absent while adjustments are
      given; a paid amount below the charge with no adjustment at all; lines without
      2430 when other lines have it; or figures that do not balance. The balancing
      equations are those of the TR3 (section 1.4.4): total charge (CLM02) = AMT*D + all
      CAS amounts of that payer (2320 and 2430); and, when lines carry 2430, AMT*D = sum of
      SVD02 minus the 2320 CAS amounts.

    Why it matters
    --------------
    The secondary payer computes its payment from the primary's. A claim without it is
    rejected at the front end or denied; an unbalanced one is rejected by the payer's
    837 edits.

    Limitations
    -----------
    The amounts are checked for presence and balance only, not against the remittance
    (835) actually received from the payer ahead. A line the payer ahead did not touch at
    all needs no 2430; a zero-charge line is never flagged.

    References
    ----------
    ASC X12N 837P (005010X222A1) and 837I (005010X223A2) TR3s, section 1.4.4 (COB balancing),
    loops 2320 (AMT*D, CAS) and 2430 (SVD, CAS); X12 interpretations RFI 1294 and RFI 251.
    """

    code = "CB103"
    slug = "cob-other-payer-paid"
    title = "Secondary claim without the prior payer's paid amount or adjustments"
    category = Category.COB
    severity = Severity.ERROR
    citation = Citation(
        "ASC X12N 837 TR3s 005010X222A1 / 005010X223A2",
        "section 1.4.4 COB balancing; loop 2320 AMT*D and CAS, loop 2430 SVD and CAS",
        "2010-06",
    )
    examples = (
        Example("nothing-from-the-primary", _secondary(_medicare(None)), flags=(None,)),
        Example("claim-level-balanced", _secondary(_medicare("80.00", CO45))),
        Example(
            "line-level-balanced",
            _secondary(_medicare("80.00"), ExLine("99213", adjudications=(LINE_CO45,))),
        ),
        Example("paid-in-full-needs-no-adjustment", _secondary(_medicare("100.00"))),
        Example(
            "paid-without-adjustments",
            _secondary(_medicare("80.00")),
            flags=(None,),
            note="A warning: 20.00 of the charge is not explained.",
        ),
        Example(
            "adjustments-without-paid-amount",
            _secondary(_medicare(None), ExLine("99213", adjudications=(LINE_CO45,))),
            flags=(None,),
        ),
        Example(
            "does-not-balance-by-one-cent",
            _secondary(_medicare("80.01", CO45)),
            flags=(None,),
        ),
        Example(
            "second-line-without-2430",
            _secondary(
                _medicare("130.00"),
                ExLine("99213", adjudications=(LINE_CO45,)),
                ExLine("36415", charge="50.00"),
            ),
            flags=(2,),
        ),
        Example("primary-claim", ExClaim(lines=(ExLine("99213"),))),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        ahead = payers_ahead(claim)
        for op in ahead:
            yield from self._payer(claim, op, len(ahead) == 1)

    def _payer(self, claim: Claim, op: OtherPayer, alone: bool) -> Iterator[Finding]:
        label = other_label(op)
        by_line: dict[int, list[LineAdjudication]] = {}
        for line in claim.lines:
            mine = [
                a
                for a in line.adjudications
                if a.payer_id == op.payer_id or (alone and not op.payer_id)
            ]
            if mine:
                by_line[line.number] = mine
        claim_cas = _total(op.adjustments)
        if op.paid_amount is None and not op.adjustments and not by_line:
            yield self.finding(
                line=None,
                message=(
                    f"The claim is billed as secondary but carries no adjudication from "
                    f"{label}: no paid amount (2320 AMT*D), no claim adjustments (2320 CAS) "
                    "and no line adjudication (2430)."
                ),
                fix="Copy the payer's remittance (835) into the claim: AMT*D with what it "
                "paid, and its adjustments as 2320 CAS or per line in 2430 SVD/CAS/DTP*573.",
            )
            return
        if op.paid_amount is None:
            yield self._warn(
                f"{label} has adjustments but no paid amount (2320 AMT*D); the TR3 requires it "
                "once the payer has adjudicated the claim (0.00 when it paid nothing).",
                "Add AMT*D with the payer's payment from its remittance.",
            )
            return
        paid = op.paid_amount
        if by_line:
            yield from self._lines(claim, op, by_line)
            if any(ln.number not in by_line and ln.charge for ln in claim.lines):
                return  # the missing lines are the finding; balancing would repeat it
        line_cas = sum((_total(a.adjustments) for adjs in by_line.values() for a in adjs), ZERO)
        if not op.adjustments and not by_line:
            if paid != claim.total_charge:
                gap = claim.total_charge - paid
                yield self._warn(
                    f"{label} paid {_money(paid)} of {_money(claim.total_charge)} charged, but "
                    f"no adjustment (2320 CAS or 2430) explains the other {_money(gap)}.",
                    "Add the payer's adjustments (group, reason, amount) from its remittance.",
                )
            return
        expected = claim.total_charge - claim_cas - line_cas
        if paid != expected:
            yield self._warn(
                f"{label}: the figures do not balance: charge {_money(claim.total_charge)} "
                f"minus claim adjustments {_money(claim_cas)} and line adjustments "
                f"{_money(line_cas)} is {_money(expected)}, but AMT*D says {_money(paid)}.",
                "Correct the amounts from the payer's remittance so that the charge equals "
                "the paid amount plus every adjustment.",
            )
        elif by_line:
            svd = sum((a.paid_amount for adjs in by_line.values() for a in adjs), ZERO)
            if svd - claim_cas != paid:
                yield self._warn(
                    f"{label}: line payments (2430 SVD02) total {_money(svd)}, minus claim "
                    f"adjustments {_money(claim_cas)} is {_money(svd - claim_cas)}, but AMT*D "
                    f"says {_money(paid)}.",
                    "Correct SVD02 or AMT*D from the payer's remittance.",
                )

    def _lines(
        self, claim: Claim, op: OtherPayer, by_line: dict[int, list[LineAdjudication]]
    ) -> Iterator[Finding]:
        numbers = sorted(by_line)
        done = (
            f"line {numbers[0]} has"
            if len(numbers) == 1
            else "lines " + ", ".join(map(str, numbers)) + " have"
        )
        for line in claim.lines:
            if line.number in by_line or not line.charge:
                continue
            yield self.finding(
                line=line.number,
                message=(
                    f"Line {line.number} ({line.procedure_code or line.revenue_code}) has no "
                    f"line adjudication (2430) from {other_label(op)}, while {done} one."
                ),
                fix="Add the payer's 2430 SVD/CAS/DTP*573 for this line from its remittance.",
                severity=Severity.WARNING,
            )

    def _warn(self, message: str, fix: str) -> Finding:
        return self.finding(line=None, message=message, fix=fix, severity=Severity.WARNING)
