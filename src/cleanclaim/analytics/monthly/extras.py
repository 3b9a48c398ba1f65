"""The open work queue, and the coverage box: what each figure could and could not see."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from cleanclaim.analytics.monthly.counts import ingest_scrub
from cleanclaim.analytics.monthly.parties import MonthDenials
from cleanclaim.analytics.monthly.periods import first_day, last_day
from cleanclaim.analytics.report.base import Month
from cleanclaim.analytics.report.rows import CoverageRow, QueueRow
from cleanclaim.codesets.coverage import coverage
from cleanclaim.codesets.model import Completeness
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.denials.queue import OpenItem, QueueItem, open_items
from cleanclaim.storage.tables_edits import ClaimScrubRow
from cleanclaim.storage.tables_x12 import ClaimRow

QUEUE_LIMIT = 200
"""Rows of the work queue the report shows (most urgent first); the CLI lists them all."""
_RANK = {
    Completeness.MISSING: 0,
    Completeness.FIXTURE: 1,
    Completeness.PARTIAL: 2,
    Completeness.FULL: 3,
}


def queue_rows(
    session: Session, practice_id: int, today: dt.date, owners: dict[str, str]
) -> tuple[tuple[QueueRow, ...], str]:
    """Open denials as of ``today`` that can still be worked, and a note on the rest.

    The appeal section keeps denials whose appeal deadline is today or later, or unknown;
    the write-off review keeps denials that cannot be appealed (CARC 29, upheld appeals)
    and those whose deadline passed in the last 30 days. Denials whose deadline passed
    earlier are already counted as written off (abandoned) by the headline KPIs; the note
    counts them, and ``cleanclaim denials queue`` still lists every one.
    """
    found = open_items(session, practice_id, appeal_since=today - dt.timedelta(days=30))
    items: list[tuple[str, OpenItem]] = []
    for item in [*found.items, *found.write_off]:
        deadline = item.appeal_deadline
        section = item.section
        if section == "appeal" and deadline is not None and deadline < today:
            section = "write-off"
        items.append((section, item))
    items.sort(
        key=lambda e: (
            e[0] != "appeal",
            e[0] == "appeal" and e[1].appeal_deadline is None,
            e[1].appeal_deadline or dt.date.max,
            -e[1].amount,
        )
    )
    # Only the items shown are built (a queue item's deadlines, codes and reasons).
    rows = [_queue_row(section, item.build(today), owners) for section, item in items[:QUEUE_LIMIT]]
    notes = []
    if found.older:
        notes.append(
            f"{found.older} older denials ({found.older_amount:,.2f} dollars) passed their "
            "appeal deadline more than 30 days ago with no appeal: the KPIs count them "
            "as written off; `cleanclaim denials queue` lists them."
        )
    if len(items) > QUEUE_LIMIT:
        notes.append(
            f"Work queue: the {QUEUE_LIMIT} most urgent of {len(items)} open items are "
            "shown; `cleanclaim denials queue` lists them all."
        )
    return tuple(rows), " ".join(notes)


def _queue_row(section: str, item: QueueItem, owners: dict[str, str]) -> QueueRow:
    cause = item.root_causes[0] if item.root_causes else ""
    return QueueRow(
        item.clm01 or item.claim_key or "?",
        item.payer,
        " ".join(item.carcs),
        cause,
        owners.get(cause, "biller"),
        item.amount,
        item.deadlines.appeal,
        item.days_left,
        section,
    )


OWNERS = {
    "coding": "coder",
    "documentation": "provider (query)",
    "eligibility": "front desk",
    "authorization": "front desk",
    "billing": "biller",
    "unclassified": "biller (review)",
}
"""Who works an open denial of each root cause."""


def _worst(levels: list[Completeness]) -> Completeness:
    return min(levels, key=lambda c: _RANK[c]) if levels else Completeness.MISSING


@dataclass(frozen=True)
class ScrubCoverage:
    """Scrub checks that could not run on the claim versions submitted in a month."""

    scrubbed: int
    missed: dict[str, int]
    """Claims per check that could not run."""
    reasons: dict[str, str]
    """The reason the first such claim gives, per check."""


def scrub_coverage(session: Session, practice_id: int, month: Month) -> ScrubCoverage:
    """What the ingest scrubs of the month's claim versions could not check."""
    start, end = first_day(month), last_day(month)
    scrubbed = 0
    missed: Counter[str] = Counter()
    reasons: dict[str, str] = {}
    # Claims of a month share few distinct coverage lists: each is decoded once, and groups
    # are taken in the order of their first claim, so the reason quoted for a check is the
    # first claim's on every backend.
    text = cast(ClaimScrubRow.coverage, Text)
    for payload, n, _ in session.execute(
        select(text, func.count(), func.min(ClaimRow.id))
        .join(ClaimRow, ingest_scrub())
        .where(
            ClaimRow.practice_id == practice_id,
            ClaimRow.submitted_on >= start,
            ClaimRow.submitted_on <= end,
        )
        .group_by(text)
        .order_by(func.min(ClaimRow.id))
    ):
        scrubbed += n
        entries = json.loads(payload) if payload else None
        for entry in {e.get("check", "?"): e for e in entries or []}.values():
            missed[entry.get("check", "?")] += n
            reasons.setdefault(entry.get("check", "?"), str(entry.get("reason", "")))
    return ScrubCoverage(scrubbed, dict(missed), reasons)


def coverage_rows(
    store: CodesetStore, month: Month, scrubs: ScrubCoverage, denials: MonthDenials
) -> tuple[CoverageRow, ...]:
    """Code sets in force in the month, scrub checks that could not run, and inputs."""
    start, end = first_day(month), last_day(month)
    report = coverage(store, start, end)
    by_kind: dict[str, list[Completeness]] = defaultdict(list)
    names: dict[str, list[str]] = defaultdict(list)
    for r in report.releases:
        by_kind[r.kind].append(r.completeness)
        names[r.kind].append(r.version)
    gaps: dict[str, list[str]] = defaultdict(list)
    for g in report.gaps:
        gaps[g.codeset].append(f"{g.start.isoformat()} to {g.end.isoformat()}")
    rows: list[CoverageRow] = []
    for kind in sorted(set(by_kind) | set(gaps)):
        level = _worst(by_kind[kind]) if by_kind[kind] else Completeness.MISSING
        if gaps[kind] and level is Completeness.FULL:
            level = Completeness.PARTIAL
        detail = ("no release for " + "; ".join(gaps[kind])) if gaps[kind] else "covers the month"
        rows.append(
            CoverageRow(f"Code set {kind}", ", ".join(names[kind]) or "none loaded", level, detail)
        )
    scrubbed, missed, reasons = scrubs.scrubbed, scrubs.missed, scrubs.reasons
    for check, n in sorted(missed.items()):
        reason = reasons[check]
        level = Completeness.MISSING if n == scrubbed else Completeness.PARTIAL
        prefix = reason.split(":", 1)[0]
        data = prefix if ":" in reason and " " not in prefix else "claim data or sidecar"
        rows.append(
            CoverageRow(
                f"Scrub check {check}",
                data,
                level,
                f"not run on {n} of {scrubbed} claims scrubbed: {reason}",
            )
        )
    rows.append(_worklog_row(denials))
    return tuple(rows)


def _worklog_row(denials: MonthDenials) -> CoverageRow:
    total = len(denials.claims)
    known = sum(1 for c in denials.claims if c.people.coder)
    level = (
        Completeness.FULL
        if total and known == total
        else (Completeness.PARTIAL if known else Completeness.MISSING)
    )
    return CoverageRow(
        "Attribution to coders, billers, registrars",
        "work log",
        level,
        f"{known} of {total} claims adjudicated in the month have a work-log row; the others "
        "are left out of the per-person tables",
    )
