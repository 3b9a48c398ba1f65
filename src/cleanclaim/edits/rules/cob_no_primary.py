"""CB101 cob-no-primary, and the payer-order helpers of the COB rules."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.claims.model import Claim, OtherPayer
from cleanclaim.edits.context import RuleContext
from cleanclaim.edits.examples import Example, ExClaim, ExLine, ExOtherPayer
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule

#: SBR01 payer responsibility codes in payment order (A-H are the 4th to 11th payers).
SEQUENCE = "PSTABCDEFGH"
SEQUENCE_NAMES = {"P": "primary", "S": "secondary", "T": "tertiary"}
MEDICARE = {"MA": "Medicare Part A", "MB": "Medicare Part B", "16": "Medicare Advantage"}
MEDICARE_FFS = frozenset({"MA", "MB"})
MEDICAID = "MC"
TR3 = Citation(
    "ASC X12N 837 TR3s 005010X222A1 (professional) and 005010X223A2 (institutional)",
    "section 1.4 coordination of benefits; loops 2320/2330B other subscriber and other payer",
    "2010-06",
)


def rank(code: str | None) -> int | None:
    """1 for ``P``, 2 for ``S``... 11 for ``H``; ``None`` for ``U`` (unknown) or junk."""
    text = (code or "").strip().upper()
    return SEQUENCE.index(text) + 1 if len(text) == 1 and text in SEQUENCE else None


def position(code: str) -> str:
    """``SBR01 S (secondary)``."""
    name = SEQUENCE_NAMES.get(code) or f"payer {SEQUENCE.index(code) + 1}"
    return f"SBR01 {code} ({name})"


def indicator(code: str | None) -> str:
    """A claim filing indicator with its meaning, when known (``MB (Medicare Part B)``)."""
    text = (code or "").strip().upper()
    if not text:
        return "no filing indicator"
    meaning = MEDICARE.get(text) or {"MC": "Medicaid", "CI": "commercial"}.get(text)
    return f"{text} ({meaning})" if meaning else text


def other_label(op: OtherPayer) -> str:
    """An other payer as the messages name it: id and filing indicator, never a member id."""
    who = op.payer_id or op.name or "unnamed payer"
    return f"{who} (2320 SBR01 {op.responsibility}, SBR09 {indicator(op.filing_indicator)})"


def payers_ahead(claim: Claim) -> list[OtherPayer]:
    """Other payers whose responsibility comes before the claim's own."""
    own = rank(claim.payer.responsibility)
    if own is None:
        return []
    return [op for op in claim.other_payers if (r := rank(op.responsibility)) and r < own]


def _secondary(*others: ExOtherPayer, seq: str = "S", **kw: object) -> ExClaim:
    return ExClaim(
        lines=(ExLine("99213"),),
        filing_indicator="CI",
        payer_id="EXMEDIGAP",
        sbr_sequence=seq,
        other_payers=others,
        **kw,  # type: ignore[arg-type]
    )


MEDICARE_PAID = ExOtherPayer(
    sequence="P",
    filing_indicator="MB",
    payer_id="EXMCR",
    paid="80.00",
    adjustments=(("CO", "45", "20.00"),),
    adjudicated="2026-05-08",
)


class CobNoPrimary(Rule):
    """A secondary or later claim does not carry the payers that pay before it.

    What it checks
    --------------
    The claim's payer responsibility (SBR01 of loop 2000B) says where the destination payer
    stands in the payment order: P primary, S secondary, T tertiary, A-H the 4th to 11th
    payer. A claim sent to a payer in position N must carry an other-payer loop
    (2320/2330B) for every position before N. A secondary claim with no other-payer loop at
    all, or without the primary (SBR01 P) among them, is an error, and so is a tertiary
    claim missing the primary or the secondary. Primary claims and the unknown position U
    are not checked.

    Why it matters
    --------------
    A secondary payer pays only on what the primary paid and adjusted. Without the payers
    ahead of it the claim is rejected or denied (typically CARC 22, care may be covered by
    another payer), and the patient's benefits are coordinated late.

    Limitations
    -----------
    Whether the payers listed are really the patient's coverage, and in the right order,
    needs eligibility data (270/271) that the claim does not hold. What the payers ahead
    paid is CB103's check.

    References
    ----------
    ASC X12N 837P (005010X222A1) and 837I (005010X223A2) TR3s, section 1.4 (coordination of
    benefits) and loops 2000B SBR01, 2320 and 2330B.
    """

    code = "CB101"
    slug = "cob-no-primary"
    title = "Secondary or later claim without the payers ahead of it"
    category = Category.COB
    severity = Severity.ERROR
    citation = TR3
    examples = (
        Example("secondary-without-other-payer", _secondary(), flags=(None,)),
        Example("secondary-with-primary", _secondary(MEDICARE_PAID)),
        Example("tertiary-without-secondary", _secondary(MEDICARE_PAID, seq="T"), flags=(None,)),
        Example(
            "tertiary-with-both",
            _secondary(
                MEDICARE_PAID,
                ExOtherPayer(
                    sequence="S",
                    payer_id="EXSECOND",
                    paid="10.00",
                    adjustments=(("PR", "2", "10.00"),),
                ),
                seq="T",
            ),
        ),
        Example(
            "secondary-listing-only-another-secondary",
            _secondary(ExOtherPayer(sequence="S", payer_id="EXOTHER")),
            flags=(None,),
        ),
        Example("primary-claim", ExClaim(lines=(ExLine("99213"),))),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        code = claim.payer.responsibility.strip().upper()
        own = rank(code)
        if own is None or own == 1:
            return
        present = {rank(op.responsibility) for op in claim.other_payers}
        missing = [SEQUENCE[i] for i in range(own - 1) if i + 1 not in present]
        if not missing:
            return
        names = " and ".join(position(m) for m in missing)
        gap = f"the payer in {names} is" if len(missing) == 1 else f"the payers in {names} are"
        if not claim.other_payers:
            found = "it carries no other-payer loop (2320/2330B)"
        else:
            listed = "; ".join(other_label(op) for op in claim.other_payers)
            found = f"the other payers listed are {listed}"
        yield self.finding(
            line=None,
            message=(
                f"The claim is billed to {claim.payer.payer_id or claim.payer.name} as "
                f"{position(code)}, but {found}: {gap} missing."
            ),
            fix=(
                "Bill the payers ahead first, then add a 2320/2330B loop for each with its "
                "adjudication (paid amount, adjustments); if this payer is in fact primary, "
                "send SBR01 P."
            ),
        )
