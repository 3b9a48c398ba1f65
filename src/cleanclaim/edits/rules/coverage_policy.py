"""CV101 coverage-policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cleanclaim.claims.model import Claim, ServiceLine
from cleanclaim.codesets.loaders._icd10cm_xml import dotted
from cleanclaim.codesets.loaders.mcd import MCD_LCD, Policy, lcd_policies, ncd_policies
from cleanclaim.codesets.model import Answer, Completeness
from cleanclaim.edits.context import RuleContext, line_date
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule
from cleanclaim.errors import UsageError

LIABILITY_MODIFIERS = frozenset({"GA", "GX", "GY", "GZ"})
"""The line already says a denial is expected (ABN on file, voluntary ABN, statutory
exclusion, no ABN): nothing left to warn about."""


def _diagnoses(claim: Claim, line: ServiceLine) -> list[str]:
    """The diagnoses a line stands on: its pointers (837P), else every claim diagnosis."""
    if claim.claim_type == "professional" and line.diagnosis_pointers:
        picked = [
            claim.diagnoses[p - 1]
            for p in line.diagnosis_pointers
            if 1 <= p <= len(claim.diagnoses)
        ]
    else:
        picked = list(claim.diagnoses)
    return [d.code.strip().upper() for d in picked if d.code.strip()]


def _jurisdiction(ctx: RuleContext) -> str:
    """The practice's MAC jurisdiction, else the payer registry entry's."""
    found = ctx.options.get("mac_jurisdiction") or (
        ctx.payer.mac_jurisdiction if ctx.payer else None
    )
    return str(found or "").strip()


class CoveragePolicy(Rule):
    """A line's diagnoses are not covered by the NCD or LCD article that governs it.

    What it checks
    --------------
    For each service line, the national coverage determinations (kind ``ncd``: today the
    lab NCDs of section 190, with their code lists) and the local billing and coding
    articles (kind ``mcd-lcd``) in force on the date of service that list the line's
    procedure code are looked up. Local articles are those of the Medicare contractors of
    the practice's MAC jurisdiction (``mac_jurisdiction`` from the practice record, else
    from the payer registry entry). A line is flagged when, for a governing policy, every
    diagnosis the line points to is on the policy's list of codes that are not covered or do
    not support medical necessity, or, with a complete release, when none of them is on the
    policy's covered list. The message cites the NCD section or the article and its LCD.
    Lines with GA, GX, GY or GZ already declare the expected denial and are skipped.

    Why it matters
    --------------
    Medicare pays a test or service only for the indications its coverage policy accepts.
    A line without a covered diagnosis is denied as not reasonable and necessary; if the
    beneficiary was not given an Advance Beneficiary Notice (ABN) before the service, the
    provider cannot bill the patient either.

    Limitations
    -----------
    Without a MAC jurisdiction, or without an ``mcd-lcd`` release for the date, local
    articles are not checked (a coverage entry) while NCDs still are. The bundled policies
    are a sample: a diagnosis missing from a sample's covered list proves nothing, so it is
    reported as not checked; only codes that a policy lists as not covered give findings.
    Article groups (which ICD-10 group goes with which procedure group), secondary-code
    (asterisk) requirements, frequency limits and narrative-only NCDs are not modelled;
    all groups of an article are read as one list, which can only make the rule quieter.
    The NCD code lists come from CMS's NCD Coding Policy Manual as transcribed by the
    importer (docs/codesets/mcd.md).

    References
    ----------
    Social Security Act section 1862(a)(1)(A); Medicare National Coverage Determinations
    Manual (Pub. 100-03), chapter 1, section 190 (lab NCDs); Medicare Program Integrity
    Manual (Pub. 100-08), chapter 13 (LCDs and billing and coding articles); Medicare
    Claims Processing Manual (Pub. 100-04), chapter 30, section 50 (ABN).
    """

    code = "CV101"
    slug = "coverage-policy"
    title = "Diagnosis not covered by the NCD or LCD governing the procedure"
    category = Category.DX_PX_MISMATCH
    severity = Severity.WARNING
    citation = Citation(
        "Medicare National Coverage Determinations Manual (Pub. 100-03); Medicare Program "
        "Integrity Manual (Pub. 100-08)",
        "chapter 1 section 190 (lab NCD code lists); chapter 13 (LCDs and articles)",
        "2025-10-01",
        "https://www.cms.gov/medicare-coverage-database/",
    )
    needs = ("ncd",)
    payer_types = frozenset({"medicare-ffs", "medicare-advantage"})
    examples = (
        Example(
            "a1c-for-a-routine-exam", ExClaim(lines=(ExLine("83036"),), dx=("Z0000",)), flags=(1,)
        ),
        Example(
            "lipid-panel-exam-with-abnormal-findings",
            ExClaim(lines=(ExLine("99213"), ExLine("80061")), dx=("Z0001",)),
            flags=(2,),
        ),
        Example("a1c-for-diabetes", ExClaim(lines=(ExLine("83036"),), dx=("E119",))),
        Example(
            "exam-and-a-covered-diagnosis",
            ExClaim(lines=(ExLine("83036", dx=(1, 2)),), dx=("Z0000", "E1165")),
        ),
        Example(
            "pointer-to-the-exam-only",
            ExClaim(
                lines=(ExLine("83036", dx=(1,)), ExLine("82947", dx=(2,))), dx=("Z0000", "E119")
            ),
            flags=(1,),
        ),
        Example(
            "abn-on-file-modifier-ga",
            ExClaim(lines=(ExLine("83036", modifiers=("GA",)),), dx=("Z0000",)),
        ),
        Example(
            "diagnosis-missing-from-the-sample-is-not-a-finding",
            ExClaim(lines=(ExLine("83036"),), dx=("I10",)),
        ),
        Example("procedure-without-a-policy", ExClaim(lines=(ExLine("99213"),), dx=("Z0000",))),
        Example(
            "outpatient-hospital-lab-line",
            ExClaim(
                lines=(ExLine("80061", revenue_code="0301"),),
                dx=("Z0000",),
                claim_type="institutional",
                pos="13",
                filing_indicator="MA",
            ),
            flags=(1,),
        ),
        Example(
            "before-the-ncd-release-window",
            ExClaim(
                lines=(ExLine("83036"),), dx=("Z0000",), dos="2025-09-30", submitted="2025-10-06"
            ),
        ),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        jurisdiction = _jurisdiction(ctx)
        if not jurisdiction:
            yield self.not_checked(
                "LCD articles not checked: no MAC jurisdiction on the "
                "practice record or the payer entry"
            )
        for line in claim.lines:
            code = (line.procedure_code or "").strip().upper()
            day = line_date(claim, line)
            if not code or day is None or LIABILITY_MODIFIERS & set(line.modifiers):
                continue
            view = ctx.view(day)
            answers = [ncd_policies(view, code)]
            if jurisdiction:
                release = view.release(MCD_LCD)
                if release is None:
                    yield self.not_checked(
                        f"{MCD_LCD}: no release covers {day.isoformat()}; LCD articles not "
                        "checked (import the MCD article download)"
                    )
                else:
                    if release.completeness is not Completeness.FULL:
                        yield self.not_checked(
                            f"{MCD_LCD}: only {release.completeness.value} data ({release.name})"
                        )
                    try:
                        answers.append(lcd_policies(view, code, jurisdiction))
                    except UsageError as exc:
                        yield self.not_checked(f"LCD articles not checked: {exc}")
                        jurisdiction = ""
            yield from self._judge(code, day, line, _diagnoses(claim, line), answers)

    def _judge(
        self,
        code: str,
        day: dt.date,
        line: ServiceLine,
        dx: list[str],
        answers: list[Answer[list[Policy]]],
    ) -> Iterator[Finding | NotChecked]:
        if not any(answer.value for answer in answers):
            return  # no policy governs the code: nothing to judge
        shown = ", ".join(dotted(d) for d in dx) or "none"
        failed: list[str] = []
        for answer in answers:
            for policy in answer.value or []:
                verdict = policy.judge(dx)
                if verdict == "noncovered":
                    failed.append(
                        f"{policy.label} lists {shown} as not covered or not "
                        "supporting medical necessity"
                    )
                elif verdict == "unlisted" and answer.authoritative:
                    failed.append(f"{policy.label} does not list {shown} as covered")
                elif verdict == "unlisted":
                    yield self.not_checked(
                        f"{code} on {day.isoformat()}: {shown} not on the covered list of "
                        f"{policy.label} in {answer.source}, which is not complete"
                    )
        if failed:
            yield self.finding(
                line=line.number,
                message=f"{code} on {day.isoformat()}: " + "; ".join(failed),
                fix="Code the documented indication if one supports the service; otherwise "
                "expect a medical-necessity denial: give the patient an ABN before the "
                "service and add modifier GA (GZ if no ABN was given).",
            )
