"""MU101 mue: units above the Medically Unlikely Edit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from cleanclaim.claims.model import Claim, ServiceLine
from cleanclaim.codesets.loaders.mue import MueLimit, mue_limit
from cleanclaim.edits.context import RuleContext, line_date, patient_key
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule
from cleanclaim.edits.rules.ncci_ptp import (
    NOT_PER_SERVICE_BILLS,
    assumed_payer_note,
    history_provider,
    public_program,
    service_provider,
)

DME_TAXONOMY_PREFIXES = ("332B", "335E")
"""Billing taxonomies of DME suppliers: 332B00000X Durable Medical Equipment & Medical
Supplies (and its specialisations), 335E00000X Prosthetic/Orthotic Supplier."""

_MAI_TEXT = {
    1: "MAI 1, a line edit",
    2: "MAI 2, a per-day edit based on policy; appeals rarely succeed",
    3: "MAI 3, a per-day edit based on clinical data; appealable with documentation",
}


def is_dme_supplier(claim: Claim) -> bool:
    """Whether the billing provider's taxonomy is a DME supplier's."""
    taxonomy = (claim.billing_provider.taxonomy or "").strip().upper()
    return claim.claim_type == "professional" and taxonomy.startswith(DME_TAXONOMY_PREFIXES)


def _kind(claim: Claim) -> str:
    if claim.claim_type == "institutional":
        return "mue-hospital"
    return "mue-dme" if is_dme_supplier(claim) else "mue-practitioner"


def _units(line: ServiceLine) -> Decimal:
    return line.units if line.units is not None else Decimal(1)


def _n(value: Decimal | int) -> str:
    return f"{Decimal(value).normalize():f}"


class Mue(Rule):
    """More units of a code than its Medically Unlikely Edit allows.

    What it checks
    --------------
    Each procedure code is looked up in the MUE table in force on the line's date: the
    practitioner table for 837P claims, the DME supplier table when the billing provider's
    taxonomy is a DME supplier's (332B..., 335E00000X), the outpatient hospital table for
    837I claims. The MUE adjudication indicator (MAI) says how units are counted:

    * MAI 1 (line edit): the units of each line are compared with the limit on their own.
    * MAI 2 and 3 (date of service edits): the units of every line of the code on the same
      date by the same provider are added up, on this claim and on the patient's other
      claims (earlier in the batch, or in stored history), and the total is compared.

    Every line of the code on that date in this claim is flagged when the total is over
    the limit; units equal to the limit pass. "Same provider" is the rendering NPI (else the
    billing NPI) on an 837P and the facility on an 837I. Other versions of the same claim
    (same patient control number) are never added in: a replacement replaces them.

    The rule runs when the payer's registry entry says MUEs apply; without an entry, for
    claims filed to Medicare or Medicaid (SBR09 MA, MB, MC).

    Why it matters
    --------------
    Medicare denies the whole line (MAI 1), or every line of the code on the date (MAI 2
    and 3), not just the excess units. The denial is the provider's liability and an ABN
    cannot shift it to the patient. Most excess units are keying errors that are cheap to
    fix before submission.

    Limitations
    -----------
    Some MUE values are confidential and not in the published files: a code without a
    published MUE is not checked. Lines reported in minutes (unit basis MJ, anesthesia) are
    not checked. DME suppliers are recognised only by the billing taxonomy. Units of other
    claims come from the claim history, which does not yet say whether those claims were
    voided, rejected or denied; they are counted. On an 837I with a rendering provider the
    history may name that provider rather than the facility, and such claims are not added
    up. With a fixture table, a code that is absent is reported as not checked.

    References
    ----------
    NCCI Policy Manual for Medicare Services, Chapter I, section V (Medically Unlikely
    Edits); CMS Medicare NCCI Medically Unlikely Edits page and MUE FAQs; MLN Matters
    SE1422 (MUE adjudication indicators).
    """

    code = "MU101"
    slug = "mue"
    title = "Units of service above the Medically Unlikely Edit"
    category = Category.MUE
    severity = Severity.ERROR
    citation = Citation(
        "NCCI Policy Manual for Medicare Services",
        "Chapter I, section V (Medically Unlikely Edits)",
        "2026-01-01",
        "https://www.cms.gov/medicare-medicaid-coordination/national-correct-coding-initiative-ncci/ncci-medicare/medicare-ncci-medically-unlikely-edits",
    )
    needs = ("mue-practitioner", "mue-hospital", "mue-dme")
    examples = (
        Example(
            "mai-3-one-line-over",
            ExClaim(lines=(ExLine("36415", units=3),), dos="2026-07-15"),
            flags=(1,),
        ),
        Example(
            "mai-3-one-line-at-limit",
            ExClaim(lines=(ExLine("36415", units=2),), dos="2026-07-15"),
        ),
        Example(
            "mai-3-summed-across-lines",
            ExClaim(lines=(ExLine("36415"), ExLine("36415", ("91",), units=2)), dos="2026-07-15"),
            flags=(1, 2),
        ),
        Example(
            "mai-3-two-lines-at-limit",
            ExClaim(lines=(ExLine("85025"), ExLine("85025", ("91",))), dos="2026-07-15"),
        ),
        Example(
            "mai-2-policy-over",
            ExClaim(lines=(ExLine("G0121", units=2),), dos="2026-07-15"),
            flags=(1,),
        ),
        Example(
            "mai-3-summed-across-claims",
            ExClaim(lines=(ExLine("36415", units=2),), dos="2026-07-15", claim_id="EX2"),
            history=(ExClaim(lines=(ExLine("36415"),), dos="2026-07-15", claim_id="EX1"),),
            flags=(1,),
        ),
        Example(
            "other-claim-on-another-day",
            ExClaim(lines=(ExLine("36415", units=2),), dos="2026-07-15", claim_id="EX2"),
            history=(ExClaim(lines=(ExLine("36415"),), dos="2026-07-14", claim_id="EX1"),),
        ),
        Example(
            "replacement-does-not-add-the-replaced-claim",
            ExClaim(lines=(ExLine("36415", units=2),), dos="2026-07-15", frequency="7"),
            history=(ExClaim(lines=(ExLine("36415", units=2),), dos="2026-07-15"),),
        ),
        Example(
            "hospital-table-on-837i",
            ExClaim(
                lines=(ExLine("33935", units=2, revenue_code="0360"),),
                dos="2026-07-15",
                claim_type="institutional",
                pos="13",
            ),
            flags=(1,),
        ),
    )

    def codesets(self, claim: Claim) -> tuple[str, ...]:
        return (_kind(claim),)

    def applies(self, claim: Claim, ctx: RuleContext) -> bool:
        if not super().applies(claim, ctx):
            return False
        if ctx.payer is not None and not ctx.payer.mue_applies:
            return False
        if claim.frequency_code == "8":
            return False  # a void cancels services; it adds none
        if claim.claim_type == "institutional":
            return (claim.facility_type_code or "") not in NOT_PER_SERVICE_BILLS
        return True

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        if ctx.payer is None and public_program(claim) is None:
            yield self.not_checked(
                "payer unknown: MUE adoption unknown (no payer registry entry, and the "
                "claim is not filed to Medicare or Medicaid)"
            )
            return
        kind = _kind(claim)
        groups: dict[tuple[str, dt.date, str], list[ServiceLine]] = {}
        for line in claim.lines:
            code = (line.procedure_code or "").strip().upper()
            day = line_date(claim, line)
            if not code or day is None:
                continue
            if line.unit_basis == "MJ":
                yield self.not_checked(f"line {line.number}: {code} is reported in minutes (MJ)")
                continue
            groups.setdefault((code, day, service_provider(claim, line)), []).append(line)
        absent: list[str] = []
        weak = ""
        for (code, day, _provider), lines in groups.items():
            answer = mue_limit(ctx.view(day), kind, code)
            limit = answer.value
            if limit is None:
                if not answer.authoritative and code not in absent:
                    absent.append(code)
                    weak = answer.completeness.value
                continue
            if not limit.per_date_of_service:
                for line in lines:
                    if _units(line) > limit.max_units:
                        yield self._line_finding(claim, ctx, kind, limit, line, day)
                continue
            yield from self._day_findings(claim, ctx, kind, limit, lines, day)
        if absent:
            yield self.not_checked(
                f"{kind}: no MUE for {', '.join(absent)} in the {weak} table; "
                "absence there proves nothing"
            )

    def _line_finding(
        self,
        claim: Claim,
        ctx: RuleContext,
        kind: str,
        limit: MueLimit,
        line: ServiceLine,
        day: dt.date,
    ) -> Finding:
        message = (
            f"{limit.code}: {_n(_units(line))} units on line {line.number} "
            f"({day.isoformat()}) exceed the {_table(kind)} MUE of {limit.max_units} per line "
            f"({_MAI_TEXT[1]})"
        )
        return self.finding(
            line=line.number,
            message=message + assumed_payer_note(claim, ctx),
            fix=(
                f"Check the units of {limit.code}. If more were really provided (another "
                "site, session or encounter), report them on separate lines with the modifier "
                "that fits (76, 77, an anatomic modifier, XE/XS/XP/XU or 59, 91) and keep the "
                "documentation."
            ),
        )

    def _day_findings(
        self,
        claim: Claim,
        ctx: RuleContext,
        kind: str,
        limit: MueLimit,
        lines: list[ServiceLine],
        day: dt.date,
    ) -> Iterator[Finding]:
        here = sum((_units(line) for line in lines), Decimal(0))
        provider = history_provider(claim, lines[0])
        pkey = str(ctx.options.get("patient_key") or patient_key(claim))
        ckey = str(ctx.options.get("claim_key") or claim.claim_id)
        other = sum(
            h.units
            for h in ctx.history.lines_on(pkey, day)
            if h.procedure.strip().upper() == limit.code
            and h.provider_npi == provider
            and h.claim_key != ckey
            and h.claim_id != claim.claim_id
        )
        total = here + other
        if total <= limit.max_units:
            return
        numbers = ", ".join(str(line.number) for line in lines)
        parts = f"{_n(here)} on line{'s' if len(lines) > 1 else ''} {numbers} of this claim"
        if other:
            parts += f" + {other} on the patient's other claim(s) for that day"
        message = (
            f"{limit.code}: {_n(total)} units on {day.isoformat()} ({parts}) exceed the "
            f"{_table(kind)} MUE of {limit.max_units} per date of service "
            f"({_MAI_TEXT[limit.mai]})"
        )
        if limit.mai == 2:
            fix = (
                f"Reduce {limit.code} to at most {_units_text(limit.max_units)} for the date "
                "across all claims: an MAI 2 limit rests on policy or the code's definition, "
                "and a denial is rarely overturned."
            )
        else:
            fix = (
                f"Correct the units of {limit.code} if they are a keying error. If they are "
                "right, expect a denial and appeal it with records showing medical necessity "
                "(MAI 3 limits are clinical and can be overturned)."
            )
        for line in lines:
            yield self.finding(
                line=line.number, message=message + assumed_payer_note(claim, ctx), fix=fix
            )


def _units_text(count: int) -> str:
    return f"{count} unit{'' if count == 1 else 's'}"


def _table(kind: str) -> str:
    return {
        "mue-practitioner": "practitioner",
        "mue-hospital": "outpatient hospital",
        "mue-dme": "DME supplier",
    }[kind]
