"""``cleanclaim claims show|history CLAIM``: one claim's versions and lifecycle.

Outputs name claims by claim key and CLM01 and show dates, codes, amounts and payers;
never patient names, member ids or birth dates.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from cleanclaim.cli._common import Format, console, current_practice, current_user, print_json

app = typer.Typer(help="Stored claims: versions and lifecycle.", no_args_is_help=True)

ClaimArg = Annotated[str, typer.Argument(help="Claim key, or a CLM01 unique in the practice.")]
FormatOpt = Annotated[Format, typer.Option("--format", help="Output format.")]


def _load(ref: str, build: Any) -> dict[str, Any]:
    from cleanclaim.claims.lookup import find_claim
    from cleanclaim.cli.admin import upgrade_database
    from cleanclaim.storage.accounts import actor
    from cleanclaim.storage.db import session_scope

    upgrade_database()
    with session_scope() as session:
        who = actor(session, current_user(), current_practice())
        row = find_claim(session, who.practice_id, ref)
        data: dict[str, Any] = build(session, row)
        return data


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _show(session: Any, row: Any) -> dict[str, Any]:
    from sqlalchemy import select

    from cleanclaim.storage.tables_x12 import (
        ClaimLineRow,
        ClaimRow,
        RemitClaimRow,
        RemittanceRow,
    )

    lines = session.scalars(
        select(ClaimLineRow).where(ClaimLineRow.claim_id == row.id).order_by(ClaimLineRow.id)
    )
    original = session.get(ClaimRow, row.original_id) if row.original_id else None
    remits = session.execute(
        select(RemitClaimRow, RemittanceRow)
        .join(RemittanceRow, RemittanceRow.id == RemitClaimRow.remittance_id)
        .where(RemitClaimRow.claim_id == row.id)
        .order_by(RemitClaimRow.id)
    ).all()
    dx = [d.get("code") for d in row.claim_json.get("diagnoses", [])]
    return {
        "claim_key": row.claim_key,
        "clm01": row.clm01,
        "version": row.version,
        "version_kind": row.version_kind,
        "frequency_code": row.frequency_code,
        "claim_type": row.claim_type,
        "status": row.status,
        "submitted_on": _day(row.submitted_on),
        "billing_npi": row.billing_npi,
        "payer": {"id": row.payer_id, "name": row.payer_name},
        "payer_claim_number": row.payer_claim_number,
        "original": original.claim_key if original else None,
        "service_from": _day(row.service_from),
        "service_to": _day(row.service_to),
        "total_charge": _money(row.total_charge),
        "diagnoses": dx,
        "lines": [
            {
                "line": ln.line_number,
                "procedure": ln.procedure_code,
                "modifiers": ln.modifiers,
                "revenue_code": ln.revenue_code,
                "units": None if ln.units is None else str(ln.units.normalize()),
                "charge": _money(ln.charge),
                "service_from": _day(ln.service_from),
                "service_to": _day(ln.service_to),
                "diagnosis_pointers": ln.diagnosis_pointers,
            }
            for ln in lines
        ],
        "remittances": [
            {
                "trace": rem.trace_number,
                "payment_date": _day(rem.payment_date),
                "status_code": rc.status_code,
                "role": rc.chain_role,
                "charge": _money(rc.charge),
                "paid": _money(rc.paid),
                "payer_claim_number": rc.payer_claim_number,
            }
            for rc, rem in remits
        ],
    }


def _history(session: Any, row: Any) -> dict[str, Any]:
    from cleanclaim.claims.lookup import claim_events, claim_family
    from cleanclaim.storage.tables_x12 import X12File

    family = claim_family(session, row)
    by_id = {r.id: r for r in family}
    files: dict[int, str] = {}
    events = []
    for ev in claim_events(session, list(by_id)):
        if ev.source_file_id is not None and ev.source_file_id not in files:
            f = session.get(X12File, ev.source_file_id)
            files[ev.source_file_id] = f.name if f else ""
        claim = by_id[ev.claim_id]
        events.append(
            {
                "at": ev.created_at.isoformat(timespec="seconds"),
                "claim_key": claim.claim_key,
                "version": claim.version,
                "event": ev.event,
                "from": ev.from_status,
                "to": ev.to_status,
                "occurred_on": _day(ev.occurred_on),
                "source": ev.source_kind,
                "file": files.get(ev.source_file_id) if ev.source_file_id else None,
                "by": ev.created_by,
                "detail": ev.detail,
            }
        )
    return {
        "claim_key": row.claim_key,
        "clm01": row.clm01,
        "versions": [
            {
                "claim_key": r.claim_key,
                "clm01": r.clm01,
                "version": r.version,
                "version_kind": r.version_kind,
                "frequency_code": r.frequency_code,
                "status": r.status,
                "submitted_on": _day(r.submitted_on),
                "total_charge": _money(r.total_charge),
                "original": by_id[r.original_id].claim_key if r.original_id in by_id else None,
            }
            for r in family
        ],
        "events": events,
    }


@app.command("show")
def show(claim: ClaimArg, format: FormatOpt = Format.table) -> None:
    """Show one claim version: codes, dates, amounts, payer, lines and remittances."""
    data = _load(claim, _show)
    if format is Format.json:
        print_json(data)
        return
    head = Table(title=f"Claim {data['claim_key']}", show_header=False)
    head.add_column("field")
    head.add_column("value")
    for label, value in (
        ("CLM01", data["clm01"]),
        (
            "version",
            f"{data['version']} ({data['version_kind']}, frequency {data['frequency_code']})",
        ),
        ("status", data["status"]),
        ("submitted on", data["submitted_on"]),
        ("billing NPI", data["billing_npi"]),
        ("payer", f"{data['payer']['name']} ({data['payer']['id']})"),
        ("payer claim number", data["payer_claim_number"]),
        ("replaces", data["original"]),
        ("service dates", f"{data['service_from']} to {data['service_to']}"),
        ("total charge", data["total_charge"]),
        ("diagnoses", " ".join(d for d in data["diagnoses"] if d)),
    ):
        head.add_row(label, "" if value is None else str(value))
    console.print(head)
    lines = Table(title="Lines")
    for col in (
        "line",
        "procedure",
        "modifiers",
        "revenue",
        "units",
        "charge",
        "from",
        "to",
        "dx pointers",
    ):
        lines.add_column(col)
    for ln in data["lines"]:
        lines.add_row(
            str(ln["line"]),
            ln["procedure"] or "",
            " ".join(ln["modifiers"]),
            ln["revenue_code"] or "",
            ln["units"] or "",
            ln["charge"],
            ln["service_from"] or "",
            ln["service_to"] or "",
            " ".join(str(p) for p in ln["diagnosis_pointers"]),
        )
    console.print(lines)
    if data["remittances"]:
        remits = Table(title="Remittances")
        for col in ("trace", "paid on", "CLP02", "role", "charge", "paid", "payer claim no."):
            remits.add_column(col)
        for r in data["remittances"]:
            remits.add_row(
                r["trace"],
                r["payment_date"] or "",
                r["status_code"],
                r["role"],
                r["charge"],
                r["paid"],
                r["payer_claim_number"],
            )
        console.print(remits)


@app.command("history")
def history(claim: ClaimArg, format: FormatOpt = Format.table) -> None:
    """Show a claim's versions and every lifecycle change, with time and source."""
    data = _load(claim, _history)
    if format is Format.json:
        print_json(data)
        return
    versions = Table(title=f"Versions of CLM01 {data['clm01']}")
    for col in (
        "claim key",
        "version",
        "kind",
        "freq",
        "status",
        "submitted",
        "charge",
        "replaces",
    ):
        versions.add_column(col)
    for v in data["versions"]:
        versions.add_row(
            v["claim_key"],
            str(v["version"]),
            v["version_kind"],
            v["frequency_code"],
            v["status"],
            v["submitted_on"] or "",
            v["total_charge"],
            v["original"] or "",
        )
    console.print(versions)
    events = Table(title="Lifecycle")
    for col in ("recorded", "claim key", "event", "from", "to", "date", "source", "file"):
        events.add_column(col)
    for e in data["events"]:
        events.add_row(
            e["at"],
            e["claim_key"],
            e["event"],
            e["from"] or "",
            e["to"],
            e["occurred_on"] or "",
            e["source"],
            e["file"] or "",
        )
    console.print(events)
