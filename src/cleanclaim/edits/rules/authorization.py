"""AU101 authorization: prior authorization missing where the payer's pack requires it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from cleanclaim.claims.model import Claim
from cleanclaim.edits.context import RuleContext, line_date
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.packs import registry_from
from cleanclaim.edits.rule import Rule

KINDS = ("authorization",)
BLUEWATER = {"rule_packs": ("example-bluewater-medicaid",)}
SUMMIT = {"rule_packs": ("example-summit-commercial",)}


def _ex(*lines: ExLine, dos: str = "2026-05-04", auth: str = "") -> ExClaim:
    return ExClaim(lines=lines, dos=dos, prior_auth=auth, filing_indicator="MC")


class Authorization(Rule):
    """A service the payer authorizes in advance is billed without an authorization number.

    What it checks
    --------------
    The payer's registry entry names its packs (``rule_packs``); a pack's
    ``authorization`` edits list procedure codes and ranges (``"70551-70553"``) that need
    prior authorization, each with its dates in force. A line whose code is on such a list
    on the line's date is flagged when neither the claim (loop 2300 REF*G1) nor the line
    (loop 2400 REF*G1) carries a prior authorization number. The finding cites the pack
    edit's own source.

    Applicability: the rule applies only when the claim's payer lists at least one pack
    and one of its packs has authorization edits (or a listed pack is not loaded). A payer
    without packs is not a gap: the rule simply does not apply, and the claim can still be
    clean. A listed pack that is not loaded is reported as not checked.

    Why it matters
    --------------
    A service that needed authorization and was billed without it is denied (CARC 197 or
    15) and usually cannot be authorized after the fact, so the money is lost; catching it
    before submission leaves time to attach a number the practice already has.

    Limitations
    -----------
    The rule only knows whether an authorization number is present, not whether it is
    valid, matches the service, or covers the units and dates billed. Authorization lists
    are what the practice writes into its packs: the shipped packs are fictional examples.
    Conditions such as place of service, diagnosis or units thresholds are not modelled.

    References
    ----------
    ASC X12N 837 Professional and Institutional implementation guides (005010X222A1,
    005010X223A2): REF*G1 prior authorization in loops 2300 and 2400. Each finding cites the
    payer policy named in the pack edit. See docs/payer-packs.md.
    """

    code = "AU101"
    slug = "authorization"
    title = "Prior authorization missing for a service the payer's pack lists"
    category = Category.AUTHORIZATION
    severity = Severity.ERROR
    citation = Citation(
        "ASC X12N 005010X222A1 (837P) and 005010X223A2 (837I) implementation guides",
        "loops 2300 and 2400, REF*G1 prior authorization number; the finding cites the "
        "payer pack edit",
        "2010-06",
    )
    examples = (
        Example("mri-without-authorization", _ex(ExLine("70553")), flags=(1,)),
        Example("mri-with-claim-authorization", _ex(ExLine("70553"), auth="PA20260412")),
        Example(
            "mri-with-line-authorization",
            _ex(ExLine("99213"), ExLine("70551", prior_auth="PA20260412")),
        ),
        Example("first-day-in-force", _ex(ExLine("72158"), dos="2024-07-01"), flags=(1,)),
        Example("day-before-in-force", _ex(ExLine("72158"), dos="2024-06-30")),
        Example("code-not-on-the-list", _ex(ExLine("72159"))),
        Example(
            "last-day-in-force",
            _ex(ExLine("78452"), dos="2026-12-31"),
            flags=(1,),
            note="commercial example pack",
        ),
        Example("day-after-last-day", _ex(ExLine("78452"), dos="2027-01-01"), note="commercial"),
        Example("payer-without-packs", _ex(ExLine("70553")), note="does not apply"),
    )
    #: Options the catalogue test passes for an example; ``rule_packs`` goes to the payer.
    example_options: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "mri-without-authorization": BLUEWATER,
        "mri-with-claim-authorization": BLUEWATER,
        "mri-with-line-authorization": BLUEWATER,
        "first-day-in-force": BLUEWATER,
        "day-before-in-force": BLUEWATER,
        "code-not-on-the-list": BLUEWATER,
        "last-day-in-force": SUMMIT,
        "day-after-last-day": SUMMIT,
    }

    def applies(self, claim: Claim, ctx: RuleContext) -> bool:
        if not super().applies(claim, ctx) or ctx.payer is None or not ctx.payer.rule_packs:
            return False
        registry = registry_from(ctx.options)
        _, missing = registry.for_payer(ctx.payer)
        return bool(missing) or registry.has_kinds(ctx.payer, KINDS)

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        registry = registry_from(ctx.options)
        _, missing = registry.for_payer(ctx.payer)
        for name in missing:
            yield self.not_checked(
                f"the payer's pack {name!r} is not loaded: prior authorization not checked"
            )
        if (claim.prior_authorization or "").strip():
            return
        for line in claim.lines:
            code = (line.procedure_code or "").strip().upper()
            day = line_date(claim, line)
            if not code or day is None or (line.prior_authorization or "").strip():
                continue
            hits = [(p, e) for p, e in registry.edits(ctx.payer, KINDS, day) if e.covers(code)]
            if not hits:
                continue
            pack, edit = hits[0]
            label = "EXAMPLE pack " if pack.example else "pack "
            finding = self.finding(
                line=line.number,
                message=f"{code} on {day.isoformat()} needs prior authorization "
                f"({label}{pack.name}, edit {edit.id}: {edit.title}); neither the claim nor "
                "the line carries an authorization number (REF*G1)",
                fix="Obtain the authorization number and send it in REF*G1 (loop 2300, or "
                "loop 2400 for this line); if the service was urgent, follow the payer's "
                "retro-authorization process before submitting.",
            )
            yield dataclasses.replace(finding, citation=edit.citation)
