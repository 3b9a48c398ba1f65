"""PO101 poa-indicator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cleanclaim.claims.model import Claim
from cleanclaim.codesets.loaders._icd10cm_xml import dotted
from cleanclaim.codesets.loaders.poa import poa_exempt
from cleanclaim.edits.context import RuleContext, claim_date
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule

REPORTED = frozenset({"ABK", "ABF", "ABN"})
"""Diagnosis qualifiers that carry a POA indicator: principal, other, external cause."""
VALID = frozenset({"Y", "N", "U", "W"})
EXEMPT_STATES = frozenset({"MD"})
"""Maryland hospitals are paid under the state's waiver, not under IPPS."""


def subject_to_poa(claim: Claim, ctx: RuleContext) -> bool:
    """Whether a claim is an IPPS acute inpatient bill (type of bill 11x) that must report POA.

    Not subject: any other type of bill, a facility the practice settings mark as exempt
    (``poa_exempt_facility``: critical access, rehabilitation, psychiatric, cancer or
    children's hospital...), and hospitals in Maryland (``practice_state``).
    """
    if claim.claim_type != "institutional" or (claim.facility_type_code or "") != "11":
        return False
    if ctx.options.get("poa_exempt_facility"):
        return False
    state = str(ctx.options.get("practice_state") or "").strip().upper()
    return state not in EXEMPT_STATES


def _inpatient(dx: tuple[str, ...], poa: tuple[str, ...], pos: str = "11") -> ExClaim:
    return ExClaim(
        lines=(ExLine("", revenue_code="0120"),),
        dx=dx,
        poa=poa,
        pos=pos,
        claim_type="institutional",
        filing_indicator="MA",
    )


class PoaIndicator(Rule):
    """A diagnosis on an inpatient hospital claim has a missing or invalid POA indicator.

    What it checks
    --------------
    On acute inpatient claims of hospitals paid under IPPS (type of bill 11x), every
    principal, other and external-cause diagnosis must carry a present-on-admission
    indicator: ``Y`` (present), ``N`` (not present), ``U`` (documentation insufficient) or
    ``W`` (clinically undetermined). Codes on the POA-exempt list for the discharge date
    must be left blank. The rule flags an indicator ``1`` (the 4010 "exempt" value, invalid
    in 5010), any other value outside Y/N/U/W, an indicator on an exempt code, and a blank
    indicator on a code the list in force shows is not exempt. The claim is judged on its
    discharge (statement through) date.

    Not subject, and not checked: other types of bill (outpatient 13x, swing beds...),
    hospitals the practice settings mark as exempt from the HAC payment provision
    (``poa_exempt_facility``: critical access, inpatient rehabilitation and psychiatric
    facilities, cancer and children's hospitals, and the like) and hospitals whose practice
    state is Maryland (``practice_state`` = ``MD``).

    Why it matters
    --------------
    Medicare returns IPPS claims with missing or invalid POA indicators, and the indicator
    drives the hospital-acquired condition payment rule (see PO102): a wrong value can cost
    a CC/MCC or misstate a quality measure.

    Limitations
    -----------
    The bundled POA-exempt list is a sample: a blank indicator on a code missing from it is
    reported as not checked (a coverage entry), never as an error; import the full list for
    the fiscal year. Without the practice settings the claim is assumed to come from an
    IPPS hospital outside Maryland. Payers other than Medicare may not require POA; use a
    payer selection to turn the rule off for them.

    References
    ----------
    ICD-10-CM Official Guidelines for Coding and Reporting FY 2026, Appendix I (Present on
    Admission Reporting Guidelines); CMS POA-exempt code list (FY 2026); Deficit Reduction
    Act of 2005, section 5001(c).
    """

    code = "PO101"
    slug = "poa-indicator"
    title = "Missing or invalid present-on-admission indicator"
    category = Category.POA
    severity = Severity.ERROR
    citation = Citation(
        "ICD-10-CM Official Guidelines for Coding and Reporting FY 2026",
        "Appendix I, Present on Admission Reporting Guidelines",
        "2025-10-01",
        "https://www.cms.gov/medicare/coding-billing/icd-10-codes",
    )
    needs = ("poa-exempt",)
    claim_types = frozenset({"institutional"})
    examples = (
        Example("indicator-1-is-not-5010", _inpatient(("I214", "E119"), ("Y", "1")), flags=(None,)),
        Example(
            "unknown-indicator-letter", _inpatient(("I214", "E119"), ("Y", "X")), flags=(None,)
        ),
        Example(
            "exempt-code-reported-y", _inpatient(("I214", "Z87891"), ("Y", "Y")), flags=(None,)
        ),
        Example(
            "two-bad-indicators",
            _inpatient(("I214", "E119", "Z87891"), ("1", "N", "W")),
            flags=(None, None),
        ),
        Example(
            "every-value-y-n-u-w", _inpatient(("I214", "E119", "I10", "E785"), ("Y", "N", "U", "W"))
        ),
        Example("exempt-code-left-blank", _inpatient(("I214", "Z87891"), ("Y", ""))),
        Example(
            "unlisted-code-blank-is-a-coverage-entry",
            _inpatient(("I214", "E119"), ("Y", "")),
            note="E11.9 is not on the sample exempt list, which proves nothing",
        ),
        Example("outpatient-13x-not-subject", _inpatient(("I214", "E119"), ("1", "1"), "13")),
    )

    def dates(self, claim: Claim) -> list[dt.date]:
        """Judged on the discharge (through) date only."""
        day = claim_date(claim)
        return [day] if day is not None else []

    def applies(self, claim: Claim, ctx: RuleContext) -> bool:
        return super().applies(claim, ctx) and subject_to_poa(claim, ctx)

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        day = claim_date(claim)
        if day is None:
            return
        view = ctx.view(day)
        for dx in claim.diagnoses:
            if dx.qualifier not in REPORTED:
                continue
            shown, poa = dotted(dx.code.strip().upper()), (dx.poa or "").strip()
            if poa == "1":
                yield self.finding(
                    line=None,
                    message=f"{shown} has POA indicator 1, the 4010 value for 'exempt', which "
                    f"is not valid on 5010 claims (discharge {day.isoformat()})",
                    fix="Report Y, N, U or W; leave the indicator blank only if the code is "
                    "on the POA-exempt list.",
                )
                continue
            if poa and poa not in VALID:
                yield self.finding(
                    line=None,
                    message=f"{shown} has POA indicator {poa!r}; the values are Y, N, U and W",
                    fix="Correct the indicator from the documentation (Y present, N not "
                    "present, U documentation insufficient, W clinically undetermined).",
                )
                continue
            exempt = poa_exempt(view, dx.code)
            if exempt.value:
                if poa:
                    yield self.finding(
                        line=None,
                        severity=Severity.WARNING,
                        message=f"{shown} is exempt from POA reporting on "
                        f"{day.isoformat()} but is reported with POA {poa}",
                        fix="Leave the POA indicator of an exempt code blank.",
                    )
                continue
            if poa:
                continue
            if exempt.authoritative:
                yield self.finding(
                    line=None,
                    message=f"{shown} has no POA indicator and is not POA-exempt on "
                    f"{day.isoformat()}",
                    fix="Add the indicator from the documentation: Y, N, U or W.",
                )
            else:
                yield self.not_checked(
                    f"{shown} has no POA indicator and is not on the POA-exempt list in use "
                    f"({exempt.source}), which is not complete: whether it is exempt is not "
                    "known"
                )
