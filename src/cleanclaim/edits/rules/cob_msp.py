"""CB104 cob-msp."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from cleanclaim.claims.model import Claim
from cleanclaim.edits.context import RuleContext, claim_date
from cleanclaim.edits.examples import Example, ExClaim, ExLine, ExOtherPayer
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule
from cleanclaim.edits.rules.cob_no_primary import (
    MEDICARE_FFS,
    indicator,
    other_label,
    position,
    rank,
)

#: Insurance type codes (SBR05) that tell Medicare why it is the secondary payer.
MSP_TYPES: dict[str, str] = {
    "12": "working aged, employer group health plan",
    "13": "ESRD coordination period, employer group health plan",
    "14": "no-fault or auto insurance",
    "15": "workers' compensation",
    "16": "Public Health Service or other federal agency",
    "41": "Black Lung",
    "42": "Veterans Affairs",
    "43": "disabled under 65, large group health plan",
    "47": "other liability insurance",
}
#: Other-payer filing indicators (SBR09) of group health plans, and of the plans Medicare
#: is secondary to by law for related care (with their MSP type).
GROUP_PLANS = frozenset({"CI", "BL", "HM", "12", "13", "14", "15", "FI"})
LIABILITY = {"WC": "15", "AM": "14", "LM": "47"}
#: CLM11 related causes and the MSP type of the payer that may be primary.
RELATED_CAUSES = {
    "AA": ("an auto accident", "14"),
    "EM": ("employment", "15"),
    "OA": ("another accident", "47"),
}
WHY = (
    "Medicare is secondary to an employer group health plan for a patient 65 or over "
    "covered through current employment (employer of 20 or more), for a disabled patient "
    "under 65 with a large group plan (100 or more employees), and for 30 months of ESRD "
    "entitlement; and to workers' compensation, no-fault and liability insurance for the "
    "care they cover"
)


def medicare_65(birth: dt.date) -> dt.date:
    """First day of age-based Medicare entitlement: the month the patient turns 65 (the
    month before, for a birthday on the 1st, as age is attained the day before)."""
    attained = dt.date(birth.year + 65, birth.month, 1)
    if birth.day == 1:
        return (attained - dt.timedelta(days=1)).replace(day=1)
    return attained


def _medicare(seq: str = "P", msp: str = "", *others: ExOtherPayer, **kw: Any) -> ExClaim:
    return ExClaim(
        lines=(ExLine("99213"),), sbr_sequence=seq, insurance_type=msp, other_payers=others, **kw
    )


EMPLOYER = ExOtherPayer(
    sequence="P",
    filing_indicator="CI",
    payer_id="EXEMPLOYER",
    group_number="GRP100",
    paid="80.00",
    adjustments=(("CO", "45", "20.00"),),
    adjudicated="2026-05-08",
)
EMPLOYER_LISTED_PRIMARY = ExOtherPayer(
    sequence="P", filing_indicator="CI", payer_id="EXEMPLOYER", group_number="GRP100"
)
MEDIGAP = ExOtherPayer(sequence="S", filing_indicator="CI", payer_id="EXMEDIGAP")


class CobMsp(Rule):
    """Medicare Secondary Payer information on a Medicare claim is missing or contradicts
    itself.

    What it checks
    --------------
    On a claim to Medicare fee-for-service (SBR09 MA or MB), what the claim shows about who
    pays first is compared with the Medicare Secondary Payer (MSP) rules:

    - Medicare billed as primary (SBR01 P) while the claim's own MSP type (SBR05: 12 working
      aged, 13 ESRD, 14 no-fault, 15 workers' compensation, 16 federal agency, 41 Black Lung,
      42 VA, 43 disabled with a large group plan, 47 liability) says Medicare is secondary;
    - Medicare billed as primary while an other payer (2320) is also listed as primary and
      is a group health plan (SBR09 CI, BL, HM, 12-15, FI) or workers' compensation, auto or
      liability (WC, AM, LM);
    - Medicare billed as primary for care related to an accident or to employment (CLM11
      AA, OA, EM): no-fault, liability or workers' compensation may have to pay first;
    - Medicare billed as secondary without an MSP type in SBR05, or with a code that is not
      one;
    - an MSP type that does not fit the patient's age on the date of service: 12 (working
      aged) before age-based Medicare entitlement (the month the patient turns 65), 43
      (disabled under 65) from then on.

    Each finding is a warning that explains the rule that applies.

    Why it matters
    --------------
    When another plan is primary, Medicare denies the claim or pays and later recovers the
    payment (MSP recovery), and the provider must bill the primary plan within its own
    filing limit. Medicare rejects a secondary claim without the MSP type.

    Limitations
    -----------
    Employer size, current-employment status and the ESRD coordination period are not on
    the claim: the MSP questionnaire answers them. The MSP type of other payers (2320
    SBR05) is not read by the parser, so a group plan listed as secondary under a primary
    Medicare claim (often a retiree or supplemental plan, which is correct) is not flagged.

    References
    ----------
    CMS Medicare Secondary Payer Manual (Pub. 100-05), chapter 1, sections 10.1 (working
    aged), 10.2 (ESRD), 10.3 (disability, large group health plan), 10.4 (workers'
    compensation), 10.5 (no-fault) and 10.6 (liability); SSA POMS HI 00620.177; 837 TR3
    loop 2000B SBR05 (required when Medicare is not the primary payer).
    """

    code = "CB104"
    slug = "cob-msp"
    title = "Medicare Secondary Payer information missing or contradictory"
    category = Category.COB
    severity = Severity.WARNING
    citation = Citation(
        "CMS Medicare Secondary Payer Manual (Pub. 100-05); SSA POMS HI 00620.177",
        "chapter 1, sections 10.1-10.6 (working aged, ESRD, disability, workers' "
        "compensation, no-fault, liability); MSP for working aged and ESRD beneficiaries",
        "2022-11",
        "https://secure.ssa.gov/apps10/poms.nsf/lnx/0600620177",
    )
    examples = (
        Example(
            "employer-plan-also-primary", _medicare("P", "", EMPLOYER_LISTED_PRIMARY), flags=(None,)
        ),
        Example("primary-but-msp-type-given", _medicare("P", "12"), flags=(None,)),
        Example(
            "auto-accident-billed-to-medicare-first",
            _medicare("P", "", related_causes=("AA",)),
            flags=(None,),
        ),
        Example("secondary-without-msp-type", _medicare("S", "", EMPLOYER), flags=(None,)),
        Example("secondary-with-unknown-msp-type", _medicare("S", "99", EMPLOYER), flags=(None,)),
        Example("working-aged-secondary", _medicare("S", "12", EMPLOYER)),
        Example("medicare-primary-with-medigap-secondary", _medicare("P", "", MEDIGAP)),
        Example("disabled-code-at-68", _medicare("S", "43", EMPLOYER), flags=(None,)),
        Example(
            "working-aged-code-the-day-before-entitlement",
            _medicare("S", "12", EMPLOYER, birth="1961-05-05", dos="2026-04-30"),
            flags=(None,),
        ),
        Example(
            "working-aged-code-on-entitlement-day-at-64",
            _medicare("S", "12", EMPLOYER, birth="1961-05-05", dos="2026-05-01"),
        ),
    )

    def applies(self, claim: Claim, ctx: RuleContext) -> bool:
        filing = (claim.payer.filing_indicator or "").strip().upper()
        if filing:
            return filing in MEDICARE_FFS
        return ctx.payer_type == "medicare-ffs"

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        seq = claim.payer.responsibility.strip().upper()
        msp = (claim.payer.insurance_type or "").strip()
        if rank(seq) == 1:
            yield from self._primary(claim, msp)
        elif rank(seq) is not None:
            yield from self._secondary(claim, seq, msp)

    def _primary(self, claim: Claim, msp: str) -> Iterator[Finding]:
        fix = (
            "Check the patient's MSP questionnaire; if the other plan is primary, bill it "
            "first and send Medicare a secondary claim (SBR01 S) with SBR05 set to the MSP "
            "type and the primary's payment in loop 2320."
        )
        if msp in MSP_TYPES:
            yield self._warn(
                f"Medicare is billed as primary ({position('P')}) but SBR05 {msp} "
                f"({MSP_TYPES[msp]}) says Medicare is the secondary payer. {WHY}.",
                fix,
            )
        for op in claim.other_payers:
            filing = (op.filing_indicator or "").strip().upper()
            if rank(op.responsibility) != 1:
                continue
            if filing in GROUP_PLANS:
                kind = "a group health plan"
            elif filing in LIABILITY:
                kind = f"MSP type {LIABILITY[filing]} ({MSP_TYPES[LIABILITY[filing]]})"
            else:
                continue
            yield self._warn(
                f"Medicare is billed as primary while {other_label(op)}, {kind}, is also "
                f"listed as primary: only one payer pays first. {WHY}.",
                fix,
            )
        for cause in claim.related_causes:
            if cause in RELATED_CAUSES:
                what, code = RELATED_CAUSES[cause]
                yield self._warn(
                    f"Medicare is billed as primary for care related to {what} (CLM11 "
                    f"{cause}): {MSP_TYPES[code]} may have to pay first (MSP type {code}), "
                    "and Medicare pays only conditionally until it has been asked.",
                    fix,
                )

    def _secondary(self, claim: Claim, seq: str, msp: str) -> Iterator[Finding]:
        codes = ", ".join(MSP_TYPES)
        where = f"Medicare ({indicator(claim.payer.filing_indicator)}) is billed as {position(seq)}"
        if not msp:
            yield self._warn(
                f"{where} but SBR05 is empty: a Medicare secondary claim must give the MSP "
                f"type ({codes}).",
                "Set SBR05 to the reason Medicare is secondary, from the MSP questionnaire.",
            )
            return
        if msp not in MSP_TYPES:
            yield self._warn(
                f"{where} but SBR05 {msp} is not a Medicare Secondary Payer type ({codes}).",
                "Set SBR05 to the reason Medicare is secondary, from the MSP questionnaire.",
            )
            return
        day, birth = claim_date(claim), claim.patient.birth_date
        if day is None or birth is None:
            return
        start = medicare_65(birth)
        age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
        if msp == "12" and day < start:
            yield self._warn(
                f"{where} with SBR05 12 (working aged), but on {day.isoformat()} the patient "
                f"(age {age}) is not yet entitled to Medicare by age, which starts in the month "
                "the patient turns 65: before that the MSP type is 43 (disabled, large group "
                "plan) or 13 (ESRD).",
                "Check the reason for Medicare entitlement and correct SBR05.",
            )
        if msp == "43" and day >= start:
            yield self._warn(
                f"{where} with SBR05 43 (disabled under 65), but on {day.isoformat()} the "
                f"patient (age {age}) is entitled to Medicare by age: the working-aged rule "
                "(SBR05 12, employer of 20 or more) applies instead.",
                "Check the employer plan and correct SBR05 (12, or 13 for ESRD).",
            )

    def _warn(self, message: str, fix: str) -> Finding:
        return self.finding(line=None, message=message, fix=fix)
