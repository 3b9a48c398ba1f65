"""The work queue: open denials by appeal deadline and dollars, and the write-off review.

An **open denial** is the current classification (``superseded_by IS NULL``) of a
denial-type adjustment that counts, is not payer-error already, and whose claim version

* is not ``closed`` (voided, or its appeal was overturned),
* has no later version (a replacement, void or resubmission is already working it),
* was not re-adjudicated since (a reversal or correction of its 835 claim decides),
* and is not covered by a pending, overturned or partly overturned appeal.

Denials of one 835 claim (CLP) are one queue item, with the sum of their amounts, their
lines and CARCs. Items are sorted by appeal deadline (earliest first; unknown last), then
by dollars (largest first), then claim key. Each has the days left (0 on the last day,
negative when overdue) to the appeal deadline and to the timely-filing deadline
(:mod:`.deadlines`). Payer terms are those in force on the date of service, found by the
denial's payer key, the claim's payer id, the 835's payer id, or (Medicare filing
indicators MA/MB) the Medicare defaults; without terms both deadlines are unknown and the
item says so.

**Write-off review**: CARC 29 (the time limit for filing has expired) cannot be appealed,
and a denial whose latest appeal was upheld has run out of first-level appeals; both are
listed apart, largest first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from sqlalchemy import Row, Select, and_, not_, or_, select
from sqlalchemy.orm import Session, aliased

from cleanclaim.denials.deadlines import Deadlines, appealable, deadlines_for, notice_date
from cleanclaim.edits.packs import PackRegistry
from cleanclaim.payers.registry import PayerTerms, all_entries
from cleanclaim.storage.db import read_rows
from cleanclaim.storage.tables_denials import AppealRow, DenialRow
from cleanclaim.storage.tables_x12 import ClaimRow, RemitClaimRow, RemitLineRow, RemittanceRow

MEDICARE_INDICATORS = frozenset({"MA", "MB"})


@dataclass(frozen=True)
class QueueItem:
    """The open denials of one 835 claim, in the queue or in the write-off review."""

    section: str
    """``appeal`` or ``write-off``."""
    claim_key: str | None
    clm01: str | None
    payer: str
    remit_date: dt.date | None
    lines: tuple[int, ...]
    """SVC positions denied (empty: claim-level only)."""
    carcs: tuple[str, ...]
    """``CO-50``..."""
    root_causes: tuple[str, ...]
    reasons: tuple[str, ...]
    amount: Decimal
    deadlines: Deadlines
    denial_ids: tuple[int, ...]
    why: str = ""
    """Why an item is in the write-off review; or a note (no payer terms)."""
    today: dt.date = field(default_factory=dt.date.today)

    @property
    def days_left(self) -> int | None:
        return self.deadlines.days_left(self.today)

    @property
    def filing_days_left(self) -> int | None:
        return self.deadlines.filing_days_left(self.today)

    def to_json(self) -> dict[str, Any]:
        d = self.deadlines

        def day(value: dt.date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "section": self.section, "claim_key": self.claim_key, "clm01": self.clm01,
            "payer": self.payer, "remit_date": day(self.remit_date),
            "notice_date": day(d.notice), "received": day(d.received),
            "appeal_deadline": day(d.appeal), "days_left": self.days_left,
            "service_date": day(d.service), "timely_filing_deadline": day(d.timely_filing),
            "filing_days_left": self.filing_days_left, "filing_limit": d.filing_limit,
            "payer_terms": d.payer_terms, "amount": f"{self.amount:.2f}",
            "lines": list(self.lines), "carcs": list(self.carcs),
            "root_causes": list(self.root_causes), "reasons": list(self.reasons),
            "denial_ids": list(self.denial_ids), "why": self.why,
        }  # fmt: skip


@dataclass
class WorkQueue:
    """The queue and the write-off review, as of ``today``."""

    today: dt.date
    items: list[QueueItem]
    write_off: list[QueueItem]
    older: int = 0
    """Queue items left out because their appeal deadline passed (``appeal_since``)."""
    older_amount: Decimal = Decimal(0)
    """Their dollars."""

    def to_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "queue": [i.to_json() for i in self.items],
            "write_off_review": [i.to_json() for i in self.write_off],
        }


class TermsFinder:
    """Payer terms in force on a date, looked up in memory (the registry is read once)."""

    def __init__(self, session: Session) -> None:
        self.entries = all_entries(session)
        self._found: dict[tuple[dt.date | None, str, str, str, str], PayerTerms | None] = {}

    def _first(self, on: dt.date, match: Any) -> PayerTerms | None:
        return next((t for t in reversed(self.entries) if match(t) and t.covers(on)), None)

    def find(
        self, on: dt.date | None, *, key: str = "", claim_payer_id: str = "",
        remit_payer_id: str = "", filing_indicator: str = "",
    ) -> PayerTerms | None:  # fmt: skip
        """The first of: registry key, 837 payer id, 835 payer id, Medicare indicator."""
        if on is None:
            return None
        args = (on, key, claim_payer_id, remit_payer_id, filing_indicator)
        if args not in self._found:
            self._found[args] = self._lookup(on, key, claim_payer_id, remit_payer_id,
                                             filing_indicator)  # fmt: skip
        return self._found[args]

    def _lookup(
        self, on: dt.date, key: str, claim_payer_id: str, remit_payer_id: str,
        filing_indicator: str,
    ) -> PayerTerms | None:  # fmt: skip
        return (
            (self._first(on, lambda t: t.key == key) if key else None)
            or (self._first(on, lambda t: claim_payer_id in t.claim_payer_ids)
                if claim_payer_id else None)
            or (self._first(on, lambda t: remit_payer_id in t.remit_payer_ids)
                if remit_payer_id else None)
            or (self._first(on, lambda t: t.key == "medicare-ffs")
                if filing_indicator.upper() in MEDICARE_INDICATORS else None)
        )  # fmt: skip


@dataclass(frozen=True)
class _Appeal:
    """The latest appeal covering a denial: its outcome, level and filing date."""

    outcome: str | None
    level: int
    filed_on: dt.date


def _appeal_state(session: Session, practice_id: int) -> dict[int, _Appeal]:
    """The latest appeal covering each denial id."""
    latest: dict[int, _Appeal] = {}
    query = (
        select(AppealRow.denial_ids, AppealRow.outcome, AppealRow.level, AppealRow.filed_on)
        .where(AppealRow.practice_id == practice_id)
        .order_by(AppealRow.filed_on, AppealRow.id)
    )
    for denial_ids, outcome, level, filed_on in read_rows(session, query):
        appeal = _Appeal(outcome, level, filed_on)
        for denial_id in denial_ids or ():
            latest[denial_id] = appeal
    return latest


def _open_denials(practice_id: int) -> Select[*tuple[Any, ...]]:
    """Current denial rows with what the queue shows, and whether their claim is worked.

    A claim version is worked when it is closed, a later version of its family (billing
    NPI, CLM01) exists, or a replacement or void names it as its original. A 835 claim is
    superseded when a later reversal or correction names it as the one it undoes.
    """
    later = aliased(ClaimRow)
    # Read through the small indexes ix_claim_original and ix_remit_claim_previous; no
    # practice condition is needed: a later row names a row of its own practice. The
    # superseded test is on the denial's column, so that PostgreSQL filters the denials and
    # then probes remit_claim by key, instead of hashing all of remit_claim to filter it.
    originals = select(ClaimRow.original_id).where(ClaimRow.original_id.is_not(None))
    superseded = select(RemitClaimRow.previous_id).where(RemitClaimRow.previous_id.is_not(None))
    has_later = (
        select(later.id)
        .where(later.practice_id == practice_id, later.billing_npi == ClaimRow.billing_npi,
               later.clm01 == ClaimRow.clm01, later.id > ClaimRow.id)
        .exists()
    )  # fmt: skip
    worked = or_(
        and_(ClaimRow.practice_id == practice_id, or_(ClaimRow.status == "closed", has_later)),
        ClaimRow.id.in_(originals),
    )
    return (
        select(
            DenialRow.id, DenialRow.line, DenialRow.payer, DenialRow.group_code,
            DenialRow.carc, DenialRow.root_cause, DenialRow.reason, DenialRow.amount,
            DenialRow.remit_date, RemitClaimRow.id.label("rc_id"), RemitClaimRow.clp01,
            RemitClaimRow.filing_indicator, RemitClaimRow.service_from.label("rc_service"),
            RemittanceRow.payer_id.label("remit_payer_id"), RemittanceRow.production_date,
            RemittanceRow.payment_date, ClaimRow.id.label("claim_id"), ClaimRow.claim_key,
            ClaimRow.clm01, ClaimRow.payer_id.label("claim_payer_id"),
            ClaimRow.service_from.label("claim_service"),
            RemitLineRow.service_from.label("line_service"),
        )
        .join(RemitClaimRow, RemitClaimRow.id == DenialRow.remit_claim_id)
        .join(RemittanceRow, RemittanceRow.id == DenialRow.remittance_id)
        .outerjoin(ClaimRow, ClaimRow.id == DenialRow.claim_id)
        .outerjoin(RemitLineRow, RemitLineRow.id == DenialRow.remit_line_id)
        .where(DenialRow.practice_id == practice_id, DenialRow.superseded_by.is_(None),
               DenialRow.denial.is_(True), DenialRow.counted.is_(True),
               DenialRow.root_cause.not_in(("payer-error", "not-a-denial")),
               DenialRow.remit_claim_id.not_in(superseded),
               or_(ClaimRow.id.is_(None), not_(worked)))
        .order_by(DenialRow.id)
    )  # fmt: skip


@dataclass(frozen=True)
class OpenItem:
    """The denial rows of one queue item and what its deadlines come from, before the item
    is built (:meth:`build`). Its appeal deadline and dollars are enough to order it: a
    report that shows the most urgent items builds only those."""

    section: str
    why: str
    rows: list[Row[Any]]
    terms: PayerTerms | None
    service: dt.date | None
    notice: dt.date | None

    @cached_property
    def appeal_deadline(self) -> dt.date | None:
        """As :attr:`Deadlines.appeal` of the built item."""
        if self.terms is None or self.notice is None:
            return None
        return self.terms.appeal_deadline(self.notice)

    @cached_property
    def amount(self) -> Decimal:
        return sum((r.amount for r in self.rows), Decimal(0))

    @property
    def claim_key(self) -> str | None:
        first = self.rows[0]
        return first.claim_key if first.claim_id is not None else None

    @property
    def denial_ids(self) -> tuple[int, ...]:
        return tuple(r.id for r in self.rows)

    def build(self, today: dt.date, packs: PackRegistry | None = None) -> QueueItem:
        """The queue item, as of ``today``."""
        rows, why = self.rows, self.why
        first = rows[0]
        has_claim = first.claim_id is not None
        deadlines = deadlines_for(self.terms, notice=self.notice, service=self.service,
                                  packs=packs)  # fmt: skip
        if self.terms is None and not why:
            why = f"no payer registry terms for {first.payer!r}: deadlines unknown"

        def unique(values: list[str]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(values))

        return QueueItem(
            section=self.section, why=why, today=today, claim_key=self.claim_key,
            clm01=first.clm01 if has_claim else first.clp01, payer=first.payer,
            remit_date=first.remit_date,
            lines=tuple(sorted({r.line for r in rows if r.line is not None})),
            carcs=unique([f"{r.group_code}-{r.carc}" for r in rows]),
            root_causes=unique([r.root_cause for r in rows]),
            reasons=unique([r.reason for r in rows]),
            amount=self.amount, deadlines=deadlines, denial_ids=self.denial_ids,
        )  # fmt: skip


@dataclass
class OpenItems:
    """The open items of :func:`open_items`, ordered as :func:`build_queue` lists them."""

    items: list[OpenItem]
    write_off: list[OpenItem]
    older: int = 0
    older_amount: Decimal = Decimal(0)


def open_items(
    session: Session, practice_id: int, *, appeal_since: dt.date | None = None
) -> OpenItems:
    """The open denials of the practice, grouped into items but not yet built.

    With ``appeal_since``, queue items whose appeal deadline is before that day are not
    listed: :attr:`OpenItems.older` and :attr:`OpenItems.older_amount` count them.
    """
    appeals = _appeal_state(session, practice_id)
    groups: dict[tuple[int, str, str], list[Row[Any]]] = {}
    for row in read_rows(session, _open_denials(practice_id)):
        appeal = appeals.get(row.id)
        section, why = "appeal", ""
        if appeal is not None and appeal.outcome != "upheld":
            continue
        if not appealable(row.carc):
            section, why = "write-off", "CARC 29: the time limit for filing expired; not appealable"
        elif appeal is not None:
            section = "write-off"
            why = (f"appeal level {appeal.level} filed {appeal.filed_on.isoformat()} was upheld;"
                   " appeal again or write off")  # fmt: skip
        groups.setdefault((row.rc_id, section, why), []).append(row)
    finder = TermsFinder(session)
    out = OpenItems([], [])
    for (_, section, why), rows in groups.items():
        item = OpenItem(section, why, rows, *_terms(rows, finder))
        deadline = item.appeal_deadline
        if section == "write-off":
            out.write_off.append(item)
        elif appeal_since is not None and deadline is not None and deadline < appeal_since:
            out.older += 1
            out.older_amount += item.amount
        else:
            out.items.append(item)
    out.items.sort(key=_queue_order)
    out.write_off.sort(key=lambda i: (-i.amount, i.claim_key or "", i.denial_ids))
    return out


def build_queue(
    session: Session, practice_id: int, *, today: dt.date | None = None,
    packs: PackRegistry | None = None, appeal_since: dt.date | None = None,
) -> WorkQueue:  # fmt: skip
    """The open denials of the practice, as queue items and write-off review items.

    With ``appeal_since``, queue items whose appeal deadline is before that day are not
    listed: :attr:`WorkQueue.older` and :attr:`WorkQueue.older_amount` count them.
    """
    today = today or dt.date.today()
    found = open_items(session, practice_id, appeal_since=appeal_since)
    return WorkQueue(
        today,
        [i.build(today, packs) for i in found.items],
        [i.build(today, packs) for i in found.write_off],
        found.older,
        found.older_amount,
    )


def _queue_order(item: OpenItem) -> tuple[Any, ...]:
    deadline = item.appeal_deadline
    return (deadline is None, deadline or dt.date.max, -item.amount, item.claim_key or "",
            item.denial_ids)  # fmt: skip


def _terms(
    rows: list[Row[Any]], finder: TermsFinder
) -> tuple[PayerTerms | None, dt.date | None, dt.date | None]:
    """The payer terms of a queue item, its date of service and its notice date."""
    first = rows[0]
    has_claim = first.claim_id is not None
    dates = [r.line_service for r in rows if r.line_service is not None]
    service = min(dates) if dates else None
    if service is None:
        service = (first.claim_service if has_claim else None) or first.rc_service
    terms = finder.find(
        service, key=first.payer, claim_payer_id=first.claim_payer_id if has_claim else "",
        remit_payer_id=first.remit_payer_id, filing_indicator=first.filing_indicator,
    )  # fmt: skip
    return terms, service, notice_date(first.production_date, first.payment_date)
