"""PX101 px-invalid."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from cleanclaim.claims.model import Claim, ServiceLine
from cleanclaim.codesets.loaders.cpt import cpt_code, is_cpt_like, is_hcpcs_level2
from cleanclaim.codesets.loaders.hcpcs import hcpcs_code
from cleanclaim.codesets.model import Completeness
from cleanclaim.edits.context import RuleContext, line_date
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule

NO_CPT = "CPT validity not checked: no licensed CPT file loaded"
_DENTAL = re.compile(r"^D\d{4}$")
#: Procedure qualifiers that mean HCPCS (Level I = CPT, or Level II); others are not judged.
HCPCS_QUALIFIERS = frozenset({"HC"})


def _procedure(line: ServiceLine) -> str | None:
    code = (line.procedure_code or "").strip().upper()
    if not code:
        return None
    if line.procedure_qualifier and line.procedure_qualifier not in HCPCS_QUALIFIERS:
        return None
    return code


class PxInvalid(Rule):
    """A procedure code is not valid on the line's date of service.

    What it checks
    --------------
    Every HCPCS procedure code of a service line (qualifier HC) is judged on the line's own
    date of service:

    - a HCPCS Level II code (a letter and four digits) against the CMS HCPCS release in
      force: flagged when it was discontinued before the date (its termination date is
      its last valid day) or added after it, or when a full release does not list it;
    - a CPT code (five digits, or four digits and F, T or U) against the licensed CPT file
      the practice imported, when one covers the date: flagged when the file's dates
      exclude the date, or when a full file does not list it. Without a CPT file the check
      is reported as not run (a coverage entry), never as an error;
    - a code of neither shape sent as HCPCS is flagged as malformed.

    Why it matters
    --------------
    HIPAA requires the HCPCS/CPT codes in force on the date of service. A deleted or not
    yet effective code is rejected or denied as invalid (CARC 181 for a HCPCS code invalid
    on the date), and must be corrected and resubmitted.

    Limitations
    -----------
    A code absent from a fixture or partial release is not called invalid; dental D codes
    (owned by the ADA) are never judged by absence. cleanclaim ships no CPT data: CPT
    validity needs the practice's licensed file. When the HCPCS file does not cover a
    claim that has Level II codes, the whole check is reported as not run, CPT included.
    Modifiers are checked by another rule; coverage and payment status are not judged.

    References
    ----------
    45 CFR 162.1002 (HCPCS and CPT as HIPAA code sets); CMS HCPCS Quarterly Update
    (annual file effective January 1, quarterly updates April, July, October).
    """

    code = "PX101"
    slug = "px-invalid"
    title = "Procedure code not valid on the date of service"
    category = Category.PX_INVALID
    severity = Severity.ERROR
    citation = Citation(
        "CMS HCPCS Quarterly Update; 45 CFR 162.1002",
        "HCPCS Level II add and termination dates; HIPAA medical data code sets",
        "2016-01-01",
        "https://www.cms.gov/medicare/coding-billing/healthcare-common-procedure-system/quarterly-update",
    )
    needs = ("hcpcs",)
    examples = (
        Example(
            "discontinued-C9025",
            ExClaim(lines=(ExLine("C9025"),), dos="2016-02-01"),
            flags=(1,),
            note="C9025's last valid day was 2015-12-31",
        ),
        Example(
            "added-J3380-on-its-first-day",
            ExClaim(lines=(ExLine("J3380"),), dos="2016-01-01"),
        ),
        Example(
            "discontinued-on-second-line",
            ExClaim(lines=(ExLine("J3420"), ExLine("J2271")), dos="2016-03-31"),
            flags=(2,),
            note="J2271 ended 2014-12-31; J3420 is open",
        ),
        Example(
            "cpt-without-licensed-file",
            ExClaim(lines=(ExLine("99213"),)),
            note="a coverage entry, not an error",
        ),
        Example(
            "malformed-code",
            ExClaim(lines=(ExLine("99213"), ExLine("9921A")), dos="2016-01-04"),
            flags=(2,),
        ),
    )

    def codesets(self, claim: Claim) -> tuple[str, ...]:
        """HCPCS only when a Level II code is billed; CPT is checked without skipping."""
        for line in claim.lines:
            code = _procedure(line)
            if code is not None and is_hcpcs_level2(code):
                return ("hcpcs",)
        return ()

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        for line in claim.lines:
            code = _procedure(line)
            day = line_date(claim, line)
            if code is None or day is None:
                continue
            if is_hcpcs_level2(code):
                yield from self._hcpcs(line.number, code, day, ctx)
            elif is_cpt_like(code):
                yield from self._cpt(line.number, code, day, ctx)
            else:
                yield self.finding(
                    line=line.number,
                    message=f"{code} is not shaped like a HCPCS code (CPT: 5 digits, or 4 "
                    "digits and F/T/U; Level II: a letter and 4 digits)",
                    fix="Correct the procedure code.",
                )

    def _hcpcs(
        self, number: int, code: str, day: dt.date, ctx: RuleContext
    ) -> Iterator[Finding | NotChecked]:
        answer = hcpcs_code(ctx.view(day), code)
        on = day.isoformat()
        if answer.release is None:
            yield self.not_checked(f"hcpcs: no release covers {on}; {code} not checked")
            return
        row = answer.value
        if row is None:
            if answer.authoritative and not _DENTAL.match(code):
                yield self.finding(
                    line=number,
                    message=f"{code} is not a HCPCS Level II code on {on} ({answer.release.name})",
                    fix="Correct the code, or use the code that replaced it.",
                )
            else:
                yield self.not_checked(
                    f"{code} is not in {answer.release.name} "
                    f"({answer.completeness.value} data); its validity on {on} is not confirmed"
                )
            return
        if row.added is not None and day < row.added:
            yield self.finding(
                line=number,
                message=f"{code} is not yet valid on {on}: added {row.added.isoformat()}",
                fix=f"Use the code in force on {on}, or check the date of service.",
            )
        elif row.terminated is not None and day > row.terminated:
            yield self.finding(
                line=number,
                message=f"{code} was discontinued: its last valid day was "
                f"{row.terminated.isoformat()}; not valid on {on}",
                fix="Use the code that replaced it (see the HCPCS update and its "
                "cross-references) and resubmit.",
            )

    def _cpt(
        self, number: int, code: str, day: dt.date, ctx: RuleContext
    ) -> Iterator[Finding | NotChecked]:
        answer = cpt_code(ctx.view(day), code)
        on = day.isoformat()
        release = answer.release
        if release is None:
            yield self.not_checked(f"{NO_CPT} for {on}")
            return
        if release.completeness is not Completeness.FULL:
            yield self.not_checked(f"cpt: only {release.completeness.value} data ({release.name})")
        row = answer.value
        if row is None:
            if answer.authoritative:
                yield self.finding(
                    line=number,
                    message=f"{code} is not in the licensed CPT file for {on} ({release.name})",
                    fix="Correct the code, or use the code that replaced it.",
                )
            else:
                yield self.not_checked(
                    f"{code} is not in {release.name}; its validity on {on} is not confirmed"
                )
            return
        if row.effective_from is not None and day < row.effective_from:
            yield self.finding(
                line=number,
                message=f"{code} is not yet valid on {on}: effective "
                f"{row.effective_from.isoformat()}",
                fix=f"Use the code in force on {on}, or check the date of service.",
            )
        elif row.effective_to is not None and day > row.effective_to:
            yield self.finding(
                line=number,
                message=f"{code} was deleted: its last valid day was "
                f"{row.effective_to.isoformat()}; not valid on {on}",
                fix="Use the code that replaced it and resubmit.",
            )
