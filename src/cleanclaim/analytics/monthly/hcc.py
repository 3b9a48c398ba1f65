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
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cleanclaim.analytics.monthly.periods import last_day
from cleanclaim.analytics.report.base import Month
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.view import CodesetView
from cleanclaim.edits.hcc_history import ICD10_QUALIFIERS, DxRecord
from cleanclaim.storage.tables_x12 import ClaimLineRow, ClaimRow

MEDICARE = frozenset({"MA", "MB", "16"})


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

    def eligible(record: DxRecord) -> bool:
        procedures = ra_eligible_procedures(view_for(record.day)).value
        return ra_eligibility(record, procedures).eligible

    table, _ = view_for(end).table("hcc")
    if table is None:
        notes.append(f"no CMS-HCC table in force on {end.isoformat()}: HCC recapture not shown")
        return {}, notes
    chronic = chronic_hccs()
    out: dict[str, tuple[int, int]] = {}
    by_patient = _records(session, practice_id, dt.date(year - 1, 1, 1), end)
    for records in by_patient.values():
        records.sort(key=lambda r: (r.day, r.claim_key))
        if (records[-1].filing_indicator or "").upper() not in MEDICARE:
            continue
        kept = [r for r in records if eligible(r)]
        prior = [r for r in kept if r.day.year == year - 1]
        current = [r for r in kept if r.day.year == year]
        if not prior or not current:
            continue
        found: set[str] = set()
        for record in prior:
            year_table, _ = view_for(record.day).table("hcc")
            for code in record.codes:
                found.update(h for h in (year_table or table).hccs_for(code) if h in chronic)
        due = len(table.apply_hierarchies(found))
        if not due:
            continue
        gaps = recapture_gaps(prior, current, view_for, current[-1].day, current[-1])
        npi = current[-1].provider_npi
        before = out.get(npi, (0, 0))
        out[npi] = (before[0] + due, before[1] + due - len(gaps))
    return out, notes


def _records(
    session: Session, practice_id: int, start: dt.date, end: dt.date
) -> dict[str, list[DxRecord]]:
    """Diagnosis records of the latest, sent version of each claim with a line dated
    ``start`` to ``end``, by stored patient key, read from the stored claim JSON."""
    latest = {
        (npi, clm01): top
        for npi, clm01, top in session.execute(
            select(ClaimRow.billing_npi, ClaimRow.clm01, func.max(ClaimRow.version))
            .where(ClaimRow.practice_id == practice_id)
            .group_by(ClaimRow.billing_npi, ClaimRow.clm01)
        )
    }
    lines = select(ClaimLineRow.claim_id).where(
        ClaimLineRow.practice_id == practice_id,
        ClaimLineRow.service_from >= start,
        ClaimLineRow.service_from <= end,
    )
    out: dict[str, list[DxRecord]] = defaultdict(list)
    for npi, clm01, version, kind, status, key, patient, data in session.execute(
        select(
            ClaimRow.billing_npi,
            ClaimRow.clm01,
            ClaimRow.version,
            ClaimRow.version_kind,
            ClaimRow.status,
            ClaimRow.claim_key,
            ClaimRow.patient_key,
            ClaimRow.claim_json,
        )
        .where(ClaimRow.id.in_(lines.distinct()))
        .order_by(ClaimRow.id)
        .execution_options(yield_per=1000)  # stream: claim JSON is large; keep only records
    ):
        if latest.get((npi, clm01)) != version or kind == "void" or status == "rejected":
            continue
        record = _record(data or {}, key)
        if record is not None and patient:
            out[patient].append(record)
    return out


def _day(text: Any) -> dt.date | None:
    return dt.date.fromisoformat(text) if isinstance(text, str) and text else None


def _record(data: dict[str, Any], claim_key: str) -> DxRecord | None:
    """The same record as :func:`cleanclaim.edits.hcc_history.record_of`, from JSON."""
    institutional = data.get("claim_type") == "institutional"
    dates = [d for ln in data.get("lines") or [] if (d := _day(ln.get("service_date_from")))]
    first = min(dates) if dates else _day(data.get("statement_from"))
    day = (_day(data.get("statement_to")) or first) if institutional else first
    if day is None:
        return None
    billing = data.get("billing_provider") or {}
    provider = data.get("rendering_provider") or data.get("attending_provider") or billing
    facility = data.get("facility_type_code")
    patient = data.get("patient") or data.get("subscriber") or {}
    return DxRecord(
        claim_key=claim_key,
        day=day,
        codes=tuple(
            str(d["code"]).upper()
            for d in data.get("diagnoses") or []
            if d.get("qualifier") in ICD10_QUALIFIERS
        ),
        procedures=tuple(
            str(ln["procedure_code"]).upper()
            for ln in data.get("lines") or []
            if ln.get("procedure_code")
        ),
        claim_type=str(data.get("claim_type") or ""),
        type_of_bill=facility + str(data.get("frequency_code") or "") if facility else None,
        taxonomy=provider.get("taxonomy") or billing.get("taxonomy"),
        provider_npi=provider.get("npi") or billing.get("npi") or "",
        filing_indicator=(data.get("payer") or {}).get("filing_indicator"),
        sex=patient.get("sex"),
        birth_date=_day(patient.get("birth_date")),
    )
