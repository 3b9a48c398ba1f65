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
from collections.abc import Sequence
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

FactRow = Sequence[Any]
"""A ``claim_fact`` row of :func:`patient_records`: patient key, claim key, day, procedures,
claim type, type of bill, taxonomy (with the year, what decides eligibility), ICD-10-CM
codes, provider NPI, filing indicator."""


def hcc_recapture(
    session: Session, practice_id: int, store: CodesetStore, month: Month
) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """Provider NPI -> (HCCs due, recaptured), and notes on what could not be judged."""
    end = last_day(month)
    judge = Judge(store, month.year)
    table = judge.own_table(end)
    if table is None:
        return {}, [f"no CMS-HCC table in force on {end.isoformat()}: HCC recapture not shown"]
    out: dict[str, tuple[int, int]] = {}
    start = dt.date(month.year - 1, 1, 1)
    by_patient = patient_records(session, practice_id, start, end, month.year)
    for rows in by_patient.values():
        rows.sort(key=lambda r: (r[2], r[1]))
        if (rows[-1][9] or "").upper() not in MEDICARE:
            continue
        found = judge.patient(rows, table)
        if found is not None:
            npi, due, recaptured = found
            before = out.get(npi, (0, 0))
            out[npi] = (before[0] + due, before[1] + recaptured)
    return out, []


class Judge:
    """Judges one patient's rows; remembers what rows share (code-set views and tables by
    day, eligibility verdicts, each diagnosis list's chronic HCCs and each set's hierarchy
    per table), because patients code the same diagnoses on the same kinds of claim again
    and again."""

    def __init__(self, store: CodesetStore, year: int) -> None:
        from cleanclaim.codesets.loaders.hcc import chronic_hccs, ra_eligible_procedures
        from cleanclaim.edits.rules.hcc_capture import ra_eligibility

        self.store, self.year = store, year
        self._procedures, self._eligibility = ra_eligible_procedures, ra_eligibility
        self.chronic = chronic_hccs()
        self.views: dict[dt.date, CodesetView] = {}
        self.tables: dict[dt.date, HccTable | None] = {}
        self.procedures: dict[dt.date, frozenset[str] | None] = {}
        """Eligible procedures of each day's year (``None``: no list loaded)."""
        self.judged: dict[tuple[Any, ...], bool] = {}
        self.mapped_chronic: dict[tuple[int, str], tuple[str, ...]] = {}
        self.kept: dict[tuple[int, frozenset[str]], frozenset[str]] = {}

    def view(self, day: dt.date) -> CodesetView:
        if day not in self.views:
            self.views[day] = CodesetView(self.store, day)
        return self.views[day]

    def own_table(self, day: dt.date) -> HccTable | None:
        """The CMS-HCC table in force on ``day``, if one is loaded."""
        if day not in self.tables:
            self.tables[day] = self.view(day).table("hcc")[0]
        return self.tables[day]

    def eligible(self, row: FactRow) -> bool:
        # The verdict depends only on the year's list of eligible procedures and on the
        # row's procedures, claim type, type of bill and taxonomy (row[3:7]); claims share
        # them, so each combination is judged once.
        day = row[2]
        if day not in self.procedures:
            self.procedures[day] = self._procedures(self.view(day)).value
        listed = self.procedures[day]
        key = (id(listed), row[3], row[4], row[5], row[6])
        verdict = self.judged.get(key)
        if verdict is None:
            verdict = self.judged[key] = self._eligibility(_record(row), listed).eligible
        return verdict

    def ranked(self, table: HccTable, hccs: set[str]) -> frozenset[str]:
        """``table.apply_hierarchies(hccs)``: patients share the same few sets."""
        key = (id(table), frozenset(hccs))
        if key not in self.kept:
            self.kept[key] = frozenset(table.apply_hierarchies(hccs))
        return self.kept[key]

    def chronic_of(self, rows: list[FactRow], fallback: HccTable) -> set[str]:
        """Chronic HCCs of ``rows``, each mapped with the table of its day (``fallback``
        for a day no table covers)."""
        found: set[str] = set()
        for row in rows:
            table = self.own_table(row[2]) or fallback
            # Claims repeat the same diagnosis lists: each is mapped once per table.
            key = (id(table), row[7])
            if key not in self.mapped_chronic:
                self.mapped_chronic[key] = tuple(
                    {
                        h
                        for code in (row[7].split() if row[7] else ())
                        for h in table.hccs_for(code)
                        if h in self.chronic
                    }
                )
            found.update(self.mapped_chronic[key])
        return found

    def patient(self, rows: list[FactRow], table: HccTable) -> tuple[str, int, int] | None:
        """(provider NPI, HCCs due, recaptured) of one Medicare patient's rows sorted by
        day, or ``None`` when nothing is due; ``table`` is the one in force at the end."""
        # The rows run from 1 January of the prior year: each is of the prior year or this
        # one. The prior year's eligible rows first: most patients have no chronic HCC due,
        # and this year's rows are judged only for those who do.
        year = self.year
        prior = [r for r in rows if r[2].year != year and self.eligible(r)]
        if not prior:
            return None
        found = self.chronic_of(prior, table)
        due = len(self.ranked(table, found))
        if not due:
            return None
        current = [r for r in rows if r[2].year == year and self.eligible(r)]
        if not current:
            return None
        latest = current[-1]
        # As HC102 (``recapture_gaps``) judges it, with the table of the latest encounter.
        on = self.own_table(latest[2])
        gaps = 0
        if on is not None:
            mapped = self.chronic_of(prior, on) if on is not table else found
            kept = self.ranked(on, mapped)
            now = {
                h for r in current for c in (r[7].split() if r[7] else ()) for h in on.hccs_for(c)
            }
            gaps = sum(1 for h in kept if h not in now and h in self.ranked(on, now | {h}))
        return latest[8] or "", due, due - gaps


def patient_records(
    session: Session, practice_id: int, start: dt.date, end: dt.date, year: int
) -> dict[str, list[FactRow]]:
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
    out: dict[str, list[FactRow]] = defaultdict(list)
    rows = (
        session.connection()
        .execute(
            select(
                ClaimFactRow.patient_key,
                ClaimFactRow.claim_key,
                ClaimFactRow.record_day,
                ClaimFactRow.procedures,
                ClaimFactRow.claim_type,
                ClaimFactRow.bill_type,
                ClaimFactRow.provider_taxonomy,
                ClaimFactRow.dx_codes,
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
            out[row[0]].append(row)
    return out


def _record(row: FactRow) -> DxRecord:
    """The :class:`DxRecord` of one row of :func:`patient_records`."""
    _, key, day, procedures, kind, bill, taxonomy, codes, npi, filing = row
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
