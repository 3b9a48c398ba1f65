"""DM101 demographic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cleanclaim.claims.model import Claim
from cleanclaim.edits.context import RuleContext, line_date
from cleanclaim.edits.data.mce_edits import (
    MCE_SOURCE,
    MCE_URL,
    PROCEDURE_EDITS,
    SEX_EDITS_LAST_DAY,
    ProcedureEdit,
    age_category,
    sex_of_diagnosis,
)
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import (
    Category,
    Citation,
    Finding,
    NotChecked,
    RuleStatus,
    Severity,
)
from cleanclaim.edits.rule import Rule
from cleanclaim.edits.rules.dx_invalid import dotted, icd10_diagnoses

SEX_WORDS = {"F": "female", "M": "male"}
AMBIGUOUS_GENDER_CONDITION = "45"
GENDER_SPECIFIC_MODIFIER = "KX"


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years from ``birth`` to ``day`` (a 29 February birthday counts on 1 March)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _article(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def _diagnosis_day(claim: Claim) -> dt.date | None:
    if claim.claim_type == "institutional":
        return claim.admission_date or claim.statement_from or claim.service_date_from
    return claim.service_date_from


def _band_fit(edit: ProcedureEdit, age: int) -> str | None:
    """The code of the same family whose age band holds ``age``."""
    family = edit.label.split(", age band")[0]
    for other in PROCEDURE_EDITS.values():
        if other.low is None or other.high is None:
            continue
        if other.label.startswith(family) and other.low <= age <= other.high:
            return other.code
    return None


class Demographic(Rule):
    """A diagnosis or procedure conflicts with the patient's age or sex.

    What it checks
    --------------
    In the style of the Medicare Code Editor (MCE):

    - age: each ICD-10-CM diagnosis in an MCE age category must fit the patient's age in
      whole years at the first date of service (the admission date on an 837I): newborn
      (age 0), pediatric (0-17), maternity (9-64), adult (15-124);
    - sex: a diagnosis the MCE lists for female or male patients only must match the sex
      on the claim (F or M);
    - procedures: a short curated list of CPT/HCPCS codes whose definition fixes the sex
      (e.g. prostate biopsy, colposcopy) or an age band (the preventive-visit families,
      where the code for the right band is suggested), judged on the line's date.

    Age conflicts are errors. Diagnosis sex conflicts are errors for dates up to 2024-09-30
    and warnings from 2024-10-01, when the MCE stopped applying its sex-conflict edit; many
    payers still apply their own. Procedure sex conflicts are warnings (payer edits, not
    MCE edits). Sex edits are skipped when the claim carries condition
    code 45 (ambiguous gender category) or a line carries modifier KX (Medicare's flag for
    a gender-specific service the patient's recorded sex does not match).

    Why it matters
    --------------
    The payer assumes either the code or the demographic data is wrong: the claim is
    rejected or denied (CARC 6 or 7 for age or sex conflicts with the procedure, CARC 9 or
    10 with the diagnosis) and must be corrected.

    Limitations
    -----------
    Preview: the diagnosis lists are prefixes compiled from one MCE year each (age: FY2026
    v43; sex: FY2024 v41), so codes deleted earlier are missing and new codes inherit the
    edit of their prefix. The procedure list is short and curated, not an official file;
    ICD-10-PCS procedure edits on 837I claims are not checked. The MCE is an inpatient
    editor; on professional claims these edits mirror common payer edits rather than a
    Medicare rule. Patients with sex U, or no birth date, are reported as not checked.

    References
    ----------
    CMS, Definitions of Medicare Code Edits (MCE) v43 (FY2026): age conflict and sex
    conflict edits, and their age categories; CMS Pub. 100-04 chapter 32 and MLN guidance
    on condition code 45 and modifier KX for gender-specific services.
    """

    code = "DM101"
    slug = "demographic"
    title = "Diagnosis or procedure conflicts with the patient's age or sex"
    category = Category.DEMOGRAPHIC
    severity = Severity.ERROR
    status = RuleStatus.PREVIEW
    citation = Citation(
        MCE_SOURCE, "v43 (FY2026): age conflict and sex conflict edits", "2025-10-01", MCE_URL
    )
    examples = (
        Example("delivery-at-68", ExClaim(lines=(ExLine("99213"),), dx=("O80",)), flags=(None,)),
        Example(
            "maternity-on-65th-birthday",
            ExClaim(lines=(ExLine("99213"),), dx=("O80",), birth="1961-05-04"),
            flags=(None,),
        ),
        Example(
            "maternity-day-before-65th-birthday",
            ExClaim(lines=(ExLine("99213"),), dx=("O80",), birth="1961-05-05"),
        ),
        Example(
            "newborn-code-on-first-birthday",
            ExClaim(lines=(ExLine("99213"),), dx=("Z38.00",), birth="2025-05-04", sex="M"),
            flags=(None,),
        ),
        Example(
            "newborn-code-at-364-days",
            ExClaim(lines=(ExLine("99213"),), dx=("Z38.00",), birth="2025-05-05", sex="M"),
        ),
        Example(
            "prostate-cancer-female-patient-warning",
            ExClaim(lines=(ExLine("99213"),), dx=("C61",)),
            flags=(None,),
            note="a warning: the MCE sex edit ended 2024-09-30",
        ),
        Example(
            "prostate-cancer-female-patient-fy2024",
            ExClaim(
                lines=(ExLine("99213"),), dx=("C61",), dos="2024-09-30", submitted="2024-10-05"
            ),
            flags=(None,),
        ),
        Example(
            "prostate-cancer-male-patient", ExClaim(lines=(ExLine("99213"),), dx=("C61",), sex="M")
        ),
        Example(
            "preventive-visit-wrong-age-band",
            ExClaim(lines=(ExLine("99213"), ExLine("99385")), dx=("Z00.00",)),
            flags=(2,),
        ),
        Example(
            "preventive-visit-right-age-band", ExClaim(lines=(ExLine("99387"),), dx=("Z00.00",))
        ),
        Example(
            "screening-pap-male-patient",
            ExClaim(lines=(ExLine("Q0091"),), dx=("Z01.419",), sex="M"),
            flags=(None, 1),
            note="Z01.41- is listed for females; Q0091 too",
        ),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        patient = claim.patient
        sex = (patient.sex or "").upper()
        skip_sex = AMBIGUOUS_GENDER_CONDITION in claim.condition_codes or any(
            GENDER_SPECIFIC_MODIFIER in (m.upper() for m in ln.modifiers) for ln in claim.lines
        )
        day = _diagnosis_day(claim)
        for dx in icd10_diagnoses(claim):
            code = dx.code.upper().replace(".", "")
            category = age_category(code)
            if category is not None and day is not None:
                age = self._age(patient.birth_date, day)
                if isinstance(age, NotChecked):
                    yield age
                elif not category.allows(age):
                    yield self.finding(
                        line=None,
                        message=f"{dotted(code)} is {_article(category.name)} diagnosis "
                        f"({category.span} in the Medicare Code Editor); the patient is "
                        f"{age} on {day.isoformat()}",
                        fix="Check the patient's birth date and the diagnosis code; correct "
                        "whichever is wrong.",
                    )
            wanted = sex_of_diagnosis(code)
            if wanted is not None and not skip_sex and day is not None:
                yield from self._sex(None, dotted(code), "diagnosis", wanted, sex, day)
        for line in claim.lines:
            edit = PROCEDURE_EDITS.get((line.procedure_code or "").upper())
            when = line_date(claim, line)
            if edit is None or when is None:
                continue
            if edit.sex is not None and not skip_sex:
                yield from self._sex(
                    line.number, f"{edit.code} ({edit.label})", "procedure", edit.sex, sex, when
                )
            if edit.low is not None and edit.high is not None:
                age = self._age(patient.birth_date, when)
                if isinstance(age, NotChecked):
                    yield age
                elif not edit.low <= age <= edit.high:
                    fit = _band_fit(edit, age)
                    yield self.finding(
                        line=line.number,
                        message=f"{edit.code} ({edit.label}) does not fit the patient's age "
                        f"{age} on {when.isoformat()}" + (f"; use {fit}" if fit else ""),
                        fix=f"Bill {fit}, the code of the patient's age band."
                        if fit
                        else "Bill the code of the patient's age band.",
                    )

    def _age(self, birth: dt.date | None, day: dt.date) -> int | NotChecked:
        if birth is None:
            return self.not_checked("the patient's birth date is missing: age edits not run")
        if birth > day:
            return self.not_checked(
                "the patient's birth date is after the date of service: age edits not run"
            )
        return age_on(birth, day)

    def _sex(
        self, line: int | None, what: str, kind: str, wanted: str, sex: str, day: dt.date
    ) -> Iterator[Finding | NotChecked]:
        if sex not in SEX_WORDS:
            yield self.not_checked(
                f"patient sex is {sex or 'missing'}: sex edit for {what} not run"
            )
            return
        if sex == wanted:
            return
        if kind == "procedure":
            active, note = False, "; payers that run sex edits deny it"
        else:
            active = day <= SEX_EDITS_LAST_DAY
            note = (
                ""
                if active
                else (
                    f"; the Medicare Code Editor stopped this edit after "
                    f"{SEX_EDITS_LAST_DAY.isoformat()}, other payers still apply it"
                )
            )
        yield self.finding(
            line=line,
            message=f"{what} is a {kind} for {SEX_WORDS[wanted]} patients only; the patient's "
            f"sex on the claim is {sex}{note}",
            fix="Correct the patient's sex or the code. If both are right (e.g. a transgender "
            "patient), follow the payer's policy: condition code 45 on an 837I, modifier KX "
            "on the line for Medicare Part B.",
            severity=Severity.ERROR if active else Severity.WARNING,
        )
