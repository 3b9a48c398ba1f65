"""HCC recapture by provider: prior-year chronic HCCs of the patients seen this year.

For each stored Medicare patient (SBR09 MA, MB or 16 on their latest claim) with a claim
this calendar year up to the report month, the chronic CMS-HCCs coded on their eligible
encounters of the prior calendar year (after hierarchies) are *due*; those coded again this
year (or outranked by a more severe HCC coded this year) are *recaptured*. Both go to the
provider of the patient's latest encounter this year: the one who can still recapture.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from cleanclaim.analytics.monthly.periods import last_day
from cleanclaim.analytics.report.base import Month
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.view import CodesetView
from cleanclaim.edits.hcc_history import DxRecord
from cleanclaim.storage.tables_facts import ClaimFactRow
from cleanclaim.storage.tables_x12 import ClaimRow

if TYPE_CHECKING:
    from cleanclaim.codesets.loaders.hcc import HccTable

MEDICARE = frozenset({"MA", "MB", "16"})

_Row = tuple[Any, ...]
"""A ``claim_fact`` row of :func:`_records`: patient key, claim key, day, ICD-10-CM codes,
procedures, claim type, type of bill, taxonomy, provider NPI, filing indicator."""


def hcc_recapture(
    session: Session, practice_id: int, store: CodesetStore, month: Month
) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """Provider NPI -> (HCCs due, recaptured), and notes on what could not be judged."""
    from cleanclaim.codesets.loaders.hcc import chronic_hccs, ra_eligible_procedures
    from cleanclaim.edits.hcc_history import recapture_gaps
    from cleanclaim.edits.rules.hcc_capture import ra_eligibility

    year = month.year
    end = last_day(month)
    views: dict[dt.date, CodesetView] = {}
    notes: list[str] = []

    def view_for(day: dt.date) -> CodesetView:
        if day not in views:
            views[day] = CodesetView(store, day)
        return views[day]

    procedures: dict[dt.date, frozenset[str] | None] = {}
    year_tables: dict[dt.date, HccTable] = {}
    mapped: dict[tuple[int, str], list[str]] = {}
    judged: dict[tuple[Any, ...], bool] = {}

    def eligible(row: _Row) -> bool:
        day = row[2]
        if day not in procedures:
            procedures[day] = ra_eligible_procedures(view_for(day)).value
        listed = procedures[day]
        # The verdict depends only on these (the year only words the notes); claims share
        # them, so a record is built only for a combination not judged yet.
        key = (id(listed), row[5], row[6], row[7], row[4])
        if key not in judged:
            judged[key] = ra_eligibility(_record(row), listed).eligible
        return judged[key]

    table, _ = view_for(end).table("hcc")
    if table is None:
        notes.append(f"no CMS-HCC table in force on {end.isoformat()}: HCC recapture not shown")
        return {}, notes
    chronic = chronic_hccs()
    fallback = table

    def chronic_of(day: dt.date, code: str) -> list[str]:
        if day not in year_tables:
            year_tables[day] = view_for(day).table("hcc")[0] or fallback
        key = (id(year_tables[day]), code)
        if key not in mapped:
            mapped[key] = [h for h in year_tables[day].hccs_for(code) if h in chronic]
        return mapped[key]

    out: dict[str, tuple[int, int]] = {}
    by_patient = _records(session, practice_id, dt.date(year - 1, 1, 1), end, year)
    for rows in by_patient.values():
        rows.sort(key=lambda r: (r[2], r[1]))
        if (rows[-1][9] or "").upper() not in MEDICARE:
            continue
        # The rows run from 1 January of the prior year: each is of the prior year or this
        # one. The prior year's eligible rows first: most patients have no chronic HCC due,
        # and this year's rows are judged only for those who do.
        prior_rows = [r for r in rows if r[2].year != year and eligible(r)]
        if not prior_rows:
            continue
        found: set[str] = set()
        for row in prior_rows:
            for code in row[3].split() if row[3] else ():
                found.update(chronic_of(row[2], code))
        due = len(table.apply_hierarchies(found))
        if not due:
            continue
        current_rows = [r for r in rows if r[2].year == year and eligible(r)]
        if not current_rows:
            continue
        # Records only for the patients with chronic HCCs due.
        prior = [_record(r) for r in prior_rows]
        current = [_record(r) for r in current_rows]
        gaps = recapture_gaps(prior, current, view_for, current[-1].day, current[-1], value=False)
        npi = current[-1].provider_npi
        before = out.get(npi, (0, 0))
        out[npi] = (before[0] + due, before[1] + due - len(gaps))
    return out, notes


def _records(
    session: Session, practice_id: int, start: dt.date, end: dt.date, year: int
) -> dict[str, list[_Row]]:
    """Diagnosis records of the latest, sent version of each claim judged on ``start`` to
    ``end``, by stored patient key, read from their ``claim_fact`` rows.

    Only patients with a Medicare claim judged in ``year`` (up to ``end``) are read: any
    other patient's latest claim is not a Medicare claim of this year, so they are skipped
    anyway. Plain rows (no ORM loading): there are many."""
    # Latest version: no later version names it as its previous one (ix_claim_previous).
    # NOT EXISTS, not NOT IN: PostgreSQL plans it as an anti-join whatever its statistics
    # say, where NOT IN over a subquery can become a per-row rescan on a fresh database.
    later = aliased(ClaimRow)
    superseded = select(later.id).where(later.previous_id == ClaimFactRow.claim_id).exists()
    rejected = (
        select(ClaimRow.id)
        .where(ClaimRow.id == ClaimFactRow.claim_id, ClaimRow.status == "rejected")
        .exists()
    )
    medicare = select(ClaimFactRow.patient_key).where(
        ClaimFactRow.practice_id == practice_id,
        ClaimFactRow.record_day >= dt.date(year, 1, 1),
        ClaimFactRow.record_day <= end,
        ClaimFactRow.filing_indicator.in_(MEDICARE),
    )
    out: dict[str, list[_Row]] = defaultdict(list)
    rows = (
        session.connection()
        .execute(
            select(
                ClaimFactRow.patient_key,
                ClaimFactRow.claim_key,
                ClaimFactRow.record_day,
                ClaimFactRow.dx_codes,
                ClaimFactRow.procedures,
                ClaimFactRow.claim_type,
                ClaimFactRow.bill_type,
                ClaimFactRow.provider_taxonomy,
                ClaimFactRow.provider_npi,
                ClaimFactRow.filing_indicator,
            ).where(
                ClaimFactRow.practice_id == practice_id,
                ClaimFactRow.record_day >= start,
                ClaimFactRow.record_day <= end,
                ClaimFactRow.patient_key.in_(medicare),
                ClaimFactRow.version_kind != "void",
                ~superseded,
                ~rejected,
            )
        )
        .all()
    )
    for row in rows:
        if row[0] is not None:  # excluded by the query (IN); for the type checker
            out[row[0]].append(tuple(row))
    return out


def _record(row: _Row) -> DxRecord:
    """The :class:`DxRecord` of one row of :func:`_records`."""
    _, key, day, codes, procedures, kind, bill, taxonomy, npi, filing = row
    return DxRecord(
        claim_key=key,
        day=day,
        codes=tuple(codes.split()) if codes else (),
        procedures=tuple(procedures.split()) if procedures else (),
        claim_type=kind,
        type_of_bill=bill,
        taxonomy=taxonomy,
        provider_npi=npi or "",
        filing_indicator=filing,
    )
