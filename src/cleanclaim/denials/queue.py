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
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from cleanclaim.denials.deadlines import Deadlines, appealable, deadlines_for, notice_date
from cleanclaim.edits.packs import PackRegistry
from cleanclaim.payers.registry import PayerTerms, all_entries
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

    def _first(self, on: dt.date, match: Any) -> PayerTerms | None:
        return next((t for t in reversed(self.entries) if match(t) and t.covers(on)), None)

    def find(
        self, on: dt.date | None, *, key: str = "", claim_payer_id: str = "",
        remit_payer_id: str = "", filing_indicator: str = "",
    ) -> PayerTerms | None:  # fmt: skip
        """The first of: registry key, 837 payer id, 835 payer id, Medicare indicator."""
        if on is None:
            return None
        return (
            (self._first(on, lambda t: t.key == key) if key else None)
            or (self._first(on, lambda t: claim_payer_id in t.claim_payer_ids)
                if claim_payer_id else None)
            or (self._first(on, lambda t: remit_payer_id in t.remit_payer_ids)
                if remit_payer_id else None)
            or (self._first(on, lambda t: t.key == "medicare-ffs")
                if filing_indicator.upper() in MEDICARE_INDICATORS else None)
        )  # fmt: skip


def _worked_claims(session: Session, practice_id: int) -> set[int]:
    """Claim versions that are closed, replaced, voided or followed by a later version."""
    latest: dict[tuple[str, str], int] = {}
    out: set[int] = set()
    query = select(ClaimRow.id, ClaimRow.billing_npi, ClaimRow.clm01, ClaimRow.status,
                   ClaimRow.original_id).where(ClaimRow.practice_id == practice_id)  # fmt: skip
    for claim_id, npi, clm01, status, original_id in session.execute(query):
        family = (npi, clm01)
        if family in latest:
            out.add(min(latest[family], claim_id))
        latest[family] = max(latest.get(family, claim_id), claim_id)
        if status == "closed":
            out.add(claim_id)
        if original_id is not None:
            out.add(original_id)
    return out


def _appeal_state(session: Session, practice_id: int) -> dict[int, AppealRow]:
    """The latest appeal covering each denial id."""
    latest: dict[int, AppealRow] = {}
    query = select(AppealRow).where(AppealRow.practice_id == practice_id)
    for appeal in session.scalars(query.order_by(AppealRow.filed_on, AppealRow.id)):
        for denial_id in appeal.denial_ids:
            latest[denial_id] = appeal
    return latest


def build_queue(
    session: Session, practice_id: int, *, today: dt.date | None = None,
    packs: PackRegistry | None = None,
) -> WorkQueue:  # fmt: skip
    """The open denials of the practice, as queue items and write-off review items."""
    today = today or dt.date.today()
    worked = _worked_claims(session, practice_id)
    superseded = set(
        session.scalars(
            select(RemitClaimRow.previous_id).where(
                RemitClaimRow.practice_id == practice_id, RemitClaimRow.previous_id.is_not(None)
            )
        )
    )
    appeals = _appeal_state(session, practice_id)
    query = (
        select(DenialRow, RemitClaimRow, RemittanceRow, ClaimRow, RemitLineRow.service_from)
        .join(RemitClaimRow, RemitClaimRow.id == DenialRow.remit_claim_id)
        .join(RemittanceRow, RemittanceRow.id == DenialRow.remittance_id)
        .outerjoin(ClaimRow, ClaimRow.id == DenialRow.claim_id)
        .outerjoin(RemitLineRow, RemitLineRow.id == DenialRow.remit_line_id)
        .where(DenialRow.practice_id == practice_id, DenialRow.superseded_by.is_(None),
               DenialRow.denial.is_(True), DenialRow.counted.is_(True),
               DenialRow.root_cause.not_in(("payer-error", "not-a-denial")))
        .order_by(DenialRow.id)
        .options(defer(ClaimRow.claim_json))
    )  # fmt: skip
    groups: dict[tuple[int, str, str], list[Any]] = {}
    for denial, rc, remit, claim, line_date in session.execute(query):
        if rc.id in superseded or (claim is not None and claim.id in worked):
            continue
        appeal = appeals.get(denial.id)
        section, why = "appeal", ""
        if appeal is not None and appeal.outcome != "upheld":
            continue
        if not appealable(denial.carc):
            section, why = "write-off", "CARC 29: the time limit for filing expired; not appealable"
        elif appeal is not None:
            section = "write-off"
            why = (f"appeal level {appeal.level} filed {appeal.filed_on.isoformat()} was upheld;"
                   " appeal again or write off")  # fmt: skip
        groups.setdefault((rc.id, section, why), []).append((denial, rc, remit, claim, line_date))
    finder = TermsFinder(session)
    items = [_item(section, why, rows, finder, packs, today)
             for (_, section, why), rows in groups.items()]  # fmt: skip
    queue = sorted((i for i in items if i.section == "appeal"), key=_queue_order)
    write_off = sorted((i for i in items if i.section == "write-off"),
                       key=lambda i: (-i.amount, i.claim_key or "", i.denial_ids))  # fmt: skip
    return WorkQueue(today, queue, write_off)


def _queue_order(item: QueueItem) -> tuple[Any, ...]:
    deadline = item.deadlines.appeal
    return (deadline is None, deadline or dt.date.max, -item.amount, item.claim_key or "",
            item.denial_ids)  # fmt: skip


def _item(
    section: str, why: str, rows: list[Any], finder: TermsFinder, packs: PackRegistry | None,
    today: dt.date,
) -> QueueItem:  # fmt: skip
    denial, rc, remit, claim, _ = rows[0]
    dates = [d for *_, d in rows if d is not None]
    service = min(dates) if dates else (claim.service_from if claim else None) or rc.service_from
    terms = finder.find(
        service, key=denial.payer, claim_payer_id=claim.payer_id if claim else "",
        remit_payer_id=remit.payer_id, filing_indicator=rc.filing_indicator,
    )  # fmt: skip
    deadlines = deadlines_for(
        terms, notice=notice_date(remit.production_date, remit.payment_date), service=service,
        packs=packs,
    )  # fmt: skip
    if terms is None and not why:
        why = f"no payer registry terms for {denial.payer!r}: deadlines unknown"

    def unique(values: list[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(values))

    return QueueItem(
        section=section, why=why, today=today,
        claim_key=claim.claim_key if claim else None,
        clm01=claim.clm01 if claim else rc.clp01, payer=denial.payer,
        remit_date=denial.remit_date,
        lines=tuple(sorted({r[0].line for r in rows if r[0].line is not None})),
        carcs=unique([f"{r[0].group_code}-{r[0].carc}" for r in rows]),
        root_causes=unique([r[0].root_cause for r in rows]),
        reasons=unique([r[0].reason for r in rows]),
        amount=sum((r[0].amount for r in rows), Decimal(0)),
        deadlines=deadlines, denial_ids=tuple(r[0].id for r in rows),
    )  # fmt: skip
