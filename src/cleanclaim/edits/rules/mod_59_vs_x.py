"""MD104 modifier-59-vs-x."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.claims.model import Claim, ServiceLine
from cleanclaim.edits.context import RuleContext, line_date
from cleanclaim.edits.data.em_codes import is_em_section
from cleanclaim.edits.data.modifiers import SIDE, X_EPSU, X_EPSU_FROM
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule

DISTINCT = frozenset({"59", *X_EPSU})


def _npi(claim: Claim, line: ServiceLine) -> str:
    if line.rendering_provider is not None and line.rendering_provider.npi:
        return line.rendering_provider.npi
    return (claim.rendering_provider or claim.billing_provider).npi or ""


def _hint(claim: Claim, line: ServiceLine) -> str:
    """Which X modifier the claim itself points to, if any."""
    day = line_date(claim, line)
    peers = [o for o in claim.lines if o is not line and line_date(claim, o) == day]
    if any(_npi(claim, o) != _npi(claim, line) for o in peers):
        return " (another practitioner billed a line that day: XP may fit)"
    sides = {SIDE[m] for m in line.modifiers if m in SIDE}
    other_sides = {SIDE[m] for o in peers for m in o.modifiers if m in SIDE}
    if sides and other_sides and not sides & other_sides:
        return " (the lines name different sites: XS may fit)"
    return ""


class Modifier59VsX(Rule):
    """Modifier 59 is used where a more specific X{EPSU} modifier should be.

    What it checks
    --------------
    For services on or after 2015-01-01 (when CMS created the XE, XS, XP and XU modifiers
    as subsets of 59), every line with modifier 59 is flagged:

    * 59 together with an X{EPSU} modifier on the same line (the two must not be combined);
    * 59 or an X{EPSU} modifier on an E/M code (99202-99499, 98000-98016), where modifier
      25 is the one that marks a separate service;
    * otherwise 59 alone, with a hint when the claim shows which subset fits: XP when another
      practitioner billed a line the same day, XS when the lines carry anatomic modifiers
      for different sites.

    Why it matters
    --------------
    CPT tells coders not to use 59 when a more descriptive modifier exists, and CMS prefers
    the X{EPSU} subsets; some payers accept only them for certain code pairs, and 59 is one
    of the most audited modifiers. A line with both 59 and an X modifier, or with either on
    an E/M code, is incorrect coding and may be returned.

    Limitations
    -----------
    Whether a service was a separate encounter, structure, practitioner or non-overlapping
    service is in the record: the rule cannot choose the subset, only hint at it. Medicare
    still accepts 59 where no subset fits, and some payers do not accept the X modifiers at
    all; suppress the rule per payer where that is so. The rule does not judge whether a
    distinct-service modifier was needed (see the NCCI PTP rule).

    References
    ----------
    CMS Transmittal 1422, Change Request 8863 (2014-08-15), MLN Matters MM8863: the
    -X{EPSU} modifiers, effective 2015-01-01; NCCI Policy Manual for Medicare Services,
    chapter I, section E (modifiers and modifier indicators); CPT Appendix A, modifier 59
    (AMA; summarised in the project's own words).
    """

    code = "MD104"
    slug = "modifier-59-vs-x"
    title = "Modifier 59 where an X{EPSU} modifier fits"
    category = Category.MODIFIER
    severity = Severity.WARNING
    citation = Citation(
        "CMS Transmittal 1422, Change Request 8863 (MLN Matters MM8863)",
        "specific modifiers XE, XS, XP, XU for distinct procedural services",
        "2014-08-15",
    )
    examples = (
        Example(
            "59-alone",
            ExClaim(lines=(ExLine("97140", ("59",)), ExLine("97530"))),
            flags=(1,),
        ),
        Example(
            "59-and-xs-together",
            ExClaim(lines=(ExLine("97140", ("59", "XS")), ExLine("97530"))),
            flags=(1,),
        ),
        Example(
            "59-on-an-em-visit",
            ExClaim(lines=(ExLine("99213", ("59",)), ExLine("20610"))),
            flags=(1,),
        ),
        Example(
            "xs-on-an-em-visit",
            ExClaim(lines=(ExLine("99213", ("XS",)), ExLine("20610"))),
            flags=(1,),
        ),
        Example(
            "xu-alone",
            ExClaim(lines=(ExLine("97140", ("XU",)), ExLine("97530"))),
        ),
        Example(
            "59-on-first-day-of-x-modifiers",
            ExClaim(
                lines=(ExLine("11102", ("59", "RT")), ExLine("17110", ("LT",))), dos="2015-01-01"
            ),
            flags=(1,),
        ),
        Example(
            "59-on-last-day-before-x-modifiers",
            ExClaim(lines=(ExLine("11102", ("59",)), ExLine("17110")), dos="2014-12-31"),
        ),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        for line in claim.lines:
            code = line.procedure_code or ""
            mods = set(line.modifiers)
            day = line_date(claim, line)
            if not code or not mods & DISTINCT or day is None or day < X_EPSU_FROM:
                continue
            xs = sorted(mods & set(X_EPSU))
            if is_em_section(code):
                used = "-".join(sorted(mods & DISTINCT))
                yield self.finding(
                    line=line.number,
                    message=f"{used} is appended to E/M code {code}; distinct-service "
                    "modifiers are not used on E/M services",
                    fix=f"Remove {used} from {code}; if the visit was separate from a "
                    "same-day procedure, use modifier 25 instead.",
                )
            elif "59" in mods and xs:
                yield self.finding(
                    line=line.number,
                    message=f"{code} carries both 59 and {', '.join(xs)}; an X modifier is a "
                    "more specific form of 59 and the two are not combined",
                    fix=f"Keep {', '.join(xs)} and remove 59 from {code}.",
                )
            elif "59" in mods:
                choices = "; ".join(f"{m} {why}" for m, why in X_EPSU.items())
                yield self.finding(
                    line=line.number,
                    message=f"{code} uses modifier 59 where a more specific X modifier may "
                    f"apply{_hint(claim, line)}",
                    fix=f"Replace 59 with the X modifier the record supports ({choices}); "
                    "keep 59 only when none of them describes the service.",
                )
