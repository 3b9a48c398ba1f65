"""Scrub findings and what became of them, training targets, and provider hygiene.

Findings are those of the ingest scrub (the pre-submission record) of claim versions
submitted in the month, errors and warnings only (information findings never flag a
claim). Each finding has exactly one outcome, in this order of precedence:

1. **led to denial**: a denial of the same claim version names the finding's rule among
   the rules that could have prevented it;
2. **fixed**: a later version of the claim was sent, and the latest (highest version) one's
   scrub no longer raised the rule;
3. **pending**: the version has no remittance yet;
4. **overridden**: suppressed, or sent unchanged with no denial following.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from cleanclaim.analytics.monthly.counts import ingest_scrub, money
from cleanclaim.analytics.monthly.parties import (
    MonthDenials,
    Provider,
    claim_providers,
    provider_columns,
)
from cleanclaim.analytics.monthly.periods import first_day, last_day
from cleanclaim.analytics.report.base import Month
from cleanclaim.analytics.report.rows import FindingOutcomeRow, ProviderHygieneRow, TrainingTarget
from cleanclaim.denials.attribution import pick, work_rows
from cleanclaim.denials.carc_table import DenialTable
from cleanclaim.storage.db import by_keys, read_rows
from cleanclaim.storage.tables_denials import DenialRow
from cleanclaim.storage.tables_edits import ClaimScrubRow, FindingRow
from cleanclaim.storage.tables_facts import ClaimFactRow
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
    practice_id: int
    submitted_on: dt.date


def _submitted(practice_id: int, first: dt.date, last: dt.date) -> tuple[Any, ...]:
    """Claim versions submitted from ``first`` to ``last`` (the (practice, submitted) index)."""
    return (
        ClaimRow.practice_id == practice_id,
        ClaimRow.submitted_on >= first,
        ClaimRow.submitted_on <= last,
    )


def scrubbed_claims(session: Session, practice_id: int, month: Month) -> list[ScrubbedClaim]:
    """Claim versions submitted in ``month`` that have an ingest scrub."""
    submitted = _submitted(practice_id, first_day(month), last_day(month))
    claims = read_rows(
        session,
        select(
            ClaimRow.id,
            ClaimRow.version,
            ClaimRow.claim_key,
            ClaimRow.clm01,
            ClaimRow.submitted_on,
            ClaimRow.billing_npi,
            ClaimScrubRow.id,
        )
        .join(ClaimScrubRow, ingest_scrub())
        .where(*submitted)
        .order_by(ClaimRow.id),
    )
    facts = _facts(session, [c[0] for c in claims])
    rows = []
    for cid, version, key, clm01, day, billing, scrub_id in claims:
        fam, dx, *provider = facts.get(cid, _NO_FACT)
        rows.append((cid, cid if fam is None else fam, version, key, clm01, day, billing,
                     dx or 0, scrub_id, *provider))  # fmt: skip
    found: dict[int, list[tuple[str, str, bool]]] = defaultdict(list)
    for scrub_id, rule, category, suppressed in read_rows(
        session,
        select(FindingRow.scrub_id, FindingRow.rule, FindingRow.category, FindingRow.suppressed)
        .where(
            FindingRow.scrub_id.in_(
                select(ClaimScrubRow.id).join(ClaimRow, ingest_scrub()).where(*submitted)
            ),
            FindingRow.severity != "info",
        )
        .order_by(FindingRow.id),
    ):
        found[scrub_id].append((rule, category, bool(suppressed)))
    providers = claim_providers(session, [(r[0], r[9:], r[6]) for r in rows])
    work = work_rows(
        session,
        practice_id,
        sorted({r[4] for r in rows}),
        selection=select(ClaimRow.clm01).where(*submitted),
    )
    return [
        ScrubbedClaim(
            cid,
            fam,
            version,
            pick(work.get(clm01, []), key, day).coder,
            providers[cid],
            dx,
            tuple(found[scrub_id]),
            practice_id,
            day,
        )
        for cid, fam, version, key, clm01, day, _, dx, scrub_id, *_ in rows
    ]


_NO_FACT = (None, 0, None, None, None, None, None)
"""What :func:`_facts` gives a claim without a ``claim_fact`` row (its JSON names its
provider: :func:`claim_providers`)."""


def _facts(session: Session, claim_ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """Family, diagnosis count and :func:`provider_columns` of each claim's ``claim_fact``
    row, read by key (:func:`~cleanclaim.storage.db.by_keys`): joined to a month's claims,
    PostgreSQL would hash the whole table (on parallel workers) rather than probe it once
    per claim."""
    out: dict[int, tuple[Any, ...]] = {}
    for keyed in by_keys(session, ClaimFactRow.claim_id, claim_ids):
        for row in read_rows(
            session,
            select(
                ClaimFactRow.claim_id,
                ClaimFactRow.family_id,
                ClaimFactRow.diagnoses,
                *provider_columns(),
            ).where(keyed),
        ):
            out[row[0]] = tuple(row[1:])
    return out


@dataclass
class _Followed:
    """What followed the claim versions of one submission range."""

    denied: dict[int, dict[str, Decimal]]
    """Denial dollars by claim version and preventing rule."""
    adjudicated: set[int]
    versions: dict[int, dict[int, set[str]]]
    """Ingest-scrub rules by family and version."""


def _followed(session: Session, practice_id: int, first: dt.date, last: dt.date) -> _Followed:
    """Denials, remittances and family versions of the claims submitted in the range."""
    submitted = _submitted(practice_id, first, last)
    out = _Followed(defaultdict(lambda: defaultdict(lambda: ZERO)), set(), defaultdict(dict))
    for claim_id, prevented, amount in read_rows(
        session,
        select(ClaimRow.id, DenialRow.scrub_rules, DenialRow.amount)
        .select_from(ClaimRow)
        .join(
            DenialRow,
            and_(DenialRow.practice_id == ClaimRow.practice_id, DenialRow.claim_id == ClaimRow.id),
        )
        .where(*submitted, DenialRow.superseded_by.is_(None), DenialRow.denial.is_(True)),
    ):
        for rule in prevented or []:
            out.denied[claim_id][rule] += money(amount)
    remitted = select(RemitClaimRow.id).where(RemitClaimRow.claim_id == ClaimRow.id).exists()
    out.adjudicated.update(session.scalars(select(ClaimRow.id).where(*submitted, remitted)))
    sent = aliased(ClaimRow)
    families = (
        select(ClaimFactRow.family_id)
        .join(sent, sent.id == ClaimFactRow.claim_id)
        .where(
            sent.practice_id == practice_id,
            sent.submitted_on >= first,
            sent.submitted_on <= last,
        )
    )
    for fam, version, rule in read_rows(
        session,
        select(ClaimFactRow.family_id, ClaimRow.version, FindingRow.rule)
        .select_from(ClaimFactRow)
        .join(ClaimRow, ClaimRow.id == ClaimFactRow.claim_id)
        .join(ClaimScrubRow, ingest_scrub())
        .outerjoin(FindingRow, FindingRow.scrub_id == ClaimScrubRow.id)
        .where(ClaimFactRow.family_id.in_(families)),  # the family index
    ):
        if fam is None:
            continue
        rules = out.versions[fam].setdefault(version, set())
        if rule:
            rules.add(rule)
    return out


def finding_outcomes(
    session: Session, claims: list[ScrubbedClaim]
) -> tuple[FindingOutcomeRow, ...]:
    """Findings by category with their outcomes (module docstring)."""
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    dollars: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for practice_id in sorted({c.practice_id for c in claims}):
        mine = [c for c in claims if c.practice_id == practice_id]
        days = [c.submitted_on for c in mine]
        followed = _followed(session, practice_id, min(days), max(days))
        for c in mine:
            versions = followed.versions.get(c.family, {})
            later = max((v for v in versions if v > c.version), default=None)
            denied = followed.denied.get(c.claim_id, {})
            for rule, category, suppressed in c.findings:
                if rule in denied:
                    tally[category]["led"] += 1
                    dollars[category] += denied[rule]
                elif later is not None and rule not in versions[later]:
                    tally[category]["fixed"] += 1
                elif c.claim_id not in followed.adjudicated and not suppressed:
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
    # Findings per coder and category, counted once (not once per coder and reason).
    found: dict[str | None, Counter[str]] = defaultdict(Counter)
    for c in claims:
        if c.findings:
            found[c.coder].update(cat for _, cat, _ in c.findings)
    out: list[TrainingTarget] = []
    for (coder, reason), views in sorted(by_topic.items()):
        categories = table.categories(reason)
        mine = found.get(coder, Counter())
        findings = sum(mine[cat] for cat in set(categories))
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
