"""TF101 timely-filing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cleanclaim.claims.model import Claim
from cleanclaim.edits.context import RuleContext, line_date
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule
from cleanclaim.payers.registry import PayerTerms

_DEADLINES: dict[tuple[str, dt.date], dt.date] = {}
"""Deadline per (timely filing limit, date of service): a pure answer, kept bounded."""
_DEADLINES_LIMIT = 20_000


def _deadline(payer: PayerTerms, day: dt.date) -> dt.date:
    key = (payer.timely_filing, day)
    found = _DEADLINES.get(key)
    if found is None:
        found = payer.timely_filing_deadline(day)
        if len(_DEADLINES) >= _DEADLINES_LIMIT:
            _DEADLINES.clear()
        _DEADLINES[key] = found
    return found


class TimelyFiling(Rule):
    """The claim is submitted after the payer's timely-filing limit.

    What it checks
    --------------
    For each service line, the deadline is the date of service plus the payer's filing limit
    from the payer registry (for Medicare: 12 months; a 29 February date of service must be
    filed by 28 February). The claim's submission date is its creation date (BHT04), or the
    date it was ingested; never today. A line whose deadline is before the submission date
    is flagged. Institutional claims are measured from the statement through date.

    Why it matters
    --------------
    A late claim is denied (CARC 29) and the denial cannot be appealed; the money is lost
    and the write-off lands on the practice.

    Limitations
    -----------
    Exceptions that extend the limit (administrative error, retroactive entitlement) are
    not modelled. Without a registry entry for the payer the check does not run and the
    claim is reported as incomplete.

    References
    ----------
    42 CFR 424.44; Medicare Claims Processing Manual, chapter 1, section 70.
    """

    code = "TF101"
    slug = "timely-filing"
    title = "Claim filed after the payer's timely-filing limit"
    category = Category.TIMELY_FILING
    severity = Severity.ERROR
    citation = Citation("42 CFR 424.44", "time limits for submitting claims", "2024-10-01")
    examples = (
        Example(
            "filed-13-months-late",
            ExClaim(lines=(ExLine("99213"),), dos="2025-03-03", submitted="2026-04-06"),
            flags=(1,),
        ),
        Example(
            "filed-on-the-last-day",
            ExClaim(lines=(ExLine("99213"),), dos="2025-04-06", submitted="2026-04-06"),
        ),
        Example(
            "leap-day-deadline-passed",
            ExClaim(lines=(ExLine("99213"),), dos="2024-02-29", submitted="2025-03-01"),
            flags=(1,),
        ),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        if ctx.payer is None:
            yield self.not_checked("no payer registry entry for this claim's payer")
            return
        if ctx.submitted_on is None:
            yield self.not_checked("the claim has no submission date (BHT04)")
            return
        for line in claim.lines:
            day = (
                claim.statement_to if claim.claim_type == "institutional" else None
            ) or line_date(claim, line)
            if day is None:
                continue
            deadline = _deadline(ctx.payer, day)
            if ctx.submitted_on > deadline:
                late = (ctx.submitted_on - deadline).days
                yield self.finding(
                    line=line.number,
                    message=(
                        f"service on {day.isoformat()} had to be filed by "
                        f"{deadline.isoformat()} ({ctx.payer.timely_filing} limit of "
                        f"{ctx.payer.name}); submitted {ctx.submitted_on.isoformat()}, "
                        f"{late} days late"
                    ),
                    fix="Do not submit; route the line to write-off review, unless a "
                    "documented exception (e.g. retroactive eligibility) applies.",
                )
