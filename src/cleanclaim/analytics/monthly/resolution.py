"""When and how each denial was resolved: paid, overturned, or written off.

The unit is a **denial episode**: one claim family's denials from one payer, from the first
835 claim that carried a denial. An episode ends at the first of:

* **paid**: a later 835 claim of the family from that payer paid something (a corrected
  claim, a reprocessed payer error, a reopening);
* **overturned**: an appeal of the family was decided overturned or partly overturned;
* **written off (upheld)**: an appeal was decided upheld and nothing was paid later;
* **written off (abandoned)**: no appeal is pending and the appeal deadline of the last
  denied 835 claim passed (payer registry terms); a CARC that cannot be appealed (29:
  filing limit expired) is written off on its remittance date.

An episode whose payer has no registry terms never counts as abandoned: it stays open,
because its deadline is unknown. The written-off amount is the denied amount of the last
denied 835 claim of the episode (earlier denials were re-adjudicated).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cleanclaim.analytics.monthly.counts import money, remit_day
from cleanclaim.analytics.monthly.periods import as_date
from cleanclaim.denials.deadlines import appealable
from cleanclaim.denials.queue import TermsFinder
from cleanclaim.storage.tables_denials import AppealRow, DenialRow
from cleanclaim.storage.tables_x12 import ClaimRow, RemitClaimRow, RemittanceRow

PAID, OVERTURNED, UPHELD, ABANDONED = "paid", "overturned", "upheld", "abandoned"
WRITTEN_OFF = (UPHELD, ABANDONED)


@dataclass(frozen=True)
class Episode:
    """One denial episode and its resolution (``how`` is ``None`` while open)."""

    family: int
    payer: str
    denied_on: dt.date
    amount: Decimal
    """Denied amount of the last denied 835 claim."""
    how: str | None
    resolved_on: dt.date | None

    @property
    def days(self) -> int | None:
        return None if self.resolved_on is None else (self.resolved_on - self.denied_on).days


@dataclass
class _Remit:
    id: int
    payer: str
    day: dt.date | None
    paid: Decimal
    denied: Decimal = Decimal("0.00")
    carcs: tuple[str, ...] = ()
    service: dt.date | None = None
    claim_payer_id: str = ""
    payer_key: str = ""


def _chunks(values: list[int], size: int = 900) -> list[list[int]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def episodes(session: Session, practice_id: int, *, through: dt.date) -> list[Episode]:
    """Every denial episode that started on or before ``through``, resolved as of then."""
    family = func.coalesce(ClaimRow.original_id, ClaimRow.id)
    denied: dict[int | None, dict[str, Any]] = {}
    for rc_id, fam, amount, carc, payer in session.execute(
        select(DenialRow.remit_claim_id, family, DenialRow.amount, DenialRow.carc, DenialRow.payer)
        .join(ClaimRow, ClaimRow.id == DenialRow.claim_id)
        .where(
            DenialRow.practice_id == practice_id,
            DenialRow.superseded_by.is_(None),
            DenialRow.denial.is_(True),
            DenialRow.remit_claim_id.is_not(None),
            DenialRow.remit_date <= through,
        )
    ):
        entry = denied.setdefault(
            rc_id, {"family": fam, "amount": Decimal("0.00"), "carcs": [], "payer_key": payer}
        )
        entry["amount"] += money(amount)
        entry["carcs"].append(carc)
    families = sorted({e["family"] for e in denied.values()})
    remits = _family_remits(session, families, through)
    appeals = _family_appeals(session, practice_id, through)
    finder = TermsFinder(session)
    out: list[Episode] = []
    for (fam, payer), chain in sorted(remits.items()):
        for r in chain:
            if r.id in denied:
                r.denied = denied[r.id]["amount"]
                r.carcs = tuple(denied[r.id]["carcs"])
                r.payer_key = denied[r.id]["payer_key"]
        episode = _resolve(fam, payer, chain, appeals.get(fam, []), finder, through)
        if episode is not None:
            out.append(episode)
    return out


def _family_remits(
    session: Session, families: list[int], through: dt.date
) -> dict[tuple[int, str], list[_Remit]]:
    family = func.coalesce(ClaimRow.original_id, ClaimRow.id)
    day = remit_day()
    out: dict[tuple[int, str], list[_Remit]] = defaultdict(list)
    for chunk in _chunks(families):
        for rc_id, fam, payer, on, paid, role, service, claim_payer in session.execute(
            select(
                RemitClaimRow.id,
                family,
                RemittanceRow.payer_id,
                day,
                RemitClaimRow.paid,
                RemitClaimRow.chain_role,
                ClaimRow.service_from,
                ClaimRow.payer_id,
            )
            .join(ClaimRow, ClaimRow.id == RemitClaimRow.claim_id)
            .join(RemittanceRow, RemittanceRow.id == RemitClaimRow.remittance_id)
            .where(family.in_(chunk))
        ):
            when = None if on is None else as_date(on)
            if role == "reversal" or when is None or when > through:
                continue
            out[(fam, payer)].append(
                _Remit(rc_id, payer, when, money(paid), service=service, claim_payer_id=claim_payer)
            )
    for chain in out.values():
        chain.sort(key=lambda r: r.id)
    return out


def _family_appeals(
    session: Session, practice_id: int, through: dt.date
) -> dict[int, list[AppealRow]]:
    family = func.coalesce(ClaimRow.original_id, ClaimRow.id)
    out: dict[int, list[AppealRow]] = defaultdict(list)
    for appeal, fam in session.execute(
        select(AppealRow, family)
        .join(ClaimRow, ClaimRow.id == AppealRow.claim_id)
        .where(AppealRow.practice_id == practice_id, AppealRow.filed_on <= through)
        .order_by(AppealRow.filed_on, AppealRow.id)
    ):
        out[fam].append(appeal)
    return out


def _resolve(
    fam: int,
    payer: str,
    chain: list[_Remit],
    appeals: list[AppealRow],
    finder: TermsFinder,
    through: dt.date,
) -> Episode | None:
    start = next((i for i, r in enumerate(chain) if r.denied > 0 or r.carcs), None)
    if start is None:
        return None
    first = chain[start]
    assert first.day is not None
    last_denied = first
    for r in chain[start + 1 :]:
        assert r.day is not None
        if r.paid > 0:
            return _decided(fam, payer, first, last_denied, appeals, (PAID, r.day), through)
        if r.carcs:
            last_denied = r
    return _decided(fam, payer, first, last_denied, appeals, None, through, finder)


def _decided(
    fam: int,
    payer: str,
    first: _Remit,
    last: _Remit,
    appeals: list[AppealRow],
    paid: tuple[str, dt.date] | None,
    through: dt.date,
    finder: TermsFinder | None = None,
) -> Episode:
    assert first.day is not None and last.day is not None
    events: list[tuple[dt.date, str]] = []
    if paid is not None:
        events.append((paid[1], paid[0]))
    pending = False
    for a in appeals:
        if a.filed_on < first.day:
            continue
        if a.outcome is None or a.outcome_on is None or a.outcome_on > through:
            pending = True
            continue
        events.append(
            (a.outcome_on, OVERTURNED if a.outcome in ("overturned", "partial") else UPHELD)
        )
    if events:
        on, how = min(events)
        if how == UPHELD and paid is not None and paid[1] <= on:
            on, how = paid[1], PAID
        return Episode(fam, payer, first.day, last.denied, how, on)
    if not pending and finder is not None:
        if any(not appealable(c) for c in last.carcs):
            return Episode(fam, payer, first.day, last.denied, ABANDONED, last.day)
        terms = finder.find(
            last.service or last.day,
            key=last.payer_key,
            claim_payer_id=last.claim_payer_id,
            remit_payer_id=last.payer,
        )
        if terms is not None:
            deadline = terms.appeal_deadline(last.day)
            if deadline < through:
                return Episode(fam, payer, first.day, last.denied, ABANDONED, deadline)
    return Episode(fam, payer, first.day, last.denied, None, None)
