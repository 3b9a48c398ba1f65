"""MD106 modifier-telehealth."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cleanclaim.claims.model import Claim
from cleanclaim.edits.context import RuleContext, line_date
from cleanclaim.edits.data.modifiers import AUDIO_ONLY, AUDIO_VIDEO
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, RuleStatus, Severity
from cleanclaim.edits.rule import Rule

GT_RETIRED = dt.date(2018, 1, 1)


def _medicare(claim: Claim, ctx: RuleContext) -> bool:
    if ctx.payer is not None:
        return ctx.payer_type == "medicare-ffs"
    return claim.payer.filing_indicator in ("MA", "MB")


class ModifierTelehealth(Rule):
    """Telehealth modifiers 95, 93, FQ and GT that contradict each other or the setting.

    What it checks
    --------------
    * GT on a Medicare fee-for-service professional claim for a service on or after
      2018-01-01, whatever the place of service: flagged, since Medicare dropped GT from
      professional claims in 2018 and telehealth is shown by place of service 02 or 10
      (critical access hospitals billing under method II still use GT on institutional
      claims, which are not flagged);
    * an audio-video modifier (95 or GT) and an audio-only modifier (93 or FQ) on the same
      line, on any claim: flagged, the line cannot be both.

    Where the place of service itself is wrong for a telehealth modifier (for example 95
    with office POS 11 on a Medicare claim from 2024), rule PS101 reports it; this rule
    does not, so the two never flag the same thing. POS 02 and 10 are accepted with or
    without 95.

    Why it matters
    --------------
    Contradictory or retired telehealth modifiers make the contractor return the line or
    price it wrongly (facility against non-facility rate, audio-only rules), and draw
    telehealth audits.

    Limitations
    -----------
    Medicare telehealth billing has changed almost every year since 2020 and contractors
    have published different readings of the 2024 instructions (whether 95 is required
    with POS 02/10). Items not verified against a primary CMS source are not checked: the
    rule does not require 95 with POS 02/10, does not judge whether a service may be done
    audio-only, and does not check FQ against the RHC/FQHC setting. Medicaid and commercial
    payers have their own telehealth modifier rules (some still want GT); only the
    audio-video/audio-only conflict is checked for them. Preview rule: select it
    explicitly.

    References
    ----------
    CY 2018 Medicare Physician Fee Schedule final rule (82 FR 52976): GT no longer required
    on professional claims; CMS MLN901705 "Telehealth and remote patient monitoring" and the
    CMS telehealth FAQ (POS 02/10 from 2024); CPT Appendix A, modifiers 93 and 95 (AMA;
    summarised in the project's own words).
    """

    code = "MD106"
    slug = "modifier-telehealth"
    title = "Telehealth modifiers 95/93/FQ/GT conflicting or retired"
    category = Category.MODIFIER
    severity = Severity.WARNING
    status = RuleStatus.PREVIEW
    citation = Citation(
        "CY 2018 Medicare Physician Fee Schedule final rule, 82 FR 52976",
        "telehealth: elimination of the GT modifier on professional claims",
        "2017-11-15",
    )
    examples = (
        Example(
            "gt-on-professional-claim",
            ExClaim(lines=(ExLine("99213", ("GT",)),), pos="02"),
            flags=(1,),
        ),
        Example(
            "gt-on-first-day-retired",
            ExClaim(lines=(ExLine("99213", ("GT",)),), pos="02", dos="2018-01-01"),
            flags=(1,),
        ),
        Example(
            "gt-on-last-day-in-use",
            ExClaim(lines=(ExLine("99213", ("GT",)),), pos="02", dos="2017-12-31"),
        ),
        Example(
            "95-and-93-on-one-line",
            ExClaim(lines=(ExLine("99213", ("95", "93")),), pos="10"),
            flags=(1,),
        ),
        Example("95-with-pos-10", ExClaim(lines=(ExLine("99213", ("95",)),), pos="10")),
        Example("93-with-pos-02", ExClaim(lines=(ExLine("99213", ("93",)),), pos="02")),
        Example(
            "gt-on-critical-access-hospital-claim",
            ExClaim(
                lines=(ExLine("99213", ("GT",), revenue_code="0960"),),
                claim_type="institutional",
                pos="85",
                filing_indicator="MA",
            ),
        ),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        medicare_pro = claim.claim_type == "professional" and _medicare(claim, ctx)
        for line in claim.lines:
            code = line.procedure_code or line.revenue_code or ""
            mods = set(line.modifiers)
            day = line_date(claim, line)
            video, audio = sorted(mods & AUDIO_VIDEO), sorted(mods & AUDIO_ONLY)
            if video and audio:
                yield self.finding(
                    line=line.number,
                    message=f"{code} carries audio-video modifier {', '.join(video)} and "
                    f"audio-only modifier {', '.join(audio)}",
                    fix="Keep the one modifier that matches how the service was delivered: "
                    "93 (or FQ where the payer asks for it) if audio-only, 95 if video was "
                    "used.",
                )
                continue
            if "GT" in mods and medicare_pro and day is not None and day >= GT_RETIRED:
                pos = line.place_of_service or claim.place_of_service or "none"
                yield self.finding(
                    line=line.number,
                    message=f"{code} carries GT (place of service {pos}); Medicare has not "
                    "used GT on professional claims since 2018-01-01",
                    fix="Remove GT; show telehealth with place of service 10 (patient at "
                    "home) or 02 (patient elsewhere), adding 95 where your contractor asks "
                    "for it.",
                )
