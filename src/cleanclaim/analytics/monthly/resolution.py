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

An episode is resolved *as of* a day: :func:`episodes` reads only what was known by then.
:func:`episode_versions` gives, for every day at once, the resolved episodes as they stood;
:mod:`cleanclaim.analytics.monthly.episode_store` stores them for the report.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from cleanclaim.analytics.monthly.counts import money, remit_day
from cleanclaim.analytics.monthly.periods import as_date
from cleanclaim.denials.deadlines import NOT_APPEALABLE
from cleanclaim.denials.queue import TermsFinder
from cleanclaim.payers.registry import PayerTerms
from cleanclaim.storage.db import read_rows
from cleanclaim.storage.tables_denials import AppealRow, DenialRow
from cleanclaim.storage.tables_facts import ClaimFactRow
from cleanclaim.storage.tables_x12 import MONEY, ClaimRow, RemitClaimRow, RemittanceRow

PAID, OVERTURNED, UPHELD, ABANDONED = "paid", "overturned", "upheld", "abandoned"
ZERO = Decimal("0.00")
WRITTEN_OFF = (UPHELD, ABANDONED)
ONE_DAY = dt.timedelta(days=1)


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
    carcs: int = 0
    """Number of denial adjustments on this 835 claim."""
    barred: bool = False
    """Whether one of them cannot be appealed (CARC 29)."""
    service: dt.date | None = None
    claim_payer_id: str = ""
    payer_key: str = ""


def episodes(session: Session, practice_id: int, *, through: dt.date) -> list[Episode]:
    """Every denial episode that started on or before ``through``, resolved as of then.

    Two set-based queries: the denials summed per 835 claim, and every 835 claim of the
    claim families that have a denial (plain rows, no ORM loading: there are many)."""
    chains, appeals = _read(session, practice_id, through)
    finder = TermsFinder(session)
    out: list[Episode] = []
    for (fam, payer), chain in sorted(chains.items()):
        episode = _resolve(fam, payer, chain, appeals.get(fam, []), finder, through)
        if episode is not None:
            out.append(episode)
    return out


Version = tuple[dt.date, dt.date | None, Episode]
"""A resolved episode and the days of data it holds for: from the first, up to but not
including the second (``None``: from then on)."""


def episode_versions(session: Session, practice_id: int) -> Iterator[Version]:
    """Every resolved version of every denial episode, by claim family and payer.

    For any day *d*, the versions holding on *d* are exactly the resolved episodes of
    :func:`episodes` with ``through=d``. An episode as of *d* depends on *d* only through
    comparisons with dates of its own: its 835 claims' dates, its appeals' filing and
    decision dates, and the day after each appeal deadline. So it is evaluated on each of
    those days, and holds until the next."""
    chains, appeals = _read(session, practice_id, None)
    finder = TermsFinder(session)
    for (fam, payer), chain in sorted(chains.items()):
        yield from _versions(fam, payer, chain, appeals.get(fam, []), finder)


def _versions(
    fam: int, payer: str, chain: list[_Remit], appeals: list[_Appeal], finder: TermsFinder
) -> Iterator[Version]:
    days: set[dt.date] = set()
    for r in chain:
        assert r.day is not None
        days.add(r.day)
        terms = _terms(finder, r)
        if terms is not None:
            days.add(terms.appeal_deadline(r.day) + ONE_DAY)
    for a in appeals:
        days.add(a.filed_on)
        if a.outcome_on is not None:
            days.add(a.outcome_on)
    ordered = sorted(days)
    held: tuple[dt.date, Episode] | None = None
    for day in ordered:
        seen = [r for r in chain if r.day is not None and r.day <= day]
        filed = [a for a in appeals if a.filed_on <= day]
        now = _resolve(fam, payer, seen, filed, finder, day)
        if held is not None and held[1] == now:
            continue
        if held is not None:
            yield held[0], day, held[1]
        held = (day, now) if now is not None and now.how is not None else None
    if held is not None:
        yield held[0], None, held[1]


def _read(
    session: Session, practice_id: int, through: dt.date | None
) -> tuple[dict[tuple[int, str], list[_Remit]], dict[int, list[_Appeal]]]:
    """The 835 claims of every claim family with a denial, by family and payer, in the
    order they were stored, and the families' appeals; those of days after ``through``
    left out (``None``: none)."""
    current = and_(
        DenialRow.practice_id == practice_id,
        DenialRow.superseded_by.is_(None),
        DenialRow.denial.is_(True),
        DenialRow.remit_claim_id.is_not(None),
    )
    if through is not None:
        current = and_(current, DenialRow.remit_date <= through)
    barred = func.upper(func.trim(DenialRow.carc)).in_(sorted(NOT_APPEALABLE))
    conn = session.connection()
    denied: dict[int, tuple[Decimal, int, bool, str]] = {}
    for rc_id, amount, n, not_appealable, payer in conn.execute(
        select(
            DenialRow.remit_claim_id,
            func.sum(DenialRow.amount, type_=MONEY),
            func.count(),
            func.max(case((barred, 1), else_=0)),
            func.min(DenialRow.payer),
        )
        .where(current, DenialRow.claim_id.is_not(None))
        .group_by(DenialRow.remit_claim_id)
    ).all():
        denied[rc_id] = (money(amount), n, bool(not_appealable), payer or "")
    fams = (
        select(ClaimFactRow.family_id.label("fam"))
        .join(DenialRow, DenialRow.claim_id == ClaimFactRow.claim_id)
        .where(current)
        .distinct()
        .cte("denied_families")
    )
    versions = (
        select(
            RemitClaimRow.id,
            fams.c.fam,
            RemittanceRow.payer_id,
            remit_day(),
            RemitClaimRow.paid,
            RemitClaimRow.chain_role,
            ClaimRow.service_from,
            ClaimRow.payer_id,
        )
        .select_from(fams)
        .join(ClaimFactRow, ClaimFactRow.family_id == fams.c.fam)  # the family index
        .join(ClaimRow, ClaimRow.id == ClaimFactRow.claim_id)
        .join(RemitClaimRow, RemitClaimRow.claim_id == ClaimRow.id)
        .join(RemittanceRow, RemittanceRow.id == RemitClaimRow.remittance_id)
    )
    chains: dict[tuple[int, str], list[_Remit]] = defaultdict(list)
    for rc_id, fam, payer, on, paid, role, service, claim_payer in conn.execute(versions).all():
        when = None if on is None else as_date(on)
        if role == "reversal" or when is None or (through is not None and when > through):
            continue
        # Only compared with zero: no need to round what the column holds in cents.
        remit = _Remit(
            rc_id, payer, when, paid or ZERO, service=service, claim_payer_id=claim_payer
        )
        if rc_id in denied:
            remit.denied, remit.carcs, remit.barred, remit.payer_key = denied[rc_id]
        chains[(fam, payer)].append(remit)
    for chain in chains.values():
        chain.sort(key=lambda r: r.id)
    return chains, _family_appeals(session, practice_id, through)


@dataclass(frozen=True)
class _Appeal:
    filed_on: dt.date
    outcome: str | None
    outcome_on: dt.date | None


def _family_appeals(
    session: Session, practice_id: int, through: dt.date | None
) -> dict[int, list[_Appeal]]:
    query = (
        select(AppealRow.filed_on, AppealRow.outcome, AppealRow.outcome_on, ClaimFactRow.family_id)
        .join(ClaimFactRow, ClaimFactRow.claim_id == AppealRow.claim_id)
        .where(AppealRow.practice_id == practice_id)
        .order_by(AppealRow.filed_on, AppealRow.id)
    )
    if through is not None:
        query = query.where(AppealRow.filed_on <= through)
    out: dict[int, list[_Appeal]] = defaultdict(list)
    for filed_on, outcome, outcome_on, fam in read_rows(session, query):
        if fam is not None:
            out[fam].append(_Appeal(filed_on, outcome, outcome_on))
    return out


def _resolve(
    fam: int,
    payer: str,
    chain: list[_Remit],
    appeals: list[_Appeal],
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
    appeals: list[_Appeal],
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
        if last.barred:
            return Episode(fam, payer, first.day, last.denied, ABANDONED, last.day)
        terms = _terms(finder, last)
        if terms is not None:
            deadline = terms.appeal_deadline(last.day)
            if deadline < through:
                return Episode(fam, payer, first.day, last.denied, ABANDONED, deadline)
    return Episode(fam, payer, first.day, last.denied, None, None)


def _terms(finder: TermsFinder, remit: _Remit) -> PayerTerms | None:
    """The payer terms that set the appeal deadline of a denial on ``remit``."""
    return finder.find(
        remit.service or remit.day,
        key=remit.payer_key,
        claim_payer_id=remit.claim_payer_id,
        remit_payer_id=remit.payer,
    )
