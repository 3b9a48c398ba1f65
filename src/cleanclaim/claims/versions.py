"""Storing claim versions from an 837: versions, families, lines and their facts.

Each claim of a transaction set is stored as a new version of its family (billing NPI +
CLM01): an original, a resubmission, a replacement (7) or a void (8), with its service lines,
its facts (:mod:`cleanclaim.claims.facts`) and a ``submitted`` lifecycle event, in runs of
:data:`~cleanclaim.claims.lifecycle.RUN` claims (one family lookup and one bulk insert each).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, defer

from cleanclaim.claims.facts import claim_facts
from cleanclaim.claims.lifecycle import (
    IngestContext,
    bulk_insert,
    claim_key_for,
    event_row,
    patient_key,
    runs,
    table_of,
    to_jsonable,
    transition,
)
from cleanclaim.claims.model import Claim, ServiceLine
from cleanclaim.storage.tables_facts import ClaimFactRow
from cleanclaim.storage.tables_x12 import ClaimLineRow, ClaimRow
from cleanclaim.x12.parse837 import claim_content_hash


@dataclass(frozen=True)
class SetOrigin:
    """Where a claim came from: the envelope of its transaction set."""

    interchange_control: str
    group_control: str
    set_control: str


OnStored = Callable[[Session, list[tuple[ClaimRow, Claim]]], None]
"""``on_stored(session, stored)``: called with each run of new versions (rows in storage
order, with their claims) once their lines exist."""


def _family(claim: Claim) -> tuple[str, str]:
    return claim.billing_provider.npi or "", claim.claim_id.strip()


def store_claims(
    ctx: IngestContext,
    claims: Sequence[Claim],
    origin: SetOrigin,
    on_stored: OnStored | None = None,
) -> int:
    """Store each claim as a new version, recorded as submitted on BHT04.

    Claims already stored (same business key) store nothing; returns how many there were.
    ``on_stored`` is called with every run of new versions (see :func:`runs`), after their
    lines exist and the versions they replace or void were moved; lifecycle events are
    written when the set ends.
    """
    return sum(_store_run(ctx, run, origin, on_stored) for run in runs(claims, _family))


def _store_run(
    ctx: IngestContext, run: list[Claim], origin: SetOrigin, on_stored: OnStored | None
) -> int:
    s = ctx.session
    families: dict[tuple[str, str], list[ClaimRow]] = {}
    query = (
        select(ClaimRow)
        .where(
            ClaimRow.practice_id == ctx.practice_id,
            ClaimRow.clm01.in_(sorted({_family(c)[1] for c in run})),
        )
        .options(defer(ClaimRow.claim_json))
        .order_by(ClaimRow.version)
    )
    for found in s.scalars(query):
        families.setdefault((found.billing_npi, found.clm01), []).append(found)
    new: list[tuple[Claim, dict[str, Any], ClaimRow | None]] = []
    for claim in run:
        npi, clm01 = _family(claim)
        family = families.get((npi, clm01), [])
        freq = claim.frequency_code or "1"
        content = claim_content_hash(claim)
        if any(r.frequency_code == freq and r.content_hash == content for r in family):
            continue
        version = family[-1].version + 1 if family else 1
        original: ClaimRow | None = None
        if freq in ("7", "8"):
            kind = "replacement" if freq == "7" else "void"
            original = _original_for(ctx, family, claim.original_reference)
        else:
            kind = "resubmission" if family else "original"
        new.append(
            (
                claim,
                {
                    "practice_id": ctx.practice_id,
                    "claim_key": claim_key_for(ctx.practice_id, npi, clm01, version),
                    "billing_npi": npi,
                    "clm01": clm01,
                    "version": version,
                    "version_kind": kind,
                    "frequency_code": freq,
                    "content_hash": content,
                    "claim_type": claim.claim_type,
                    "status": "submitted",
                    "submitted_on": claim.submission.created,
                    "payer_id": claim.payer.payer_id or "",
                    "payer_name": claim.payer.name,
                    "payer_claim_number": None,
                    "original_reference": claim.original_reference,
                    "service_from": claim.service_date_from,
                    "service_to": claim.service_date_to,
                    "total_charge": claim.total_charge,
                    "line_count": len(claim.lines),
                    "line_charge": sum((line.charge for line in claim.lines), Decimal("0.00")),
                    "patient_key": patient_key(ctx.salt, claim) if ctx.salt else None,
                    "claim_json": to_jsonable(claim),
                    "original_id": original.id if original else None,
                    "previous_id": family[-1].id if family else None,
                    "source_file_id": ctx.file_id,
                    "source_interchange_control": origin.interchange_control,
                    "source_group_control": origin.group_control,
                    "source_set_control": origin.set_control,
                    "source_segment": claim.source_segment,
                    "created_by": ctx.user,
                    "updated_by": ctx.user,
                },
                original,
            )
        )
    if not new:
        return len(run)
    ids = bulk_insert(s, ClaimRow, [values for _, values, _ in new], "claim_key")
    roots = _family_roots(s, [original for _, _, original in new if original is not None])
    s.execute(
        insert(table_of(ClaimFactRow)),
        [
            {
                "claim_id": claim_id,
                "family_id": roots[original.id] if original is not None else claim_id,
                "claim_key": v["claim_key"],
                "claim_type": v["claim_type"],
                "version_kind": v["version_kind"],
                "practice_id": ctx.practice_id,
                "patient_key": v["patient_key"],
                "created_by": ctx.user,
                **claim_facts(claim),
            }
            for claim_id, (claim, v, original) in zip(ids, new, strict=True)
        ],
    )
    lines: list[dict[str, Any]] = []
    for claim_id, (claim, v, original) in zip(ids, new, strict=True):
        lines += [_line_values(ctx, claim_id, v["patient_key"], line) for line in claim.lines]
        detail = {
            "version_kind": v["version_kind"],
            "frequency": v["frequency_code"],
            "set": origin.set_control,
        }
        if original is not None:
            detail["original"] = original.claim_key
        ctx.events.append(
            event_row(
                ctx,
                claim_id,
                "submitted",
                "scrubbed",
                "submitted",
                claim.submission.created,
                "837",
                detail,
            )
        )
    if lines:
        s.execute(insert(table_of(ClaimLineRow)), lines)
    for claim, v, original in new:
        if original is not None:
            void = v["version_kind"] == "void"
            transition(
                ctx,
                original,
                "closed" if void else original.status,
                "voided" if void else "replaced",
                source_kind="837",
                occurred_on=claim.submission.created,
                detail={"by": v["claim_key"]},
            )
    if on_stored is not None:
        stored = {
            r.id: r
            for r in s.scalars(
                select(ClaimRow).where(ClaimRow.id.in_(ids)).options(defer(ClaimRow.claim_json))
            )
        }
        on_stored(s, [(stored[i], claim) for i, (claim, _, _) in zip(ids, new, strict=True)])
    return len(run) - len(new)


def _line_values(
    ctx: IngestContext, claim_id: int, key: str | None, line: ServiceLine
) -> dict[str, Any]:
    return {
        "practice_id": ctx.practice_id,
        "claim_id": claim_id,
        "line_number": line.number,
        "procedure_qualifier": line.procedure_qualifier,
        "procedure_code": line.procedure_code,
        "modifiers": list(line.modifiers),
        "revenue_code": line.revenue_code,
        "units": line.units,
        "unit_basis": line.unit_basis,
        "charge": line.charge,
        "service_from": line.service_date_from,
        "service_to": line.service_date_to or line.service_date_from,
        "diagnosis_pointers": list(line.diagnosis_pointers),
        "place_of_service": line.place_of_service,
        "patient_key": key,
        "created_by": ctx.user,
    }


def _family_roots(session: Session, originals: list[ClaimRow]) -> dict[int, int]:
    """The family root (``claim_fact.family_id``) of each replaced version: a replacement
    or void joins the family of the version it replaces, however long the chain."""
    ids = sorted({r.id for r in originals})
    roots = {r.id: r.original_id or r.id for r in originals}  # without a fact row: one level
    if ids:
        for cid, root in session.execute(
            select(ClaimFactRow.claim_id, ClaimFactRow.family_id).where(
                ClaimFactRow.claim_id.in_(ids)
            )
        ):
            if root is not None:
                roots[cid] = root
    return roots


def _original_for(
    ctx: IngestContext, family: list[ClaimRow], reference: str | None
) -> ClaimRow | None:
    """The version a replacement or void refers to: by REF*F8, else the family's latest."""
    live = [r for r in family if r.version_kind != "void"]
    if reference:
        for row in reversed(live):
            if row.payer_claim_number == reference:
                return row
        other = ctx.session.scalars(
            select(ClaimRow)
            .where(
                ClaimRow.practice_id == ctx.practice_id,
                ClaimRow.payer_claim_number == reference,
                ClaimRow.version_kind != "void",
            )
            .order_by(ClaimRow.id.desc())
        ).first()
        if other is not None:
            return other
    return live[-1] if live else None
