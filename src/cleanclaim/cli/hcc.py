"""``cleanclaim hcc gaps``: chronic HCCs coded last year and not yet this year, per provider.

Patients are shown by their stored patient key (a salted hash of member id and birth
date), never by name, member id or birth date. Only patients whose latest claim went to
Medicare (SBR09 MA, MB or 16) are listed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from cleanclaim.cli._common import Format, console, current_practice, current_user, print_json
from cleanclaim.errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from cleanclaim.codesets.store import CodesetStore
    from cleanclaim.edits.hcc_history import DxRecord, Gap

app = typer.Typer(help="CMS-HCC risk adjustment: recapture gaps.", no_args_is_help=True)

MEDICARE = frozenset({"MA", "MB", "16"})
_KEY = re.compile(r"^[0-9a-f]{8,64}$")
SHORT = 16
"""Characters of the patient key shown in tables."""


@dataclass
class PatientGaps:
    patient_key: str
    provider_npi: str
    gaps: list[Gap]
    raf: Decimal | None


@dataclass
class Report:
    year: int
    rate: Decimal
    patients: list[PatientGaps] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        from cleanclaim.edits.hcc_history import dollars

        def money(raf: Decimal | None) -> str | None:
            return None if raf is None else str(dollars(raf, self.rate))

        providers: dict[str, list[PatientGaps]] = {}
        for p in self.patients:
            providers.setdefault(p.provider_npi, []).append(p)
        return {
            "year": self.year,
            "payment_year": self.year + 1,
            "base_rate": str(self.rate),
            "notes": self.notes,
            "providers": [
                {
                    "provider_npi": npi,
                    "raf": _total([p.raf for p in group]),
                    "dollars": money(_sum([p.raf for p in group])),
                    "patients": [
                        {
                            "patient_key": p.patient_key,
                            "raf": None if p.raf is None else f"{p.raf:.3f}",
                            "dollars": money(p.raf),
                            "gaps": [
                                {
                                    "hcc": g.hcc,
                                    "label": g.label,
                                    "codes": [_dotted(c) for c in g.codes],
                                    "last_coded": g.last_coded.isoformat(),
                                    "raf": None if g.raf is None else f"{g.raf:.3f}",
                                    "dollars": money(g.raf),
                                }
                                for g in p.gaps
                            ],
                        }
                        for p in group
                    ],
                }
                for npi, group in sorted(providers.items())
            ],
        }


def _dotted(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def _sum(values: list[Decimal | None]) -> Decimal | None:
    if any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal(0))


def _total(values: list[Decimal | None]) -> str | None:
    total = _sum(values)
    return None if total is None else f"{total:.3f}"


def build_report(
    session: Session,
    practice_id: int,
    store: CodesetStore,
    year: int,
    rate: Decimal,
    patient: str | None = None,
) -> Report:
    """The recapture gaps of the practice's stored Medicare patients for ``year``."""
    from cleanclaim.codesets.loaders.hcc import PAYMENT_YEARS, ra_eligible_procedures
    from cleanclaim.codesets.view import CodesetView
    from cleanclaim.edits.hcc_history import (
        StoredHccHistory,
        practice_records,
        raf_delta,
        recapture_gaps,
    )
    from cleanclaim.edits.rules.hcc_capture import ra_eligibility
    from cleanclaim.edits.stored import stored_salt

    views: dict[dt.date, CodesetView] = {}

    def view_for(day: dt.date) -> CodesetView:
        if day not in views:
            views[day] = CodesetView(store, day)
        return views[day]

    def eligible(record: DxRecord) -> bool:
        procedures = ra_eligible_procedures(view_for(record.day)).value
        return ra_eligibility(record, procedures).eligible

    start, end = dt.date(year - 1, 1, 1), dt.date(year, 12, 31)
    report = Report(year, rate)
    history = StoredHccHistory(session, practice_id, stored_salt(session, practice_id))
    first = history.starts()
    if first is not None and first > start:
        report.notes.append(
            f"stored claims start on {first.isoformat()}: HCCs coded in {year - 1} before "
            "then are not known"
        )
    if year + 1 not in PAYMENT_YEARS:
        report.notes.append(f"no CMS-HCC coefficients for payment year {year + 1}: RAF not shown")
    by_patient = practice_records(session, practice_id, start, end, patient=patient)
    for key, records in sorted(by_patient.items()):
        records.sort(key=lambda r: (r.day, r.claim_key))
        if (records[-1].filing_indicator or "").upper() not in MEDICARE:
            continue
        kept = [r for r in records if eligible(r)]
        prior = [r for r in kept if r.day.year == year - 1]
        current = [r for r in kept if r.day.year == year]
        if not prior or not kept:
            continue
        subject = kept[-1]
        on = current[-1].day if current else dt.date(year, 1, 1)
        gaps = recapture_gaps(prior, current, view_for, on, subject)
        if not gaps:
            continue
        now = [c for r in current for c in r.codes]
        total = raf_delta(now, now + [g.codes[0] for g in gaps], subject, year + 1)
        report.patients.append(PatientGaps(key, subject.provider_npi, gaps, total))
    return report


@app.command("gaps")
def gaps(
    patient: Annotated[
        str | None,
        typer.Option("--patient", help="A patient key as listed (8 or more characters)."),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            help="Year to recapture in (default: this year); the HCCs "
            "looked for are those coded the year before.",
        ),
    ] = None,
    base_rate: Annotated[
        str | None,
        typer.Option("--base-rate", help="Annual dollars per 1.0 RAF (default 12000.00)."),
    ] = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Per provider, the patients with chronic HCCs coded last year but not yet this year,
    with the estimated raw RAF value of recapturing them and its dollars a year."""
    from cleanclaim.cli.admin import upgrade_database
    from cleanclaim.codesets.store import default_store
    from cleanclaim.edits.hcc_history import base_rate as parse_rate
    from cleanclaim.storage.accounts import actor
    from cleanclaim.storage.db import session_scope

    if patient is not None and not _KEY.match(patient.strip().lower()):
        raise UsageError(
            f"--patient {patient!r}: give a patient key as listed by `cleanclaim hcc gaps` "
            "(8 to 64 hexadecimal characters)"
        )
    chosen = year if year is not None else dt.date.today().year
    if not 2000 <= chosen <= 2100:
        raise UsageError(f"--year {chosen}: expected a year between 2000 and 2100")
    rate = parse_rate({"hcc_base_rate": base_rate} if base_rate is not None else {})
    store = default_store()
    upgrade_database()
    with session_scope() as session:
        who = actor(session, current_user(), current_practice())
        report = build_report(session, who.practice_id, store, chosen, rate, patient)
    if format is Format.json:
        print_json(report.to_json())
        return
    _print(report)


def _print(report: Report) -> None:
    from cleanclaim.edits.hcc_history import dollars

    for note in report.notes:
        console.print(f"note: {note}", style="yellow", markup=False)
    if not report.patients:
        console.print(f"No recapture gaps for {report.year}.", markup=False)
        return
    table = Table(title=f"HCC recapture gaps {report.year} (payment year {report.year + 1})")
    for name in ("Provider", "Patient", "HCC", "Label", "Last coded", "Codes", "RAF", "$/year"):
        table.add_column(name, justify="right" if name in ("RAF", "$/year") else "left")
    for p in sorted(report.patients, key=lambda p: (p.provider_npi, p.patient_key)):
        for g in p.gaps:
            raf = "n/a" if g.raf is None else f"{g.raf:+.3f}"
            money = "n/a" if g.raf is None else f"{dollars(g.raf, report.rate):,.2f}"
            table.add_row(
                p.provider_npi,
                p.patient_key[:SHORT],
                g.hcc,
                g.label or "",
                g.last_coded.isoformat(),
                ", ".join(map(_dotted, g.codes)),
                raf,
                money,
            )
    console.print(table)
    console.print(
        f"{len(report.patients)} patient(s); RAF values are raw V28 estimates at "
        f"${report.rate:,.2f} per RAF point a year.",
        markup=False,
    )
