"""MD101 modifier-25-missing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cleanclaim.claims.model import Claim, ServiceLine
from cleanclaim.codesets.loaders.pfs import pfs_entry
from cleanclaim.edits.context import RuleContext, line_date
from cleanclaim.edits.data.em_codes import is_em_section, is_visit
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule

MINOR = ("000", "010")
DOS = "2025-02-10"  # inside the bundled PFS relative value sample (2025 Q1)
OTHER_NPI = "1679576722"


def _npi(claim: Claim, line: ServiceLine) -> str:
    """The NPI that rendered ``line`` (line rendering, else claim rendering, else billing)."""
    if line.rendering_provider is not None and line.rendering_provider.npi:
        return line.rendering_provider.npi
    return (claim.rendering_provider or claim.billing_provider).npi or ""


def _same_day(
    claim: Claim, ctx: RuleContext, visit: ServiceLine, day: dt.date
) -> Iterator[tuple[str, str]]:
    """(code, where) of every other service by the visit's provider on ``day``: lines of
    this claim, then lines of the patient's other claims."""
    npi = _npi(claim, visit)
    for other in claim.lines:
        if other is visit or not other.procedure_code:
            continue
        if line_date(claim, other) == day and _npi(claim, other) == npi:
            yield other.procedure_code, f"line {other.number}"
    pkey = ctx.options.get("patient_key")
    me = ctx.options.get("claim_key", claim.claim_id)
    if pkey is None:
        return
    for hist in ctx.history.lines_on(pkey, day):
        if hist.claim_key != me and hist.provider_npi == npi and hist.procedure:
            yield hist.procedure, "another claim of this patient"


class Modifier25Missing(Rule):
    """An E/M visit billed on the day of a minor procedure by the same provider lacks 25.

    What it checks
    --------------
    For each problem-oriented E/M visit line (office or outpatient 99202-99205 and
    99211-99215, hospital inpatient and observation, consultations, emergency department,
    nursing facility and home or residence visits) it looks for other services by the same
    rendering provider on the same date of service, on this claim or on the patient's
    other claims. A service whose global period in the Physician Fee Schedule relative value
    file is 000 or 010 days is a minor procedure; if the visit line carries neither modifier
    25 nor modifier 57, the visit line is flagged. Global days come from the relative value
    file in force on the date of service.

    Why it matters
    --------------
    The payment for a minor procedure already includes the evaluation that leads to doing
    it. Medicare and most payers pay a same-day E/M visit only when the practitioner marks
    it with modifier 25 as significant and separately identifiable; without 25 the visit is
    denied as part of the procedure's global package.

    Limitations
    -----------
    The rule cannot tell whether the visit really was separately identifiable: adding 25
    must be backed by the record, and a visit that only decided on the procedure must be
    dropped instead. Preventive medicine visits and critical care are not examined. Visits
    with modifier 57 are left to MD103, which judges 57 against the global period. Other
    claims are seen only when they are stored or earlier in the same batch, and "same
    provider" means the same rendering NPI (group-level rules of some payers are not
    modelled). A procedure missing from a sample relative value file is reported as not
    checked, never assumed to have no global period.

    References
    ----------
    NCCI Policy Manual for Medicare Services, chapter I, section D (E/M services with minor
    procedures); Medicare Claims Processing Manual (Pub. 100-04), chapter 12, sections
    30.6.6 (modifier 25) and 40.1 (the global surgical package); PFS relative value file,
    global days field.
    """

    code = "MD101"
    slug = "modifier-25-missing"
    title = "E/M visit on the day of a minor procedure without modifier 25"
    category = Category.MODIFIER
    severity = Severity.ERROR
    citation = Citation(
        "NCCI Policy Manual for Medicare Services",
        "chapter I, section D (E/M services on the day of minor procedures; modifier 25)",
        "2026-01-01",
    )
    needs = ("pfs-rvu",)
    claim_types = frozenset({"professional"})
    examples = (
        Example(
            "visit-with-10-day-procedure",
            ExClaim(lines=(ExLine("99213"), ExLine("17110")), dos=DOS),
            flags=(1,),
        ),
        Example(
            "visit-after-0-day-procedure-line",
            ExClaim(lines=(ExLine("20610"), ExLine("99214")), dos=DOS),
            flags=(2,),
        ),
        Example(
            "visit-with-25",
            ExClaim(lines=(ExLine("99213", ("25",)), ExLine("17110")), dos=DOS),
        ),
        Example(
            "visit-with-90-day-procedure-is-md103s",
            ExClaim(lines=(ExLine("99213"), ExLine("27447")), dos=DOS),
        ),
        Example(
            "procedure-the-next-day",
            ExClaim(lines=(ExLine("99213"), ExLine("17110", dos="2025-02-11")), dos=DOS),
        ),
        Example(
            "visit-with-xxx-service",
            ExClaim(lines=(ExLine("99213"), ExLine("71046")), dos=DOS),
        ),
        Example(
            "procedure-on-an-earlier-claim",
            ExClaim(lines=(ExLine("99212"),), dos=DOS, claim_id="EX2"),
            flags=(1,),
            history=(ExClaim(lines=(ExLine("11102"),), dos=DOS, claim_id="EX1"),),
        ),
        Example(
            "procedure-by-another-provider",
            ExClaim(lines=(ExLine("99212"),), dos=DOS, claim_id="EX2"),
            history=(
                ExClaim(lines=(ExLine("11102"),), dos=DOS, claim_id="EX1", rendering_npi=OTHER_NPI),
            ),
        ),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        for line in claim.lines:
            code = line.procedure_code or ""
            if not is_visit(code) or {"25", "57"} & set(line.modifiers):
                continue
            day = line_date(claim, line)
            if day is None:
                continue
            view = ctx.view(day)
            minors: list[str] = []
            for other, where in _same_day(claim, ctx, line, day):
                if is_em_section(other):
                    continue
                answer = pfs_entry(view, other)
                if answer.value is None:
                    if not answer.authoritative:
                        yield self.not_checked(
                            f"pfs-rvu: global period of {other} on {day.isoformat()} is "
                            f"unknown ({answer.source})"
                        )
                    continue
                days = answer.value.global_days
                if days in MINOR:
                    minors.append(f"{other} ({days}-day global, {where})")
            if minors:
                yield self.finding(
                    line=line.number,
                    message=(
                        f"{code} on {day.isoformat()} is billed by the same provider on the "
                        f"same day as {', '.join(minors)} without modifier 25"
                    ),
                    fix=(
                        f"If the record shows a significant, separately identifiable visit "
                        f"beyond the usual pre-procedure assessment, append 25 to {code}; "
                        "otherwise remove the visit line: its payment is part of the "
                        "procedure's."
                    ),
                )
