"""CB102 cob-medicaid-primary."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cleanclaim.claims.model import Claim
from cleanclaim.edits.context import RuleContext
from cleanclaim.edits.examples import Example, ExClaim, ExLine, ExOtherPayer
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule
from cleanclaim.edits.rules.cob_no_primary import MEDICAID, MEDICARE, indicator, position, rank

MEDICAID_TYPES = frozenset({"medicaid-ffs", "medicaid-mco"})


@dataclass(frozen=True)
class _Payer:
    """One payer of the claim: the destination or an other payer."""

    who: str
    sequence: str
    filing: str
    destination: bool

    @property
    def rank(self) -> int | None:
        return rank(self.sequence)

    def describe(self) -> str:
        where = "the destination payer" if self.destination else "other payer (2320)"
        return f"{self.who}, {where}, {position(self.sequence)}, SBR09 {indicator(self.filing)}"


def _payers(claim: Claim, ctx: RuleContext) -> list[_Payer]:
    filing = (claim.payer.filing_indicator or "").strip().upper()
    if not filing and ctx.payer_type in MEDICAID_TYPES:
        filing = MEDICAID
    own = _Payer(
        claim.payer.payer_id or claim.payer.name, claim.payer.responsibility.strip(), filing, True
    )
    others = [
        _Payer(
            op.payer_id or op.name,
            op.responsibility.strip().upper(),
            (op.filing_indicator or "").strip().upper(),
            False,
        )
        for op in claim.other_payers
    ]
    return [p for p in (own, *others) if p.rank is not None]


def _medicaid(sequence: str = "P", *others: ExOtherPayer) -> ExClaim:
    return ExClaim(
        lines=(ExLine("99213"),),
        filing_indicator="MC",
        payer_id="EXMCD",
        sbr_sequence=sequence,
        other_payers=others,
    )


def _paid_by(filing: str, payer_id: str) -> ExOtherPayer:
    """A primary payer that paid 80.00 of 100.00 (CO 45 20.00)."""
    return ExOtherPayer(
        sequence="P",
        filing_indicator=filing,
        payer_id=payer_id,
        paid="80.00",
        adjustments=(("CO", "45", "20.00"),),
        adjudicated="2026-05-08",
    )


class CobMedicaidPrimary(Rule):
    """Medicaid is billed ahead of Medicare, or ahead of other coverage.

    What it checks
    --------------
    The payers of a claim (the destination in loop 2000B and each other payer in loop
    2320) are put in payment order by their responsibility codes (SBR01). Medicaid is the
    payer whose claim filing indicator (SBR09) is MC, or the destination when the payer
    registry types it as Medicaid. For a patient with Medicare and Medicaid (a dual
    eligible), Medicare (SBR09 MA, MB or 16) pays first and Medicaid pays last:

    - Medicaid placed before Medicare (e.g. Medicaid billed as primary while Medicare is an
      other payer, or a Medicare claim listing Medicaid as the primary payer) is an error;
    - a Medicaid claim placed before any other coverage (commercial, liability...) is a
      warning: Medicaid is the payer of last resort.

    Why it matters
    --------------
    Medicaid rejects or recovers payment for services another payer covers (third-party
    liability, CARC 22), and Medicare denies a claim that says Medicaid is primary. Billing
    in the wrong order delays payment for months and risks timely-filing loss at the
    payer who should have paid first.

    Limitations
    -----------
    Only what the claim lists is known: a patient's Medicare or other coverage missing
    from the claim cannot be seen (that needs eligibility data). Programs that pay before
    Medicaid by law are not distinguished from those that do not (e.g. Indian Health
    Service and some state programs pay after Medicaid).

    References
    ----------
    Social Security Act section 1902(a)(25) (42 U.S.C. 1396a(a)(25)) and 42 CFR 433.139
    (third-party liability: Medicaid pays after other liable payers); CMS Medicare-Medicaid
    Coordination Office on dual eligibles (Medicare pays first, Medicaid last).
    """

    code = "CB102"
    slug = "cob-medicaid-primary"
    title = "Medicaid billed ahead of Medicare or other coverage"
    category = Category.COB
    severity = Severity.ERROR
    citation = Citation(
        "42 U.S.C. 1396a(a)(25); 42 CFR 433.139",
        "Medicaid third-party liability: Medicaid is the payer of last resort; for dual "
        "eligibles Medicare pays first",
        "2024-10-01",
    )
    examples = (
        Example(
            "medicaid-primary-with-medicare-listed",
            _medicaid("P", ExOtherPayer(sequence="S", filing_indicator="MB", payer_id="EXMCR")),
            flags=(None,),
        ),
        Example(
            "medicare-claim-listing-medicaid-as-primary",
            ExClaim(
                lines=(ExLine("99213"),),
                sbr_sequence="S",
                insurance_type="16",
                other_payers=(_paid_by("MC", "EXMCD"),),
            ),
            flags=(None,),
        ),
        Example(
            "medicaid-secondary-after-medicare",
            _medicaid("S", _paid_by("MB", "EXMCR")),
        ),
        Example(
            "medicaid-primary-with-commercial-listed",
            _medicaid("P", ExOtherPayer(sequence="S", filing_indicator="CI", payer_id="EXCOM")),
            flags=(None,),
            note="A warning: Medicaid is the payer of last resort.",
        ),
        Example("medicaid-alone", _medicaid("P")),
        Example(
            "medicare-primary-medicaid-secondary-listed",
            ExClaim(
                lines=(ExLine("99213"),),
                other_payers=(ExOtherPayer(sequence="S", filing_indicator="MC", payer_id="EXMCD"),),
            ),
        ),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        payers = _payers(claim, ctx)
        medicaid = [p for p in payers if p.filing == MEDICAID]
        medicare = [p for p in payers if p.filing in MEDICARE]
        for early in medicaid:
            assert early.rank is not None
            late = [p for p in medicare if p.rank is not None and p.rank > early.rank]
            if late:
                yield self.finding(
                    line=None,
                    message=(
                        f"Medicaid ({early.describe()}) is placed before Medicare ("
                        + "; ".join(p.describe() for p in late)
                        + "): for a patient with both, Medicare pays first and Medicaid last."
                    ),
                    fix=(
                        "Bill Medicare as primary; then bill Medicaid as the secondary (or last) "
                        "payer with Medicare's payment and adjustments in loop 2320 (Medicare "
                        "often crosses the claim over to Medicaid itself)."
                    ),
                )
                return
        own = payers[0] if payers and payers[0].destination else None
        if own is None or own.filing != MEDICAID or own.rank is None:
            return
        behind = [
            p
            for p in payers[1:]
            if p.rank is not None and p.rank > own.rank and p.filing != MEDICAID
        ]
        if behind:
            yield self.finding(
                line=None,
                message=(
                    f"Medicaid ({own.describe()}) is placed before other coverage ("
                    + "; ".join(p.describe() for p in behind)
                    + "): Medicaid is the payer of last resort."
                ),
                fix="Bill the other coverage first and send Medicaid its payment and "
                "adjustments in loop 2320; if that coverage has ended, remove it from the claim.",
                severity=Severity.WARNING,
            )
