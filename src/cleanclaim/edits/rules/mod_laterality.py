"""MD105 modifier-laterality."""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator, Iterator

from cleanclaim.claims.model import Claim, ServiceLine
from cleanclaim.codesets.loaders.pfs import PfsEntry, pfs_entry
from cleanclaim.edits.context import RuleContext, line_date
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule

DOS = "2025-02-10"  # inside the bundled PFS relative value sample (2025 Q1)

#: What each bilateral-surgery indicator means for modifier 50, in the project's words.
NO_50 = {
    "0": "the bilateral payment adjustment does not apply to it (indicator 0); both sides "
    "are paid as one service",
    "2": "it is already priced as a bilateral service (indicator 2); 50 adds nothing and "
    "both sides are paid as one service",
    "9": "the bilateral concept does not apply to it (indicator 9)",
}


def _npi(claim: Claim, line: ServiceLine) -> str:
    if line.rendering_provider is not None and line.rendering_provider.npi:
        return line.rendering_provider.npi
    return (claim.rendering_provider or claim.billing_provider).npi or ""


def _medicare(claim: Claim, ctx: RuleContext) -> bool:
    if ctx.payer is not None:
        return ctx.payer_type == "medicare-ffs"
    return claim.payer.filing_indicator in ("MA", "MB")


def _units(line: ServiceLine) -> int:
    return int(line.units) if line.units is not None else 1


class ModifierLaterality(Rule):
    """LT, RT and 50 are missing or conflict with the code's bilateral indicator.

    What it checks
    --------------
    Line by line on professional claims, using the bilateral-surgery indicator of the PFS
    relative value file in force on the date of service:

    * LT and RT on the same line, or 50 together with LT or RT: an error, the line names
      contradictory sides;
    * 50 on a code whose indicator is 0, 2 or 9: a warning, 50 does not apply;
    * 50 with more than one unit on a Medicare claim (indicator 1): a warning, Medicare
      wants a bilateral procedure as one line with 50 and one unit;
    * the same code billed on two or more lines on one day by one provider, indicator 1 or
      3, where a line has none of LT, RT and 50: each such line is flagged, the side is
      missing and the lines look like duplicates;
    * one line with two or more units and none of LT, RT and 50, indicator 1: flagged, the
      sides are missing;
    * the same code with indicator 2 billed on separate lines for each side: the later
      lines are flagged, the code already covers both sides.

    Reading of the indicators (PFS relative value file, BILAT SURG field): 0, the 150%
    bilateral adjustment does not apply and both sides are paid at 100% of one service; 1,
    the 150% adjustment applies, billed with 50 or as RT and LT; 2, the values already
    assume both sides, paid once; 3, the adjustment does not apply and each side is paid in
    full (mostly imaging and tests); 9, the concept does not apply.

    Why it matters
    --------------
    A bilateral procedure billed the wrong way is paid wrongly: twice (a duplicate denial or
    an overpayment to refund), or once when both sides were done. Contradictory side
    modifiers are returned as unprocessable.

    Limitations
    -----------
    Modifier 50 on an indicator 3 code is not flagged: the CMS definition pays each side in
    full whether the sides are reported with 50 or with RT and LT, while some contractors
    publish that 50 is not for indicator 3 codes. RT and LT on separate lines of an
    indicator 1 code are accepted (CMS processes them as bilateral), though some payers want
    one line with 50. Indicator 0 codes billed for both sides are not flagged, since many of
    them are per lesion or per site. Institutional (outpatient hospital) claims follow other
    rules and are not checked. Only LT, RT and 50 are read, not finger, toe or eyelid
    modifiers. A code missing from a sample relative value file is reported as not checked.

    References
    ----------
    Medicare Claims Processing Manual (Pub. 100-04), chapter 12, section 40.7 (claims for
    bilateral surgeries: 50 on a single line); CMS PFS relative value file documentation,
    bilateral surgery indicator field.
    """

    code = "MD105"
    slug = "modifier-laterality"
    title = "LT/RT/50 missing or conflicting with the bilateral indicator"
    category = Category.MODIFIER
    severity = Severity.WARNING
    citation = Citation(
        "CMS PFS relative value file (RVU25A) and Medicare Claims Processing Manual (Pub. 100-04)",
        "bilateral surgery indicator field; chapter 12, section 40.7 (claims for bilateral "
        "surgeries)",
        "2025-01-01",
    )
    needs = ("pfs-rvu",)
    claim_types = frozenset({"professional"})
    examples = (
        Example(
            "lt-and-rt-on-one-line",
            ExClaim(lines=(ExLine("20610", ("LT", "RT")),), dos=DOS),
            flags=(1,),
        ),
        Example("50-with-rt", ExClaim(lines=(ExLine("27447", ("50", "RT")),), dos=DOS), flags=(1,)),
        Example(
            "50-on-indicator-2", ExClaim(lines=(ExLine("69210", ("50",)),), dos=DOS), flags=(1,)
        ),
        Example(
            "50-on-indicator-0", ExClaim(lines=(ExLine("11102", ("50",)),), dos=DOS), flags=(1,)
        ),
        Example(
            "50-on-indicator-9", ExClaim(lines=(ExLine("36415", ("50",)),), dos=DOS), flags=(1,)
        ),
        Example("50-one-unit", ExClaim(lines=(ExLine("27447", ("50",)),), dos=DOS)),
        Example(
            "50-two-units-medicare",
            ExClaim(lines=(ExLine("27447", ("50",), units=2),), dos=DOS),
            flags=(1,),
        ),
        Example("50-on-indicator-3", ExClaim(lines=(ExLine("70332", ("50",)),), dos=DOS)),
        Example(
            "rt-and-lt-lines-indicator-1",
            ExClaim(lines=(ExLine("20610", ("RT",)), ExLine("20610", ("LT",))), dos=DOS),
        ),
        Example(
            "same-code-twice-without-side",
            ExClaim(lines=(ExLine("20610"), ExLine("20610")), dos=DOS),
            flags=(1, 2),
        ),
        Example(
            "same-code-twice-one-side-missing",
            ExClaim(lines=(ExLine("20610", ("RT",)), ExLine("20610")), dos=DOS),
            flags=(2,),
        ),
        Example(
            "same-code-on-different-days",
            ExClaim(lines=(ExLine("20610"), ExLine("20610", dos="2025-02-11")), dos=DOS),
        ),
        Example(
            "two-units-without-side",
            ExClaim(lines=(ExLine("20610", units=2),), dos=DOS),
            flags=(1,),
        ),
        Example("two-units-indicator-0", ExClaim(lines=(ExLine("17110", units=2),), dos=DOS)),
        Example(
            "rt-and-lt-lines-indicator-2",
            ExClaim(lines=(ExLine("69210", ("RT",)), ExLine("69210", ("LT",))), dos=DOS),
            flags=(2,),
        ),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        groups: dict[tuple[dt.date, str, str], list[ServiceLine]] = {}
        entries: dict[tuple[dt.date, str], PfsEntry | None] = {}
        for line in claim.lines:
            code = line.procedure_code or ""
            day = line_date(claim, line)
            if not code or day is None:
                continue
            groups.setdefault((day, code, _npi(claim, line)), []).append(line)
            mods = set(line.modifiers)
            if {"LT", "RT"} <= mods:
                yield self.finding(
                    line=line.number,
                    severity=Severity.ERROR,
                    message=f"{code} carries both LT and RT on one line",
                    fix="Report both sides as one line with 50 and one unit when the code "
                    "takes 50 (bilateral indicator 1 or 3), otherwise one line per side; "
                    "never LT and RT together.",
                )
                continue
            if "50" in mods and mods & {"LT", "RT"}:
                side = "RT" if "RT" in mods else "LT"
                yield self.finding(
                    line=line.number,
                    severity=Severity.ERROR,
                    message=f"{code} carries 50 (both sides) and {side} (one side)",
                    fix=f"Keep 50 if both sides were done, else keep {side}; not both.",
                )
                continue
            if "50" not in mods and _units(line) < 2:
                continue
            entry = yield from self._entry(ctx, entries, day, code)
            if entry is None:
                continue
            yield from self._single(claim, ctx, line, code, mods, entry)
        for (day, code, _), lines in groups.items():
            if len(lines) < 2:
                continue
            entry = yield from self._entry(ctx, entries, day, code)
            if entry is not None:
                yield from self._repeated(code, day, lines, entry)

    def _entry(
        self,
        ctx: RuleContext,
        cache: dict[tuple[dt.date, str], PfsEntry | None],
        day: dt.date,
        code: str,
    ) -> Generator[NotChecked, None, PfsEntry | None]:
        """Look up (and cache) the PFS row; yields a coverage note when it is unknown."""
        if (day, code) not in cache:
            answer = pfs_entry(ctx.view(day), code)
            cache[(day, code)] = answer.value
            if answer.value is None and not answer.authoritative:
                yield self.not_checked(
                    f"pfs-rvu: bilateral indicator of {code} on {day.isoformat()} is "
                    f"unknown ({answer.source})"
                )
        return cache[(day, code)]

    def _single(
        self,
        claim: Claim,
        ctx: RuleContext,
        line: ServiceLine,
        code: str,
        mods: set[str],
        entry: PfsEntry,
    ) -> Iterator[Finding]:
        units = _units(line)
        indicator = entry.bilateral
        if "50" in mods and indicator in NO_50:
            yield self.finding(
                line=line.number,
                message=f"{code} is billed with modifier 50, but {NO_50[indicator]}",
                fix=f"Remove 50 from {code} and bill it once"
                + (" (the code already covers both sides)." if indicator == "2" else "."),
            )
        elif "50" in mods and indicator == "1" and units > 1 and _medicare(claim, ctx):
            yield self.finding(
                line=line.number,
                message=f"{code}-50 is billed with {units} units; Medicare pays a bilateral "
                "procedure as one line with 50 and one unit",
                fix=f"Set the units of {code}-50 to 1 (the 150% adjustment covers both sides).",
            )
        elif "50" not in mods and indicator == "1" and units > 1 and not mods & {"LT", "RT"}:
            yield self.finding(
                line=line.number,
                message=f"{code} is billed with {units} units and no LT, RT or 50; a "
                "bilateral procedure (indicator 1) must name its sides",
                fix=f"If both sides were done, bill {code} once with 50 and one unit; if "
                "the units are separate sites, add LT/RT or the anatomic modifier that "
                "tells them apart.",
            )

    def _repeated(
        self, code: str, day: dt.date, lines: list[ServiceLine], entry: PfsEntry
    ) -> Iterator[Finding]:
        numbers = ", ".join(str(ln.number) for ln in lines)
        if entry.bilateral in ("1", "3"):
            for line in lines:
                if set(line.modifiers) & {"LT", "RT", "50"}:
                    continue
                yield self.finding(
                    line=line.number,
                    message=f"{code} is billed on lines {numbers} on {day.isoformat()} and "
                    f"line {line.number} names no side (LT, RT or 50)",
                    fix=f"Add RT or LT to each {code} line"
                    + (", or bill both sides once with 50" if entry.bilateral == "1" else "")
                    + "; if the lines repeat the same service, remove the duplicate.",
                )
        elif entry.bilateral == "2":
            sided = [ln for ln in lines if set(ln.modifiers) & {"LT", "RT", "50"}]
            for line in sided[1:]:
                yield self.finding(
                    line=line.number,
                    message=f"{code} is priced as covering both sides (indicator 2) but is "
                    f"billed once per side on lines {numbers}",
                    fix=f"Bill {code} once, without LT, RT or 50.",
                )
