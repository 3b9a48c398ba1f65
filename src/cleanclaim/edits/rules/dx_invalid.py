"""DX101 dx-invalid, and the diagnosis helpers the other diagnosis rules share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from cleanclaim.claims.model import Claim, Diagnosis
from cleanclaim.codesets.loaders import icd10cm
from cleanclaim.codesets.loaders.icd10cm import ValidityResult, ValidityStatus
from cleanclaim.codesets.model import Release
from cleanclaim.edits.context import RuleContext, claim_date, line_date
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule

ICD10_QUALIFIERS = frozenset({"ABK", "ABF", "ABJ", "APR", "ABN"})
ICD9_QUALIFIERS = frozenset({"BK", "BF", "BJ", "PR", "BN"})
ICD10_REQUIRED_FROM = dt.date(2015, 10, 1)
"""HIPAA compliance date of ICD-10-CM (45 CFR 162.1002(c))."""
SHOWN_CHOICES = 6


def dotted(code: str) -> str:
    """``M5450`` -> ``M54.50`` (codes are stored without the dot)."""
    plain = code.strip().upper().replace(".", "")
    return plain if len(plain) <= 3 else f"{plain[:3]}.{plain[3:]}"


def choices(codes: Sequence[str], limit: int = SHOWN_CHOICES) -> str:
    """``A, B or C``; long lists are cut with a count of the rest (``at least`` when the
    list itself was cut at the loader's suggestion limit)."""
    shown = list(codes[:limit])
    if not shown:
        return ""
    rest = len(codes) - len(shown)
    if rest > 0:
        least = "at least " if len(codes) >= icd10cm.SUGGESTION_LIMIT else ""
        return f"{', '.join(shown)} or {least}{rest} more"
    if len(shown) == 1:
        return shown[0]
    return f"{', '.join(shown[:-1])} or {shown[-1]}"


def icd10_diagnoses(claim: Claim) -> list[Diagnosis]:
    """The claim's diagnoses sent with an ICD-10-CM qualifier."""
    return [d for d in claim.diagnoses if d.qualifier in ICD10_QUALIFIERS]


def icd9_diagnoses(claim: Claim) -> list[Diagnosis]:
    """The claim's diagnoses sent with an ICD-9-CM qualifier (BK, BF, BJ, PR, BN)."""
    return [d for d in claim.diagnoses if d.qualifier in ICD9_QUALIFIERS]


def diagnosis_dates(claim: Claim, dx: Diagnosis) -> list[dt.date]:
    """The dates a diagnosis is judged on.

    Institutional claims: the claim's through date. Professional claims: the dates of the
    lines that point to the diagnosis, else the claim's first date of service.
    """
    days: set[dt.date] = set()
    if claim.claim_type == "professional":
        for line in claim.lines:
            day = line_date(claim, line)
            if day is not None and dx.pointer in line.diagnosis_pointers:
                days.add(day)
    if not days:
        main = claim_date(claim)
        if main is not None:
            days.add(main)
    return sorted(days)


def icd9_coverage(rule: Rule, claim: Claim) -> Iterator[Finding | NotChecked]:
    """ICD-9-CM codes: a coverage entry before the ICD-10 date, an error on or after it."""
    old = icd9_diagnoses(claim)
    if not old:
        return
    day = claim_date(claim)
    codes = ", ".join(d.code for d in old)
    if day is not None and day >= ICD10_REQUIRED_FROM:
        if rule.severity is Severity.ERROR:
            quals = "/".join(sorted({d.qualifier for d in old}))
            yield rule.finding(
                line=None,
                message=(
                    f"ICD-9-CM diagnosis codes ({quals}: {codes}) on a claim dated "
                    f"{day.isoformat()}: ICD-10-CM is required for services on or after "
                    f"{ICD10_REQUIRED_FROM.isoformat()}"
                ),
                fix="Code the diagnoses in ICD-10-CM and send them with the ABK/ABF "
                "qualifiers (BK/BF mark ICD-9-CM).",
            )
        return
    when = day.isoformat() if day is not None else "an unknown date"
    yield rule.not_checked(
        f"ICD-9-CM codes on a claim dated {when}: no ICD-9 code set; {codes} not checked"
    )


def needs_icd10(claim: Claim) -> tuple[str, ...]:
    """``("icd10cm",)`` when the claim has an ICD-10-CM diagnosis, else nothing."""
    return ("icd10cm",) if icd10_diagnoses(claim) else ()


# -- the rule ----------------------------------------------------------------------------


class DxInvalid(Rule):
    """A diagnosis code is not valid on the date of service.

    What it checks
    --------------
    Every ICD-10-CM diagnosis of the claim is looked up in the ICD-10-CM release in force on
    the date it is judged on: the dates of the service lines pointing to it on a
    professional claim (the first date of service when no line points to it), the through
    (discharge) date on an institutional claim. It is flagged when it is:

    - a header (category or subcategory) with codes below it, e.g. M54.5 after 2021-10-01;
      the billable codes below it are suggested;
    - missing its 7th character, or carrying a 7th character the category does not define;
    - missing the placeholder X before its 7th character (S01.01A for S01.01XA);
    - absent from a full release: deleted before the date, or not yet effective, or never
      a code;
    - ICD-9-CM (qualifiers BK/BF/BJ/PR/BN) on a claim dated on or after 2015-10-01.

    Why it matters
    --------------
    Only codes valid on the date of service may be reported under HIPAA; a claim with an
    invalid or non-billable diagnosis is rejected at the front end (clearinghouse or payer)
    and never reaches adjudication, which delays payment and costs rework.

    Limitations
    -----------
    A code absent from a partial or fixture release is not called invalid: the check is
    reported as not run for that code. The release window comes from the files imported; a
    date no release covers is a coverage gap, and so are ICD-9-CM codes on claims dated
    before 2015-10-01 (cleanclaim has no ICD-9-CM code set). Whether the code fits the
    documentation is not judged.

    References
    ----------
    ICD-10-CM Official Guidelines for Coding and Reporting FY 2026, sections I.A.4
    (placeholder character), I.A.5 (7th characters) and I.B.2 (level of detail in coding);
    45 CFR 162.1002 (ICD-10-CM as the HIPAA diagnosis code set from 2015-10-01).
    """

    code = "DX101"
    slug = "dx-invalid"
    title = "Diagnosis code not valid on the date of service"
    category = Category.DX_INVALID
    severity = Severity.ERROR
    citation = Citation(
        "ICD-10-CM Official Guidelines for Coding and Reporting FY 2026",
        "sections I.A.4, I.A.5 and I.B.2",
        "2025-10-01",
        "https://www.cms.gov/medicare/coding-billing/icd-10-codes",
    )
    needs = ("icd10cm",)
    examples = (
        Example(
            "header-M54.5",
            ExClaim(lines=(ExLine("99213"),), dx=("M54.5",)),
            flags=(None,),
            note="M54.5 became a subcategory on 2021-10-01",
        ),
        Example("billable-M54.50", ExClaim(lines=(ExLine("99213"),), dx=("M54.50",))),
        Example(
            "secondary-header-E11",
            ExClaim(lines=(ExLine("99213", dx=(1, 2)),), dx=("I10", "E11")),
            flags=(None,),
        ),
        Example(
            "seventh-character-missing",
            ExClaim(lines=(ExLine("99213"),), dx=("S72.001",)),
            flags=(None,),
        ),
        Example(
            "seventh-character-invalid",
            ExClaim(lines=(ExLine("99213"),), dx=("S72.001Z",)),
            flags=(None,),
        ),
        Example(
            "placeholder-x-missing",
            ExClaim(lines=(ExLine("99213"),), dx=("S01.01A",)),
            flags=(None,),
        ),
        Example(
            "placeholder-x-present",
            ExClaim(lines=(ExLine("99213"),), dx=("S01.01XA",)),
        ),
        Example(
            "deleted-T78.1XXA",
            ExClaim(lines=(ExLine("99213"),), dx=("T78.1XXA",)),
            flags=(None,),
            note="deleted on 2025-10-01 (FY2026)",
        ),
        Example(
            "new-in-FY2026-E11.A",
            ExClaim(lines=(ExLine("99213"),), dx=("E11.A",), dos="2026-09-30"),
            note="last day of the FY2026 release",
        ),
        Example(
            "header-in-partial-window",
            ExClaim(lines=(ExLine("99213"),), dx=("M54.5",), dos="2025-10-01"),
            flags=(None,),
            note="first day of FY2026: April data standing in for October still has it",
        ),
    )

    def codesets(self, claim: Claim) -> tuple[str, ...]:
        return needs_icd10(claim)

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        yield from icd9_coverage(self, claim)
        for dx in icd10_diagnoses(claim):
            for day in diagnosis_dates(claim, dx):
                found = self._judge(dx, day, ctx)
                if found is not None:
                    yield found
                    break

    def _judge(self, dx: Diagnosis, day: dt.date, ctx: RuleContext) -> Finding | NotChecked | None:
        answer = icd10cm.validity(ctx.view(day), dx.code)
        result = answer.value
        if result is None or result.valid:
            return None
        on = day.isoformat()
        status = result.status
        if status is ValidityStatus.MALFORMED:
            return self.finding(
                line=None,
                message=f"{result.reason} (diagnosis {dx.pointer})",
                fix="Correct the diagnosis code; ICD-10-CM codes are a letter, a digit, then "
                "1 to 5 letters or digits.",
            )
        if status is ValidityStatus.NOT_IN_RELEASE or (
            status is ValidityStatus.SEVENTH_INVALID and not answer.authoritative
        ):
            if not answer.authoritative:
                release = answer.release
                name = release.name if release else "no release"
                return self.not_checked(
                    f"{result.code} is not in {name} ({answer.completeness.value} data); "
                    f"its validity on {on} is not confirmed"
                )
            return self._absent(result, day, answer.release, ctx)
        return self._structural(result, on)

    def _structural(self, result: ValidityResult, on: str) -> Finding:
        code, kids = result.code, list(result.suggestions)
        status = result.status
        if status is ValidityStatus.HEADER:
            level = "category" if len(code.replace(".", "")) == 3 else "subcategory"
            return self.finding(
                line=None,
                message=f"{code} is a {level} header, not billable on {on}; use {choices(kids)}",
                fix=f"Report the billable code below {code} that the documentation supports.",
            )
        if status is ValidityStatus.SEVENTH_MISSING:
            return self.finding(
                line=None,
                message=f"{result.reason} on {on} (e.g. {choices(kids, 3)})",
                fix="Add the 7th character for the encounter (e.g. A initial, D subsequent, "
                "S sequela), with placeholder X where the code is shorter than 6 characters.",
            )
        if status is ValidityStatus.SEVENTH_INVALID:
            return self.finding(
                line=None,
                message=f"{result.reason} on {on}",
                fix=f"Use one of the 7th characters defined for the category "
                f"(e.g. {choices(kids, 3)}).",
            )
        # placeholder X missing
        return self.finding(
            line=None,
            message=f"{result.reason} ({on})",
            fix=f"Report {choices(kids)}: the 7th character always sits in position 7.",
        )

    def _absent(
        self, result: ValidityResult, day: dt.date, release: Release | None, ctx: RuleContext
    ) -> Finding:
        on = day.isoformat()
        history = "deleted, not yet effective, or never a code"
        if release is not None:
            before = release.effective_from - dt.timedelta(days=1)
            earlier = icd10cm.validity(ctx.view(before), result.code).value
            if earlier is not None and earlier.valid:
                history = f"deleted effective {release.effective_from.isoformat()}"
            elif release.effective_to is not None:
                after = release.effective_to + dt.timedelta(days=1)
                later_answer = icd10cm.validity(ctx.view(after), result.code)
                later = later_answer.value
                if later is not None and later.valid and later_answer.release is not None:
                    start = later_answer.release.effective_from.isoformat()
                    history = f"not effective until {start}"
        near = f"; nearest codes: {choices(list(result.suggestions))}" if result.suggestions else ""
        name = release.name if release is not None else "the release in force"
        return self.finding(
            line=None,
            message=f"{result.code} is not a valid ICD-10-CM code on {on} ({history}; "
            f"{name}){near}",
            fix="Replace it with a code valid on the date of service (see the ICD-10-CM "
            "addenda and conversion table for deleted codes).",
        )
