"""Scrub findings and what became of them, training targets, and provider hygiene.

Findings are those of the ingest scrub (the pre-submission record) of claim versions
submitted in the month, errors and warnings only (information findings never flag a
claim). Each finding has exactly one outcome, in this order of precedence:

1. **led to denial**: a denial of the same claim version names the finding's rule among
   the rules that could have prevented it;
2. **fixed**: a later version of the claim was sent whose scrub no longer raised the rule;
3. **pending**: the version has no remittance yet;
4. **overridden**: suppressed, or sent unchanged with no denial following.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from cleanclaim.analytics.monthly.counts import money
from cleanclaim.analytics.monthly.parties import MonthDenials, Provider, provider_of
from cleanclaim.analytics.monthly.periods import first_day, last_day
from cleanclaim.analytics.report.base import Month
from cleanclaim.analytics.report.rows import FindingOutcomeRow, ProviderHygieneRow, TrainingTarget
from cleanclaim.denials.attribution import pick, work_rows
from cleanclaim.denials.carc_table import DenialTable
from cleanclaim.storage.tables_denials import DenialRow
from cleanclaim.storage.tables_edits import ClaimScrubRow, FindingRow
from cleanclaim.storage.tables_x12 import ClaimRow, RemitClaimRow

ZERO = Decimal("0.00")
_ACRONYMS = {"ncci": "NCCI", "mue": "MUE", "pos": "POS", "em": "E/M", "dx": "Dx", "px": "Px",
             "hcc": "HCC", "cob": "COB", "poa": "POA", "ptp": "PTP", "lcd": "LCD"}  # fmt: skip


def topic(reason: str) -> str:
    """``ncci-bundling`` -> ``NCCI bundling``."""
    words = [_ACRONYMS.get(w, w) for w in reason.split("-")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


UNSPECIFIED_RULE = "DX102"
HCC_RULES = ("HC101", "HC102")


@dataclass(frozen=True)
class ScrubbedClaim:
    """A claim version submitted in the month, with its ingest-scrub findings."""

    claim_id: int
    family: int
    version: int
    coder: str | None
    provider: Provider
    dx_codes: int
    findings: tuple[tuple[str, str, bool], ...]
    """(rule, category, suppressed) of each error or warning."""


def scrubbed_claims(session: Session, practice_id: int, month: Month) -> list[ScrubbedClaim]:
    """Claim versions submitted in ``month`` that have an ingest scrub."""
    rows = session.execute(
        select(
            ClaimRow.id,
            func.coalesce(ClaimRow.original_id, ClaimRow.id),
            ClaimRow.version,
            ClaimRow.claim_key,
            ClaimRow.clm01,
            ClaimRow.submitted_on,
            ClaimRow.billing_npi,
            ClaimRow.claim_json,
            ClaimScrubRow.id,
        )
        .join(
            ClaimScrubRow,
            and_(
                ClaimScrubRow.practice_id == ClaimRow.practice_id,  # the (practice, claim) index
                ClaimScrubRow.claim_id == ClaimRow.id,
                ClaimScrubRow.trigger == "ingest",
            ),
        )
        .where(
            ClaimRow.practice_id == practice_id,
            ClaimRow.submitted_on >= first_day(month),
            ClaimRow.submitted_on <= last_day(month),
        )
        .order_by(ClaimRow.id)
    ).all()
    scrub_ids = [r[8] for r in rows]
    found: dict[int, list[tuple[str, str, bool]]] = defaultdict(list)
    for start in range(0, len(scrub_ids), 900):
        for scrub_id, rule, category, suppressed in session.execute(
            select(FindingRow.scrub_id, FindingRow.rule, FindingRow.category, FindingRow.suppressed)
            .where(
                FindingRow.scrub_id.in_(scrub_ids[start : start + 900]),
                FindingRow.severity != "info",
            )
            .order_by(FindingRow.id)
        ):
            found[scrub_id].append((rule, category, bool(suppressed)))
    work = work_rows(session, practice_id, sorted({r[4] for r in rows}))
    out: list[ScrubbedClaim] = []
    for cid, fam, version, key, clm01, submitted, npi, data, scrub_id in rows:
        data = data or {}
        people = pick(work.get(clm01, []), key, submitted)
        out.append(
            ScrubbedClaim(
                cid,
                fam,
                version,
                people.coder,
                provider_of(data, npi),
                len(data.get("diagnoses") or []),
                tuple(found[scrub_id]),
            )
        )
    return out


def _chunked(session: Session, query: Any, column: Any, ids: list[int]) -> list[Any]:
    out: list[Any] = []
    for start in range(0, len(ids), 900):
        out.extend(session.execute(query.where(column.in_(ids[start : start + 900]))))
    return out


def finding_outcomes(
    session: Session, claims: list[ScrubbedClaim]
) -> tuple[FindingOutcomeRow, ...]:
    """Findings by category with their outcomes (module docstring)."""
    ids = [c.claim_id for c in claims]
    denied: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for claim_id, rules, amount in _chunked(
        session,
        select(DenialRow.claim_id, DenialRow.scrub_rules, DenialRow.amount).where(
            DenialRow.superseded_by.is_(None), DenialRow.denial.is_(True)
        ),
        DenialRow.claim_id,
        ids,
    ):
        for rule in rules or []:
            denied[claim_id][rule] += money(amount)
    adjudicated = {
        r[0]
        for r in _chunked(
            session, select(RemitClaimRow.claim_id).distinct(), RemitClaimRow.claim_id, ids
        )
    }
    families = sorted({c.family for c in claims})
    later: dict[int, list[tuple[int, set[str]]]] = defaultdict(list)
    for fam, version, rule in _chunked(
        session,
        select(func.coalesce(ClaimRow.original_id, ClaimRow.id), ClaimRow.version, FindingRow.rule)
        .join(
            ClaimScrubRow,
            and_(
                ClaimScrubRow.practice_id == ClaimRow.practice_id,  # the (practice, claim) index
                ClaimScrubRow.claim_id == ClaimRow.id,
                ClaimScrubRow.trigger == "ingest",
            ),
        )
        .outerjoin(FindingRow, FindingRow.scrub_id == ClaimScrubRow.id),
        func.coalesce(ClaimRow.original_id, ClaimRow.id),
        families,
    ):
        versions = later[fam]
        entry = next((v for v in versions if v[0] == version), None)
        if entry is None:
            entry = (version, set())
            versions.append(entry)
        if rule:
            entry[1].add(rule)
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    dollars: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for c in claims:
        after = [rules for v, rules in later.get(c.family, []) if v > c.version]
        for rule, category, suppressed in c.findings:
            if rule in denied.get(c.claim_id, {}):
                tally[category]["led"] += 1
                dollars[category] += denied[c.claim_id][rule]
            elif after and rule not in after[-1]:
                tally[category]["fixed"] += 1
            elif c.claim_id not in adjudicated and not suppressed:
                tally[category]["pending"] += 1
            else:
                tally[category]["overridden"] += 1
    return tuple(
        FindingOutcomeRow(
            cat, sum(t.values()), t["fixed"], t["overridden"], t["led"], t["pending"], dollars[cat]
        )
        for cat, t in sorted(tally.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    )


def training_targets(
    month: MonthDenials, claims: list[ScrubbedClaim], table: DenialTable
) -> tuple[TrainingTarget, ...]:
    """Per coder, the reasons of the coding denials they caused, with related findings."""
    by_topic: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for v in month.views:
        coder = v.people.coder
        if coder and v.caused_by == coder and v.root_cause == "coding":
            by_topic[(coder, v.reason)].append(v)
    out: list[TrainingTarget] = []
    for (coder, reason), views in sorted(by_topic.items()):
        categories = table.categories(reason)
        findings = sum(
            1 for c in claims if c.coder == coder for _, cat, _ in c.findings if cat in categories
        )
        codes = ", ".join(dict.fromkeys(f"{v.group}-{v.carc}" for v in views))
        evidence = codes + (f"; findings: {', '.join(categories)}" if categories else "")
        out.append(
            TrainingTarget(
                coder,
                topic(reason),
                evidence,
                len(views),
                sum((v.amount for v in views), ZERO),
                findings,
            )
        )
    out.sort(key=lambda t: (-t.dollars, -t.denials, t.coder, t.topic))
    return tuple(out)


def provider_hygiene(
    claims: list[ScrubbedClaim], hcc: dict[str, tuple[int, int]]
) -> tuple[ProviderHygieneRow, ...]:
    """Diagnosis specificity and HCC recapture by rendering provider."""
    providers: dict[str, Provider] = {}
    dx: Counter[str] = Counter()
    unspecified: Counter[str] = Counter()
    hcc_findings: Counter[str] = Counter()
    for c in claims:
        npi = c.provider.npi
        providers.setdefault(npi, c.provider)
        dx[npi] += c.dx_codes
        for rule, _, _ in c.findings:
            if rule == UNSPECIFIED_RULE:
                unspecified[npi] += 1
            elif rule in HCC_RULES:
                hcc_findings[npi] += 1
    return tuple(
        ProviderHygieneRow(
            f"{p.name} ({npi})",
            p.specialty,
            dx[npi],
            unspecified[npi],
            hcc.get(npi, (0, 0))[0],
            hcc.get(npi, (0, 0))[1],
            hcc_findings[npi],
        )
        for npi, p in sorted(providers.items(), key=lambda kv: kv[1].name)
    )
