"""HC101 hcc-capture."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cleanclaim.claims.model import Claim
from cleanclaim.codesets.loaders.hcc import (
    PAYMENT_YEARS,
    HccTable,
    hcc_for,
    normalise_dx,
    ra_eligible_procedures,
)
from cleanclaim.edits.context import RuleContext, claim_date
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.hcc_history import DxRecord, base_rate, dollars, raf_delta, record_of
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, RuleStatus, Severity
from cleanclaim.edits.rule import Rule
from cleanclaim.edits.rules.dx_invalid import dotted

# -- the risk-adjustment filter (shared with HC102 and `cleanclaim hcc gaps`) ------------

#: Taxonomy prefixes of acceptable provider types (NUCC): allopathic and osteopathic
#: physicians (20...), nurse practitioners (363L), physician assistants (363A).
ACCEPTED_TAXONOMIES: dict[str, str] = {
    "20": "physician",
    "363L": "nurse practitioner",
    "363A": "physician assistant",
}
#: Facility types (first two digits of the type of bill) that are risk-adjustment sources.
INPATIENT_TOB = frozenset({"11", "41"})
OUTPATIENT_TOB = frozenset({"12", "13", "43", "71", "73", "76", "77", "85", "87"})


@dataclass(frozen=True)
class Eligibility:
    """Whether an encounter's diagnoses count for risk adjustment, and why."""

    eligible: bool
    reason: str
    notes: tuple[str, ...] = ()
    """What could not be checked (coverage entries)."""


def ra_eligibility(
    record: DxRecord,
    procedures: frozenset[str] | None,
    taxonomies: Mapping[str, str] = ACCEPTED_TAXONOMIES,
) -> Eligibility:
    """The CMS filter: inpatient bill types count; outpatient bill types and professional
    claims count with an eligible CPT/HCPCS code; professional claims also need an
    acceptable provider type. ``procedures`` is ``None`` when the list is not available."""
    notes: list[str] = []
    year = record.day.year
    tob = (record.type_of_bill or "")[:2]
    if record.claim_type == "institutional":
        if tob in INPATIENT_TOB:
            return Eligibility(True, f"inpatient type of bill {tob}x")
        if tob not in OUTPATIENT_TOB:
            return Eligibility(False, f"type of bill {tob}x is not a risk-adjustment source")
    if procedures is None:
        notes.append(f"no risk-adjustment CPT/HCPCS list for {year}: procedures not checked")
    else:
        hits = [p for p in record.procedures if p in procedures]
        if not hits:
            shown = ", ".join(record.procedures) or "none"
            return Eligibility(False, f"no risk-adjustment eligible CPT/HCPCS ({shown}) in {year}")
    if record.claim_type == "professional":
        taxonomy = (record.taxonomy or "").strip().upper()
        if not taxonomy:
            notes.append("no provider taxonomy on the claim: provider type not checked")
        elif not any(taxonomy.startswith(p.upper()) for p in taxonomies):
            return Eligibility(False, f"provider taxonomy {taxonomy} is not an accepted type")
    return Eligibility(True, "eligible encounter", tuple(notes))


def taxonomies_from(options: Mapping[str, Any]) -> Mapping[str, str]:
    """Accepted taxonomy prefixes: ``hcc_provider_taxonomies`` (prefixes) or the default."""
    given = options.get("hcc_provider_taxonomies")
    if not given:
        return ACCEPTED_TAXONOMIES
    return {str(p).strip().upper(): "configured" for p in given if str(p).strip()}


# -- combination codes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Opportunity:
    """A less specific code that a code on the same claim turns into a combination code."""

    unspecified: str
    support: tuple[str, ...]
    target: str
    drop: tuple[str, ...]
    """Codes the combination code replaces (the unspecified one, and sometimes the support)."""
    why: str


DIABETES = ("E08", "E09", "E10", "E11", "E13")
#: (code prefixes of the complication, combination-code suffix, replaces the complication
#: code too, what the complication is).
DIABETES_WITH: tuple[tuple[tuple[str, ...], str, bool, str], ...] = (
    (("N18",), "22", False, "chronic kidney disease"),
    (("G629", "G63"), "42", True, "polyneuropathy"),
    (("I739",), "51", True, "peripheral angiopathy"),
    (("I96",), "52", True, "gangrene"),
    (("L974", "L975"), "621", False, "a foot ulcer"),
    (("L971", "L972", "L973", "L978", "L979", "L984"), "622", False, "a skin ulcer"),
)
_ATHERO = re.compile(r"^I702[012]([1-9])$")
_LEG_ULCER = re.compile(r"^L97([1-589])([0-2])")
_HEMIPLEGIA = re.compile(r"^G819([0-4])$")


def _diabetes(codes: Sequence[str]) -> Iterator[Opportunity]:
    for family in DIABETES:
        plain = family + "9"
        if plain not in codes:
            continue
        for prefixes, suffix, replaces, what in DIABETES_WITH:
            support = tuple(c for c in codes if c.startswith(prefixes))
            if support:
                yield Opportunity(
                    plain,
                    support,
                    family + suffix,
                    (plain, *support) if replaces else (plain,),
                    f"ICD-10-CM links diabetes and {what} ('with' convention)",
                )


def _hypertension(codes: Sequence[str]) -> Iterator[Opportunity]:
    if "I10" not in codes:
        return
    heart = tuple(c for c in codes if c.startswith("I50"))
    kidney = tuple(c for c in codes if c.startswith("N18"))
    late = any(c in ("N185", "N186") for c in kidney)
    if heart and kidney:
        target, what = ("I132" if late else "I130"), "heart failure and chronic kidney disease"
    elif heart:
        target, what = "I110", "heart failure"
    elif kidney:
        target, what = ("I120" if late else "I129"), "chronic kidney disease"
    else:
        return
    yield Opportunity(
        "I10",
        heart + kidney,
        target,
        ("I10",),
        f"ICD-10-CM presumes hypertension causes {what} ('with' convention)",
    )


def _atherosclerosis(codes: Sequence[str]) -> Iterator[Opportunity]:
    for athero in codes:
        found = _ATHERO.match(athero)
        if not found:
            continue
        for ulcer in codes:
            leg = _LEG_ULCER.match(ulcer)
            if not leg:
                continue
            site, side = leg.groups()
            if side == "0":
                side = found.group(1)
            elif found.group(1) in ("1", "2") and found.group(1) != side:
                continue
            if side not in ("1", "2"):
                continue
            target = f"I702{'3' if side == '1' else '4'}{site}"
            yield Opportunity(
                athero,
                (ulcer,),
                target,
                (athero,),
                "atherosclerosis of a leg with ulceration has its own combination code",
            )


def _stroke(codes: Sequence[str]) -> Iterator[Opportunity]:
    if "I6930" not in codes:
        return
    for code in codes:
        found = _HEMIPLEGIA.match(code)
        if found:
            yield Opportunity(
                "I6930",
                (code,),
                "I6935" + found.group(1),
                ("I6930", code),
                "hemiplegia after a cerebral infarction is coded as a sequela (I69.35-)",
            )


def opportunities(codes: Sequence[str]) -> list[Opportunity]:
    """Combination codes the claim's own diagnoses point to (not already on the claim)."""
    found: dict[tuple[str, str], Opportunity] = {}
    for finder in (_diabetes, _hypertension, _atherosclerosis, _stroke):
        for opp in finder(codes):
            if opp.target not in codes:
                found.setdefault((opp.unspecified, opp.target), opp)
    return list(found.values())


def _codes(codes: Sequence[str]) -> str:
    shown = [dotted(c) for c in codes]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


class HccCapture(Rule):
    """A less specific diagnosis is reported where the claim itself supports a combination
    code that maps to a CMS-HCC.

    What it checks
    --------------
    On a claim whose encounter counts for Medicare risk adjustment, each diagnosis that a
    code on the same claim turns into an ICD-10-CM combination code (a code naming both
    conditions) is looked up in the CMS-HCC V28 mapping of the payment year the date feeds
    (diagnoses dated in year N feed payment year N+1). When the combination code maps to an
    HCC, the finding names it, its HCC and label, and the estimated effect on the raw V28
    risk score: the score of the claim's diagnoses with the combination code minus the
    score as billed (same patient age and sex, community non-dual segment), and that
    difference in dollars a year at the base rate (option ``hcc_base_rate``, annual dollars
    per 1.0 RAF; default $12,000.00, about $1,000 a month: an illustrative figure, set your
    plan's rate). A positive effect is a warning; no effect (e.g. V28 gives diabetes HCCs
    36-38 one coefficient) is information.

    The pairs checked: diabetes (E08-E13 ".9", without complications) with chronic kidney
    disease, polyneuropathy, peripheral angiopathy, gangrene or a leg or foot ulcer;
    hypertension (I10) with heart failure and/or chronic kidney disease (I11-I13);
    atherosclerosis of a leg (I70.20- to I70.22-) with a leg ulcer (I70.23-/I70.24-, side from
    the ulcer code); unspecified sequela of cerebral infarction (I69.30) with hemiplegia
    (I69.35-).

    An encounter counts when its type of bill is inpatient (11x, 41x), or it is an
    outpatient bill type or a professional claim with at least one CPT/HCPCS code on CMS's
    risk-adjustment eligible list for the year of service, and (professional claims) the
    provider's taxonomy is a physician (20...), nurse practitioner (363L) or physician
    assistant (363A); option ``hcc_provider_taxonomies`` replaces these prefixes.

    Why it matters
    --------------
    Medicare Advantage and ACO payments follow each patient's risk score. A condition coded
    with less detail than the record holds can map to a lower HCC or to none, and the
    revenue is lost for a whole year; an unsupported code is an audit (RADV) finding.

    Limitations
    -----------
    The pairs are a curated list (preview rule). The RAF effect is computed on this claim's
    diagnoses only, without normalisation or the MA coding-intensity adjustment; the
    patient's other conditions (interactions, HCC counts) and dual or institutional status
    can change it. The provider-type filter follows the older acceptable-specialty rule; CMS's
    encounter-data filter for professional records uses the CPT/HCPCS list only. A finding
    is a prompt to check the record or query the clinician, never a code to add unread.
    DX102 flags diabetes with CKD as a coding question as well.

    References
    ----------
    ICD-10-CM Official Guidelines for Coding and Reporting FY 2026, sections I.A.15 ("with"),
    I.B.9 (combination codes), I.C.4.a (diabetes), I.C.9.a (hypertension) and I.C.9.d
    (sequelae of cerebrovascular disease); CMS risk adjustment eligible CPT/HCPCS lists and
    encounter data diagnosis filtering logic; 42 CFR 422.308(c).
    """

    code = "HC101"
    slug = "hcc-capture"
    title = "Less specific diagnosis where the claim supports an HCC combination code"
    category = Category.HCC
    severity = Severity.WARNING
    status = RuleStatus.PREVIEW
    citation = Citation(
        "ICD-10-CM Official Guidelines for Coding and Reporting FY 2026",
        "sections I.A.15, I.B.9, I.C.4.a, I.C.9.a and I.C.9.d; CMS-HCC V28 mappings",
        "2025-10-01",
    )
    needs = ("hcc",)
    payer_types = frozenset({"medicare-ffs", "medicare-advantage"})
    examples = (
        Example(
            "diabetes-with-ckd-no-raf-effect",
            ExClaim(lines=(ExLine("99214"),), dx=("E11.9", "N18.30"), dos="2025-11-04"),
            flags=(None,),
            note="E11.22 maps to HCC 37, E11.9 to HCC 38; V28 gives both one coefficient "
            "(information).",
        ),
        Example(
            "leg-atherosclerosis-with-heel-ulcer",
            ExClaim(lines=(ExLine("99214"),), dx=("I70.209", "L97.419"), dos="2025-11-04"),
            flags=(None,),
            note="I70.234 adds HCC 263 (warning, RAF +0.472 for PY2026).",
        ),
        Example(
            "hypertension-with-heart-failure",
            ExClaim(lines=(ExLine("99213"),), dx=("I10", "I50.9"), dos="2025-11-04"),
            flags=(None,),
        ),
        Example(
            "lab-only-encounter-does-not-count",
            ExClaim(lines=(ExLine("80053"),), dx=("E11.9", "N18.30"), dos="2025-11-04"),
        ),
        Example(
            "therapist-is-not-an-accepted-provider-type",
            ExClaim(
                lines=(ExLine("97161"),),
                dx=("I70.209", "L97.419"),
                dos="2025-11-04",
                rendering_taxonomy="225100000X",
            ),
        ),
        Example(
            "combination-code-already-billed",
            ExClaim(lines=(ExLine("99214"),), dx=("E11.22", "N18.30"), dos="2025-11-04"),
        ),
        Example(
            "ulcer-side-unknown-and-leg-unspecified",
            ExClaim(lines=(ExLine("99214"),), dx=("I70.209", "L97.909"), dos="2025-11-04"),
        ),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        day = claim_date(claim)
        record = record_of(claim, str(ctx.options.get("claim_key", claim.claim_id)))
        if day is None or record is None:
            return
        view = ctx.view(day)
        table, release = view.table("hcc")
        if table is None or release is None:
            return
        eligibility = ra_eligibility(
            record, ra_eligible_procedures(view).value, taxonomies_from(ctx.options)
        )
        for note in eligibility.notes:
            yield self.not_checked(note)
        if not eligibility.eligible:
            return
        codes = [normalise_dx(c) for c in record.codes]
        rate = base_rate(ctx.options)
        year = table.payment_year
        for opp in opportunities(codes):
            answer = hcc_for(view, opp.target)
            if not answer.value:
                continue
            after = [c for c in codes if c not in opp.drop] + [opp.target]
            delta = raf_delta(codes, after, record, year)
            kept = [c for c in opp.support if c not in opp.drop]
            keep = f", keeping {_codes(kept)}" if kept else ""
            yield self.finding(
                line=None,
                message=_message(opp, answer.value, table, delta, rate),
                fix=(
                    f"If the record supports it, report {dotted(opp.target)} in place of "
                    f"{_codes(opp.drop)}{keep}; if the link is unclear, query the clinician. "
                    "Never code from the claim alone."
                ),
                severity=Severity.WARNING if delta is not None and delta > 0 else Severity.INFO,
            )


def _message(
    opp: Opportunity, hccs: list[str], table: HccTable, delta: Decimal | None, rate: Decimal
) -> str:
    year = table.payment_year
    named = "; ".join(f"HCC {h} ({table.label(h) or 'no label'})" for h in hccs)
    before = table.hccs_for(opp.unspecified)
    was = f"HCC {', '.join(before)}" if before else "no HCC"
    text = (
        f"{dotted(opp.unspecified)} is reported with {_codes(opp.support)}: {opp.why}, so "
        f"{dotted(opp.target)} applies. It maps to CMS-HCC V28 {named} for payment year "
        f"{year} ({dotted(opp.unspecified)}: {was})."
    )
    if delta is None:
        return text + (
            " RAF effect not estimated (patient age or sex unknown, or no coefficients for "
            f"payment year {year})."
        )
    text += (
        f" Estimated RAF effect {delta:+.3f} (raw score of this claim's diagnoses), "
        f"${dollars(delta, rate):,.2f} a year at ${rate:,.2f} per RAF point"
    )
    if year in PAYMENT_YEARS and PAYMENT_YEARS[year].caveats:
        text += f"; PY{year} coefficients are proposed, not final"
    return text + "."
