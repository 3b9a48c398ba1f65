"""MM102 dx-px-pairs."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from cleanclaim.claims.model import Claim, ServiceLine
from cleanclaim.edits.context import RuleContext, claim_date, line_date
from cleanclaim.edits.data.dx_px_pack import PairEntry, entries_for
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, RuleStatus, Severity
from cleanclaim.edits.rule import Rule


def _shown(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def _diagnoses(claim: Claim, line: ServiceLine) -> list[str]:
    """The diagnoses a line stands on: its pointers (837P), else every claim diagnosis."""
    if claim.claim_type == "professional":
        picked = [
            claim.diagnoses[p - 1]
            for p in line.diagnosis_pointers
            if 1 <= p <= len(claim.diagnoses)
        ]
    else:
        picked = list(claim.diagnoses)
    return [d.code.strip().upper().replace(".", "") for d in picked if d.code.strip()]


class DxPxPairs(Rule):
    """A high-risk procedure whose diagnoses do not support it (curated pack).

    What it checks
    --------------
    Each service line whose procedure is named in cleanclaim's procedure-diagnosis pack
    (``edits/data/dx_px_pack.toml``) is judged on the diagnoses it stands on (the line's
    pointers on a professional claim, every claim diagnosis on an institutional one), for
    pack entries in force on the date of service:

    * entries with an ``allowed`` list (e.g. a cardiac stress test, 93015-93018, or
      myocardial perfusion imaging, 78451-78452, needs a circulatory, chest-pain, dyspnoea or
      similar diagnosis) flag the line when no diagnosis matches;
    * entries with a ``screening_only`` list (vitamin D 82306/82652, vitamin B12 82607 and
      folate 82746) flag the line when every diagnosis is a general-examination or screening
      code (Z00.0-, Z00.1-, Z02-, Z13-).

    Each finding cites the policy of its pack entry.

    Why it matters
    --------------
    Medicare pays diagnostic tests only for a specific medical problem; screening is paid
    only where a statute creates a benefit. Contractors' coverage determinations deny these
    tests when the claim shows no supporting diagnosis, and recovery auditors target them
    (CMS approved RAC topic 0143 for vitamin D). Catching the pair before submission lets
    the practice add the documented diagnosis or obtain an advance beneficiary notice.

    Limitations
    -----------
    The pack is small, curated by hand, and summarises the cited LCDs in the project's
    words; it errs towards silence (broad allowed lists). Local coverage determinations
    differ between Medicare contractors and commercial payers have their own policies, so
    a finding is a prompt to check the payer's policy, not a denial forecast. Frequency
    limits and secondary-diagnosis requirements are not modelled. Diagnoses are matched by
    prefix and are not checked for validity here (see DX101). Preview rule: select it
    explicitly.

    References
    ----------
    42 CFR 410.32(a) (diagnostic tests ordered by the treating practitioner for a specific
    problem); Social Security Act section 1862(a)(1)(A) and (a)(7); CMS LCD L35083
    (Cardiology Non-emergent Outpatient Stress Testing), L34658 (Vitamin D Assay Testing),
    L34914 (Assays for Vitamins and Metabolic Function); CMS approved RAC topic 0143.
    """

    code = "MM102"
    slug = "dx-px-pairs"
    title = "High-risk procedure without a supporting diagnosis (curated pack)"
    category = Category.DX_PX_MISMATCH
    severity = Severity.WARNING
    status = RuleStatus.PREVIEW
    citation = Citation(
        "42 CFR 410.32(a) and the Medicare LCD cited by each pack entry",
        "diagnostic tests must be ordered for a specific medical problem",
        "2024-10-01",
    )
    examples = (
        Example(
            "vitamin-d-with-exam-only", ExClaim(lines=(ExLine("82306"),), dx=("Z0000",)), flags=(1,)
        ),
        Example(
            "vitamin-d-with-screening-only",
            ExClaim(lines=(ExLine("82306", dx=(1, 2)),), dx=("Z0001", "Z1389")),
            flags=(1,),
        ),
        Example(
            "vitamin-d-with-deficiency",
            ExClaim(lines=(ExLine("82306", dx=(1, 2)),), dx=("Z0000", "E559")),
        ),
        Example("b12-with-exam-only", ExClaim(lines=(ExLine("82607"),), dx=("Z0001",)), flags=(1,)),
        Example("b12-with-anaemia", ExClaim(lines=(ExLine("82607"),), dx=("D519",))),
        Example(
            "stress-test-with-back-pain",
            ExClaim(lines=(ExLine("93015"),), dx=("M5450",)),
            flags=(1,),
        ),
        Example("stress-test-with-chest-pain", ExClaim(lines=(ExLine("93015"),), dx=("R079",))),
        Example(
            "stress-test-points-to-unrelated-dx-only",
            ExClaim(
                lines=(ExLine("99214", dx=(1, 2)), ExLine("78452", dx=(2,))), dx=("I2510", "M5450")
            ),
            flags=(2,),
        ),
        Example("pack-procedure-absent", ExClaim(lines=(ExLine("99213"),), dx=("Z0000",))),
        Example(
            "vitamin-d-on-hospital-claim",
            ExClaim(
                lines=(ExLine("82306", revenue_code="0301"),),
                dx=("Z0000",),
                claim_type="institutional",
                pos="13",
                filing_indicator="MA",
            ),
            flags=(1,),
        ),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        for line in claim.lines:
            code = (line.procedure_code or "").strip().upper()
            if not code:
                continue
            entries = entries_for(code)
            day = (
                line_date(claim, line)
                if claim.claim_type == "professional"
                else (line.service_date_from or claim_date(claim))
            )
            if not entries or day is None:
                continue
            diagnoses = _diagnoses(claim, line)
            for entry in entries:
                if entry.in_force(day) and entry.unsupported(diagnoses):
                    yield self._flag(line, code, entry, diagnoses)

    def _flag(
        self, line: ServiceLine, code: str, entry: PairEntry, diagnoses: list[str]
    ) -> Finding:
        shown = ", ".join(_shown(d) for d in diagnoses)
        if entry.allowed:
            message = (
                f"{code} points only to {shown}, none of which supports it under the "
                f"cited policy (pack entry {entry.id})"
            )
            fix = (
                f"Point {code} to the documented diagnosis that led to the order; if "
                "there is none, the service is likely not covered: obtain an advance "
                "beneficiary notice (modifier GA) or do not bill it to this payer."
            )
        else:
            message = (
                f"{code} points only to screening or general-examination diagnoses "
                f"({shown}) (pack entry {entry.id})"
            )
            fix = (
                f"Point {code} to the documented sign, symptom or condition that led to "
                "the order; a screening-only order is not covered: obtain an advance "
                "beneficiary notice (modifier GA) or do not bill it to this payer."
            )
        finding = self.finding(
            line=line.number,
            message=message,
            fix=fix,
        )
        return dataclasses.replace(finding, citation=entry.citation)
