"""MD107 modifier-invalid."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from cleanclaim.claims.model import Claim
from cleanclaim.codesets.loaders.hcpcs import HcpcsCode, HcpcsTable
from cleanclaim.edits.context import RuleContext, line_date
from cleanclaim.edits.data.modifiers import ModifierSpec, is_level_one, lookup
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, RuleStatus, Severity
from cleanclaim.edits.rule import Rule

_SHAPE = re.compile(r"^[A-Z0-9]{2}$")


def _span(start: dt.date | None, end: dt.date | None) -> str:
    if start is not None and end is not None:
        return f"valid {start.isoformat()} to {end.isoformat()}"
    if start is not None:
        return f"valid from {start.isoformat()}"
    if end is not None:
        return f"retired after {end.isoformat()}"
    return "open"


def _modifier(table: HcpcsTable, mod: str) -> HcpcsCode | None:
    return table.modifier(mod)


class ModifierInvalid(Rule):
    """A modifier that is not a valid code on the date of service.

    What it checks
    --------------
    Every modifier of every line, on the line's date of service:

    * a modifier that is not two letters or digits is flagged as malformed;
    * a Level I (CPT) modifier, meaning two digits, P1-P6 or a Category II modifier such
      as 1P, is checked against cleanclaim's list of CPT modifiers: one that is not in the
      list, or is outside its dates (93 before 2022-01-01, 95 before 2017-01-01), is
      flagged;
    * a Level II (HCPCS) modifier is checked against the modifier records of the HCPCS
      release in force: a record whose added or termination date excludes the date is
      flagged, and a modifier absent from a full release is flagged. Without a full
      release, cleanclaim's curated list of common Level II modifiers is used (for example
      XE, XS, XP and XU from 2015-01-01); a modifier in neither is reported as not checked.

    Why it matters
    --------------
    A modifier that does not exist, or did not exist yet on the date of service, makes the
    whole line unprocessable: it is returned or rejected before any payment decision.

    Limitations
    -----------
    The Level I list is maintained by hand from CPT Appendix A (AMA) and is meant to be
    complete; the Level II list holds only common modifiers. Dates in the curated lists
    that come from secondary sources only (for example FQ, FS and FT from 2022) are not
    used to raise findings: a conflict with such a date is reported as not checked. The
    rule does not judge whether a valid modifier fits the code (the other MD rules do).
    Preview rule, because it rests on a curated list: select it explicitly.

    References
    ----------
    CMS HCPCS Level II quarterly files (modifier records, added and termination dates);
    CPT Appendix A (AMA; modifiers summarised in the project's own words); CMS Transmittal
    1422 / CR 8863 (X{EPSU}, 2015-01-01).
    """

    code = "MD107"
    slug = "modifier-invalid"
    title = "Modifier not valid on the date of service"
    category = Category.MODIFIER
    severity = Severity.ERROR
    status = RuleStatus.PREVIEW
    citation = Citation(
        "CMS HCPCS Level II file (modifier records) and CPT Appendix A",
        "modifier codes and their effective and termination dates",
        "2026-01-01",
        "https://www.cms.gov/medicare/coding-billing/healthcare-common-procedure-system/quarterly-update",
    )
    examples = (
        Example(
            "unknown-cpt-modifier",
            ExClaim(lines=(ExLine("20610", ("28",)), ExLine("99213", ("25",)))),
            flags=(1,),
        ),
        Example(
            "93-before-it-existed",
            ExClaim(lines=(ExLine("99213", ("93",)),), dos="2021-12-31"),
            flags=(1,),
        ),
        Example(
            "93-on-its-first-day", ExClaim(lines=(ExLine("99213", ("93",)),), dos="2022-01-01")
        ),
        Example(
            "xs-before-x-modifiers",
            ExClaim(lines=(ExLine("11102", ("XS",)),), dos="2014-12-31"),
            flags=(1,),
        ),
        Example("xs-on-first-day", ExClaim(lines=(ExLine("11102", ("XS",)),), dos="2015-01-01")),
        Example(
            "common-level-two-modifiers",
            ExClaim(lines=(ExLine("20610", ("RT", "59")), ExLine("71046", ("26",)))),
        ),
        Example(
            "modifier-from-the-hcpcs-sample",
            ExClaim(lines=(ExLine("92557", ("AB",)),), dos="2026-01-15"),
        ),
        Example(
            "unlisted-level-two-modifier-is-not-checked", ExClaim(lines=(ExLine("E0601", ("KQ",)),))
        ),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        for line in claim.lines:
            day = line_date(claim, line)
            if day is None:
                continue
            code = line.procedure_code or line.revenue_code or ""
            for mod in line.modifiers:
                yield from self._judge(ctx, line.number, code, mod.strip().upper(), day)

    def _judge(
        self, ctx: RuleContext, number: int, code: str, mod: str, day: dt.date
    ) -> Iterator[Finding | NotChecked]:
        when = day.isoformat()
        if not _SHAPE.match(mod):
            yield self.finding(
                line=number,
                message=f"modifier {mod!r} on {code} is not a modifier code (two letters "
                "or digits)",
                fix="Correct the modifier or remove it.",
            )
            return
        spec = lookup(mod)
        if is_level_one(mod):
            if spec is None:
                yield self.finding(
                    line=number,
                    message=f"modifier {mod} on {code} is not a CPT modifier",
                    fix=f"Replace {mod} with the CPT or HCPCS modifier meant, or remove it.",
                )
            else:
                yield from self._dated(spec, number, code, day)
            return
        answer = ctx.view(day).ask("hcpcs", lambda table: _modifier(table, mod))
        record = answer.value
        if record is not None:
            if not record.valid_on(day):
                yield self.finding(
                    line=number,
                    message=f"modifier {mod} on {code} is not valid on {when} "
                    f"({_span(record.added, record.terminated)} in {answer.source})",
                    fix=f"Use the modifier in force on {when}, or remove {mod}.",
                )
            return
        if answer.authoritative:
            yield self.finding(
                line=number,
                message=f"modifier {mod} on {code} is not in the HCPCS release in force on "
                f"{when} ({answer.source})",
                fix=f"Correct {mod} to a valid modifier, or remove it.",
            )
            return
        if spec is None:
            yield self.not_checked(
                f"modifier {mod} is not in cleanclaim's list of common modifiers and no "
                f"full HCPCS release covers {when}; import the HCPCS file to check it"
            )
            return
        yield from self._dated(spec, number, code, day)

    def _dated(
        self, spec: ModifierSpec, number: int, code: str, day: dt.date
    ) -> Iterator[Finding | NotChecked]:
        if spec.valid_on(day):
            return
        span = _span(spec.effective_from, spec.effective_to)
        if not spec.dates_confirmed:
            yield self.not_checked(
                f"modifier {spec.code} may not be valid on {day.isoformat()} (cleanclaim's "
                f"list has it {span}, a date not confirmed from a primary source)"
            )
            return
        yield self.finding(
            line=number,
            message=f"modifier {spec.code} on {code} is not valid on {day.isoformat()} ({span})",
            fix=f"Use the modifier in force on {day.isoformat()}, or remove {spec.code}.",
        )
