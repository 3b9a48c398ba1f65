"""NC101 ncci-ptp: NCCI procedure-to-procedure edits.

Also home of small helpers the MUE and duplicate rules share: who provided a line, and
whether a payer without a registry entry is a Medicare or Medicaid program.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cleanclaim.claims.model import Claim, ServiceLine
from cleanclaim.codesets.loaders.ncci_ptp import PtpEdit, bypassable, ptp_edits
from cleanclaim.edits.context import RuleContext, line_date
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule

PUBLIC_PROGRAMS: dict[str, str] = {
    "MA": "Medicare Part A",
    "MB": "Medicare Part B",
    "MC": "Medicaid",
}
"""Claim filing indicators (SBR09) of the programs that adopt NCCI and MUE by law."""

NOT_PER_SERVICE_BILLS = frozenset({"11", "18", "21", "41", "81", "82"})
"""837I facility types (first two digits of the type of bill) not paid per service:
hospital and SNF inpatient, swing bed, religious non-medical, hospice. NCCI and MUE skip them."""


def service_provider(claim: Claim, line: ServiceLine) -> str:
    """Who provided a line, for "same provider" questions inside one claim.

    Professional claims: the line's rendering NPI, else the claim's rendering NPI, else the
    billing NPI. Institutional claims: the facility (billing NPI).
    """
    if claim.claim_type == "institutional":
        return claim.billing_provider.npi or ""
    return history_provider(claim, line)


def history_provider(claim: Claim, line: ServiceLine) -> str:
    """The provider NPI the engine records for a line in the claim history (line rendering,
    else claim rendering, else billing), for comparisons with other claims."""
    if line.rendering_provider is not None and line.rendering_provider.npi:
        return line.rendering_provider.npi
    if claim.rendering_provider is not None and claim.rendering_provider.npi:
        return claim.rendering_provider.npi
    return claim.billing_provider.npi or ""


def public_program(claim: Claim) -> str | None:
    """``Medicare Part B`` etc. when the claim's filing indicator names such a program."""
    return PUBLIC_PROGRAMS.get((claim.payer.filing_indicator or "").strip().upper())


def assumed_payer_note(claim: Claim, ctx: RuleContext) -> str:
    """The sentence added to findings made without a payer registry entry."""
    if ctx.payer is not None:
        return ""
    program = public_program(claim)
    indicator = (claim.payer.filing_indicator or "").strip().upper()
    return (
        f" (no payer registry entry: applied because the claim is filed to {program}, "
        f"SBR09 {indicator})"
    )


def is_em(code: str) -> bool:
    """Whether ``code`` is an evaluation and management code (99202-99499)."""
    return code.isdigit() and 99202 <= int(code) <= 99499


def _kind(claim: Claim) -> str:
    if claim.claim_type == "institutional":
        return "ncci-ptp-hospital"
    return "ncci-ptp-practitioner"


class NcciPtp(Rule):
    """Two codes billed together that an NCCI procedure-to-procedure edit does not pay together.

    What it checks
    --------------
    For every pair of service lines with the same date of service and the same provider, the
    rule looks the two procedure codes up, in both orders, in the NCCI PTP table in force on
    that date: the practitioner table for 837P claims, the outpatient hospital table for 837I
    claims. "Same provider" is the line's rendering NPI (else the claim's rendering NPI, else
    the billing NPI) on an 837P, and the facility (billing NPI) on an 837I. An edit row
    applies from its effective date through its deletion date, both days included.

    The finding is placed on the column 2 line, which is the one the payer denies. Modifier
    indicator 0 means no modifier allows both codes. Indicator 1 means an NCCI-associated
    modifier (anatomic, 24/25/57/58/78/79, 27, 59, 91, XE/XS/XP/XU) on either line bypasses
    the edit; 24, 25 and 57 count only on an edit between an E/M code and another code.
    Indicator 9 rows (edits deleted retroactively) are ignored.

    The rule runs when the payer's registry entry says NCCI applies. Without a registry
    entry it runs for claims filed to Medicare or Medicaid (SBR09 MA, MB, MC) and says so
    in the message; for any other payer it reports that NCCI adoption is unknown.

    Why it matters
    --------------
    Medicare contractors apply these edits automatically: the column 2 line is denied, the
    denial is the provider's liability, and the patient cannot be billed for it. A bypass
    modifier without documentation is an audit finding rather than a payment.

    Limitations
    -----------
    A modifier on either line is taken as a valid bypass; whether the documentation
    supports it (a separate site, session or encounter) cannot be seen on the claim.
    Medicaid has its own NCCI tables; a Medicaid claim is checked against whichever table
    is loaded for the kind. Inpatient and hospice bills (types 11x, 18x, 21x, 41x, 81x,
    82x) are not checked. Only lines of the same claim are paired; a code billed on another
    claim of the same day is not. With a fixture or partial table a pair that is absent
    proves nothing and is reported as not checked.

    References
    ----------
    NCCI Policy Manual for Medicare Services, Chapter I (General Correct Coding Policies),
    section E (Modifiers and Modifier Indicators); CMS Medicare NCCI PTP edit files and
    their README.
    """

    code = "NC101"
    slug = "ncci-ptp"
    title = "NCCI procedure-to-procedure edit: column 2 code not paid with column 1"
    category = Category.NCCI_PTP
    severity = Severity.ERROR
    citation = Citation(
        "NCCI Policy Manual for Medicare Services",
        "Chapter I, section E (Modifiers and Modifier Indicators)",
        "2026-01-01",
        "https://www.cms.gov/medicare/coding-billing/national-correct-coding-initiative-ncci-edits/medicare-ncci-policy-manual",
    )
    needs = ("ncci-ptp-practitioner", "ncci-ptp-hospital")
    examples = (
        Example(
            "indicator-0-pair",
            ExClaim(lines=(ExLine("20610"), ExLine("76942")), dos="2026-07-15"),
            flags=(2,),
        ),
        Example(
            "indicator-0-pair-reversed-order",
            ExClaim(lines=(ExLine("76942"), ExLine("20610")), dos="2026-07-15"),
            flags=(1,),
        ),
        Example(
            "indicator-0-modifier-does-not-bypass",
            ExClaim(lines=(ExLine("20610"), ExLine("76942", ("XS",))), dos="2026-07-15"),
            flags=(2,),
        ),
        Example(
            "indicator-1-no-modifier",
            ExClaim(lines=(ExLine("29880"), ExLine("29881")), dos="2026-07-15"),
            flags=(2,),
        ),
        Example(
            "indicator-1-non-ncci-modifier",
            ExClaim(lines=(ExLine("29880"), ExLine("29881", ("51",))), dos="2026-07-15"),
            flags=(2,),
        ),
        Example(
            "indicator-1-modifier-on-column-2-line",
            ExClaim(lines=(ExLine("29880"), ExLine("29881", ("XS",))), dos="2026-07-15"),
        ),
        Example(
            "indicator-1-modifier-on-column-1-line",
            ExClaim(lines=(ExLine("29880", ("59",)), ExLine("29881")), dos="2026-07-15"),
        ),
        Example(
            "em-column-2-with-25",
            ExClaim(lines=(ExLine("96372"), ExLine("99213", ("25",))), dos="2026-07-15"),
        ),
        Example(
            "different-dates-of-service",
            ExClaim(
                lines=(ExLine("20610"), ExLine("76942", dos="2026-07-16")),
                dos="2026-07-15",
            ),
        ),
        Example(
            "hospital-table-on-837i",
            ExClaim(
                lines=(ExLine("29000", revenue_code="0450"), ExLine("0213T", revenue_code="0450")),
                dos="2026-07-15",
                claim_type="institutional",
                pos="13",
            ),
            flags=(2,),
        ),
    )

    def codesets(self, claim: Claim) -> tuple[str, ...]:
        return (_kind(claim),)

    def applies(self, claim: Claim, ctx: RuleContext) -> bool:
        if not super().applies(claim, ctx):
            return False
        if ctx.payer is not None and not ctx.payer.ncci_applies:
            return False
        if claim.claim_type == "institutional":
            return (claim.facility_type_code or "") not in NOT_PER_SERVICE_BILLS
        return True

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        if ctx.payer is None and public_program(claim) is None:
            yield self.not_checked(
                "payer unknown: NCCI adoption unknown (no payer registry entry, and the "
                "claim is not filed to Medicare or Medicaid)"
            )
            return
        kind = _kind(claim)
        groups: dict[tuple[dt.date, str], list[tuple[ServiceLine, str]]] = {}
        for line in claim.lines:
            code = (line.procedure_code or "").strip().upper()
            day = line_date(claim, line)
            if code and day is not None:
                groups.setdefault((day, service_provider(claim, line)), []).append((line, code))
        unknown: list[str] = []
        weak = ""
        for (day, _provider), lines in groups.items():
            view = ctx.view(day)
            asked: dict[frozenset[str], list[PtpEdit]] = {}
            for i, (first, code_a) in enumerate(lines):
                for second, code_b in lines[i + 1 :]:
                    if code_a == code_b:
                        continue
                    pair = frozenset((code_a, code_b))
                    if pair not in asked:
                        answer = ptp_edits(view, kind, code_a, code_b)
                        asked[pair] = [e for e in answer.value or () if e.applicable]
                        if answer.value is None and not answer.authoritative:
                            unknown.append(f"{code_a}/{code_b}")
                            weak = answer.completeness.value
                    yield from self._judge(claim, ctx, day, asked[pair], first, second)
        if unknown:
            more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
            shown = ", ".join(unknown[:5]) + more
            yield self.not_checked(
                f"{kind}: pair(s) {shown} not in the {weak} table; absence there proves nothing"
            )

    def _judge(
        self,
        claim: Claim,
        ctx: RuleContext,
        day: dt.date,
        edits: list[PtpEdit],
        first: ServiceLine,
        second: ServiceLine,
    ) -> Iterator[Finding]:
        done: set[tuple[str, str]] = set()
        for edit in edits:
            code_first = (first.procedure_code or "").strip().upper()
            col1, col2 = (first, second) if code_first == edit.column1 else (second, first)
            if (edit.column1, edit.column2) in done:
                continue
            done.add((edit.column1, edit.column2))
            if bypassable(edit, col1.modifiers, col2.modifiers):
                continue
            yield self.finding(
                line=col2.number,
                message=_message(edit, col1, col2, day, claim.claim_type == "institutional")
                + assumed_payer_note(claim, ctx),
                fix=_fix(edit),
            )


def _message(
    edit: PtpEdit, col1: ServiceLine, col2: ServiceLine, day: dt.date, institutional: bool
) -> str:
    who = "at the same facility" if institutional else "by the same provider"
    head = (
        f"{edit.column2} (line {col2.number}) is the column 2 code of an NCCI PTP edit with "
        f"{edit.column1} (line {col1.number}), both on {day.isoformat()} {who}; "
    )
    used = sorted({m.upper() for m in (*col1.modifiers, *col2.modifiers)})
    if edit.modifier_indicator == 0:
        why = "modifier indicator 0: no modifier allows both to be paid"
        if used:
            why += f" ({', '.join(used)} do{'es' if len(used) == 1 else ''} not change that)"
    else:
        why = "modifier indicator 1: an NCCI-associated modifier may bypass it when documented"
        if used:
            why += f", and {', '.join(used)} {'is' if len(used) == 1 else 'are'} not one here"
        else:
            why += ", and neither line has one"
    rationale = f" (edit rationale: {edit.rationale})" if edit.rationale else ""
    return head + why + rationale


def _fix(edit: PtpEdit) -> str:
    c1, c2 = edit.column1, edit.column2
    if edit.modifier_indicator == 0:
        return (
            f"Bill {c1} alone: {c2} is not separately payable with it on the same day by the "
            "same provider, and no modifier bypasses this edit."
        )
    if is_em(c2) or is_em(c1):
        em = c2 if is_em(c2) else c1
        return (
            f"Bill {c1} alone, or append 25 to {em} only if the documentation supports a "
            "significant, separately identifiable E/M service."
        )
    return (
        f"Bill {c1} alone, or append XS/59 (or another NCCI-associated modifier that fits) "
        f"to {c2} only if the documentation supports a separate site, session or encounter."
    )
