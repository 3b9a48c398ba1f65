"""The month-by-month counts behind the headline KPIs, read with grouped SQL queries.

Each query groups by day over the report's window (the twelve trend months and the three
months before them) and the days are folded into months here, so that the SQL stays the
same on SQLite and PostgreSQL. Money is summed in SQL and quantized to cents here.

Definitions (docs/report.md has them for people):

* **submitted**: the original version (the first submission) of each claim, by its 837
  creation date (BHT04); its charge and its lines.
* **first scrub**: the ingest scrub of that original version. *Clean* when it raised no
  error or warning, nothing on the claim was suppressed, no later version of the claim
  (resubmission, replacement or void) was sent, and it was not rejected.
* **initial adjudication**: the earliest 835 claim (by arrival) of each claim's family (its
  first version and every replacement or void down the chain, ``claim_fact.family_id``) that
  is not a reversal or a correction, marked when stored (``remit_claim.initial``); its
  denials count whether or not a later adjudication undid them.
* **denials**: current classifications of 835 adjustments that are denials and that count
  (not undone by a reversal or correction), by remittance date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from cleanclaim.analytics.monthly.periods import Window, as_date, month_of
from cleanclaim.analytics.report.base import Month
from cleanclaim.storage.tables_denials import AppealRow, DenialRow
from cleanclaim.storage.tables_edits import ClaimScrubRow, FindingRow
from cleanclaim.storage.tables_x12 import (
    MONEY,
    ClaimRow,
    RemitClaimRow,
    RemitLineRow,
    RemittanceRow,
)

CENT = Decimal("0.01")
CAUGHT = ("caught-overridden", "caught-unfixed")


def money(value: Any) -> Decimal:
    """A summed amount from SQL as a Decimal in cents (``None`` is zero)."""
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(CENT)


@dataclass
class MonthCounts:
    """Everything the headline KPIs count in one month."""

    submitted_claims: int = 0
    submitted_charges: Decimal = Decimal("0.00")
    submitted_lines: int = 0
    submitted_line_charges: Decimal = Decimal("0.00")
    first_scrubbed: int = 0
    first_clean: int = 0
    clean_incomplete: int = 0
    """Of the clean ones, those whose scrub had checks that could not run (coverage)."""
    initial_denied_claims: int = 0
    initial_denied_charges: Decimal = Decimal("0.00")
    initial_denied_lines: int = 0
    initial_denied_line_charges: Decimal = Decimal("0.00")
    payments: Decimal = Decimal("0.00")
    denials: int = 0
    payer_errors: int = 0
    catchable: int = 0
    caught: int = 0
    appeals_decided: int = 0
    appeals_overturned: int = 0


@dataclass
class Counts:
    """Counts by month over a report window."""

    window: Window
    months: dict[Month, MonthCounts] = field(default_factory=dict)

    def __getitem__(self, month: Month) -> MonthCounts:
        if month not in self.months:
            self.months[month] = MonthCounts()
        return self.months[month]


def read_counts(session: Session, practice_id: int, window: Window) -> Counts:
    """Run the grouped queries of the module docstring for ``window``."""
    counts = Counts(window)
    _submitted(session, practice_id, window, counts)
    _initial_denials(session, practice_id, window, counts)
    _payments(session, practice_id, window, counts)
    _denials(session, practice_id, window, counts)
    _appeals(session, practice_id, window, counts)
    return counts


def ingest_scrub() -> Any:
    """Join condition of a claim version's ingest scrub (the (practice, claim) index)."""
    return and_(
        ClaimScrubRow.practice_id == ClaimRow.practice_id,
        ClaimScrubRow.claim_id == ClaimRow.id,
        ClaimScrubRow.trigger == "ingest",
    )


def _originals(practice_id: int, window: Window) -> Any:
    return and_(
        ClaimRow.practice_id == practice_id,
        ClaimRow.version_kind == "original",
        ClaimRow.submitted_on >= window.start,
        ClaimRow.submitted_on <= window.end,
    )


def _submitted(session: Session, practice_id: int, window: Window, counts: Counts) -> None:
    """Originals submitted, with their lines and their first (ingest) scrub: one index-only
    range scan of ``ix_claim_submitted``, which carries each version's line totals and the
    status of its ingest scrub (written with them, migration 0011)."""
    # Non-correlated IN subqueries, each read once through a small index (ix_claim_original,
    # the partial ix_scrub_finding_suppressed); the clean/incomplete split is made here. The
    # later versions need no practice condition: they point at this practice's claims.
    later = select(ClaimRow.original_id).where(ClaimRow.original_id.is_not(None))
    suppressed = select(FindingRow.claim_id).where(
        FindingRow.practice_id == practice_id, FindingRow.suppressed.is_(True)
    )
    worked = or_(ClaimRow.status == "rejected", ClaimRow.id.in_(later), ClaimRow.id.in_(suppressed))
    was_worked = case((worked, 1), else_=0)
    for day, status, by_hand, n, charges, lines, line_charges in session.execute(
        select(
            ClaimRow.submitted_on,
            ClaimRow.ingest_status,
            was_worked,
            func.count(),
            func.sum(ClaimRow.total_charge, type_=MONEY),
            func.sum(ClaimRow.line_count),
            func.sum(ClaimRow.line_charge, type_=MONEY),
        )
        .where(_originals(practice_id, window))
        .group_by(ClaimRow.submitted_on, ClaimRow.ingest_status, was_worked)
    ):
        c = counts[month_of(day)]
        c.submitted_claims += n
        c.submitted_charges += money(charges)
        c.submitted_lines += int(lines or 0)
        c.submitted_line_charges += money(line_charges)
        if status is None:  # not scrubbed at ingest
            continue
        c.first_scrubbed += n
        if status != "flagged" and not by_hand:
            c.first_clean += n
            if status == "incomplete":
                c.clean_incomplete += n


def _initial_denials(session: Session, practice_id: int, window: Window, counts: Counts) -> None:
    current = and_(
        DenialRow.practice_id == practice_id,
        DenialRow.superseded_by.is_(None),
        DenialRow.denial.is_(True),
        DenialRow.remit_date >= window.start,
        DenialRow.remit_date <= window.end,
    )
    # The initial adjudications are marked when stored (``remit_claim.initial``). The 835
    # claim and line are looked up by key for each of the window's denials (correlated
    # subqueries): PostgreSQL would otherwise hash both whole tables, on parallel workers
    # that the report's other parts need.
    initial_charge = (
        select(RemitClaimRow.charge)
        .where(RemitClaimRow.id == DenialRow.remit_claim_id, RemitClaimRow.initial.is_(True))
        .scalar_subquery()
    )
    denied_line_charge = (
        select(RemitLineRow.charge)
        .where(RemitLineRow.id == DenialRow.remit_line_id)
        .scalar_subquery()
    )
    rows = (
        session.connection()
        .execute(
            select(
                DenialRow.remit_date,
                DenialRow.remit_claim_id,
                initial_charge,
                DenialRow.line_denied,
                DenialRow.remit_line_id,
                denied_line_charge,
            ).where(current, DenialRow.remit_claim_id.is_not(None))
        )
        .all()
    )
    claims: dict[Month, dict[int | None, Decimal]] = defaultdict(dict)
    lines: dict[Month, dict[int, Decimal]] = defaultdict(dict)
    for day, rc_id, rc_charge, line_denied, line_id, line_charge in rows:
        if rc_charge is None:  # not the family's initial adjudication (charge is NOT NULL)
            continue
        month = month_of(day)
        claims[month][rc_id] = money(rc_charge)
        if line_denied and line_id is not None:
            lines[month][line_id] = money(line_charge)
    for month, by_claim in claims.items():
        c = counts[month]
        c.initial_denied_claims = len(by_claim)
        c.initial_denied_charges = sum(by_claim.values(), Decimal("0.00"))
    for month, by_line in lines.items():
        c = counts[month]
        c.initial_denied_lines = len(by_line)
        c.initial_denied_line_charges = sum(by_line.values(), Decimal("0.00"))


def remit_day() -> Any:
    """The date a remittance counts on: BPR16 payment date, else the production date."""
    return func.coalesce(RemittanceRow.payment_date, RemittanceRow.production_date)


def _payments(session: Session, practice_id: int, window: Window, counts: Counts) -> None:
    """Payments (CLP04) by remittance date, from each remittance's ``claims_paid``: the sum
    of its 835 claims, written once they are stored (migration 0011)."""
    day = remit_day()
    for on, paid in session.execute(
        select(day, func.sum(RemittanceRow.claims_paid, type_=MONEY))
        .where(RemittanceRow.practice_id == practice_id, day >= window.start, day <= window.end)
        .group_by(day)
    ):
        counts[month_of(as_date(on))].payments += money(paid)


def _denials(session: Session, practice_id: int, window: Window, counts: Counts) -> None:
    for day, cause, link, n in session.execute(
        select(DenialRow.remit_date, DenialRow.root_cause, DenialRow.scrub_link, func.count())
        .where(
            DenialRow.practice_id == practice_id,
            DenialRow.superseded_by.is_(None),
            DenialRow.denial.is_(True),
            DenialRow.counted.is_(True),
            DenialRow.remit_date >= window.start,
            DenialRow.remit_date <= window.end,
        )
        .group_by(DenialRow.remit_date, DenialRow.root_cause, DenialRow.scrub_link)
    ):
        c = counts[month_of(day)]
        c.denials += n
        if cause == "payer-error":
            c.payer_errors += n
        if link is not None:
            c.catchable += n
            if link in CAUGHT:
                c.caught += n


def _appeals(session: Session, practice_id: int, window: Window, counts: Counts) -> None:
    for day, outcome, n in session.execute(
        select(AppealRow.outcome_on, AppealRow.outcome, func.count())
        .where(
            AppealRow.practice_id == practice_id,
            AppealRow.outcome.is_not(None),
            AppealRow.outcome_on >= window.start,
            AppealRow.outcome_on <= window.end,
        )
        .group_by(AppealRow.outcome_on, AppealRow.outcome)
    ):
        c = counts[month_of(day)]
        c.appeals_decided += n
        if outcome in ("overturned", "partial"):
            c.appeals_overturned += n
